// agingAsOf: what is overdue on a date and how old it is. The bill of the builders is 44000 due
// 2026-01-15; day counts below are worked out by hand (January has 31 days, February 2026 28).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { agingAsOf, agingBucketOf, type BusinessDate, type RenewalEvent } from '@renewal-ledger/core';
import { agree, bill, cancelPlan, dispute, history, pay, refund, resolve, stateOf } from './builders.js';

const on = (date: string, events: readonly RenewalEvent[]) => agingAsOf(date as BusinessDate)(stateOf(events));

const bills = suite('aging of a bill');

bills('before the due date everything collectible is current and not yet due', () => {
  const a = on('2026-01-10', history(bill(), pay('p1', 10000)));
  assert.equal(
    [a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom, a.planStatus, a.planId],
    [0, 34000, 0, 'current', null, 'none', null],
  );
});

bills('on the due date the amount is overdue, 0 days past due, still current', () => {
  const a = on('2026-01-15', history(bill()));
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [44000, 0, 0, 'current', '2026-01-15']);
});

bills('bucket boundaries are half-open: 1-30, 31-60, 61-90, 90+', () => {
  const events = history(bill());
  const cases: Array<[string, number, string]> = [
    ['2026-01-16', 1, '1-30'],
    ['2026-02-14', 30, '1-30'],
    ['2026-02-15', 31, '31-60'],
    ['2026-03-16', 60, '31-60'],
    ['2026-03-17', 61, '61-90'],
    ['2026-04-15', 90, '61-90'],
    ['2026-04-16', 91, '90+'],
    ['2027-01-15', 365, '90+'],
  ];
  for (const [date, days, bucket] of cases) {
    const a = on(date, events);
    assert.equal([a.daysPastDue, a.bucket, a.overdueMinor], [days, bucket, 44000], date);
  }
});

bills('agingBucketOf on its own', () => {
  const cases: Array<[number, string]> = [
    [-5, 'current'],
    [0, 'current'],
    [1, '1-30'],
    [30, '1-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '90+'],
  ];
  for (const [days, bucket] of cases) assert.is(agingBucketOf(days), bucket, String(days));
});

bills('an open dispute is not aged; once rejected it is', () => {
  const open = on('2026-02-20', history(bill(), dispute('d1', 4000)));
  assert.equal([open.overdueMinor, open.daysPastDue, open.bucket], [40000, 36, '31-60']);
  const rejected = on('2026-02-20', history(bill(), dispute('d1', 4000), resolve('d1', 'rejected', 0)));
  assert.is(rejected.overdueMinor, 44000);
});

bills('a settled cycle is current with nothing overdue, however late', () => {
  const a = on('2026-06-01', history(bill(), pay('p1', 44000)));
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [0, 0, 0, 'current', null]);
});

bills('an unbilled cycle has nothing overdue', () => {
  const a = on('2026-06-01', []);
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.bucket, a.agedFrom], [0, 0, 'current', null]);
});

bills.run();

// ---------------------------------------------------------------------------------------------
const plans = suite('aging with an instalment plan');
// 4000 paid before the plan; 40000 spread over three instalments.
const PLAN = [
  ['2026-02-01', 15000],
  ['2026-03-01', 15000],
  ['2026-04-01', 10000],
] as const;
const planned = (...after: ReturnType<typeof pay>[]) => history(bill(), pay('p1', 4000), agree('plan-1', PLAN), ...after);
const since = (amount: number) => pay('p2', amount, { at: '2026-02-05T10:00:00Z' });

plans('before the first instalment nothing is overdue, although the bill due date has passed', () => {
  const a = on('2026-01-28', planned());
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [0, 40000, 0, 'current', null]);
  assert.equal([a.planStatus, a.planId], ['active', 'plan-1']);
  assert.equal(a.nextInstallment, { dueDate: '2026-02-01', amountMinor: 15000, unpaidMinor: 15000 });
});

plans('payments before the plan do not pay instalments; on an instalment due date it is overdue, 0 days', () => {
  const a = on('2026-02-01', planned());
  assert.equal(
    a.installments.map((i) => i.unpaidMinor),
    [15000, 15000, 10000],
  );
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [15000, 25000, 0, 'current', '2026-02-01']);
});

plans('unpaid instalments are aged from the oldest: 2026-02-01 to 2026-03-05 is 32 days', () => {
  const a = on('2026-03-05', planned());
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [30000, 10000, 32, '31-60', '2026-02-01']);
});

plans('payments since the plan pay instalments oldest first', () => {
  // 20000 since the plan: the first instalment in full, 5000 of the second.
  const a = on('2026-03-10', planned(since(20000)));
  assert.equal(a.installments, [
    { dueDate: '2026-02-01', amountMinor: 15000, unpaidMinor: 0 },
    { dueDate: '2026-03-01', amountMinor: 15000, unpaidMinor: 10000 },
    { dueDate: '2026-04-01', amountMinor: 10000, unpaidMinor: 10000 },
  ]);
  assert.equal(a.nextInstallment, { dueDate: '2026-03-01', amountMinor: 15000, unpaidMinor: 10000 });
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [10000, 10000, 9, '1-30', '2026-03-01']);
});

plans('a refund of a payment since the plan takes back what it paid', () => {
  const a = on('2026-03-10', planned(since(20000), refund('r1', 'p2', 5000, { at: '2026-02-06T10:00:00Z' })));
  assert.equal(
    a.installments.map((i) => i.unpaidMinor),
    [0, 15000, 10000],
  );
  assert.is(a.overdueMinor, 15000);
});

plans('a cancelled (defaulted) plan: aging goes back to the bill due date', () => {
  const a = on('2026-03-10', planned(since(20000), cancelPlan('plan-1', 'defaulted')));
  // 2026-01-15 to 2026-03-10: 16 + 28 + 10 = 54 days; all 20000 collectible is overdue.
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [20000, 0, 54, '31-60', '2026-01-15']);
  assert.equal([a.planStatus, a.planId, a.installments, a.nextInstallment], ['cancelled', 'plan-1', [], null]);
});

plans('a completed plan: everything paid, nothing overdue, no next instalment', () => {
  const a = on('2026-05-01', planned(since(40000)));
  assert.equal([a.planStatus, a.planId], ['completed', 'plan-1']);
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.daysPastDue, a.bucket, a.agedFrom], [0, 0, 0, 'current', null]);
  assert.equal(
    a.installments.map((i) => i.unpaidMinor),
    [0, 0, 0],
  );
  assert.is(a.nextInstallment, null);
});

plans('an open dispute under a plan caps what is overdue at what is collectible', () => {
  // Outstanding 40000, 35000 of it disputed: only 5000 can be asked for although 30000 fell due.
  const a = on('2026-03-05', planned(dispute('d1', 35000)));
  assert.equal([a.overdueMinor, a.notYetDueMinor, a.agedFrom], [5000, 0, '2026-02-01']);
});

plans.run();
