// The rules of `Bill`, each accepted and refused, and the rules that hold for every command:
// NOT_BILLED before the bill, CYCLE_MISMATCH and the commandId idempotency key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand } from '@renewal-ledger/core';
import {
  adjust,
  agree,
  bill,
  billJson,
  BILL_TOTAL,
  cancelPlan,
  cast,
  CYCLE,
  dispute,
  duplicateOf,
  event,
  given,
  history,
  MAX,
  meta,
  pay,
  refund,
  remind,
  resolve,
  writeOff,
} from './builders.js';

const test = suite('Bill');
const billed = () => history(bill());

const line = (code: string, amountMinor: number, basis?: Record<string, unknown>) => ({
  code,
  description: `line ${code}`,
  amountMinor,
  ...(basis ? { basis } : {}),
});

test('a bill is accepted with its total worked out: 31520 + 15000 - 2520 = 44000', () => {
  const c = bill();
  given([])
    .when(c)
    .then([
      event('Billed', {
        ...meta(c),
        contractId: 'unit-0301',
        period: { start: '2026-01-01', end: '2026-02-01' },
        dueDate: '2026-01-15',
        currency: 'CNY',
        lines: billJson().lines,
        discounts: billJson().discounts,
        totalMinor: 44000,
      }),
    ]);
});

test('a bill without discounts records an empty discount list and the sum of its lines', () => {
  const c = bill({ discounts: undefined, lines: [line('a', 100), line('b', 250)] });
  const state = given([]).when(c).thenState();
  assert.equal(state.bill?.discounts, []);
  assert.is(state.bill?.totalMinor, 350);
});

test('NOT_BILLED: every other command before the bill is refused, naming its type', () => {
  const others = [
    pay('p1', 100),
    refund('r1', 'p1', 100),
    dispute('d1', 100),
    resolve('d1', 'rejected', 0),
    agree('plan-1', [
      ['2026-02-01', 50],
      ['2026-03-01', 50],
    ]),
    cancelPlan('plan-1'),
    adjust('a1', 100),
    remind('m1'),
    writeOff('w1', 100),
  ];
  assert.is(others.length, 9);
  for (const c of others) given([]).when(c).thenFails({ code: 'NOT_BILLED', commandType: c.type });
});

test('NOT_BILLED lifts once billed: the same payment is accepted', () => {
  given(billed())
    .when(pay('p1', 100))
    .thenState((s) => s.payments.length === 1);
});

test('ALREADY_BILLED: a second, different bill is refused with the first bill figures', () => {
  const second = bill({ commandId: 'bill-2', lines: [line('service', 40000)], discounts: [] });
  given(billed()).when(second).thenFails({ code: 'ALREADY_BILLED', billedByCommandId: 'bill-1', totalMinor: BILL_TOTAL });
});

test('an identical re-bill under another command id (and clerk) is the same fact: nothing, duplicate cycleId', () => {
  const again = bill({ commandId: 'bill-1-resent', actor: 'clerk-wang' });
  given(billed()).when(again).thenNothing();
  assert.equal(duplicateOf(billed(), again), { key: 'cycleId', id: CYCLE });
});

test('a re-bill that differs only in its time is a different fact: ALREADY_BILLED', () => {
  given(billed())
    .when(bill({ commandId: 'bill-2', at: '2026-01-02T08:00:00Z' }))
    .thenFails({ code: 'ALREADY_BILLED' });
});

test('ALREADY_BILLED (not a crash) when the second bill lines leave the safe range', () => {
  const huge = bill({ commandId: 'bill-2', lines: [line('a', MAX), line('b', MAX)], discounts: [] });
  given(billed()).when(huge).thenFails({ code: 'ALREADY_BILLED', totalMinor: BILL_TOTAL });
});

test('a repeated commandId emits nothing and is reported as a commandId duplicate', () => {
  given(billed()).when(bill()).thenNothing();
  assert.equal(duplicateOf(billed(), bill()), { key: 'commandId', id: 'bill-1' });
});

test('a repeated commandId is a duplicate even when the rules would now refuse the command', () => {
  // The retry of a payment that settled the cycle must not come back as OVERPAYMENT.
  const full = pay('p1', BILL_TOTAL);
  const events = history(bill(), full);
  given(events).when(full).thenNothing();
  assert.equal(duplicateOf(events, full), { key: 'commandId', id: 'pay-p1' });
  // ...whereas the same amount under a new command id and payment id is an overpayment.
  given(events).when(pay('p2', BILL_TOTAL)).thenFails({ code: 'OVERPAYMENT', outstandingMinor: 0 });
});

test('CYCLE_MISMATCH: a command for another cycle sent to this one is refused', () => {
  given(billed())
    .when(pay('p1', 100, { cycleId: 'unit-0302/2026-01' }))
    .thenFails({ code: 'CYCLE_MISMATCH', cycleId: CYCLE, commandCycleId: 'unit-0302/2026-01' });
  given(billed())
    .when(bill({ commandId: 'bill-2', cycleId: 'unit-0301/2026-02' }))
    .thenFails({ code: 'CYCLE_MISMATCH', cycleId: CYCLE, commandCycleId: 'unit-0301/2026-02' });
  given(billed())
    .when(pay('p1', 100, { cycleId: CYCLE }))
    .thenState();
});

test('INVALID_PERIOD: a period must end after it starts (half-open, so one day is the least)', () => {
  given([])
    .when(bill({ period: { start: '2026-02-01', end: '2026-02-01' } }))
    .thenFails({ code: 'INVALID_PERIOD', start: '2026-02-01', end: '2026-02-01' });
  given([])
    .when(bill({ period: { start: '2026-02-01', end: '2026-01-01' } }))
    .thenFails({ code: 'INVALID_PERIOD', start: '2026-02-01', end: '2026-01-01' });
  given([])
    .when(bill({ period: { start: '2026-02-01', end: '2026-02-02' } }))
    .thenState();
});

test('NO_BILL_LINES: a bill needs a line', () => {
  given([])
    .when(bill({ lines: [], discounts: [] }))
    .thenFails({ code: 'NO_BILL_LINES', lineCount: 0 });
  given([])
    .when(bill({ lines: [line('a', 1)], discounts: [] }))
    .thenState((s) => s.bill?.totalMinor === 1);
});

test('DUPLICATE_LINE_CODE: each line code once', () => {
  given([])
    .when(bill({ lines: [line('service', 100), line('parking', 100), line('service', 200)], discounts: [] }))
    .thenFails({ code: 'DUPLICATE_LINE_CODE', lineCode: 'service' });
  given([])
    .when(bill({ lines: [line('service', 100), line('parking', 100)], discounts: [] }))
    .thenState();
});

test('INVALID_AMOUNT through decide: a line or discount amount that is not a positive safe integer', () => {
  for (const value of [-5, 0, 1.5, Number.NaN, Infinity, MAX + 1, '100']) {
    given([])
      .when(cast(bill(), { lines: [line('a', 100), line('b', value as number)] }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'lines/1/amountMinor' });
    given([])
      .when(cast(bill(), { discounts: [{ code: 'd', description: 'd', amountMinor: value }] }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'discounts/0/amountMinor' });
  }
  const err = given([])
    .when(cast(bill(), { lines: [line('a', -5)] }))
    .thenFails({ code: 'INVALID_AMOUNT', field: 'lines/0/amountMinor', value: -5 });
  assert.is(err.message, 'lines/0/amountMinor must be a positive safe integer of minor units, got -5');
});

test('INVALID_AMOUNT through decodeCommand: the path of the bad amount in the message', () => {
  const json = billJson({ lines: [line('a', 100), line('b', 200), line('c', -5)] });
  const r = decodeCommand(json);
  assert.ok(E.isLeft(r));
  if (E.isRight(r)) return;
  assert.is(r.left.code, 'INVALID_INPUT');
  assert.equal(r.left.problems, [{ path: 'lines/2/amountMinor', message: 'expected a positive safe integer, got -5' }]);
  assert.ok(r.left.message.includes('lines/2/amountMinor: expected a positive safe integer, got -5'));
});

test('AMOUNT_OUT_OF_RANGE: lines or discounts whose sum leaves the safe integer range', () => {
  given([])
    .when(bill({ lines: [line('a', MAX), line('b', 1)], discounts: [] }))
    .thenFails({ code: 'AMOUNT_OUT_OF_RANGE', field: 'lines', operands: [MAX, 1] });
  given([])
    .when(
      bill({
        lines: [line('a', MAX)],
        discounts: [
          { code: 'x', description: 'x', amountMinor: MAX },
          { code: 'y', description: 'y', amountMinor: 1 },
        ],
      }),
    )
    .thenFails({ code: 'AMOUNT_OUT_OF_RANGE', field: 'discounts', operands: [MAX, 1] });
  // The largest safe total is fine.
  given([])
    .when(bill({ lines: [line('a', MAX - 1), line('b', 1)], discounts: [] }))
    .thenState((s) => s.bill?.totalMinor === MAX);
});

test('AMOUNT_OUT_OF_RANGE (not a crash) when a line basis computes beyond the safe range', () => {
  const basis = { kind: 'per-area', quantity: '999999999999', rateMinor: MAX };
  given([])
    .when(bill({ lines: [line('service', 100, basis)], discounts: [] }))
    .thenFails({ code: 'AMOUNT_OUT_OF_RANGE', field: 'lines/0/basis' });
});

test('BASIS_MISMATCH: per-area "98.50" m2 x 320 = 31520 is accepted, 31521 refused', () => {
  const basis = { kind: 'per-area', quantity: '98.50', rateMinor: 320 };
  given([])
    .when(bill({ lines: [line('service', 31520, basis)], discounts: [] }))
    .thenState();
  given([])
    .when(bill({ lines: [line('service', 31521, basis)], discounts: [] }))
    .thenFails({ code: 'BASIS_MISMATCH', lineCode: 'service', amountMinor: 31521, computedMinor: 31520 });
});

test('BASIS_MISMATCH: per-unit 2 x 15000 = 30000; the second line is named', () => {
  const basis = { kind: 'per-unit', quantity: '2', rateMinor: 15000, unit: 'parking space' };
  given([])
    .when(bill({ lines: [line('service', 100), line('parking', 30000, basis)], discounts: [] }))
    .thenState();
  given([])
    .when(bill({ lines: [line('service', 100), line('parking', 15000, basis)], discounts: [] }))
    .thenFails({ code: 'BASIS_MISMATCH', lineCode: 'parking', amountMinor: 15000, computedMinor: 30000 });
});

test('BASIS_MISMATCH with proration: 14 of 31 days of 31520 = 441280 / 31 = 14234.84 -> 14235', () => {
  const basis = { kind: 'per-area', quantity: '98.50', rateMinor: 320, prorated: { days: 14, ofDays: 31 } };
  given([])
    .when(bill({ lines: [line('service', 14235, basis)], discounts: [] }))
    .thenState();
  given([])
    .when(bill({ lines: [line('service', 14234, basis)], discounts: [] }))
    .thenFails({ code: 'BASIS_MISMATCH', computedMinor: 14235 });
});

test('BASIS_MISMATCH on a fixed basis with a rate: 5000 for 10 of 30 days = 1666.67 -> 1667', () => {
  const basis = { kind: 'fixed', rateMinor: 5000, prorated: { days: 10, ofDays: 30 } };
  given([])
    .when(bill({ lines: [line('club', 1667, basis)], discounts: [] }))
    .thenState();
  given([])
    .when(bill({ lines: [line('club', 1666, basis)], discounts: [] }))
    .thenFails({ code: 'BASIS_MISMATCH', computedMinor: 1667 });
  // A fixed basis without a rate has nothing to check against.
  given([])
    .when(bill({ lines: [line('club', 1234, { kind: 'fixed' })], discounts: [] }))
    .thenState();
});

test('DISCOUNTS_EXCEED_LINES: discounts above the lines are refused; equal makes a zero bill', () => {
  const discount = (amountMinor: number) => [{ code: 'promo', description: 'Promotion', amountMinor }];
  given([])
    .when(bill({ lines: [line('a', 1000), line('b', 500)], discounts: discount(1501) }))
    .thenFails({ code: 'DISCOUNTS_EXCEED_LINES', linesMinor: 1500, discountsMinor: 1501 });
  given([])
    .when(bill({ lines: [line('a', 1000), line('b', 500)], discounts: discount(1500) }))
    .thenState((s) => s.bill?.totalMinor === 0);
});

test.run();
