// The refund relay against the local server playing Alipay's gateway (test/support): a cashier's
// refund recorded in the ledger reaches Alipay by itself, once, and Alipay's answer is recorded.
// The ledger is a real SQLite file holding March's bill of unit-0301, 315.20 (31520 fen).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { channelDecider, decodeCommand, type Instant } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { relayRefunds } from '@renewal-ledger/renewals';
import { alipayRefundSender, alipaySdk, precreate, receiveAlipayNotification } from '../src/index.js';
import { startFakeAlipay, type FakeAlipay } from './support/alipay-gateway.js';
import { CYCLE, ledger } from '@renewal-ledger/testing/channel-ledger';

const test = suite('refund relay (Alipay)');
let fake: FakeAlipay;
const sdk = () =>
  alipaySdk({ appId: fake.appId, privateKey: fake.app.privatePem, alipayPublicKey: fake.alipay.publicPem, gateway: fake.gateway });
const OUT_TRADE_NO = 'unit_0301_20260301_31520';
const now = () => '2026-03-12T02:00:05Z' as Instant;

test.before.each(async () => {
  fake = await startFakeAlipay();
});
test.after.each(async () => {
  await fake.close();
});

type Ledger = Awaited<ReturnType<typeof ledger>>;

const handle = async (l: Ledger, input: Record<string, unknown>) => {
  const command = decodeCommand({ cycleId: CYCLE, at: '2026-03-12T02:00:00Z', ...input });
  if (E.isLeft(command)) throw new Error(command.left.message);
  const r = await l.handler.handle(command.right);
  assert.is(r.status, 'applied');
};

/** The customer pays the whole bill (31520 fen) by Alipay; answers the ledger's payment id. */
const paidByAlipay = async (l: Ledger) => {
  await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
  const outcome = await receiveAlipayNotification({
    body: fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00'),
    sdk: sdk(),
    appId: fake.appId,
    handler: l.handler,
    channelHandler: l.channelHandler,
    receivedAt: '2026-03-10T02:00:01Z' as Instant,
  });
  assert.is(outcome.status, 'recorded');
  return `alipay-${fake.orders.get(OUT_TRADE_NO)!.tradeNo}`;
};

const refund = (l: Ledger, paymentId: string, refundId = 'refund-0301-03-1') =>
  handle(l, {
    type: 'Refund',
    commandId: refundId,
    actor: 'cashier-li',
    refundId,
    paymentId,
    amountMinor: 5000,
    reason: 'parking line billed twice',
  });

const answers = async (l: Ledger) =>
  (await l.channelEvents()).map((e) => e.type === 'ProviderRefundAnswered' && [e.streamName, e.data.amountMinor, e.data.status]);

test("a cashier's refund of an Alipay payment reaches Alipay once and its answer is recorded; a second run sends nothing", async () => {
  const l = await ledger();
  try {
    const paymentId = await paidByAlipay(l);
    await refund(l, paymentId);
    const sender = alipayRefundSender(sdk(), { channelHandler: l.channelHandler, now });
    const first = await relayRefunds({ store: l.store, senders: { alipay: sender } });
    assert.equal(first.refunds, [{ refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'sent', status: 'succeeded' }]);
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 1);
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    assert.equal(await answers(l), [['channel-alipay-refund-refund-0301-03-1', 5000, 'succeeded']]);
    // The whole log again (no checkpoint kept): the final answer on the refund's stream says it is done.
    const again = await relayRefunds({ store: l.store, senders: { alipay: sender } });
    assert.equal(again.refunds, [{ refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'already-answered', status: 'succeeded' }]);
    // From the first run's checkpoint: nothing left to read about, nothing sent either.
    const fromCheckpoint = await relayRefunds({ store: l.store, senders: { alipay: sender }, after: first.checkpoint });
    assert.equal(fromCheckpoint.refunds, []);
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 1);
    assert.is(fake.refunds.size, 1);
  } finally {
    l.close();
  }
});

test('a refund of a cash payment is not sent to any provider', async () => {
  const l = await ledger();
  try {
    await handle(l, {
      type: 'RecordPayment',
      commandId: 'pay-cash-1',
      actor: 'cashier-li',
      paymentId: 'cash-1',
      amountMinor: 31520,
      channel: 'cash',
    });
    await refund(l, 'cash-1');
    const report = await relayRefunds({
      store: l.store,
      senders: { alipay: alipayRefundSender(sdk(), { channelHandler: l.channelHandler, now }) },
    });
    assert.equal(report.refunds, [
      { refundId: 'refund-0301-03-1', outcome: 'not-relayed', why: { reason: 'not-a-provider-payment', channel: 'cash' } },
    ]);
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 0);
    assert.equal(await answers(l), []);
  } finally {
    l.close();
  }
});

test('a relay killed after Alipay accepted and before the answer was recorded sends again under the same key: one refund at Alipay', async () => {
  const l = await ledger();
  try {
    const paymentId = await paidByAlipay(l);
    await refund(l, paymentId);
    // The crash: Alipay accepts, then recording the answer fails (the process dies there).
    const real = getCommandHandler(channelDecider, { store: l.store });
    const crashing = {
      ...real,
      handle: async () => {
        throw new Error('killed before recording');
      },
    } as typeof real;
    const crashed = await relayRefunds({
      store: l.store,
      senders: { alipay: alipayRefundSender(sdk(), { channelHandler: crashing, now }) },
    });
    assert.equal(crashed.refunds, [
      { refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'failed', error: 'killed before recording' },
    ]);
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    assert.equal(await answers(l), []);
    // The checkpoint stays before the open refund, so the next run from it sees the refund again.
    const rerun = await relayRefunds({
      store: l.store,
      senders: { alipay: alipayRefundSender(sdk(), { channelHandler: l.channelHandler, now }) },
      after: crashed.checkpoint,
    });
    assert.equal(rerun.refunds, [{ refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'sent', status: 'succeeded' }]);
    // Sent twice under out_request_no refund-0301-03-1; Alipay moved 50.00 once.
    const sent = fake.calls.filter((c) => c.method === 'alipay.trade.refund');
    assert.is(sent.length, 2);
    assert.equal([...fake.refunds.keys()], ['refund-0301-03-1']);
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    assert.equal(await answers(l), [['channel-alipay-refund-refund-0301-03-1', 5000, 'succeeded']]);
  } finally {
    l.close();
  }
});

test('a refund without a sender for its provider stays open: it is reported and the checkpoint does not pass it', async () => {
  const l = await ledger();
  try {
    const paymentId = await paidByAlipay(l);
    await refund(l, paymentId);
    const report = await relayRefunds({ store: l.store, senders: {} });
    assert.equal(report.refunds, [{ refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'no-sender' }]);
    const later = await relayRefunds({
      store: l.store,
      senders: { alipay: alipayRefundSender(sdk(), { channelHandler: l.channelHandler, now }) },
      after: report.checkpoint,
    });
    assert.equal(
      later.refunds.map((r) => r.outcome),
      ['sent'],
    );
  } finally {
    l.close();
  }
});

test.run();
