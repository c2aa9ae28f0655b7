// The rules of `Refund`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { bill, BILL_TOTAL, cast, duplicateOf, event, given, history, meta, pay, refund } from './builders.js';

const test = suite('Refund');
const paid = () => history(bill(), pay('p1', 10000), pay('p2', 5000));

test('a refund of part of a payment is recorded and raises what is outstanding', () => {
  const c = refund('r1', 'p1', 4000);
  given(paid())
    .when(c)
    .then([event('Refunded', { ...meta(c), refundId: 'r1', paymentId: 'p1', amountMinor: 4000, reason: 'paid twice at the counter' })]);
  const s = given(paid()).when(c).thenState();
  assert.is(cycleFigures(s).outstandingMinor, BILL_TOTAL - 15000 + 4000);
});

test('UNKNOWN_PAYMENT: a refund of a payment this cycle never saw', () => {
  given(paid())
    .when(refund('r1', 'p9', 100))
    .thenFails({ code: 'UNKNOWN_PAYMENT', paymentId: 'p9' });
  given(paid())
    .when(refund('r1', 'p2', 100))
    .thenState();
});

test('REFUND_EXCEEDS_PAYMENT: refunds of one payment add up to more than it', () => {
  given(paid())
    .when(refund('r1', 'p1', 10001))
    .thenFails({ code: 'REFUND_EXCEEDS_PAYMENT', paymentId: 'p1', paymentMinor: 10000, refundedMinor: 0, attemptedMinor: 10001 });
  const partly = history(bill(), pay('p1', 10000), pay('p2', 5000), refund('r1', 'p1', 6000));
  given(partly)
    .when(refund('r2', 'p1', 4001))
    .thenFails({ code: 'REFUND_EXCEEDS_PAYMENT', paymentId: 'p1', paymentMinor: 10000, refundedMinor: 6000, attemptedMinor: 4001 });
  given(partly)
    .when(refund('r2', 'p1', 4000))
    .thenState((s) => cycleFigures(s).refundedMinor === 10000);
});

test('refunds of another payment do not count against this one', () => {
  const events = history(bill(), pay('p1', 10000), pay('p2', 5000), refund('r1', 'p2', 5000));
  given(events)
    .when(refund('r2', 'p1', 10000))
    .thenState();
  given(events)
    .when(refund('r2', 'p2', 1))
    .thenFails({ code: 'REFUND_EXCEEDS_PAYMENT', paymentId: 'p2', paymentMinor: 5000, refundedMinor: 5000, attemptedMinor: 1 });
});

test('a refunded payment leaves room for a new payment of the same amount', () => {
  const events = history(bill(), pay('p1', BILL_TOTAL), refund('r1', 'p1', BILL_TOTAL));
  given(events)
    .when(pay('p2', BILL_TOTAL))
    .thenState((s) => cycleFigures(s).outstandingMinor === 0);
});

test('ID_CONFLICT: a refundId used again with other data', () => {
  const events = history(bill(), pay('p1', 10000), pay('p2', 5000), refund('r1', 'p1', 1000));
  given(events)
    .when(refund('r1', 'p1', 2000, { commandId: 'refund-r1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'refundId', id: 'r1', existingCommandId: 'refund-r1' });
  given(events)
    .when(refund('r1', 'p2', 1000, { commandId: 'refund-r1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'refundId', id: 'r1' });
});

test('the same refund entered again is a refundId duplicate, even when it would now exceed the payment', () => {
  const events = history(bill(), pay('p1', 10000), refund('r1', 'p1', 10000));
  const again = refund('r1', 'p1', 10000, { commandId: 'refund-r1-again', actor: 'clerk-wang' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'refundId', id: 'r1' });
});

test('INVALID_AMOUNT through decide', () => {
  for (const value of [0, -1, 2.5])
    given(paid())
      .when(cast(refund('r1', 'p1', 100), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor', value });
});

test.run();
