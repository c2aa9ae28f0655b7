// Bill calculation, worked by hand. Every bill is also handed to the cycle, which recomputes each
// line from its basis (BASIS_MISMATCH) and totals it: what is proposed is what gets billed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  calculateBill,
  decideCycle,
  initialCycleState,
  quoteAdvance,
  type Bill,
  type BilledData,
  type BusinessDate,
  type ContractCommand,
  type ContractState,
  type Period,
} from '@renewal-ledger/core';
import { changePlan, contractOf, endContract, lumpSum, must, open, serviceFee } from '@renewal-ledger/testing/contracts';

const period = (start: string, end: string) => ({ start, end }) as Period;
const billOf = (contract: ContractState, start: string, end: string): Bill => must(calculateBill(contract, period(start, end)));
/** The bill as the cycle records it: accepted, with its total. */
const billed = (bill: Bill): BilledData => {
  const d = must(decideCycle(bill, initialCycleState()));
  return d.events[0]!.data as BilledData;
};
const lines = (b: Bill) => b.lines.map((l) => [l.code, l.amountMinor, l.basis && 'prorated' in l.basis ? l.basis.prorated : null]);

const utilities = { code: 'utilities', description: 'Shared utilities', basis: { kind: 'fixed', rateMinor: 2000 } };

const test = suite('bill calculation');

test('a 98.50 m2 flat at 3.20/m2 monthly joining on the 17th: 15 of 31 days, then whole months', () => {
  const flat = contractOf(open({ startDate: '2026-01-17', feePlan: { items: [serviceFee, utilities] } }));
  const first = billOf(flat, '2026-01-17', '2026-02-01');
  // 98.50 x 3.20 = 315.20 a month; x 15/31 = 152.516... -> 152.52. Utilities 20.00 x 15/31 = 9.677 -> 9.68.
  assert.equal(lines(first), [
    ['service', 15252, { days: 15, ofDays: 31 }],
    ['utilities', 968, { days: 15, ofDays: 31 }],
  ]);
  assert.equal(first.lines[0]!.basis, {
    kind: 'per-area',
    quantity: '98.50',
    rateMinor: 320,
    unit: 'm2',
    prorated: { days: 15, ofDays: 31 },
  });
  assert.equal(
    {
      cycleId: first.cycleId,
      commandId: first.commandId,
      at: first.at,
      dueDate: first.dueDate,
      currency: first.currency,
      actor: first.actor,
    },
    {
      cycleId: 'unit-0301/2026-01-17',
      commandId: 'bill:unit-0301/2026-01-17',
      at: '2026-01-17T00:00:00Z',
      dueDate: '2026-01-31',
      currency: 'CNY',
      actor: 'renewal-engine',
    },
  );
  assert.is(billed(first).totalMinor, 16220);
  const second = billOf(flat, '2026-02-01', '2026-03-01');
  assert.equal(lines(second), [
    ['service', 31520, null],
    ['utilities', 2000, null],
  ]);
  assert.is(billed(second).totalMinor, 33520);
  assert.is(second.dueDate, '2026-02-15');
});

test('only periods on the schedule can be billed', () => {
  const flat = contractOf(open({ startDate: '2026-01-17' }));
  const r = calculateBill(flat, period('2026-01-17', '2026-02-17'));
  assert.ok(E.isLeft(r));
  if (E.isLeft(r))
    assert.equal(
      { code: r.left.code, scheduledEnd: (r.left as { scheduledEnd?: string }).scheduledEnd },
      { code: 'PERIOD_NOT_ON_SCHEDULE', scheduledEnd: '2026-02-01' },
    );
  const before = calculateBill(contractOf(), period('2026-01-01', '2026-02-01'));
  assert.ok(E.isLeft(before) && before.left.code === 'NOT_OPENED');
});

const parking = (extra: ContractCommand[] = []) =>
  contractOf(
    open({
      contractId: 'park-07',
      subject: { kind: 'parking', spaces: 2 },
      cadence: 'quarterly',
      dueAfterDays: 10,
      feePlan: {
        items: [{ code: 'pass', description: 'Parking pass', basis: { kind: 'per-unit', rateMinor: 45000, unit: 'space' } }],
        discounts: [
          {
            code: 'prepay',
            description: 'Four quarters paid in advance',
            amount: { kind: 'percent', percent: '5' },
            eligibility: { kind: 'paid-periods-in-advance', periods: 4 },
          },
          {
            code: 'spring',
            description: 'Spring promotion',
            amount: { kind: 'fixed', amountMinor: 5000 },
            eligibility: { kind: 'promotion-window', from: '2026-03-01', to: '2026-05-31' },
          },
        ],
      },
    }),
    ...extra,
  );

test('a quarterly parking pass with a prepay discount: only the quarters paid in advance get it', () => {
  const plain = parking();
  // 2 spaces x 450.00 a quarter; spring promotion for the quarter starting in the window only.
  const q1 = billOf(plain, '2026-01-01', '2026-04-01');
  assert.equal(lines(q1), [['pass', 90000, null]]);
  assert.equal(q1.lines[0]!.basis, { kind: 'per-unit', quantity: '2', rateMinor: 45000, unit: 'space' });
  assert.equal(q1.discounts, []);
  assert.is(q1.dueDate, '2026-01-11');
  assert.equal(billOf(plain, '2026-04-01', '2026-07-01').discounts, [
    { code: 'spring', description: 'Spring promotion', amountMinor: 5000, eligibility: 'promotion from 2026-03-01 to 2026-05-31' },
  ]);

  // Four quarters in advance: 855.00 + 805.00 + 855.00 + 855.00 = 3,370.00.
  const quote = must(quoteAdvance(plain, { from: '2026-01-01' as BusinessDate, periods: 4 } as never));
  assert.equal(
    quote.periods.map((p) => [p.period.start, p.totalMinor]),
    [
      ['2026-01-01', 85500],
      ['2026-04-01', 80500],
      ['2026-07-01', 85500],
      ['2026-10-01', 85500],
    ],
  );
  assert.is(quote.totalMinor, 337000);
  const prepaid = parking([lumpSum('pay-2026', 337000, { contractId: 'park-07', advance: { from: '2026-01-01', periods: 4 } })]);
  const q1Prepaid = billOf(prepaid, '2026-01-01', '2026-04-01');
  assert.equal(q1Prepaid.discounts, [
    {
      code: 'prepay',
      description: 'Four quarters paid in advance',
      amountMinor: 4500,
      eligibility: 'paid 4 periods in advance from 2026-01-01 (lump sum pay-2026)',
    },
  ]);
  assert.is(billed(q1Prepaid).totalMinor, 85500);
  assert.is(billed(billOf(prepaid, '2026-04-01', '2026-07-01')).totalMinor, 80500);
  assert.is(billed(billOf(prepaid, '2026-10-01', '2027-01-01')).totalMinor, 85500);
  // The fifth quarter was not paid in advance.
  assert.is(billed(billOf(prepaid, '2027-01-01', '2027-04-01')).totalMinor, 90000);
  // Two quarters in advance do not qualify for a four-quarter discount.
  const twoAhead = parking([lumpSum('pay-h1', 180000, { contractId: 'park-07', advance: { from: '2026-01-01', periods: 2 } })]);
  assert.equal(billOf(twoAhead, '2026-01-01', '2026-04-01').discounts, []);
});

test('a fee increase from 1 July: June at the old rates, July at the new', () => {
  const higher = {
    items: [
      { ...serviceFee, basis: { kind: 'per-area', rateMinor: 350 } },
      { ...utilities, basis: { kind: 'fixed', rateMinor: 2500 } },
    ],
  };
  const flat = contractOf(open({ feePlan: { items: [serviceFee, utilities] } }), changePlan('2026-rise', '2026-07-01', higher));
  assert.equal(lines(billOf(flat, '2026-06-01', '2026-07-01')), [
    ['service', 31520, null],
    ['utilities', 2000, null],
  ]);
  // 98.50 x 3.50 = 344.75.
  assert.equal(lines(billOf(flat, '2026-07-01', '2026-08-01')), [
    ['service', 34475, null],
    ['utilities', 2500, null],
  ]);
});

test('a fee increase from 15 July splits July: 14 days at the old rates, 17 at the new', () => {
  const higher = {
    items: [
      { ...serviceFee, basis: { kind: 'per-area', rateMinor: 350 } },
      { ...utilities, basis: { kind: 'fixed', rateMinor: 2500 } },
    ],
  };
  const flat = contractOf(open({ feePlan: { items: [serviceFee, utilities] } }), changePlan('2026-rise', '2026-07-15', higher));
  const july = billOf(flat, '2026-07-01', '2026-08-01');
  // 315.20 x 14/31 = 142.348 -> 142.35; 20.00 x 14/31 = 9.03; 344.75 x 17/31 = 189.056 -> 189.06; 25.00 x 17/31 = 13.71.
  assert.equal(lines(july), [
    ['service', 14235, { days: 14, ofDays: 31 }],
    ['utilities', 903, { days: 14, ofDays: 31 }],
    ['service@2026-07-15', 18906, { days: 17, ofDays: 31 }],
    ['utilities@2026-07-15', 1371, { days: 17, ofDays: 31 }],
  ]);
  assert.is(july.lines[2]!.description, 'Property service fee from 2026-07-15');
  assert.is(billed(july).totalMinor, 35415);
  assert.equal(lines(billOf(flat, '2026-08-01', '2026-09-01')), [
    ['service', 34475, null],
    ['utilities', 2500, null],
  ]);
});

test('a tenure discount from the third anniversary; a fixed discount is prorated with the last period', () => {
  const loyal = {
    items: [serviceFee],
    discounts: [
      {
        code: 'tenure',
        description: 'Three years with us',
        amount: { kind: 'percent', percent: '2' },
        eligibility: { kind: 'tenure-at-least', years: 3 },
      },
    ],
  };
  const flat = contractOf(open({ startDate: '2023-03-01', feePlan: loyal }));
  assert.equal(billOf(flat, '2026-02-01', '2026-03-01').discounts, []);
  // 2% of 315.20 = 6.304 -> 6.30.
  assert.equal(billOf(flat, '2026-03-01', '2026-04-01').discounts, [
    {
      code: 'tenure',
      description: 'Three years with us',
      amountMinor: 630,
      eligibility: 'customer for 3 years or more (since 2023-03-01)',
    },
  ]);

  const fixed = {
    items: [serviceFee],
    discounts: [
      {
        code: 'loyal',
        description: 'Loyalty',
        amount: { kind: 'fixed', amountMinor: 1000 },
        eligibility: { kind: 'promotion-window', from: '2026-01-01', to: '2026-12-31' },
      },
    ],
  };
  const leaving = contractOf(open({ feePlan: fixed }), endContract('2026-03-10'));
  const last = billOf(leaving, '2026-03-01', '2026-03-10');
  // 9 of 31 days: 315.20 x 9/31 = 91.509 -> 91.51; the 10.00 discount x 9/31 = 2.90.
  assert.equal(lines(last), [['service', 9151, { days: 9, ofDays: 31 }]]);
  assert.equal(
    last.discounts!.map((d) => d.amountMinor),
    [290],
  );
  assert.is(billed(last).totalMinor, 8861);
  const r = calculateBill(leaving, period('2026-03-10', '2026-04-01'));
  assert.ok(E.isLeft(r) && r.left.code === 'PERIOD_NOT_ON_SCHEDULE');
});

test('discounts together never exceed the lines', () => {
  const generous = {
    items: [{ code: 'gym', description: 'Gym membership', basis: { kind: 'per-unit', rateMinor: 10000 } }],
    discounts: [
      {
        code: 'half',
        description: 'Half price',
        amount: { kind: 'percent', percent: '50' },
        eligibility: { kind: 'promotion-window', from: '2026-01-01', to: '2026-12-31' },
      },
      {
        code: 'voucher',
        description: 'Voucher',
        amount: { kind: 'fixed', amountMinor: 8000 },
        eligibility: { kind: 'promotion-window', from: '2026-01-01', to: '2026-12-31' },
      },
    ],
  };
  const gym = contractOf(open({ contractId: 'gym-11', subject: { kind: 'membership', plan: 'Gold', members: 2 }, feePlan: generous }));
  const b = billOf(gym, '2026-01-01', '2026-02-01');
  assert.equal(lines(b), [['gym', 20000, null]]);
  assert.equal(
    b.discounts!.map((d) => [d.code, d.amountMinor]),
    [
      ['half', 10000],
      ['voucher', 8000],
    ],
  );
  const capped = contractOf(open({ contractId: 'gym-11', subject: { kind: 'membership', plan: 'Gold' }, feePlan: generous }));
  // One member: 100.00; half is 50.00 and the voucher only the 50.00 left.
  assert.equal(
    billOf(capped, '2026-01-01', '2026-02-01').discounts!.map((d) => [d.code, d.amountMinor]),
    [
      ['half', 5000],
      ['voucher', 5000],
    ],
  );
  assert.is(billed(billOf(capped, '2026-01-01', '2026-02-01')).totalMinor, 0);
});

test.run();
