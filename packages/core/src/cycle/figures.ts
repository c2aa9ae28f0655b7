// The figures of a cycle and what is overdue as of a date. Every view, report and rule calls
// these two functions: the arithmetic of the model lives here and nowhere else.
import { daysBetween, type BusinessDate } from '../calendar.js';
import { activePlan, lateFeesOf, type CycleState } from './state.js';

export interface CycleFigures {
  /** The bill: sum of lines - sum of discounts. */
  readonly totalMinor: number;
  /** total - adjustments - dispute adjustments - write-offs. */
  readonly dueMinor: number;
  /** Payments, less their late-fee parts: every principal figure here leaves late fees out. */
  readonly paidMinor: number;
  /** Refunds, less their late-fee parts. */
  readonly refundedMinor: number;
  /** Payments that bounced or were charged back: they paid nothing after all. */
  readonly reversedMinor: number;
  /** payments - refunds - reversals. */
  readonly netPaidMinor: number;
  /** due - net paid; negative when the customer is owed money. */
  readonly outstandingMinor: number;
  /** Sum of disputes not yet resolved. */
  readonly openDisputedMinor: number;
  /** max(0, outstanding - open disputed): what can be asked for now. */
  readonly collectibleMinor: number;
  readonly adjustedMinor: number;
  readonly disputeAdjustedMinor: number;
  readonly writtenOffMinor: number;
  /** Late fees charged on the cycle (LateFeeCharged), kept apart from the principal above. */
  readonly lateFeeChargedMinor: number;
  readonly lateFeeWaivedMinor: number;
  /** The late-fee parts of payments less those of refunds. */
  readonly lateFeePaidMinor: number;
  /** charged - waived - paid: the late fee still to collect. */
  readonly lateFeeOutstandingMinor: number;
}

export const cycleFigures = (state: CycleState): CycleFigures => {
  const t = state.totals;
  const lf = lateFeesOf(state);
  const totalMinor = state.bill ? state.bill.totalMinor : 0;
  const dueMinor = totalMinor - t.adjustedMinor - t.disputeAdjustedMinor - t.writtenOffMinor;
  // Principal only: the late-fee parts of payments, refunds and reversals are counted apart.
  const paidMinor = t.paidMinor - lf.paidMinor;
  const refundedMinor = t.refundedMinor - lf.refundedMinor;
  const reversedMinor = (t.reversedMinor ?? 0) - lf.reversedMinor;
  const netPaidMinor = paidMinor - refundedMinor - reversedMinor;
  const lateFeePaidMinor = lf.paidMinor - lf.refundedMinor - lf.reversedMinor;
  const outstandingMinor = dueMinor - netPaidMinor;
  return {
    totalMinor,
    dueMinor,
    paidMinor,
    refundedMinor,
    reversedMinor,
    netPaidMinor,
    outstandingMinor,
    openDisputedMinor: t.openDisputedMinor,
    collectibleMinor: Math.max(0, outstandingMinor - t.openDisputedMinor),
    adjustedMinor: t.adjustedMinor,
    disputeAdjustedMinor: t.disputeAdjustedMinor,
    writtenOffMinor: t.writtenOffMinor,
    lateFeeChargedMinor: lf.chargedMinor,
    lateFeeWaivedMinor: lf.waivedMinor,
    lateFeePaidMinor,
    lateFeeOutstandingMinor: lf.chargedMinor - lf.waivedMinor - lateFeePaidMinor,
  };
};

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** Half-open buckets on days past due: 0 or less is current, 1-30, 31-60, 61-90, then 90+. */
export const agingBucketOf = (daysPastDue: number): AgingBucket =>
  daysPastDue <= 0 ? 'current' : daysPastDue <= 30 ? '1-30' : daysPastDue <= 60 ? '31-60' : daysPastDue <= 90 ? '61-90' : '90+';

export type PlanStatus = 'none' | 'active' | 'completed' | 'cancelled';

export interface InstallmentStanding {
  readonly dueDate: BusinessDate;
  readonly amountMinor: number;
  /** What is still unpaid of it, paying instalments oldest first from what was paid since the plan. */
  readonly unpaidMinor: number;
}

export interface Aging {
  readonly asOf: BusinessDate;
  /** Collectible amount due on or before `asOf` (with a plan: the instalments due by then, less what was paid since). */
  readonly overdueMinor: number;
  /** Collectible amount not due yet (future instalments, or the whole before the due date). */
  readonly notYetDueMinor: number;
  /** Days from the oldest unpaid due date to `asOf`; 0 when nothing is overdue. */
  readonly daysPastDue: number;
  /** The bucket `overdueMinor` falls in; `notYetDueMinor` is always current. */
  readonly bucket: AgingBucket;
  /** The date the aging counts from: the bill's due date or the oldest unpaid instalment's. */
  readonly agedFrom: BusinessDate | null;
  readonly planStatus: PlanStatus;
  readonly planId: string | null;
  readonly installments: readonly InstallmentStanding[];
  /** The first instalment with something unpaid. */
  readonly nextInstallment: InstallmentStanding | null;
}

/** What is overdue on a cycle as of a calendar date, and how old it is. */
export const agingAsOf =
  (asOf: BusinessDate) =>
  (state: CycleState): Aging => {
    const f = cycleFigures(state);
    const bill = state.bill;
    const lastPlan = state.plans.length ? state.plans[state.plans.length - 1]! : null;
    const plan = activePlan(state);
    const planStatus: PlanStatus = !lastPlan ? 'none' : !plan ? 'cancelled' : f.outstandingMinor <= 0 ? 'completed' : 'active';
    const none: Aging = {
      asOf,
      overdueMinor: 0,
      notYetDueMinor: f.collectibleMinor,
      daysPastDue: 0,
      bucket: 'current',
      agedFrom: null,
      planStatus,
      planId: (plan ?? lastPlan)?.agreed.planId ?? null,
      installments: [],
      nextInstallment: null,
    };
    if (!bill) return none;

    if (plan) {
      let paid = Math.max(0, f.netPaidMinor - plan.netPaidAtAgreementMinor);
      let dueByDate = 0;
      let agedFrom: BusinessDate | null = null;
      const installments: InstallmentStanding[] = [];
      for (const i of plan.agreed.installments) {
        const covered = Math.min(paid, i.amountMinor);
        paid -= covered;
        const standing = { dueDate: i.dueDate, amountMinor: i.amountMinor, unpaidMinor: i.amountMinor - covered };
        installments.push(standing);
        if (standing.unpaidMinor > 0 && i.dueDate <= asOf) {
          dueByDate += standing.unpaidMinor;
          agedFrom ??= i.dueDate;
        }
      }
      const overdueMinor = Math.min(f.collectibleMinor, dueByDate);
      const daysPastDue = overdueMinor > 0 && agedFrom ? Math.max(0, daysBetween(agedFrom, asOf)) : 0;
      return {
        ...none,
        overdueMinor,
        notYetDueMinor: f.collectibleMinor - overdueMinor,
        daysPastDue,
        bucket: overdueMinor > 0 ? agingBucketOf(daysPastDue) : 'current',
        agedFrom: overdueMinor > 0 ? agedFrom : null,
        installments,
        nextInstallment: installments.find((i) => i.unpaidMinor > 0) ?? null,
      };
    }

    if (bill.dueDate > asOf || f.collectibleMinor === 0) return none;
    const daysPastDue = Math.max(0, daysBetween(bill.dueDate, asOf));
    return {
      ...none,
      overdueMinor: f.collectibleMinor,
      notYetDueMinor: 0,
      daysPastDue,
      bucket: agingBucketOf(daysPastDue),
      agedFrom: bill.dueDate,
    };
  };
