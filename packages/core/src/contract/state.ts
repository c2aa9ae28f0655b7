// The state of one contract, folded from its events. A contract lives for years, but its events
// are few (an opening, a handful of plan changes, mandates, lump sums and credit applications), so
// plain arrays and a running credit balance suffice.
import type { BusinessDate } from '../calendar.js';
import type {
  ContractEndedData,
  ContractEvent,
  ContractOpenedData,
  CreditAppliedData,
  CreditApplicationCancelledData,
  CreditReceivedData,
  OverCollectionCreditedData,
  FeePlanChangedData,
  InvoiceBuyerSetData,
  LumpSumAllocatedData,
  LumpSumReceivedData,
  MandateGivenData,
  MandateRevokedData,
} from './events.js';
import type { FeePlan } from './shapes.js';

/** A fee plan and the first day it applies to. The opening plan applies from the start date. */
export interface FeePlanVersion {
  readonly effectiveFrom: BusinessDate;
  readonly feePlan: FeePlan;
  /** The change that set it; null for the opening plan. */
  readonly change: FeePlanChangedData | null;
}

export interface MandateFact {
  readonly given: MandateGivenData;
  readonly revocation: MandateRevokedData | null;
}

export interface LumpSumFact {
  readonly received: LumpSumReceivedData;
  /** null until every part is paid on its cycle and the rest credited. */
  readonly allocation: LumpSumAllocatedData | null;
}

export interface CreditApplicationFact {
  readonly applied: CreditAppliedData;
  readonly cancellation: CreditApplicationCancelledData | null;
}

export interface ContractState {
  readonly opened: ContractOpenedData | null;
  /** Every command id that produced an event here, for idempotency. */
  readonly commandIds: readonly string[];
  /** In force from their effective dates, oldest first; the first is the opening plan. */
  readonly feePlans: readonly FeePlanVersion[];
  readonly mandates: readonly MandateFact[];
  readonly lumpSums: readonly LumpSumFact[];
  readonly credits: readonly CreditReceivedData[];
  readonly applications: readonly CreditApplicationFact[];
  /**
   * Money collected for cycles that refused it, kept as credit. Optional: states stored before
   * the event existed stay valid (absent = none).
   */
  readonly overCollections?: readonly OverCollectionCreditedData[];
  /** Credit received (lump sums' rest, over-collections) - credit applied (applications cancelled give it back). Never negative. */
  readonly creditBalanceMinor: number;
  readonly ended: ContractEndedData | null;
  /** The buyer invoices name: the latest set, with who set it and when (every change is an event). */
  readonly invoiceBuyer: InvoiceBuyerSetData | null;
  /** Number of events folded: the stream revision + 1. */
  readonly eventCount: number;
}

export const initialContractState = (): ContractState => ({
  opened: null,
  commandIds: [],
  feePlans: [],
  mandates: [],
  lumpSums: [],
  credits: [],
  applications: [],
  creditBalanceMinor: 0,
  ended: null,
  invoiceBuyer: null,
  eventCount: 0,
});

const append = <A>(xs: readonly A[], x: A): readonly A[] => [...xs, x];

export const evolveContract = (state: ContractState, event: ContractEvent): ContractState => {
  const s = { ...state, commandIds: append(state.commandIds, event.data.commandId), eventCount: state.eventCount + 1 };
  switch (event.type) {
    case 'ContractOpened': {
      const d = event.data;
      return {
        ...s,
        opened: d,
        feePlans: [{ effectiveFrom: d.startDate, feePlan: d.feePlan, change: null }],
      };
    }
    case 'FeePlanChanged': {
      const d = event.data;
      return {
        ...s,
        feePlans: append(state.feePlans, { effectiveFrom: d.effectiveFrom, feePlan: d.feePlan, change: d }),
      };
    }
    case 'MandateGiven':
      return { ...s, mandates: append(state.mandates, { given: event.data, revocation: null }) };
    case 'MandateRevoked': {
      const d = event.data;
      return { ...s, mandates: state.mandates.map((x) => (x.given.mandateId === d.mandateId ? { ...x, revocation: d } : x)) };
    }
    case 'LumpSumReceived':
      return { ...s, lumpSums: append(state.lumpSums, { received: event.data, allocation: null }) };
    case 'LumpSumAllocated': {
      const d = event.data;
      return { ...s, lumpSums: state.lumpSums.map((x) => (x.received.lumpSumId === d.lumpSumId ? { ...x, allocation: d } : x)) };
    }
    case 'CreditReceived':
      return { ...s, credits: append(state.credits, event.data), creditBalanceMinor: state.creditBalanceMinor + event.data.amountMinor };
    case 'CreditApplied':
      return {
        ...s,
        applications: append(state.applications, { applied: event.data, cancellation: null }),
        creditBalanceMinor: state.creditBalanceMinor - event.data.amountMinor,
      };
    case 'CreditApplicationCancelled': {
      const d = event.data;
      const found = state.applications.find((a) => a.applied.applicationId === d.applicationId);
      return {
        ...s,
        applications: state.applications.map((a) => (a.applied.applicationId === d.applicationId ? { ...a, cancellation: d } : a)),
        creditBalanceMinor: state.creditBalanceMinor + (found && !found.cancellation ? found.applied.amountMinor : 0),
      };
    }
    case 'ContractEnded':
      return { ...s, ended: event.data };
    case 'InvoiceBuyerSet':
      return { ...s, invoiceBuyer: event.data };
    case 'OverCollectionCredited':
      return {
        ...s,
        overCollections: append(state.overCollections ?? [], event.data),
        creditBalanceMinor: state.creditBalanceMinor + event.data.amountMinor,
      };
  }
};

/** The mandate in force, if any (the newest one not revoked). */
export const activeMandate = (state: ContractState): MandateFact | null => {
  for (let i = state.mandates.length - 1; i >= 0; i--) {
    const mandate = state.mandates[i]!;
    if (!mandate.revocation) return mandate;
  }
  return null;
};

/** The fee plan in force on a date: the newest whose effective date is on or before it. */
export const feePlanOn = (state: ContractState, date: BusinessDate): FeePlanVersion | null => {
  let found: FeePlanVersion | null = null;
  for (const v of state.feePlans) if (v.effectiveFrom <= date) found = v;
  return found ?? state.feePlans[0] ?? null;
};

/** Lump sums received whose allocation is not recorded yet: what a crash may have left half done. */
export const pendingLumpSums = (state: ContractState): readonly LumpSumFact[] => state.lumpSums.filter((l) => !l.allocation);

export interface ContractFigures {
  readonly creditReceivedMinor: number;
  /** Applied and not cancelled. */
  readonly creditAppliedMinor: number;
  readonly creditBalanceMinor: number;
  readonly lumpSumsMinor: number;
}

export const contractFigures = (state: ContractState): ContractFigures => {
  let received = 0;
  let applied = 0;
  let lumpSums = 0;
  for (const c of state.credits) received += c.amountMinor;
  for (const o of state.overCollections ?? []) received += o.amountMinor;
  for (const a of state.applications) if (!a.cancellation) applied += a.applied.amountMinor;
  for (const l of state.lumpSums) lumpSums += l.received.amountMinor;
  return {
    creditReceivedMinor: received,
    creditAppliedMinor: applied,
    creditBalanceMinor: state.creditBalanceMinor,
    lumpSumsMinor: lumpSums,
  };
};
