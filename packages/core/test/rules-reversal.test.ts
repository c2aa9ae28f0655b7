// The rules of `ReversePayment`: a payment that bounced or was charged back after it was recorded.
// Figures by hand: the bill is 440.00 (BILL_TOTAL 44000); p1 pays 100.00, p2 50.00.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { bill, BILL_TOTAL, cast, duplicateOf, event, given, history, meta, pay, refund, reverse } from './builders.js';

const test = suite('ReversePayment');
const paid = () => history(bill(), pay('p1', 10000), pay('p2', 5000));

test('a reversal is its own fact, not a refund, and reopens what the payment paid', () => {
  const c = reverse('rv1', 'p1', 10000);
  given(paid())
    .when(c)
    .then([event('PaymentReversed', { ...meta(c), reversalId: 'rv1', paymentId: 'p1', amountMinor: 10000, reason: 'transfer bounced' })]);
  const f = cycleFigures(given(paid()).when(c).thenState());
  // 440.00 - (150.00 paid - 100.00 reversed) = 390.00 outstanding; nothing refunded.
  assert.equal(
    { paid: f.paidMinor, refunded: f.refundedMinor, reversed: f.reversedMinor, netPaid: f.netPaidMinor, outstanding: f.outstandingMinor },
    { paid: 15000, refunded: 0, reversed: 10000, netPaid: 5000, outstanding: 39000 },
  );
  assert.is(f.outstandingMinor, BILL_TOTAL - 5000);
});

test('a fully paid cycle reopens: the amount reversed is collectible again', () => {
  const events = history(bill(), pay('p1', BILL_TOTAL));
  const s = given(events)
    .when(reverse('rv1', 'p1', BILL_TOTAL))
    .thenState();
  assert.equal([cycleFigures(s).outstandingMinor, cycleFigures(s).collectibleMinor], [44000, 44000]);
  // and a new payment of the whole bill is accepted again
  given(history(bill(), pay('p1', BILL_TOTAL), reverse('rv1', 'p1', BILL_TOTAL)))
    .when(pay('p3', BILL_TOTAL))
    .thenState((x) => cycleFigures(x).outstandingMinor === 0);
});

test('UNKNOWN_PAYMENT: a reversal of a payment this cycle never saw', () => {
  given(paid())
    .when(reverse('rv1', 'p9', 100))
    .thenFails({ code: 'UNKNOWN_PAYMENT', paymentId: 'p9' });
});

test('PAYMENT_ALREADY_REVERSED: reversing twice, and refunding what was reversed', () => {
  const events = history(bill(), pay('p1', 10000), pay('p2', 5000), reverse('rv1', 'p1', 10000));
  given(events)
    .when(reverse('rv2', 'p1', 1))
    .thenFails({ code: 'PAYMENT_ALREADY_REVERSED', paymentId: 'p1', reversalId: 'rv1', reversedMinor: 10000 });
  given(events)
    .when(refund('r1', 'p1', 1))
    .thenFails({ code: 'PAYMENT_ALREADY_REVERSED', paymentId: 'p1', reversalId: 'rv1', reversedMinor: 10000 });
  // the other payment is untouched
  given(events)
    .when(reverse('rv2', 'p2', 5000))
    .thenState((s) => cycleFigures(s).reversedMinor === 15000);
});

test('REVERSAL_EXCEEDS_PAYMENT: a partly refunded payment reverses at most what is left', () => {
  // p1 100.00, 60.00 refunded: 40.00 is left to bounce.
  const partly = history(bill(), pay('p1', 10000), refund('r1', 'p1', 6000));
  given(partly)
    .when(reverse('rv1', 'p1', 4001))
    .thenFails({ code: 'REVERSAL_EXCEEDS_PAYMENT', paymentId: 'p1', paymentMinor: 10000, refundedMinor: 6000, attemptedMinor: 4001 });
  const s = given(partly)
    .when(reverse('rv1', 'p1', 4000))
    .thenState();
  // net paid 100.00 - 60.00 - 40.00 = 0: the whole bill is outstanding again.
  assert.equal([cycleFigures(s).netPaidMinor, cycleFigures(s).outstandingMinor], [0, BILL_TOTAL]);
});

test('the same reversal entered again is a reversalId duplicate; other data an ID_CONFLICT', () => {
  const events = history(bill(), pay('p1', 10000), reverse('rv1', 'p1', 10000));
  const again = reverse('rv1', 'p1', 10000, { commandId: 'reverse-rv1-again' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'reversalId', id: 'rv1' });
  given(events)
    .when(reverse('rv1', 'p1', 9000, { commandId: 'reverse-rv1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'reversalId', id: 'rv1', existingCommandId: 'reverse-rv1' });
});

test('DATED_BEFORE_ORIGIN and INVALID_AMOUNT', () => {
  given(history(bill(), pay('p1', 10000, { at: '2026-01-12T10:00:00Z' })))
    .when(reverse('rv1', 'p1', 10000, { at: '2026-01-11T10:00:00Z' }))
    .thenFails({ code: 'DATED_BEFORE_ORIGIN', origin: 'payment', originId: 'p1' });
  for (const value of [0, -1, 2.5])
    given(paid())
      .when(cast(reverse('rv1', 'p1', 100), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor', value });
});

test.run();
