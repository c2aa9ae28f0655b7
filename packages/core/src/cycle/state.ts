// The state of one renewal cycle, folded from its events. Kept as small fixed shapes and short
// arrays (a cycle has a handful of events), with running totals so figures cost O(1): folds are
// the hot path of every read, and spreading large id-keyed objects per event was measured here
// to be 40x slower.
import type {
  AdjustedData,
  ApprovalRequestedData,
  AutoDebitFailedData,
  BilledData,
  DisputedData,
  DisputeResolvedData,
  InstallmentAgreedData,
  InstallmentPlanCancelledData,
  LateFeeChargedData,
  LateFeeWaivedData,
  PaidData,
  PaymentReversedData,
  RefundedData,
  RenewalEvent,
  ReminderSentData,
  RequestApprovedData,
  RequestExpiredData,
  RequestRejectedData,
  WrittenOffData,
} from './events.js';

export interface DisputeFact {
  readonly raised: DisputedData;
  readonly resolution: DisputeResolvedData | null;
}

export interface PlanFact {
  readonly agreed: InstallmentAgreedData;
  readonly cancellation: InstallmentPlanCancelledData | null;
  /** Net paid (payments - refunds) when the plan was agreed: what is paid since counts towards it. */
  readonly netPaidAtAgreementMinor: number;
}

/** A request for money to go out, and what closed it (approval, rejection or expiry) once closed. */
export interface ApprovalFact {
  readonly requested: ApprovalRequestedData;
  readonly closing:
    | { readonly status: 'approved'; readonly data: RequestApprovedData }
    | { readonly status: 'rejected'; readonly data: RequestRejectedData }
    | { readonly status: 'expired'; readonly data: RequestExpiredData }
    | null;
}

export interface CycleTotals {
  readonly paidMinor: number;
  readonly refundedMinor: number;
  readonly adjustedMinor: number;
  readonly disputeAdjustedMinor: number;
  readonly writtenOffMinor: number;
  readonly openDisputedMinor: number;
  /** Payments reversed. Optional: totals stored before reversals existed stay valid (absent = 0). */
  readonly reversedMinor?: number;
}

/** The cycle's late fees, kept apart from the principal (docs/late-fees.md). */
export interface LateFeeFacts {
  readonly charges: readonly LateFeeChargedData[];
  readonly waivers: readonly LateFeeWaivedData[];
  readonly chargedMinor: number;
  readonly waivedMinor: number;
  /** The late-fee parts of payments (`Paid.lateFeeMinor`), of refunds and of reversals. */
  readonly paidMinor: number;
  readonly refundedMinor: number;
  readonly reversedMinor: number;
}

export interface CycleState {
  readonly bill: BilledData | null;
  /** Every command id that produced an event here, for idempotency. */
  readonly commandIds: readonly string[];
  readonly payments: readonly PaidData[];
  readonly refunds: readonly RefundedData[];
  readonly disputes: readonly DisputeFact[];
  readonly plans: readonly PlanFact[];
  readonly adjustments: readonly AdjustedData[];
  readonly reminders: readonly ReminderSentData[];
  readonly writeOffs: readonly WrittenOffData[];
  /**
   * Auto-debits a gateway could not collect (AutoDebitFailed). Optional, and absent until the
   * first failure: states folded and stored before the event type existed stay valid as they are.
   */
  readonly autoDebitFailures?: readonly AutoDebitFailedData[];
  /** Payments that bounced or were charged back (PaymentReversed). Optional, like `autoDebitFailures`. */
  readonly reversals?: readonly PaymentReversedData[];
  /** Requests for approval (ApprovalRequested), absent until the first: as autoDebitFailures. */
  readonly requests?: readonly ApprovalFact[];
  /** Late fees: absent until the first late-fee fact, like autoDebitFailures. */
  readonly lateFees?: LateFeeFacts;
  readonly totals: CycleTotals;
  /** Number of events folded: the stream revision + 1. */
  readonly eventCount: number;
}

const zeroTotals: CycleTotals = {
  paidMinor: 0,
  refundedMinor: 0,
  adjustedMinor: 0,
  disputeAdjustedMinor: 0,
  writtenOffMinor: 0,
  openDisputedMinor: 0,
};

export const initialCycleState = (): CycleState => ({
  bill: null,
  commandIds: [],
  payments: [],
  refunds: [],
  disputes: [],
  plans: [],
  adjustments: [],
  reminders: [],
  writeOffs: [],
  totals: zeroTotals,
  eventCount: 0,
});

const noLateFees: LateFeeFacts = {
  charges: [],
  waivers: [],
  chargedMinor: 0,
  waivedMinor: 0,
  paidMinor: 0,
  refundedMinor: 0,
  reversedMinor: 0,
};

/** The cycle's late-fee facts (all zero before the first). */
export const lateFeesOf = (state: CycleState): LateFeeFacts => state.lateFees ?? noLateFees;

/** Late-fee parts of a payment, refund or reversal, added to what the cycle holds. */
const withLateFeeMoney = (state: CycleState, paidMinor: number, refundedMinor: number, reversedMinor = 0): LateFeeFacts | undefined => {
  if (!paidMinor && !refundedMinor && !reversedMinor) return state.lateFees;
  const lf = lateFeesOf(state);
  return {
    ...lf,
    paidMinor: lf.paidMinor + paidMinor,
    refundedMinor: lf.refundedMinor + refundedMinor,
    reversedMinor: lf.reversedMinor + reversedMinor,
  };
};

/** What was paid towards the principal, net of refunds and reversals (their late-fee parts apart). */
const principalNetPaid = (state: CycleState): number => {
  const t = state.totals;
  const lf = lateFeesOf(state);
  return t.paidMinor - lf.paidMinor - (t.refundedMinor - lf.refundedMinor) - ((t.reversedMinor ?? 0) - lf.reversedMinor);
};

const append = <A>(xs: readonly A[], x: A): readonly A[] => {
  const out = xs.slice();
  out.push(x);
  return out;
};

export const evolveCycle = (state: CycleState, event: RenewalEvent): CycleState => {
  // One object literal per event: a second spread per event showed up in fold profiles.
  const commandIds = append(state.commandIds, event.data.commandId);
  const eventCount = state.eventCount + 1;
  const s = state;
  const t = state.totals;
  switch (event.type) {
    case 'Billed':
      return { ...s, commandIds, eventCount, bill: event.data };
    case 'Paid':
      return {
        ...s,
        commandIds,
        eventCount,
        payments: append(state.payments, event.data),
        lateFees: withLateFeeMoney(state, event.data.lateFeeMinor ?? 0, 0),
        totals: { ...t, paidMinor: t.paidMinor + event.data.amountMinor },
      };
    case 'Refunded':
      return {
        ...s,
        commandIds,
        eventCount,
        refunds: append(state.refunds, event.data),
        lateFees: withLateFeeMoney(state, 0, event.data.lateFeeMinor ?? 0),
        totals: { ...t, refundedMinor: t.refundedMinor + event.data.amountMinor },
      };
    case 'Disputed':
      return {
        ...s,
        commandIds,
        eventCount,
        disputes: append(state.disputes, { raised: event.data, resolution: null }),
        totals: { ...t, openDisputedMinor: t.openDisputedMinor + event.data.amountMinor },
      };
    case 'DisputeResolved': {
      const d = event.data;
      const raised = state.disputes.find((x) => x.raised.disputeId === d.disputeId);
      return {
        ...s,
        commandIds,
        eventCount,
        disputes: state.disputes.map((x) => (x.raised.disputeId === d.disputeId ? { ...x, resolution: d } : x)),
        totals: {
          ...t,
          openDisputedMinor: t.openDisputedMinor - (raised && !raised.resolution ? raised.raised.amountMinor : 0),
          disputeAdjustedMinor: t.disputeAdjustedMinor + d.adjustmentMinor,
        },
      };
    }
    case 'InstallmentAgreed':
      return {
        ...s,
        commandIds,
        eventCount,
        plans: append(state.plans, {
          agreed: event.data,
          cancellation: null,
          // The principal paid: late-fee parts of payments never count towards instalments.
          netPaidAtAgreementMinor: principalNetPaid(state),
        }),
      };
    case 'InstallmentPlanCancelled': {
      const d = event.data;
      return {
        ...s,
        commandIds,
        eventCount,
        plans: state.plans.map((p) => (p.agreed.planId === d.planId ? { ...p, cancellation: d } : p)),
      };
    }
    case 'Adjusted':
      return {
        ...s,
        commandIds,
        eventCount,
        adjustments: append(state.adjustments, event.data),
        totals: { ...t, adjustedMinor: t.adjustedMinor + event.data.amountMinor },
      };
    case 'ReminderSent':
      return { ...s, commandIds, eventCount, reminders: append(state.reminders, event.data) };
    case 'WrittenOff':
      return {
        ...s,
        commandIds,
        eventCount,
        writeOffs: append(state.writeOffs, event.data),
        totals: { ...t, writtenOffMinor: t.writtenOffMinor + event.data.amountMinor },
      };
    case 'AutoDebitFailed':
      return { ...s, commandIds, eventCount, autoDebitFailures: append(state.autoDebitFailures ?? [], event.data) };
    case 'PaymentReversed':
      return {
        ...s,
        commandIds,
        eventCount,
        reversals: append(state.reversals ?? [], event.data),
        lateFees: withLateFeeMoney(state, 0, 0, event.data.lateFeeMinor ?? 0),
        totals: { ...t, reversedMinor: (t.reversedMinor ?? 0) + event.data.amountMinor },
      };
    case 'ApprovalRequested':
      return { ...s, commandIds, eventCount, requests: append(state.requests ?? [], { requested: event.data, closing: null }) };
    case 'RequestApproved':
      return { ...s, commandIds, eventCount, requests: closeRequest(state, { status: 'approved', data: event.data }) };
    case 'RequestRejected':
      return { ...s, commandIds, eventCount, requests: closeRequest(state, { status: 'rejected', data: event.data }) };
    case 'RequestExpired':
      return { ...s, commandIds, eventCount, requests: closeRequest(state, { status: 'expired', data: event.data }) };
    case 'LateFeeCharged': {
      const lf = lateFeesOf(state);
      const lateFees = { ...lf, charges: append(lf.charges, event.data), chargedMinor: lf.chargedMinor + event.data.amountMinor };
      return { ...s, commandIds, eventCount, lateFees };
    }
    case 'LateFeeWaived': {
      const lf = lateFeesOf(state);
      const lateFees = { ...lf, waivers: append(lf.waivers, event.data), waivedMinor: lf.waivedMinor + event.data.amountMinor };
      return { ...s, commandIds, eventCount, lateFees };
    }
  }
};

/** The plan that is currently in force, if any (the newest one not cancelled). */
export const activePlan = (state: CycleState): PlanFact | null => {
  for (let i = state.plans.length - 1; i >= 0; i--) {
    const p = state.plans[i]!;
    if (!p.cancellation) return p;
  }
  return null;
};

/** Net amount refunded so far on one payment. */
export const refundedOf = (state: CycleState, paymentId: string): number => {
  let sum = 0;
  for (const r of state.refunds) if (r.paymentId === paymentId) sum += r.amountMinor;
  return sum;
};

/** The reversal of one payment, if it was reversed (a payment is reversed at most once). */
export const reversalOf = (state: CycleState, paymentId: string): PaymentReversedData | null =>
  state.reversals?.find((r) => r.paymentId === paymentId) ?? null;
const closeRequest = (state: CycleState, closing: NonNullable<ApprovalFact['closing']>): readonly ApprovalFact[] =>
  (state.requests ?? []).map((r) => (r.requested.requestId === closing.data.requestId ? { ...r, closing } : r));

/** The requests still waiting for a decision, oldest first. */
export const pendingRequests = (state: CycleState): readonly ApprovalRequestedData[] =>
  (state.requests ?? []).filter((r) => r.closing === null).map((r) => r.requested);
