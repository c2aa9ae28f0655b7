// Questionable business times (docs/events.md): a fact dated more than ten years from its cycle's
// period, a bill due more than a year from its period, and what follows a fact dated before it are
// refused with the dates that explain it; real practice (payments before the due date,
// prepayments, offline payments entered later, billing in advance or in arrears) is not.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { addDaysTo, decideCycle, type BusinessDate } from '@renewal-ledger/core';
import { agree, bill, cancelPlan, dispute, given, history, pay, refund, resolve, stateOf, simpleBill } from './builders.js';
import { contractHistory, givenContract, lumpSum, open } from '@renewal-ledger/testing/contracts';

const test = suite('questionable business times');
const billed = () => history(bill());

// The default bill's period is [2026-01-01, 2026-02-01), due 2026-01-15.
// Ten years are 3,653 days: 2016-01-01 to 2026-01-01 holds three leap days (2016, 2020, 2024),
// 3,650 + 3 = 3,653, so the earliest date is 2016-01-01; 2026-02-01 to 2036-02-01 holds two
// (2028, 2032), 3,652 days, so the latest is 2036-02-02.
const FACTS = { periodStart: '2026-01-01', periodEnd: '2026-02-01', earliest: '2016-01-01', latest: '2036-02-02' };

test('a payment dated in 1900 (or 2062 for 2026) is refused with the window it missed', () => {
  given(billed())
    .when(pay('p1', 100, { at: '1900-01-10T09:00:00Z' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'at', value: '1900-01-10T09:00:00Z', ...FACTS });
  given(billed())
    .when(pay('p1', 100, { at: '2062-01-10T09:00:00Z' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'at', value: '2062-01-10T09:00:00Z', ...FACTS });
  // The edges of the window are inside it.
  given(billed())
    .when(pay('p1', 100, { at: '2016-01-01T00:00:00Z' }))
    .thenState();
  given(billed())
    .when(pay('p1', 100, { at: '2036-02-02T23:59:59Z' }))
    .thenState();
  given(billed())
    .when(pay('p1', 100, { at: '2015-12-31T23:59:59Z' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE' });
});

test('real practice is inside the rule: early payment, prepayment, old debt, offline entry', () => {
  // Before the due date, and before the period starts (paid in advance at the counter).
  given(billed())
    .when(pay('p1', 100, { at: '2026-01-05T09:00:00Z' }))
    .thenState();
  given(billed())
    .when(pay('p1', 100, { at: '2025-11-20T09:00:00Z' }))
    .thenState();
  // Collected nine years late.
  given(billed())
    .when(pay('p1', 100, { at: '2035-03-01T09:00:00Z' }))
    .thenState();
  // An offline payment: `at` is when the money moved; when it was keyed in is not the rule's business.
  given(billed())
    .when(pay('p1', 100, { at: '2026-01-20T09:00:00Z', offline: true }))
    .thenState();
});

test('a bill dated or due implausibly far from its period', () => {
  // A year is 366 days: 2026-01-01 - 366 = 2024-12-31 (2025 has 365 days); 2026-02-01 + 366 = 2027-02-02.
  const due = { periodStart: '2026-01-01', periodEnd: '2026-02-01', earliest: '2024-12-31', latest: '2027-02-02' };
  given([])
    .when(bill({ dueDate: '2023-01-15' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'dueDate', value: '2023-01-15', ...due });
  given([])
    .when(bill({ dueDate: '2027-02-03' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'dueDate', value: '2027-02-03', ...due });
  // Billing in advance (due before the period) and in arrears (due after it) are both fine.
  given([])
    .when(bill({ dueDate: '2025-12-15' }))
    .thenState();
  given([])
    .when(bill({ dueDate: '2026-03-15' }))
    .thenState();
  given([])
    .when(bill({ dueDate: '2024-12-31' }))
    .thenState();
  given([])
    .when(bill({ at: '1999-12-31T08:00:00Z' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'at', value: '1999-12-31T08:00:00Z', ...FACTS });
});

test('a refund dated before the payment it refunds', () => {
  const events = history(bill(), pay('p1', 10000, { at: '2026-01-20T10:30:00Z' }));
  given(events)
    .when(refund('r1', 'p1', 1000, { at: '2026-01-20T10:29:59Z' }))
    .thenFails({
      code: 'DATED_BEFORE_ORIGIN',
      origin: 'payment',
      originId: 'p1',
      originAt: '2026-01-20T10:30:00Z',
      at: '2026-01-20T10:29:59Z',
    });
  // The same instant or later is fine.
  given(events)
    .when(refund('r1', 'p1', 1000, { at: '2026-01-20T10:30:00Z' }))
    .thenState();
  given(events)
    .when(refund('r1', 'p1', 1000, { at: '2026-01-21T08:00:00Z' }))
    .thenState();
});

test('a dispute resolved before it was raised, a plan cancelled before it was agreed, an instalment due in 1990', () => {
  const disputed = history(bill(), dispute('d1', 5000));
  given(disputed)
    .when(resolve('d1', 'rejected', 0, { at: '2026-01-10T09:00:00Z' }))
    .thenFails({
      code: 'DATED_BEFORE_ORIGIN',
      origin: 'dispute',
      originId: 'd1',
      originAt: '2026-01-11T09:00:00Z',
      at: '2026-01-10T09:00:00Z',
    });
  const plan = [
    ['2026-02-01', 20000],
    ['2026-03-01', 24000],
  ] as const;
  const agreed = history(bill(), agree('plan-1', plan));
  given(agreed)
    .when(cancelPlan('plan-1', 'defaulted', { at: '2026-01-24T09:00:00Z' }))
    .thenFails({
      code: 'DATED_BEFORE_ORIGIN',
      origin: 'plan',
      originId: 'plan-1',
      originAt: '2026-01-25T09:00:00Z',
      at: '2026-01-24T09:00:00Z',
    });
  given(billed())
    .when(
      agree('plan-1', [
        ['1990-02-01', 20000],
        ['2026-03-01', 24000],
      ]),
    )
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'installments/0/dueDate', value: '1990-02-01', ...FACTS });
});

test('idempotency first: the same payment entered again is a duplicate before any date rule', () => {
  const events = history(bill(), pay('p1', 100, { at: '2026-01-20T09:00:00Z' }));
  given(events)
    .when(pay('p1', 100, { at: '2026-01-20T09:00:00Z', commandId: 'again' }))
    .thenNothing();
});

test('a lump sum dated more than ten years before its contract starts is refused', () => {
  const opened = contractHistory(open());
  // The contract starts on 2026-01-01: ten years before is 2016-01-01.
  givenContract(opened)
    .when(lumpSum('l1', 10000, { at: '1900-03-10T10:00:00Z' }))
    .thenFails({ code: 'DATE_OUT_OF_RANGE', field: 'at', value: '1900-03-10T10:00:00Z', earliest: '2016-01-01', startDate: '2026-01-01' });
  givenContract(opened)
    .when(lumpSum('l1', 10000, { at: '2025-12-20T10:00:00Z' }))
    .thenState();
});

const days = (date: string, n: number) => addDaysTo(n)(date as BusinessDate);

test('property: a payment is refused for its date exactly when the date is outside the ten-year window', () => {
  const events = history(simpleBill(1_000_000));
  const state = stateOf(events);
  fc.assert(
    fc.property(fc.integer({ min: -8000, max: 8000 }), fc.integer({ min: 0, max: 86399 }), (offset, seconds) => {
      const date = days('2026-01-01', offset);
      const at = `${date}T${new Date(seconds * 1000).toISOString().slice(11, 19)}Z`;
      const r = decideCycle(pay('p1', 100, { at }), state);
      const inside = date >= FACTS.earliest && date <= FACTS.latest;
      assert.is(E.isRight(r), inside, at);
      if (!inside) assert.is(E.isLeft(r) && r.left.code, 'DATE_OUT_OF_RANGE');
    }),
    // The window's first and last days and the days either side (offsets from 2026-01-01), at
    // the first and the last second of the day: random offsets seldom land on them.
    {
      examples: [
        [-3653, 0],
        [-3654, 86399],
        [3684, 86399],
        [3685, 0],
      ],
    },
  );
});

test('property: a refund is refused for its date exactly when it is before the payment', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 400 * 86400 }), fc.integer({ min: -86400 * 30, max: 86400 * 30 }), (paidAfter, refundAfter) => {
      const paidAt = new Date(Date.parse('2025-12-01T00:00:00Z') + paidAfter * 1000).toISOString().replace('.000Z', 'Z');
      const refundAt = new Date(Date.parse(paidAt) + refundAfter * 1000).toISOString().replace('.000Z', 'Z');
      const state = stateOf(history(bill(), pay('p1', 1000, { at: paidAt })));
      const r = decideCycle(refund('r1', 'p1', 100, { at: refundAt }), state);
      assert.is(E.isLeft(r) && r.left.code === 'DATED_BEFORE_ORIGIN', refundAfter < 0, `${paidAt} ${refundAt}`);
      assert.is(E.isRight(r), refundAfter >= 0);
    }),
    // At the payment's very second, and one second before it.
    {
      examples: [
        [0, 0],
        [3600, -1],
        [86399, 1],
      ],
    },
  );
});

test.run();
