// Properties of a renewal cycle under random command sequences (see scenarios.ts): the figures
// always add up, money rules hold after every accepted event, refusals change nothing, and
// applying any command twice equals applying it once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  canonicalJson,
  cycleFigures,
  decideCycle,
  fold,
  renewalCycle,
  RENEWAL_EVENT_TYPES,
  RULE_CODES,
  type CycleState,
  type RenewalCommand,
  type RenewalEvent,
} from '@renewal-ledger/core';
import { activePlan } from '../src/cycle/state.js';
import { play, scenarioArb, type Played } from './scenarios.js';

const RUNS = 300;

const isPositive = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
const isNonNegative = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Figures recomputed naively from the event list: an independent check of the running totals. */
const naiveFigures = (events: readonly RenewalEvent[]) => {
  const of = <T extends RenewalEvent['type']>(type: T) => events.filter((e): e is Extract<RenewalEvent, { type: T }> => e.type === type);
  const billed = of('Billed')[0];
  const resolved = new Set(of('DisputeResolved').map((e) => e.data.disputeId));
  // Principal only: the late-fee parts of payments, refunds and reversals are figures of their own.
  const paid = sum(of('Paid').map((e) => e.data.amountMinor - (e.data.lateFeeMinor ?? 0)));
  const refunded = sum(of('Refunded').map((e) => e.data.amountMinor - (e.data.lateFeeMinor ?? 0)));
  const reversed = sum(of('PaymentReversed').map((e) => e.data.amountMinor - (e.data.lateFeeMinor ?? 0)));
  const lateFee =
    sum(of('LateFeeCharged').map((e) => e.data.amountMinor)) -
    sum(of('LateFeeWaived').map((e) => e.data.amountMinor)) -
    sum(of('Paid').map((e) => e.data.lateFeeMinor ?? 0)) +
    sum(of('Refunded').map((e) => e.data.lateFeeMinor ?? 0)) +
    sum(of('PaymentReversed').map((e) => e.data.lateFeeMinor ?? 0));
  const due =
    (billed?.data.totalMinor ?? 0) -
    sum(of('Adjusted').map((e) => e.data.amountMinor)) -
    sum(of('DisputeResolved').map((e) => e.data.adjustmentMinor)) -
    sum(of('WrittenOff').map((e) => e.data.amountMinor));
  const openDisputed = sum(
    of('Disputed')
      .filter((e) => !resolved.has(e.data.disputeId))
      .map((e) => e.data.amountMinor),
  );
  return { paid, refunded, reversed, due, openDisputed, lateFee };
};

const amountsAreValid = (e: RenewalEvent): boolean => {
  switch (e.type) {
    case 'Billed':
      return (
        e.data.lines.every((l) => isPositive(l.amountMinor)) &&
        e.data.discounts.every((d) => isPositive(d.amountMinor)) &&
        isNonNegative(e.data.totalMinor) &&
        e.data.totalMinor === sum(e.data.lines.map((l) => l.amountMinor)) - sum(e.data.discounts.map((d) => d.amountMinor))
      );
    case 'Paid':
    case 'Refunded':
    case 'Disputed':
    case 'Adjusted':
    case 'WrittenOff':
    case 'AutoDebitFailed':
    case 'PaymentReversed':
    case 'ApprovalRequested':
    case 'LateFeeCharged':
    case 'LateFeeWaived':
      return isPositive(e.data.amountMinor);
    case 'DisputeResolved':
      return isNonNegative(e.data.adjustmentMinor);
    case 'InstallmentAgreed':
      return e.data.installments.every((i) => isPositive(i.amountMinor));
    case 'InstallmentPlanCancelled':
    case 'ReminderSent':
    case 'RequestApproved':
    case 'RequestRejected':
    case 'RequestExpired':
      return true;
  }
};

const applyOnce = (state: CycleState, c: RenewalCommand): CycleState => {
  const r = decideCycle(c, state);
  return E.isRight(r) ? fold(renewalCycle)(r.right.events, state) : state;
};

const checkStep = ({ command, before, result, after }: Played, events: readonly RenewalEvent[]) => {
  const f = cycleFigures(after);
  const naive = naiveFigures(events);

  // The figures add up, and the running totals agree with the events.
  assert.is(f.netPaidMinor, f.paidMinor - f.refundedMinor - f.reversedMinor);
  assert.is(f.outstandingMinor, f.dueMinor - f.netPaidMinor);
  assert.is(f.collectibleMinor, Math.max(0, f.outstandingMinor - f.openDisputedMinor));
  assert.equal(
    {
      paid: f.paidMinor,
      refunded: f.refundedMinor,
      reversed: f.reversedMinor,
      due: f.dueMinor,
      openDisputed: f.openDisputedMinor,
      lateFee: f.lateFeeOutstandingMinor,
    },
    naive,
  );
  // A late fee open is never negative, and a payment never pays more of it than was open.
  assert.ok(f.lateFeeOutstandingMinor >= 0, `late fee open ${f.lateFeeOutstandingMinor}`);
  assert.ok(f.dueMinor >= 0, `due ${f.dueMinor}`);
  assert.ok(f.openDisputedMinor >= 0);

  // Refunds and the reversal of each payment never exceed it; a payment is reversed at most once.
  for (const p of after.payments) {
    const refunded = sum(after.refunds.filter((r) => r.paymentId === p.paymentId).map((r) => r.amountMinor));
    const reversals = (after.reversals ?? []).filter((r) => r.paymentId === p.paymentId);
    assert.ok(reversals.length <= 1, `${p.paymentId} reversed ${reversals.length} times`);
    const reversed = sum(reversals.map((r) => r.amountMinor));
    assert.ok(refunded + reversed <= p.amountMinor, `refunds and reversal of ${p.paymentId}: ${refunded} + ${reversed} > ${p.amountMinor}`);
  }
  assert.ok(after.plans.filter((p) => !p.cancellation).length <= 1, 'at most one plan in force');
  assert.ok(events.filter((e) => e.type === 'Billed').length <= 1, 'billed once');

  if (E.isLeft(result)) {
    // A refusal changes nothing: the state is the one before, and decide did not touch it.
    assert.is(after, before);
    assert.ok(RULE_CODES.includes(result.left.code), result.left.code);
    assert.type(result.left.message, 'string');
    assert.ok(result.left.message.length > 0 && !result.left.message.includes('NaN'), result.left.message);
  } else {
    const emitted = result.right.events;
    // One event per command; an approval also records the money it lets go out.
    assert.ok(emitted.length <= (command.type === 'ApproveRequest' ? 2 : 1));
    if (emitted.length === 0) assert.ok(result.right.duplicate !== null, 'no events means a duplicate');
    else assert.is(result.right.duplicate, null);
    for (const e of emitted) {
      assert.ok(amountsAreValid(e), `amounts of ${canonicalJson(e)}`);
      assert.equal(
        { cycleId: e.data.cycleId, commandId: e.data.commandId, actor: e.data.actor, at: e.data.at },
        { cycleId: command.cycleId, commandId: command.commandId, actor: command.actor, at: command.at },
      );
      // Rules visible in the figures right after the event.
      // (a payment wholly of late fee leaves a principal the customer was owed as it was)
      if (e.type === 'Paid' || e.type === 'WrittenOff')
        assert.ok(f.outstandingMinor >= Math.min(0, cycleFigures(before).outstandingMinor), `${e.type} left ${f.outstandingMinor}`);
      if (e.type === 'Paid' && f.outstandingMinor < 0) assert.is(e.data.lateFeeMinor, e.data.amountMinor);
      if (e.type === 'Disputed') assert.ok(f.openDisputedMinor <= f.dueMinor);
      if (e.type === 'InstallmentAgreed') {
        const i = e.data.installments;
        assert.ok(i.length >= 2);
        assert.is(sum(i.map((x) => x.amountMinor)), cycleFigures(before).outstandingMinor);
        for (let k = 1; k < i.length; k++) assert.ok(i[k]!.dueDate > i[k - 1]!.dueDate);
        assert.is(activePlan(after)?.agreed.planId, e.data.planId);
      }
    }
  }

  // Applying the command twice equals applying it once.
  const again = decideCycle(command, after);
  if (E.isRight(result)) {
    assert.ok(E.isRight(again), 'an accepted command sent again is not refused');
    if (E.isRight(again)) assert.is(again.right.events.length, 0);
  } else {
    assert.equal(again, result, 'a refused command sent again is refused the same way');
  }
  assert.equal(applyOnce(after, command), after);
};

// Drawn once in a few hundred runs (seed 771545070): a late fee of the largest safe integer charged
// on top of 3.03, which the cycle accepted and the late fee open was no exact number any more.
const LATE_FEE_PAST_SAFE_RANGE = {
  bill: {
    lines: [
      { quantity: 1, rateMinor: 2423, withBasis: false },
      { quantity: 1, rateMinor: 1, withBasis: false },
    ],
    discountEighths: [],
  },
  steps: [
    {
      kind: 'command',
      type: 'RecordPayment',
      id: 0,
      other: 0,
      variant: 0,
      amount: { kind: 'relative', of: 'outstanding', eighths: 1, delta: -1 },
      at: 0,
    },
    {
      kind: 'command',
      type: 'ReversePayment',
      id: 0,
      other: 0,
      variant: 0,
      amount: { kind: 'relative', of: 'outstanding', eighths: 0, delta: -1 },
      at: 0,
    },
    {
      kind: 'command',
      type: 'ChargeLateFee',
      id: 1,
      other: 0,
      variant: 1,
      amount: { kind: 'relative', of: 'outstanding', eighths: 1, delta: 0 },
      at: 0,
    },
    { kind: 'command', type: 'ChargeLateFee', id: 0, other: 0, variant: 7, amount: { kind: 'fixed', value: 9007199254740991 }, at: 0 },
    {
      kind: 'command',
      type: 'RecordPayment',
      id: 1,
      other: 1,
      variant: 0,
      amount: { kind: 'relative', of: 'outstanding', eighths: 1, delta: -1 },
      at: 0,
    },
    {
      kind: 'command',
      type: 'RecordPayment',
      id: 2,
      other: 0,
      variant: 7,
      amount: { kind: 'relative', of: 'outstanding', eighths: 9, delta: 0 },
      at: 0,
    },
    {
      kind: 'command',
      type: 'Refund',
      id: 2,
      other: 0,
      variant: 7,
      amount: { kind: 'relative', of: 'outstanding', eighths: 0, delta: -1 },
      at: 0,
    },
    {
      kind: 'command',
      type: 'ReversePayment',
      id: 0,
      other: 0,
      variant: 0,
      amount: { kind: 'relative', of: 'outstanding', eighths: 0, delta: -1 },
      at: 0,
    },
  ],
} as unknown as Parameters<typeof play>[0];

test('every step keeps the figures, the money rules and idempotency', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      play(scenario, (step, events) => {
        const snapshot = canonicalJson(step.before);
        checkStep(step, events);
        assert.is(canonicalJson(step.before), snapshot, 'decide must not mutate the state');
      });
    }),
    { numRuns: RUNS, examples: [[LATE_FEE_PAST_SAFE_RANGE]] },
  );
});

test('replaying the accepted events from scratch gives the same state as deciding step by step', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      const { events, state } = play(scenario);
      assert.equal(fold(renewalCycle)(events), state);
    }),
    { numRuns: 100 },
  );
});

test('the scenarios reach every event type, duplicates of every kind and the refusals that matter', () => {
  // Guards the generator: properties over scenarios that never pay or never conflict prove little.
  const types = new Set<string>();
  const codes = new Set<string>();
  const duplicates = new Set<string>();
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      play(scenario, ({ result }) => {
        if (E.isLeft(result)) codes.add(result.left.code);
        else {
          for (const e of result.right.events) types.add(e.type);
          if (result.right.duplicate) duplicates.add(result.right.duplicate.key);
        }
      });
    }),
    { numRuns: RUNS, seed: 20260115 },
  );
  assert.equal([...types].sort(), [...RENEWAL_EVENT_TYPES].sort());
  for (const key of [
    'commandId',
    'cycleId',
    'paymentId',
    'refundId',
    'disputeId',
    'planId',
    'adjustmentId',
    'reminderId',
    'writeOffId',
    'attemptId',
    'reversalId',
    'requestId',
    'chargeId',
    'waiverId',
  ])
    assert.ok(duplicates.has(key), `no ${key} duplicate generated`);
  for (const code of [
    'ALREADY_BILLED',
    'CYCLE_MISMATCH',
    'INVALID_AMOUNT',
    'CURRENCY_MISMATCH',
    'OVERPAYMENT',
    'DUPLICATE_REFERENCE',
    'ID_CONFLICT',
    'UNKNOWN_PAYMENT',
    'REFUND_EXCEEDS_PAYMENT',
    'UNKNOWN_LINE',
    'UNKNOWN_DISPUTE',
    'DISPUTE_ALREADY_RESOLVED',
    'DISPUTE_EXCEEDS_DUE',
    'ADJUSTMENT_EXCEEDS_DISPUTE',
    'OUTCOME_MISMATCH',
    'PLAN_ALREADY_ACTIVE',
    'UNKNOWN_PLAN',
    'PLAN_NOT_ACTIVE',
    'PLAN_INVALID',
    'ADJUSTMENT_EXCEEDS_DUE',
    'WRITE_OFF_EXCEEDS_OUTSTANDING',
    'NOTHING_OUTSTANDING',
    'LATE_FEE_OVERPAYMENT',
    'LATE_FEE_BEFORE_DUE',
    'WAIVER_EXCEEDS_LATE_FEE',
    'PAYMENT_ALREADY_REVERSED',
    'REVERSAL_EXCEEDS_PAYMENT',
  ])
    assert.ok(codes.has(code), `no ${code} generated`);
});

test.run();
