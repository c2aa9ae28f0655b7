// The late-fee policy of a ledger: how much paying late costs, from when, up to how much, on which
// fee items, and how it meets instalment plans, disputes and payments. Set in the ledger's
// settings (`SetLateFeePolicy`); the late-fee run reads it (docs/late-fees.md). Built twice, like
// the bill's shapes: strict for the command (people type it), loose for the stored event.
import * as t from 'io-ts';
import { PositiveMinorUnitsC } from '../money.js';
import { IdC, StoredIdC } from '../ids.js';
import { oneOf, shape, tagged } from '../shape.js';
import { PositiveIntC } from '../cycle/shapes.js';

const NonNegativeIntC = new t.Type<number, number, unknown>(
  'a non-negative integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** With an instalment plan in force: `not-while-kept` charges only on instalments overdue (a kept plan has none); `never` charges nothing. */
export const LATE_FEE_PLAN_RULES = ['not-while-kept', 'never'] as const;
export type LateFeePlanRule = (typeof LATE_FEE_PLAN_RULES)[number];
/** An open dispute: `exclude-disputed` charges nothing on the disputed amount; `include-disputed` charges on it too. */
export const LATE_FEE_DISPUTE_RULES = ['exclude-disputed', 'include-disputed'] as const;
export type LateFeeDisputeRule = (typeof LATE_FEE_DISPUTE_RULES)[number];
/** Whether money received settles a cycle's principal before its late fee (the default) or after. */
export const LATE_FEE_ALLOCATIONS = ['principal-first', 'late-fee-first'] as const;
export type LateFeeAllocation = (typeof LATE_FEE_ALLOCATIONS)[number];

export const lateFeePolicyShapes = (strict: boolean) => {
  const id = strict ? IdC : StoredIdC;
  const rate = tagged('LateFeeRate', 'kind', {
    // basisPoints a day of the amount overdue: 5 = 0.05% a day.
    'daily-rate': shape('daily-rate late fee', { kind: t.literal('daily-rate'), basisPoints: PositiveIntC }, {}, strict),
    // amountMinor for each period of periodDays begun after the grace days.
    'fixed-per-period': shape(
      'fixed-per-period late fee',
      { kind: t.literal('fixed-per-period'), amountMinor: PositiveMinorUnitsC, periodDays: PositiveIntC },
      {},
      strict,
    ),
  });
  const cap = tagged('LateFeeCap', 'kind', {
    // basisPoints of the amount overdue: 10000 = no more than the amount overdue.
    'percent-of-overdue': shape('percent-of-overdue cap', { kind: t.literal('percent-of-overdue'), basisPoints: PositiveIntC }, {}, strict),
    fixed: shape('fixed cap', { kind: t.literal('fixed'), amountMinor: PositiveMinorUnitsC }, {}, strict),
  });
  const policy = shape(
    'LateFeePolicy',
    { rate, graceDays: NonNegativeIntC, cap },
    {
      /** The fee items (bill line codes) that bear a late fee; absent: every line. */
      lineCodes: t.readonlyArray(id),
      duringPlan: oneOf(LATE_FEE_PLAN_RULES),
      onDispute: oneOf(LATE_FEE_DISPUTE_RULES),
      allocation: oneOf(LATE_FEE_ALLOCATIONS),
    },
    strict,
  );
  return { rate, cap, policy };
};

export type LateFeeRate = t.TypeOf<ReturnType<typeof lateFeePolicyShapes>['rate']>;
export type LateFeeCap = t.TypeOf<ReturnType<typeof lateFeePolicyShapes>['cap']>;
export type LateFeePolicy = t.TypeOf<ReturnType<typeof lateFeePolicyShapes>['policy']>;

/** The policy as typed (a command, a JSON file): unknown fields are errors. */
export const LateFeePolicyC = lateFeePolicyShapes(true).policy;
/** The policy as stored in `LateFeePolicySet`: fields a newer writer added are ignored. */
export const StoredLateFeePolicyC = lateFeePolicyShapes(false).policy;

/** What a policy leaves out, filled in: the documented defaults. */
export const lateFeeDefaults = (
  p: LateFeePolicy,
): Required<Pick<LateFeePolicy, 'duringPlan' | 'onDispute' | 'allocation'>> & LateFeePolicy => ({
  ...p,
  duringPlan: p.duringPlan ?? 'not-while-kept',
  onDispute: p.onDispute ?? 'exclude-disputed',
  allocation: p.allocation ?? 'principal-first',
});
