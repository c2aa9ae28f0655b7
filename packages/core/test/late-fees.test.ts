// Late fees worked by hand (docs/late-fees.md). The cycle: 465.20 CNY due 2026-01-15, so on
// 2026-03-01 it is 45 days overdue (16 days to 31 Jan + 28 in February + 1). The policy: 0.05% a
// day (5 basis points) after 15 days' grace. Grace days are not counted once past them: 45 - 15
// = 30 days are charged, 46520 x 5 x 30 / 10000 = 697.8, half-up 698 (6.98).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  allocateLumpSum,
  calculateBill,
  cycleFigures,
  decideCycle,
  decodeCommand,
  initialCycleState,
  lateFeeAccrual,
  lateFeesDue,
  LateFeePolicyC,
  type BusinessDate,
  type ContractState,
  type CycleState,
  type LateFeePolicy,
  type Period,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { contractOf, lumpSum, open } from '@renewal-ledger/testing/contracts';
import { applied, CYCLE, must, pay, simpleBill } from './builders.js';

const policy = (over: Record<string, unknown> = {}): LateFeePolicy =>
  must(
    LateFeePolicyC.decode({
      rate: { kind: 'daily-rate', basisPoints: 5 },
      graceDays: 15,
      cap: { kind: 'percent-of-overdue', basisPoints: 1000 },
      ...over,
    }),
  );
const cmd = (json: Record<string, unknown>): RenewalCommand => must(decodeCommand(json));
const run = applied;
const refusal = (state: CycleState, c: RenewalCommand) => {
  const d = decideCycle(c, state);
  if (E.isRight(d)) throw new Error(`expected ${c.type} to be refused`);
  return d.left;
};
const at = (type: string, commandId: string, fields: Record<string, unknown>, when = '2026-03-01T10:00:00Z') =>
  cmd({ type, commandId, cycleId: CYCLE, actor: 'clerk-li', at: when, ...fields });
/** 465.20 due 2026-01-15 (simpleBill's due date). */
const overdue = (...more: RenewalCommand[]) => run(initialCycleState(), simpleBill(46520), ...more);
const accrued = (state: CycleState, asOf: string, p = policy()) => lateFeeAccrual(p, asOf as BusinessDate)(state);
/** The run's charge as of a date, applied. */
const charge = (state: CycleState, asOf: string, p = policy()) =>
  run(state, ...lateFeesDue([state], asOf as BusinessDate, p, { at: `${asOf}T01:00:00Z` as never }).charges);

const accrual = suite('late-fee accrual');

accrual('0.05% a day on 465.20, 45 days overdue with 15 days of grace: 30 days charged, 6.98; a 1% cap makes it 4.65', () => {
  const a = accrued(overdue(), '2026-03-01');
  assert.equal(
    [a.baseMinor, a.daysPastDue, a.chargeableDays, a.uncappedMinor, a.capMinor, a.accruedMinor, a.toChargeMinor],
    // cap 10% of 465.20 = 46.52, not reached
    [46520, 45, 30, 698, 4652, 698, 698],
  );
  // cap 1%: floor(46520 x 100 / 10000) = floor(465.2) = 465
  const capped = accrued(overdue(), '2026-03-01', policy({ cap: { kind: 'percent-of-overdue', basisPoints: 100 } }));
  assert.equal([capped.uncappedMinor, capped.capMinor, capped.accruedMinor], [698, 465, 465]);
});

accrual('nothing within the grace days; the first day after them charges one day (46520 x 5 / 10000 = 23.26, 23)', () => {
  assert.is(accrued(overdue(), '2026-01-30').accruedMinor, 0); // 15 days past due
  const first = accrued(overdue(), '2026-01-31');
  assert.equal([first.daysPastDue, first.chargeableDays, first.accruedMinor], [16, 1, 23]);
  assert.is(accrued(overdue(), '2026-01-15').accruedMinor, 0); // the due date itself
});

accrual('a run charges what accrued since the last: 6.98 on 1 March, then 9.30 - 6.98 = 2.32 on 11 March (40 days: 930.4, 930)', () => {
  const once = charge(overdue(), '2026-03-01');
  assert.is(cycleFigures(once).lateFeeChargedMinor, 698);
  assert.is(lateFeesDue([once], '2026-03-01' as BusinessDate, policy(), { at: '2026-03-01T02:00:00Z' as never }).charges.length, 0);
  const twice = charge(once, '2026-03-11');
  assert.equal(
    twice.lateFees!.charges.map((c) => [c.chargeId, c.asOf, c.amountMinor, c.overdueMinor, c.chargeableDays]),
    [
      [`late-fee/${CYCLE}/2026-03-01`, '2026-03-01', 698, 46520, 30],
      [`late-fee/${CYCLE}/2026-03-11`, '2026-03-11', 232, 46520, 40],
    ],
  );
  // The principal is untouched: late fees are their own figures.
  const f = cycleFigures(twice);
  assert.equal([f.outstandingMinor, f.lateFeeChargedMinor, f.lateFeeOutstandingMinor], [46520, 930, 930]);
});

accrual('the same charge again is a duplicate; a run after a payment that lowered the base charges nothing back', () => {
  const once = charge(overdue(), '2026-03-01');
  const again = lateFeesDue([overdue()], '2026-03-01' as BusinessDate, policy(), { at: '2026-03-01T01:00:00Z' as never }).charges[0]!;
  const d = must(decideCycle(again, once));
  assert.equal(d.duplicate, { key: 'commandId', id: `late-fee:${CYCLE}:2026-03-01` });
  // 400.00 paid on 2 March leaves 65.20 overdue; 40 days by 11 March: 6520 x 5 x 40 / 10000 = 130.4, 130 < 698 charged.
  const paid = run(once, pay('p1', 40000, { at: '2026-03-02T09:00:00Z' }));
  assert.is(accrued(paid, '2026-03-11').accruedMinor, 130);
  assert.is(accrued(paid, '2026-03-11').toChargeMinor, 0);
});

accrual('none while an instalment plan is kept; on the overdue instalment once it is missed; never with duringPlan: never', () => {
  const plan = at(
    'AgreeInstallments',
    'plan-1',
    {
      planId: 'plan-1',
      installments: [
        { dueDate: '2026-02-15', amountMinor: 23260 },
        { dueDate: '2026-03-15', amountMinor: 23260 },
      ],
    },
    '2026-01-20T10:00:00Z',
  );
  const kept = overdue(plan, pay('p1', 23260, { at: '2026-02-14T09:00:00Z' }));
  assert.is(accrued(kept, '2026-03-01').accruedMinor, 0);
  assert.is(accrued(kept, '2026-03-14').accruedMinor, 0);
  // Missed: the first instalment (232.60, due 15 Feb) is 45 days overdue on 1 April: 23260 x 5 x 30 / 10000 = 348.9, 349.
  const missed = overdue(plan);
  const a = accrued(missed, '2026-04-01');
  // By 1 April both instalments are overdue (465.20), aged from the oldest: 45 days; 30 charged: 698.
  assert.equal([a.baseMinor, a.daysPastDue, a.accruedMinor], [46520, 45, 698]);
  const b = accrued(missed, '2026-03-02'); // only the first: 232.60, 15 days: within grace
  assert.equal([b.baseMinor, b.daysPastDue, b.accruedMinor], [23260, 15, 0]);
  const c = accrued(missed, '2026-03-12'); // 25 days, 10 charged: 23260 x 5 x 10 / 10000 = 116.3, 116
  assert.equal([c.baseMinor, c.chargeableDays, c.accruedMinor], [23260, 10, 116]);
  assert.is(accrued(missed, '2026-04-01', policy({ duringPlan: 'never' })).accruedMinor, 0);
});

accrual('not on the disputed part: 100.00 disputed leaves 365.20, 30 days: 547.8, 548; include-disputed charges 698', () => {
  const disputed = overdue(
    at('RaiseDispute', 'd-1', { disputeId: 'd1', amountMinor: 10000, reason: 'lift out of order' }, '2026-01-20T10:00:00Z'),
  );
  assert.equal([accrued(disputed, '2026-03-01').baseMinor, accrued(disputed, '2026-03-01').accruedMinor], [36520, 548]);
  assert.is(accrued(disputed, '2026-03-01', policy({ onDispute: 'include-disputed' })).accruedMinor, 698);
});

accrual('only the fee items named: service 315.20 of lines 465.20 bears it: 31520 x 5 x 30 / 10000 = 472.8, 473', () => {
  const twoLines = run(
    initialCycleState(),
    simpleBill(0, {
      lines: [
        { code: 'service', description: 'Property service', amountMinor: 31520 },
        { code: 'parking', description: 'Parking', amountMinor: 15000 },
      ],
    }),
  );
  const a = accrued(twoLines, '2026-03-01', policy({ lineCodes: ['service'] }));
  assert.equal([a.baseMinor, a.accruedMinor], [31520, 473]);
});

accrual('a fixed 20.00 per 30 days begun: 30 days one period, 31 days two; a fixed cap of 30.00 holds it', () => {
  const fixed = policy({
    rate: { kind: 'fixed-per-period', amountMinor: 2000, periodDays: 30 },
    cap: { kind: 'fixed', amountMinor: 3000 },
  });
  assert.is(accrued(overdue(), '2026-03-01', fixed).accruedMinor, 2000);
  const later = accrued(overdue(), '2026-03-02', fixed);
  assert.equal([later.chargeableDays, later.uncappedMinor, later.accruedMinor], [31, 4000, 3000]);
});

const money = suite('late fees: waivers, payments, refunds');

money('a waiver in part, then one beyond what is open is refused WAIVER_EXCEEDS_LATE_FEE with the figures', () => {
  const charged = charge(overdue(), '2026-03-01');
  const waived = run(charged, at('WaiveLateFee', 'w-1', { waiverId: 'w1', amountMinor: 200, reason: 'first time late' }));
  const f = cycleFigures(waived);
  assert.equal([f.lateFeeChargedMinor, f.lateFeeWaivedMinor, f.lateFeeOutstandingMinor, f.outstandingMinor], [698, 200, 498, 46520]);
  const e = refusal(waived, at('WaiveLateFee', 'w-2', { waiverId: 'w2', amountMinor: 499, reason: 'goodwill' }));
  assert.is(e.code, 'WAIVER_EXCEEDS_LATE_FEE');
  assert.is(e.message, 'waiving 4.99 exceeds the late fee open: 4.98 (charged 6.98, waived 2.00, paid 0.00)');
  assert.is(refusal(overdue(), at('WaiveLateFee', 'w-3', { waiverId: 'w3', amountMinor: 1, reason: 'x' })).code, 'WAIVER_EXCEEDS_LATE_FEE');
});

money('a payment pays the principal first, then the late fee; beyond both is an OVERPAYMENT of principal + late fee', () => {
  const charged = charge(overdue(), '2026-03-01');
  // 470.00 = 465.20 principal + 4.80 of the 6.98 late fee
  const paid = run(charged, pay('p1', 47000, { at: '2026-03-02T09:00:00Z' }));
  assert.is(paid.payments[0]!.lateFeeMinor, 480);
  const f = cycleFigures(paid);
  assert.equal([f.paidMinor, f.outstandingMinor, f.lateFeePaidMinor, f.lateFeeOutstandingMinor], [46520, 0, 480, 218]);
  // The same payment again is the same fact, though the split was the decider's.
  assert.equal(must(decideCycle(pay('p1', 47000, { at: '2026-03-02T09:00:00Z', commandId: 'again' }), paid)).duplicate, {
    key: 'paymentId',
    id: 'p1',
  });
  const e = refusal(charged, pay('p2', 47300));
  assert.equal([e.code, (e as { outstandingMinor: number }).outstandingMinor], ['OVERPAYMENT', 47218]);
  // Named by the caller: 6.98 to the late fee, the rest to the principal.
  const named = run(charged, pay('p3', 10000, { lateFeeMinor: 698 }));
  assert.equal([cycleFigures(named).outstandingMinor, cycleFigures(named).lateFeeOutstandingMinor], [46520 - 9302, 0]);
  assert.is(refusal(charged, pay('p4', 10000, { lateFeeMinor: 699 })).code, 'LATE_FEE_OVERPAYMENT');
});

money('a refund gives back the principal part first, then the late fee part, which is owed again', () => {
  const paid = run(charge(overdue(), '2026-03-01'), pay('p1', 47218, { at: '2026-03-02T09:00:00Z' }));
  const refunded = run(
    paid,
    at('Refund', 'r-1', { refundId: 'r1', paymentId: 'p1', amountMinor: 47000, reason: 'paid twice' }, '2026-03-03T09:00:00Z'),
  );
  assert.is(refunded.refunds[0]!.lateFeeMinor, 480); // 465.20 of principal, then 4.80 of late fee
  const f = cycleFigures(refunded);
  assert.equal([f.netPaidMinor, f.outstandingMinor, f.lateFeePaidMinor, f.lateFeeOutstandingMinor], [0, 46520, 218, 480]);
});

money('a reversal takes back the principal part first, then the late-fee part; a refund before it counts', () => {
  // 472.18 paid = 465.20 principal + 6.98 late fee. 100.00 refunded first: all principal (365.20 left
  // of it). Then the rest, 372.18, bounces: 365.20 of principal, then 6.98 of late fee.
  const paid = run(charge(overdue(), '2026-03-01'), pay('p1', 47218, { at: '2026-03-02T09:00:00Z' }));
  const refunded = run(
    paid,
    at('Refund', 'r-1', { refundId: 'r1', paymentId: 'p1', amountMinor: 10000, reason: 'goodwill' }, '2026-03-03T09:00:00Z'),
  );
  assert.is(refunded.refunds[0]!.lateFeeMinor, undefined);
  const reversed = run(
    refunded,
    at('ReversePayment', 'v-1', { reversalId: 'v1', paymentId: 'p1', amountMinor: 37218, reason: 'chargeback' }, '2026-03-05T09:00:00Z'),
  );
  assert.is(reversed.reversals![0]!.lateFeeMinor, 698);
  const f = cycleFigures(reversed);
  // Principal: 465.20 paid - 100.00 refunded - 365.20 reversed = 0 net: 465.20 outstanding again.
  assert.equal([f.paidMinor, f.refundedMinor, f.reversedMinor, f.netPaidMinor, f.outstandingMinor], [46520, 10000, 36520, 0, 46520]);
  // Late fee: 6.98 paid - 6.98 reversed: 6.98 open again.
  assert.equal([f.lateFeePaidMinor, f.lateFeeOutstandingMinor], [0, 698]);
});

money('a charge before the due date, or on a settled cycle, is refused', () => {
  const early = at('ChargeLateFee', 'c-1', { chargeId: 'c1', asOf: '2026-01-15', amountMinor: 10, overdueMinor: 46520, chargeableDays: 1 });
  assert.is(refusal(overdue(), early).code, 'LATE_FEE_BEFORE_DUE');
  const settled = overdue(pay('p1', 46520));
  const late = at('ChargeLateFee', 'c-2', { chargeId: 'c2', asOf: '2026-03-01', amountMinor: 10, overdueMinor: 46520, chargeableDays: 1 });
  assert.is(refusal(settled, late).code, 'NOTHING_OUTSTANDING');
});

money('AMOUNT_OUT_OF_RANGE: a charge that would take the late fee charged past the safe integer range', () => {
  // Found by the cycle properties on a rare draw: 3.03 charged, then 9,007,199,254,740,991 (the
  // largest safe integer) accepted, and the late fee open was no longer an exact number.
  const MAX = Number.MAX_SAFE_INTEGER;
  const charge = (id: string, amountMinor: number) =>
    at('ChargeLateFee', `c-${id}`, { chargeId: id, asOf: '2026-03-01', amountMinor, overdueMinor: 46520, chargeableDays: 1 });
  const charged = run(overdue(), charge('c1', 303));
  const refused = refusal(charged, charge('c2', MAX)) as { code: string; field?: string; operands?: number[] };
  assert.equal([refused.code, refused.field, refused.operands], ['AMOUNT_OUT_OF_RANGE', 'lateFees', [303, MAX]]);
  assert.is(cycleFigures(run(charged, charge('c2', MAX - 303))).lateFeeOutstandingMinor, MAX);
});

const lump = suite('late fees in a lump sum');

const contract = (): ContractState => contractOf(open({ startDate: '2025-12-01' }), lumpSum('pay-9', 40000));
const JAN = 'unit-0301/2026-01-01';
const FEB = 'unit-0301/2026-02-01';
const cycleOf = (c: ContractState, start: string, end: string) =>
  run(initialCycleState(), must(calculateBill(c, { start, end } as Period)));

lump('400.00 over January (315.20 + 5.00 late fee) and February (315.20): principal first, or the late fee first', () => {
  const c = contract();
  const jan = run(
    cycleOf(c, '2026-01-01', '2026-02-01'),
    cmd({
      type: 'ChargeLateFee',
      commandId: 'fee-jan',
      cycleId: JAN,
      actor: 'late-fee-run',
      at: '2026-03-01T01:00:00Z',
      chargeId: 'fee-jan',
      asOf: '2026-03-01',
      amountMinor: 500,
      overdueMinor: 31520,
      chargeableDays: 30,
    }),
  );
  const feb = cycleOf(c, '2026-02-01', '2026-03-01');
  // Principal first: 315.20 January, 315.20 February would be 630.40 > 400.00: January 315.20, February 84.80, no late fee.
  const principalFirst = must(allocateLumpSum(c, [jan, feb], 'pay-9'));
  assert.equal(
    principalFirst.payments.map((p) => [
      p.cycleId,
      (p as { amountMinor: number }).amountMinor,
      (p as { lateFeeMinor?: number }).lateFeeMinor,
    ]),
    [
      [JAN, 31520, undefined],
      [FEB, 8480, undefined],
    ],
  );
  // Late fee first: 5.00 + 315.20 on January (320.20, 5.00 of it late fee), February 79.80.
  const feeFirst = must(allocateLumpSum(c, [jan, feb], 'pay-9', { lateFees: 'late-fee-first' }));
  assert.equal(
    feeFirst.payments.map((p) => [p.cycleId, (p as { amountMinor: number }).amountMinor, (p as { lateFeeMinor?: number }).lateFeeMinor]),
    [
      [JAN, 32020, 500],
      [FEB, 7980, undefined],
    ],
  );
  const janAfter = run(jan, ...feeFirst.payments.filter((p) => p.cycleId === JAN));
  assert.equal([cycleFigures(janAfter).outstandingMinor, cycleFigures(janAfter).lateFeeOutstandingMinor], [0, 0]);
});

const properties = suite('late-fee properties');

const arbitraryPolicy = fc.record({
  daily: fc.boolean(),
  basisPoints: fc.integer({ min: 1, max: 500 }),
  amountMinor: fc.integer({ min: 1, max: 100000 }),
  periodDays: fc.integer({ min: 1, max: 60 }),
  graceDays: fc.integer({ min: 0, max: 60 }),
  capPercent: fc.boolean(),
  capBasisPoints: fc.integer({ min: 1, max: 20000 }),
  capMinor: fc.integer({ min: 1, max: 1_000_000 }),
});

properties('never negative, never above the cap, never falling as the days go by', () => {
  fc.assert(
    fc.property(arbitraryPolicy, fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 400 }), (p, billed, days) => {
      const lf = policy({
        rate: p.daily
          ? { kind: 'daily-rate', basisPoints: p.basisPoints }
          : { kind: 'fixed-per-period', amountMinor: p.amountMinor, periodDays: p.periodDays },
        graceDays: p.graceDays,
        cap: p.capPercent ? { kind: 'percent-of-overdue', basisPoints: p.capBasisPoints } : { kind: 'fixed', amountMinor: p.capMinor },
      });
      const state = run(initialCycleState(), simpleBill(billed));
      const day = (n: number) => new Date(Date.UTC(2026, 0, 15 + n)).toISOString().slice(0, 10);
      const a = accrued(state, day(days), lf);
      const b = accrued(state, day(days + 1), lf);
      assert.ok(a.accruedMinor >= 0 && a.toChargeMinor >= 0);
      assert.ok(a.accruedMinor <= a.capMinor || a.accruedMinor === 0);
      if (p.capPercent) assert.ok(a.accruedMinor * 10000 <= billed * p.capBasisPoints);
      assert.ok(b.accruedMinor >= a.accruedMinor);
      assert.ok(Number.isSafeInteger(a.accruedMinor));
    }),
    { numRuns: 300 },
  );
});

accrual.run();
money.run();
lump.run();
properties.run();
