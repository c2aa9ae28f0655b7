// The arrears of a hand-written property portfolio (test/support/property-portfolio.ts in the
// projections package), every expected figure worked out by hand below.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate } from '@renewal-ledger/core';
import { getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase, ViewNotReadyError } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { CYCLES, propertyPortfolio } from '@renewal-ledger/testing/property-portfolio';

const d = (s: string) => s as BusinessDate;

const setup = async () => {
  const store = getInMemoryEventStore();
  await feed(store, propertyPortfolio(), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const [result] = await getProjectionRunner({ store, database: db, projections: [arrearsProjection] }).catchUp();
  assert.is(result!.status, 'caught-up');
  return { store, db, view: getArrearsView(db) };
};

const test = suite('arrears of a property portfolio');

test('before the first catch-up the view says it is not built', async () => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  try {
    await getArrearsView(db).portfolio({ asOf: d('2026-03-31') });
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, ViewNotReadyError);
  }
});

test('each cycle carries the figures of its events', async () => {
  const { view } = await setup();
  // Upheld dispute after full payment, then refunded: total 60000, due 60000 - 8000 = 52000,
  // paid 60000, refunded 8000, net 52000, nothing outstanding.
  const refunded = (await view.cycle(CYCLES.refunded, { asOf: d('2026-03-31') }))!;
  assert.equal(
    { ...refunded.figures },
    {
      totalMinor: 60000,
      dueMinor: 52000,
      paidMinor: 60000,
      refundedMinor: 8000,
      reversedMinor: 0,
      netPaidMinor: 52000,
      outstandingMinor: 0,
      openDisputedMinor: 0,
      collectibleMinor: 0,
      adjustedMinor: 0,
      disputeAdjustedMinor: 8000,
      writtenOffMinor: 0,
      lateFeeChargedMinor: 0,
      lateFeeWaivedMinor: 0,
      lateFeePaidMinor: 0,
      lateFeeOutstandingMinor: 0,
    },
  );
  // Partial payments 20000 + 10000 of 50000: 20000 left, due 2026-01-15; on 2026-03-01 that is
  // 16 days of January + 28 of February + 1 = 45 days past due: 31-60.
  const partial = (await view.cycle(CYCLES.partial, { asOf: d('2026-03-01') }))!;
  assert.is(partial.figures.outstandingMinor, 20000);
  assert.is(partial.aging.overdueMinor, 20000);
  assert.is(partial.aging.daysPastDue, 45);
  assert.is(partial.aging.bucket, '31-60');
  assert.is(partial.dueDate, '2026-01-15');
  assert.equal(partial.period, { start: '2026-01-01', end: '2026-02-01' });
  // An open dispute of 10000 on 40000 with 30000 paid: 10000 outstanding, none collectible.
  const disputed = (await view.cycle(CYCLES.disputed, { asOf: d('2026-03-31') }))!;
  assert.is(disputed.figures.outstandingMinor, 10000);
  assert.is(disputed.figures.openDisputedMinor, 10000);
  assert.is(disputed.figures.collectibleMinor, 0);
  assert.equal(disputed.openDisputes, [
    { disputeId: 'disp-h', amountMinor: 10000, reason: 'Lift out of order for three weeks', lineCode: 'service' },
  ]);
  assert.is(disputed.aging.overdueMinor, 0);
  // Written off in full: nothing due, nothing outstanding.
  const writtenOff = (await view.cycle(CYCLES.writtenOff, { asOf: d('2026-03-31') }))!;
  assert.is(writtenOff.figures.writtenOffMinor, 45000);
  assert.is(writtenOff.figures.dueMinor, 0);
  assert.is(writtenOff.figures.outstandingMinor, 0);
  assert.is(await view.cycle('no-such-cycle', { asOf: d('2026-03-31') }), null);
});

test('a plan ages by its oldest unpaid instalment, a cancelled plan by the bill', async () => {
  const { view } = await setup();
  // Plan 3 x 20000 due 02-15, 03-15, 04-15; 20000 paid on 02-14 covers the first. On 03-31 the
  // second is 16 days late (1-30) and the third is not due yet (current).
  const plan = (await view.cycle(CYCLES.plan, { asOf: d('2026-03-31') }))!;
  assert.is(plan.aging.planStatus, 'active');
  assert.is(plan.aging.overdueMinor, 20000);
  assert.is(plan.aging.notYetDueMinor, 20000);
  assert.is(plan.aging.daysPastDue, 16);
  assert.is(plan.aging.bucket, '1-30');
  assert.equal(plan.aging.nextInstallment, { dueDate: '2026-03-15', amountMinor: 20000, unpaidMinor: 20000 });
  // The defaulted plan was cancelled: 60000 left of 90000, aged from the bill's due date 01-15:
  // 16 + 28 + 31 = 75 days on 03-31 (61-90).
  const defaulted = (await view.cycle(CYCLES.defaulted, { asOf: d('2026-03-31') }))!;
  assert.is(defaulted.aging.planStatus, 'cancelled');
  assert.is(defaulted.aging.overdueMinor, 60000);
  assert.is(defaulted.aging.daysPastDue, 75);
  assert.is(defaulted.aging.bucket, '61-90');
});

test('portfolio totals put every collectible amount in exactly one bucket, for any date without a rebuild', async () => {
  const { view } = await setup();
  // Collectible on 03-31: partial 20000 (75 days), defaulted 60000 (75), plan 20000 overdue
  // (16 days) + 20000 not due, unpaid 35000 (75). current 20000, 1-30 20000, 61-90 115000.
  const march = await view.portfolio({ asOf: d('2026-03-31') });
  assert.is(march.currencies.length, 1);
  const cny = march.currencies[0]!;
  assert.is(cny.currency, 'CNY');
  assert.equal(cny.buckets, { current: 20000n, '1-30': 20000n, '31-60': 0n, '61-90': 115000n, '90+': 0n });
  assert.equal(cny.bucketCycles, { current: 1, '1-30': 1, '31-60': 0, '61-90': 3, '90+': 0 });
  assert.is(cny.collectibleMinor, 155000n);
  assert.is(
    Object.values(cny.buckets).reduce((a, b) => a + b, 0n),
    cny.collectibleMinor,
  );
  assert.is(cny.overdueMinor, 135000n);
  // 11 cycles. Due: 30000 (dec) + 3 x 30000 + 50000 + 52000 + 90000 + 60000 + 0 + 35000 + 40000
  // = 447000; net paid: 30000 + 90000 + 30000 + 52000 + 30000 + 20000 + 30000 = 282000;
  // outstanding 165000 of which 10000 disputed.
  assert.is(cny.cycles, 11);
  assert.is(cny.dueMinor, 447000n);
  assert.is(cny.netPaidMinor, 282000n);
  assert.is(cny.outstandingMinor, 165000n);
  assert.is(cny.openDisputedMinor, 10000n);
  assert.is(cny.creditMinor, 0n);
  // On 05-01 the bills due 01-15 are 106 days late (90+); the plan's 03-15 and 04-15 instalments
  // (40000) are 47 days late counted from 03-15 (31-60).
  const may = (await view.portfolio({ asOf: d('2026-05-01') })).currencies[0]!;
  assert.equal(may.buckets, { current: 0n, '1-30': 0n, '31-60': 40000n, '61-90': 0n, '90+': 115000n });
  assert.is(may.collectibleMinor, 155000n);
  // On 01-10 nothing is due yet: all of it is current (the December cycle is settled).
  const early = (await view.portfolio({ asOf: d('2026-01-10') })).currencies[0]!;
  assert.equal(early.buckets, { current: 155000n, '1-30': 0n, '31-60': 0n, '61-90': 0n, '90+': 0n });
});

test('by bucket lists each cycle with its amount in that bucket, oldest first', async () => {
  const { view } = await setup();
  const late = await view.byBucket('61-90', { asOf: d('2026-03-31') });
  assert.equal(
    late.map((e) => [e.cycle.cycleId, e.amountMinor]),
    [
      [CYCLES.partial, 20000],
      [CYCLES.defaulted, 60000],
      [CYCLES.unpaid, 35000],
    ],
  );
  const current = await view.byBucket('current', { asOf: d('2026-03-31') });
  assert.equal(
    current.map((e) => [e.cycle.cycleId, e.amountMinor]),
    [[CYCLES.plan, 20000]],
  );
  const recent = await view.byBucket('1-30', { asOf: d('2026-03-31') });
  assert.equal(
    recent.map((e) => [e.cycle.cycleId, e.amountMinor]),
    [[CYCLES.plan, 20000]],
  );
  assert.equal(await view.byBucket('90+', { asOf: d('2026-03-31') }), []);
});

test('top debtors rank contracts by what is overdue', async () => {
  const { view } = await setup();
  const top = await view.topDebtors({ asOf: d('2026-03-31'), limit: 3 });
  // 0104: 60000; 0107: 35000; then 0105 and 0102 both 20000 overdue: 0105 has more collectible (40000).
  assert.equal(
    top.map((x) => [x.contractId, x.overdueMinor, x.collectibleMinor, x.daysPastDue, x.bucket]),
    [
      ['unit-0104', 60000n, 60000n, 75, '61-90'],
      ['unit-0107', 35000n, 35000n, 75, '61-90'],
      ['unit-0105', 20000n, 40000n, 16, '1-30'],
    ],
  );
  assert.is((await view.topDebtors({ asOf: d('2026-03-31'), limit: 10 })).length, 4);
});

test('a contract shows all its cycles and their totals', async () => {
  const { view } = await setup();
  const lump = await view.byContract('unit-0101', { asOf: d('2026-03-31') });
  assert.equal(
    lump.cycles.map((c) => c.cycleId),
    [CYCLES.lumpJan, CYCLES.lumpFeb, CYCLES.lumpMar],
  );
  assert.equal(
    lump.cycles.map((c) => c.figures.outstandingMinor),
    [0, 0, 0],
  );
  assert.is(lump.totals[0]!.netPaidMinor, 90000n);
  assert.is(lump.totals[0]!.collectibleMinor, 0n);
  const none = await view.byContract('unit-9999', { asOf: d('2026-03-31') });
  assert.equal(none.cycles, []);
});

test('collection rate of a billing period is collected over due', async () => {
  const { view } = await setup();
  const periods = await view.billingPeriods();
  assert.equal(
    periods.map((p) => p.billingMonth),
    ['2025-12', '2026-01', '2026-02', '2026-03'],
  );
  // January: 8 cycles billed 410000; due 30000 + 50000 + 52000 + 90000 + 60000 + 0 + 35000 +
  // 40000 = 357000; collected 30000 + 30000 + 52000 + 30000 + 20000 + 30000 = 192000.
  const [jan] = await view.billingPeriods({ month: '2026-01' });
  assert.equal(jan, {
    billingMonth: '2026-01',
    currency: 'CNY',
    cycles: 8,
    billedMinor: 410000n,
    dueMinor: 357000n,
    collectedMinor: 192000n,
    outstandingMinor: 165000n,
    writtenOffMinor: 45000n,
    collectionRate: 192000 / 357000,
    lateFeeChargedMinor: 0n,
    lateFeeWaivedMinor: 0n,
    lateFeeCollectedMinor: 0n,
    lateFeeCollectionRate: null,
  });
  const dec = periods[0]!;
  assert.is(dec.collectionRate, 1);
});

test.run();
