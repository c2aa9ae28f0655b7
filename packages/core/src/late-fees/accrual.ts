// The one function that says what late fee a cycle has accrued as of a business date, and the
// run's plan built on it. Pure and deterministic: the same cycle, policy and date give the same
// figures, so a run that stops half-way and runs again charges each cycle once.
//
// The rule (docs/late-fees.md, with a worked example):
//   overdue      = what agingAsOf calls overdue as of the date: collectible (open disputes left
//                  out), and with an instalment plan only the instalments overdue (so nothing
//                  while a plan is kept); with `onDispute: include-disputed` and no plan, the
//                  whole principal outstanding once the due date has passed
//   base         = overdue, or with `lineCodes` its share of the fee items that bear a late fee:
//                  floor(overdue x those lines / all lines)
//   days         = days past due - grace days: the grace days are NOT counted once past them
//                  (45 days overdue with 15 days' grace charge 30 days); 0 within the grace
//   uncapped     = daily-rate: base x basisPoints x days / 10000, rounded half-up to a minor unit;
//                  fixed-per-period: amountMinor x the periods of periodDays begun (ceil(days / periodDays))
//   cap          = percent-of-overdue: floor(base x basisPoints / 10000) (down, so the fee never
//                  passes the percentage); fixed: amountMinor
//   accrued      = min(uncapped, cap)
//   to charge    = max(0, accrued - charged before): the fee is cumulative per cycle, so runs
//                  charge only the increase since the last, and a payment that lowers the base
//                  never takes back a fee charged (a waiver does that)
// Late fees are charged on principal only, never on late fees, never on what is paid.
import { daysBetween, type BusinessDate, type Instant } from '../calendar.js';
import type { ChargeLateFee } from '../cycle/commands.js';
import { agingAsOf, cycleFigures } from '../cycle/figures.js';
import { activePlan, lateFeesOf, type CycleState } from '../cycle/state.js';
import { derivedId, type PolicyError } from '../policy-errors.js';
import { lateFeeDefaults, type LateFeePolicy } from './policy.js';

export interface LateFeeAccrual {
  readonly asOf: BusinessDate;
  /** The principal overdue that bears the fee (after disputes, plans and fee items). */
  readonly baseMinor: number;
  readonly daysPastDue: number;
  /** Days past due beyond the grace days. */
  readonly chargeableDays: number;
  readonly uncappedMinor: number;
  readonly capMinor: number;
  /** min(uncapped, cap): the late fee the cycle has accrued as of the date. */
  readonly accruedMinor: number;
  /** Charged on the cycle before (LateFeeCharged). */
  readonly chargedMinor: number;
  /** max(0, accrued - charged): what a run as of the date charges. */
  readonly toChargeMinor: number;
}

const TEN_THOUSAND = 10000n;

/** n / 10000 rounded half-up, for n >= 0 (exact: bigint). */
const halfUpOfTenThousandths = (n: bigint): number => Number((n + TEN_THOUSAND / 2n) / TEN_THOUSAND);

const overdueOf = (state: CycleState, policy: ReturnType<typeof lateFeeDefaults>, asOf: BusinessDate) => {
  const bill = state.bill!;
  const plan = activePlan(state);
  if (plan && policy.duringPlan === 'never') return { overdueMinor: 0, daysPastDue: 0 };
  if (!plan && policy.onDispute === 'include-disputed') {
    const f = cycleFigures(state);
    return bill.dueDate < asOf && f.outstandingMinor > 0
      ? { overdueMinor: f.outstandingMinor, daysPastDue: daysBetween(bill.dueDate, asOf) }
      : { overdueMinor: 0, daysPastDue: 0 };
  }
  const aging = agingAsOf(asOf)(state);
  return { overdueMinor: aging.overdueMinor, daysPastDue: aging.daysPastDue };
};

/** The late fee a cycle has accrued as of `asOf` under `policy`, and what a run would charge now. */
export const lateFeeAccrual =
  (policy: LateFeePolicy, asOf: BusinessDate) =>
  (state: CycleState): LateFeeAccrual => {
    const p = lateFeeDefaults(policy);
    const chargedMinor = lateFeesOf(state).chargedMinor;
    const nothing = { asOf, baseMinor: 0, daysPastDue: 0, chargeableDays: 0, uncappedMinor: 0, capMinor: 0, accruedMinor: 0 };
    const bill = state.bill;
    if (!bill) return { ...nothing, chargedMinor, toChargeMinor: 0 };
    const { overdueMinor, daysPastDue } = overdueOf(state, p, asOf);
    let baseMinor = overdueMinor;
    if (p.lineCodes !== undefined && overdueMinor > 0) {
      let all = 0n;
      let bearing = 0n;
      for (const l of bill.lines) {
        all += BigInt(l.amountMinor);
        if (p.lineCodes.includes(l.code)) bearing += BigInt(l.amountMinor);
      }
      baseMinor = all === 0n ? 0 : Number((BigInt(overdueMinor) * bearing) / all);
    }
    const chargeableDays = Math.max(0, daysPastDue - p.graceDays);
    if (baseMinor <= 0 || chargeableDays === 0)
      return { ...nothing, baseMinor, daysPastDue, chargeableDays, chargedMinor, toChargeMinor: 0 };
    const base = BigInt(baseMinor);
    const uncapped =
      p.rate.kind === 'daily-rate'
        ? halfUpOfTenThousandths(base * BigInt(p.rate.basisPoints) * BigInt(chargeableDays))
        : p.rate.amountMinor * Math.ceil(chargeableDays / p.rate.periodDays);
    const capMinor = p.cap.kind === 'fixed' ? p.cap.amountMinor : Number((base * BigInt(p.cap.basisPoints)) / TEN_THOUSAND);
    const accruedMinor = Math.min(uncapped, capMinor);
    return {
      asOf,
      baseMinor,
      daysPastDue,
      chargeableDays,
      uncappedMinor: uncapped,
      capMinor,
      accruedMinor,
      chargedMinor,
      toChargeMinor: Math.max(0, accruedMinor - chargedMinor),
    };
  };

/** One charge per cycle and run date: the same ids however often (or half-way) the run goes. */
export const lateFeeChargeId = (cycleId: string, asOf: BusinessDate): string => `late-fee/${cycleId}/${asOf}`;
export const lateFeeCommandId = (cycleId: string, asOf: BusinessDate): string => `late-fee:${cycleId}:${asOf}`;

export interface LateFeesDue {
  readonly charges: readonly ChargeLateFee[];
  readonly refused: readonly { readonly cycleId: string; readonly error: PolicyError }[];
}

/** The late-fee run's commands as of a date: one ChargeLateFee for each cycle whose accrued fee grew. */
export const lateFeesDue = (
  cycles: Iterable<CycleState>,
  asOf: BusinessDate,
  policy: LateFeePolicy,
  options: { readonly at: Instant; readonly actor?: string },
): LateFeesDue => {
  const charges: ChargeLateFee[] = [];
  const refused: { cycleId: string; error: PolicyError }[] = [];
  for (const state of cycles) {
    const bill = state.bill;
    if (!bill) continue;
    const a = lateFeeAccrual(policy, asOf)(state);
    if (a.toChargeMinor <= 0) continue;
    const cycleId = bill.cycleId as string;
    const chargeId = lateFeeChargeId(cycleId, asOf);
    const commandId = lateFeeCommandId(cycleId, asOf);
    const tooLong = derivedId(chargeId) ?? derivedId(commandId);
    if (tooLong) {
      refused.push({ cycleId, error: tooLong });
      continue;
    }
    charges.push({
      type: 'ChargeLateFee',
      commandId,
      cycleId: bill.cycleId,
      actor: options.actor ?? 'late-fee-run',
      at: options.at,
      chargeId,
      asOf,
      amountMinor: a.toChargeMinor,
      overdueMinor: a.baseMinor,
      chargeableDays: a.chargeableDays,
    } as ChargeLateFee);
  }
  charges.sort((x, y) => (x.cycleId < y.cycleId ? -1 : x.cycleId > y.cycleId ? 1 : 0));
  return { charges, refused };
};
