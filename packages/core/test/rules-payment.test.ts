// The rules of `RecordPayment`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { cycleFigures, decodeCommand } from '@renewal-ledger/core';
import { adjust, bill, BILL_TOTAL, cast, duplicateOf, event, given, history, MAX, meta, pay, refund, simpleBill } from './builders.js';

const test = suite('RecordPayment');
const billed = () => history(bill());

test('a payment is recorded with its channel, reference and offline flag', () => {
  const c = pay('p1', 10000, { channel: 'wechat-pay', reference: 'WX-4200001', offline: true });
  given(billed())
    .when(c)
    .then([
      event('Paid', { ...meta(c), paymentId: 'p1', amountMinor: 10000, channel: 'wechat-pay', reference: 'WX-4200001', offline: true }),
    ]);
});

test('OVERPAYMENT: more than outstanding is refused with both figures; exactly outstanding is accepted', () => {
  given(billed())
    .when(pay('p1', BILL_TOTAL + 1))
    .thenFails({ code: 'OVERPAYMENT', outstandingMinor: BILL_TOTAL, attemptedMinor: BILL_TOTAL + 1 });
  given(billed())
    .when(pay('p1', BILL_TOTAL))
    .thenState((s) => cycleFigures(s).outstandingMinor === 0);
});

test("a refusal writes amounts in the bill currency's decimals: JPY 0, KWD 3, CNY 2", () => {
  // 150,000 yen billed, 200,000 offered; 12.345 dinar billed, 20.000 offered.
  const yen = given(history(simpleBill(150000, { currency: 'JPY' })))
    .when(pay('p1', 200000, { currency: 'JPY' }))
    .thenFails({ code: 'OVERPAYMENT' });
  assert.is(yen.message, 'payment of 200000 exceeds the outstanding 150000');
  const dinar = given(history(simpleBill(12345, { currency: 'KWD' })))
    .when(pay('p1', 20000, { currency: 'KWD' }))
    .thenFails({ code: 'OVERPAYMENT' });
  assert.is(dinar.message, 'payment of 20.000 exceeds the outstanding 12.345');
  const yuan = given(history(simpleBill(31520)))
    .when(pay('p1', 40000))
    .thenFails({ code: 'OVERPAYMENT' });
  assert.is(yuan.message, 'payment of 400.00 exceeds the outstanding 315.20');
});

test('OVERPAYMENT counts earlier payments: after 10000 of 44000, 34001 is too much', () => {
  const events = history(bill(), pay('p1', 10000));
  given(events).when(pay('p2', 34001)).thenFails({ code: 'OVERPAYMENT', outstandingMinor: 34000, attemptedMinor: 34001 });
  given(events).when(pay('p2', 34000)).thenState();
});

test('OVERPAYMENT on a settled cycle, and after an adjustment that left the customer in credit', () => {
  const settled = history(bill(), pay('p1', BILL_TOTAL));
  given(settled).when(pay('p2', 1)).thenFails({ code: 'OVERPAYMENT', outstandingMinor: 0, attemptedMinor: 1 });
  const credit = history(bill(), pay('p1', BILL_TOTAL), adjust('a1', 500));
  given(credit).when(pay('p2', 1)).thenFails({ code: 'OVERPAYMENT', outstandingMinor: -500, attemptedMinor: 1 });
});

test('CURRENCY_MISMATCH: a payment in another currency than the bill', () => {
  given(billed())
    .when(pay('p1', 100, { currency: 'USD' }))
    .thenFails({ code: 'CURRENCY_MISMATCH', billCurrency: 'CNY', paymentCurrency: 'USD' });
  given(billed())
    .when(pay('p1', 100, { currency: 'CNY' }))
    .thenState((s) => s.payments[0]?.currency === 'CNY');
});

test('DUPLICATE_REFERENCE: the same bank reference on the same channel must not count twice', () => {
  const events = history(bill(), pay('p1', 1000, { channel: 'bank-transfer', reference: 'TX-991' }));
  given(events)
    .when(pay('p2', 1000, { channel: 'bank-transfer', reference: 'TX-991' }))
    .thenFails({ code: 'DUPLICATE_REFERENCE', reference: 'TX-991', channel: 'bank-transfer', paymentId: 'p1' });
  // The same reference text on another channel is another transaction.
  given(events)
    .when(pay('p2', 1000, { channel: 'alipay', reference: 'TX-991' }))
    .thenState();
  given(events)
    .when(pay('p2', 1000, { channel: 'bank-transfer', reference: 'TX-992' }))
    .thenState();
});

test('ID_CONFLICT: a paymentId used again with other data', () => {
  const events = history(bill(), pay('p1', 1000));
  given(events)
    .when(pay('p1', 2000, { commandId: 'pay-p1-again' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'paymentId', id: 'p1', existingCommandId: 'pay-p1' });
  given(events)
    .when(pay('p1', 1000, { commandId: 'pay-p1-again', channel: 'card' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'paymentId' });
  given(events)
    .when(pay('p1', 1000, { commandId: 'pay-p1-again', at: '2026-01-10T09:00:01Z' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'paymentId' });
});

test('the same payment entered again (another command id, another clerk) is the same fact: a paymentId duplicate', () => {
  const events = history(bill(), pay('p1', 1000, { reference: 'TX-1', channel: 'card' }));
  const again = pay('p1', 1000, { reference: 'TX-1', channel: 'card', commandId: 'pay-p1-offline-entry', actor: 'clerk-wang' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'paymentId', id: 'p1' });
});

test('the same payment entered again after it settled the cycle is still a duplicate, not an overpayment', () => {
  const events = history(bill(), pay('p1', BILL_TOTAL));
  assert.equal(duplicateOf(events, pay('p1', BILL_TOTAL, { commandId: 'pay-p1-retry' })), { key: 'paymentId', id: 'p1' });
});

test('INVALID_AMOUNT through decide: zero, negative, fractional, NaN or unsafe amounts', () => {
  for (const value of [0, -5, 1.5, Number.NaN, MAX + 2, '100']) {
    const err = given(billed())
      .when(cast(pay('p1', 100), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor' });
    assert.ok(Object.is(err.code === 'INVALID_AMOUNT' && err.value, value));
  }
});

test('an invalid amount under a paymentId already used is an ID_CONFLICT, never a crash', () => {
  const events = history(bill(), pay('p1', 1000));
  for (const value of [Number.NaN, Infinity, -1000])
    given(events)
      .when(cast(pay('p1', 1000, { commandId: 'x' }), { amountMinor: value }))
      .thenFails({ code: 'ID_CONFLICT' });
});

test('INVALID_AMOUNT through decodeCommand', () => {
  const r = decodeCommand({
    type: 'RecordPayment',
    commandId: 'c',
    cycleId: 'x',
    actor: 'a',
    at: '2026-01-10T09:00:00Z',
    paymentId: 'p1',
    amountMinor: 0,
    channel: 'cash',
  });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.equal(r.left.problems, [{ path: 'amountMinor', message: 'expected a positive safe integer, got 0' }]);
});

test('AMOUNT_OUT_OF_RANGE: payments whose running total would leave the safe range', () => {
  // Paid and refunded in full: outstanding is back to MAX, but gross payments already count MAX - 10.
  const events = history(simpleBill(MAX), pay('p1', MAX - 10), refund('r1', 'p1', MAX - 10));
  given(events)
    .when(pay('p2', 11))
    .thenFails({ code: 'AMOUNT_OUT_OF_RANGE', field: 'payments', operands: [MAX - 10, 11] });
  given(events)
    .when(pay('p2', 10))
    .thenState((s) => cycleFigures(s).paidMinor === MAX);
});

test.run();
