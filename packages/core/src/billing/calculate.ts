// Bill calculation: a contract and one of its periods in, the `Bill` command out. Every line
// carries its basis (quantity, rate, proration), so the cycle re-checks each amount when billed
// (BASIS_MISMATCH) and anyone can recompute it:
//   - a fee item gives one line per stretch of the period with one fee plan: a plan change whose
//     effective date falls inside the period splits it, the later stretch's line coded
//     `<code>@<effective date>`;
//   - a line covering less than its whole period (the first period after a mid-period start,
//     the last before the end date, a stretch of a split period) is prorated by days,
//     `{ days, ofDays }`, rounded half-up in integer arithmetic (core's amountFromRate);
//   - discounts are those of the plan in force on the period's first day, each only when its
//     condition holds (see eligibility.ts): a percentage of the lines, or a fixed amount per whole
//     period (prorated like the period); together never more than the lines.
// The cycle id is `<contractId>/<period start>` and the command id `bill:<cycleId>`, so asking
// again for the same period gives the same command: the cycle keeps it once.
import * as E from 'fp-ts/lib/Either.js';
import { addDaysTo, daysBetween, type BusinessDate, type Instant, type Period } from '../calendar.js';
import { amountFromRate, type DecimalQuantity, type NonNegativeMinorUnits, type Proration } from '../money.js';
import type { Bill } from '../cycle/commands.js';
import type { Basis, BillLine, Discount } from '../cycle/shapes.js';
import type { ContractState } from '../contract/state.js';
import { feePlanOn } from '../contract/state.js';
import type { FeeItem, Subject } from '../contract/shapes.js';
import { derivedId, policyError, type PolicyError } from '../policy-errors.js';
import { eligibilityReason } from './eligibility.js';
import { scheduledPeriodStarting, type ScheduledPeriod } from './schedule.js';
import { termsOf } from './terms.js';
import { startOfBusinessDay, UTC_ZONES, type LedgerZones } from '../ledger/business-days.js';

export interface BillOptions {
  /** Who the bill is from. Default `renewal-engine`. */
  readonly actor?: string;
  /** The ledger's zones: a bill is issued at 00:00 of its period's first day there. Default UTC. */
  readonly zones?: LedgerZones;
}

export const DEFAULT_ENGINE_ACTOR = 'renewal-engine';

/** The cycle a contract's period is billed on: `<contractId>/<period start>`. */
export const billCycleId = (contractId: string, periodStart: BusinessDate | string): string => `${contractId}/${periodStart}`;
/** The command id of that bill. */
export const billCommandId = (cycleId: string): string => `bill:${cycleId}`;

/**
 * Bills are issued at the start of their period (00:00 in the ledger's zone): the same instant
 * however late the run.
 */
const issuedAt = (start: BusinessDate, zones: LedgerZones): Instant => startOfBusinessDay(zones, start);

const quantityOf = (item: FeeItem, subject: Subject): DecimalQuantity | null => {
  const basis = item.basis;
  if (basis.kind === 'fixed') return '1' as DecimalQuantity;
  if (basis.kind === 'per-area') return subject.kind === 'property-unit' ? subject.areaM2 : null;
  if (basis.quantity !== undefined) return basis.quantity;
  if (subject.kind === 'parking') return String(subject.spaces) as DecimalQuantity;
  if (subject.kind === 'membership') return String(subject.members ?? 1) as DecimalQuantity;
  return null;
};

const basisOf = (item: FeeItem, quantity: DecimalQuantity, prorated: Proration | undefined): Basis => {
  const b = item.basis;
  const rateMinor = b.rateMinor as number;
  const p = prorated ? { prorated } : {};
  if (b.kind === 'fixed') return { kind: 'fixed', rateMinor, ...p } as unknown as Basis;
  if (b.kind === 'per-area') return { kind: 'per-area', quantity, rateMinor, unit: b.unit ?? 'm2', ...p } as unknown as Basis;
  return { kind: 'per-unit', quantity, rateMinor, ...(b.unit ? { unit: b.unit } : {}), ...p } as unknown as Basis;
};

/** The stretches of a period with one fee plan each: cut at plan changes inside it. */
const stretchesOf = (state: ContractState, period: Period): Period[] => {
  const cuts = state.feePlans.map((v) => v.effectiveFrom).filter((d) => d > period.start && d < period.end);
  const bounds = [period.start, ...cuts, period.end];
  const out: Period[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push({ start: bounds[i]!, end: bounds[i + 1]! });
  return out;
};

/** The bill for one scheduled period of an opened contract. */
export const billForScheduledPeriod = (
  state: ContractState,
  scheduled: ScheduledPeriod,
  options: BillOptions = {},
): E.Either<PolicyError, Bill> => {
  const opened = state.opened;
  const terms = termsOf(state);
  if (!opened || !terms) return E.left(policyError('NOT_OPENED', { contractId: '(not opened)' }));
  const contractId = opened.contractId;
  const { period, full } = scheduled;
  const cycleId = billCycleId(contractId, period.start);
  const commandId = billCommandId(cycleId);
  const tooLong = derivedId(commandId);
  if (tooLong) return E.left(tooLong);
  const ofDays = daysBetween(full.start, full.end);

  const lines: BillLine[] = [];
  const stretches = stretchesOf(state, period);
  for (let i = 0; i < stretches.length; i++) {
    const stretch = stretches[i]!;
    const plan = feePlanOn(state, stretch.start)!.feePlan;
    const days = daysBetween(stretch.start, stretch.end);
    const prorated = days === ofDays ? undefined : { days, ofDays };
    for (const item of plan.items) {
      const quantity = quantityOf(item, opened.subject);
      if (quantity === null)
        return E.left(policyError('BASIS_UNAVAILABLE', { contractId, feeCode: item.code, subjectKind: opened.subject.kind }));
      const amount = amountFromRate(quantity, item.basis.rateMinor as number as NonNegativeMinorUnits, prorated);
      if (E.isLeft(amount))
        return E.left(policyError('AMOUNT_OUT_OF_RANGE', { field: `fee ${item.code}`, operands: amount.left.operands }));
      // A sliver of a day's worth that rounds to nothing is not a line (bill lines are positive).
      if (amount.right === 0) continue;
      lines.push({
        code: (i === 0 ? item.code : `${item.code}@${stretch.start}`) as BillLine['code'],
        description: (i === 0 ? item.description : `${item.description} from ${stretch.start}`) as BillLine['description'],
        amountMinor: amount.right as unknown as BillLine['amountMinor'],
        basis: basisOf(item, quantity, prorated),
      });
    }
  }
  if (lines.length === 0) return E.left(policyError('NOTHING_TO_BILL', { contractId, start: period.start, end: period.end }));
  let linesMinor = 0;
  for (const l of lines) linesMinor += l.amountMinor;
  if (!Number.isSafeInteger(linesMinor))
    return E.left(policyError('AMOUNT_OUT_OF_RANGE', { field: 'lines', operands: lines.map((l) => l.amountMinor) }));

  const discounts: Discount[] = [];
  let discountedMinor = 0;
  const wholePeriod =
    period.start === full.start && period.end === full.end ? undefined : { days: daysBetween(period.start, period.end), ofDays };
  for (const d of feePlanOn(state, period.start)!.feePlan.discounts ?? []) {
    const reason = eligibilityReason(state, terms, scheduled, d.eligibility);
    if (reason === null) continue;
    // A percentage p of the lines is lines x p / 100: amountFromRate's quantity x rate x days /
    // ofDays with days / ofDays = 1 / 100, exact and half-up.
    const amount =
      d.amount.kind === 'percent'
        ? amountFromRate(d.amount.percent, linesMinor as NonNegativeMinorUnits, { days: 1, ofDays: 100 })
        : amountFromRate('1' as DecimalQuantity, d.amount.amountMinor as number as NonNegativeMinorUnits, wholePeriod);
    if (E.isLeft(amount))
      return E.left(policyError('AMOUNT_OUT_OF_RANGE', { field: `discount ${d.code}`, operands: amount.left.operands }));
    const capped = Math.min(amount.right, linesMinor - discountedMinor);
    if (capped <= 0) continue;
    discountedMinor += capped;
    discounts.push({
      code: d.code,
      description: d.description,
      amountMinor: capped as Discount['amountMinor'],
      eligibility: reason as Discount['eligibility'],
    });
  }

  return E.right({
    type: 'Bill',
    commandId: commandId as Bill['commandId'],
    cycleId: cycleId as Bill['cycleId'],
    actor: (options.actor ?? DEFAULT_ENGINE_ACTOR) as Bill['actor'],
    at: issuedAt(period.start, options.zones ?? UTC_ZONES),
    contractId: opened.contractId,
    period: { start: period.start, end: period.end },
    dueDate: addDaysTo(opened.dueAfterDays)(period.start),
    currency: opened.currency,
    lines,
    discounts,
  });
};

/**
 * The bill of a contract for one of its periods. The period must be on the contract's schedule
 * (`PERIOD_NOT_ON_SCHEDULE` names the period that starts that day, if any).
 */
export const calculateBill = (state: ContractState, period: Period, options: BillOptions = {}): E.Either<PolicyError, Bill> => {
  const terms = termsOf(state);
  if (!state.opened || !terms) return E.left(policyError('NOT_OPENED', { contractId: '(not opened)' }));
  const scheduled = scheduledPeriodStarting(terms, period.start);
  if (!scheduled || scheduled.period.end !== period.end)
    return E.left(
      policyError('PERIOD_NOT_ON_SCHEDULE', {
        contractId: state.opened.contractId,
        start: period.start,
        end: period.end,
        scheduledEnd: scheduled?.period.end ?? null,
      }),
    );
  return billForScheduledPeriod(state, scheduled, options);
};
