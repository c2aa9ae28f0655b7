// Which ledger refunds the refund relay sends to a provider: those of a payment whose channel is a
// provider's (alipay, wechat-pay) and that carries the provider's reference; everything else is
// the office's to pay out, and says why.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  initialCycleState,
  isFinalRefundStatus,
  PAYMENT_CHANNELS,
  relayedRefundOf,
  type CycleState,
  type PaidData,
  type RefundedData,
} from '@renewal-ledger/core';

const test = suite('refund relay: which refunds a provider takes');
const CYCLE = 'unit-0301/2026-03-01';
const paid = (over: Partial<PaidData>): PaidData =>
  ({
    commandId: 'pay-1',
    actor: 'cashier-li',
    at: '2026-03-10T02:00:00Z',
    paymentId: 'p-1',
    amountMinor: 31520,
    channel: 'alipay',
    ...over,
  }) as PaidData;
const refunded = (over: Partial<RefundedData> = {}): RefundedData =>
  ({
    commandId: 'r-1',
    actor: 'cashier-li',
    at: '2026-03-12T02:00:00Z',
    refundId: 'r-1',
    paymentId: 'p-1',
    amountMinor: 5000,
    reason: 'twice',
    ...over,
  }) as RefundedData;
const cycleWith = (...payments: PaidData[]): CycleState => ({ ...initialCycleState(), payments });

test('an Alipay payment with its trade_no: relayed with the refund id, the reference and both amounts', () => {
  const r = relayedRefundOf(CYCLE, refunded(), cycleWith(paid({ reference: '2026031022001' } as Partial<PaidData>)));
  assert.equal(r, {
    relay: {
      provider: 'alipay',
      refundId: 'r-1',
      cycleId: CYCLE,
      paymentId: 'p-1',
      reference: '2026031022001',
      paymentMinor: 31520,
      amountMinor: 5000,
      reason: 'twice',
    },
  });
});

test('a provider payment without a reference, and a refund of a payment the cycle does not hold, are not relayed', () => {
  assert.equal(relayedRefundOf(CYCLE, refunded(), cycleWith(paid({ channel: 'wechat-pay' }))), {
    skip: { reason: 'no-reference', provider: 'wechat-pay' },
  });
  assert.equal(relayedRefundOf(CYCLE, refunded({ paymentId: 'p-9' } as Partial<RefundedData>), cycleWith(paid({}))), {
    skip: { reason: 'unknown-payment' },
  });
});

test('property: relayed exactly when the payment came through alipay or wechat-pay, the amounts carried unchanged', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...PAYMENT_CHANNELS),
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.integer({ min: 1, max: 10_000_000 }),
      (channel, paymentMinor, refundMinor) => {
        const r = relayedRefundOf(
          CYCLE,
          refunded({ amountMinor: refundMinor } as Partial<RefundedData>),
          cycleWith(paid({ channel, amountMinor: paymentMinor, reference: 'ref-1' } as Partial<PaidData>)),
        );
        const isProvider = channel === 'alipay' || channel === 'wechat-pay';
        if (!isProvider) return 'skip' in r && r.skip.reason === 'not-a-provider-payment';
        return 'relay' in r && r.relay.provider === channel && r.relay.amountMinor === refundMinor && r.relay.paymentMinor === paymentMinor;
      },
    ),
  );
});

test('only processing is asked again', () => {
  assert.equal((['succeeded', 'processing', 'refused'] as const).map(isFinalRefundStatus), [true, false, true]);
});

test.run();
