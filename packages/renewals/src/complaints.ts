// Complaint cases as the office works them (docs/complaints.md): the case is core's
// complaintDecider through the generic handler; here are the two things that need the store.
// - `compensateComplaint`: a compensation is an Adjust of the bill's cycle, decided by the cycle's
//   own rules and the access check (over the role's limit it becomes a request for approval);
//   the case records which of the two happened. The cycle is adjusted first: a resolution never
//   names a compensation the cycle refused.
// - `readComplaints`: every case as of a business day in the ledger's zone, with its overdue
//   follow-up, in one pass over the log (memory: one small state per case).
import {
  businessDayOf,
  caseIdOfComplaintStream,
  complaintEvents,
  evolveComplaint,
  evolveLedgerSettings,
  initialComplaintState,
  initialLedgerSettings,
  ledgerSettingsEvents,
  ledgerZonesOf,
  overdueFollowUp,
  UTC_ZONES,
  type BusinessDate,
  type ComplaintCompensation,
  type ComplaintState,
  type Instant,
  type OverdueFollowUp,
  type RenewalCommand,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { CycleHandler, CycleHandleResult } from './handlers.js';
import { loadCycle } from './ledger.js';

export interface CompensateComplaintOptions {
  readonly caseId: string;
  readonly cycleId: string;
  readonly amountMinor: number;
  readonly reason: string;
  readonly actor: string;
  readonly at: Instant;
}

export type CompensationOutcome =
  | {
      readonly status: 'ok';
      readonly compensation: ComplaintCompensation;
      /** Whether this call wrote the adjustment or its request (false: it was there already). */
      readonly written: boolean;
    }
  | { readonly status: 'rejected'; readonly result: Extract<CycleHandleResult, { status: 'rejected' }> };

/** The adjustment (and request) id of a case's compensation: one per case, so a retry is a duplicate. */
export const compensationIdOf = (caseId: string): string => `complaint:${caseId}`;

/**
 * Adjusts the cycle by the compensation through `cycles` (a handler with the actor's access), and
 * says whether the money moved (`adjusted`) or waits for a second person (`requested`).
 */
export const compensateComplaint = async (
  store: EventStore,
  cycles: CycleHandler,
  o: CompensateComplaintOptions,
): Promise<CompensationOutcome> => {
  const adjustmentId = compensationIdOf(o.caseId);
  // Asked before (a retry, perhaps the next day): the cycle already says which way it went.
  const before = await loadCycle(store, o.cycleId);
  const earlier =
    before.adjustments.find((a) => a.adjustmentId === adjustmentId) ??
    before.requests?.find((r) => r.requested.requestId === adjustmentId)?.requested;
  if (earlier && before.bill)
    return {
      status: 'ok',
      compensation: {
        cycleId: o.cycleId,
        adjustmentId,
        amountMinor: earlier.amountMinor,
        currency: before.bill.currency,
        approval: before.adjustments.some((a) => a.adjustmentId === adjustmentId) ? 'adjusted' : 'requested',
      },
      written: false,
    } as CompensationOutcome;
  const result = await cycles.handle({
    type: 'Adjust',
    commandId: `${adjustmentId}:adjust`,
    cycleId: o.cycleId,
    actor: o.actor,
    at: o.at,
    adjustmentId,
    amountMinor: o.amountMinor,
    reason: o.reason,
  } as RenewalCommand);
  if (result.status === 'rejected') return { status: 'rejected', result };
  // Applied or a retry: the cycle as it now is says which way it went.
  const state = result.status === 'applied' ? result.state : await loadCycle(store, o.cycleId);
  const adjusted = state.adjustments.some((a) => a.adjustmentId === adjustmentId);
  return {
    status: 'ok',
    compensation: {
      cycleId: o.cycleId,
      adjustmentId,
      amountMinor: o.amountMinor,
      currency: state.bill!.currency,
      approval: adjusted ? 'adjusted' : 'requested',
    },
    written: result.status === 'applied',
  } as CompensationOutcome;
};

export interface ComplaintAsOf {
  readonly caseId: string;
  /** The case folded from its events of business days up to the day asked about. */
  readonly state: ComplaintState;
  readonly overdue: OverdueFollowUp | null;
}

/** Every complaint case opened by `asOf` (business days of the events' `at` in the ledger's zone), oldest first. */
export const readComplaints = async (store: EventStore, asOf: BusinessDate): Promise<readonly ComplaintAsOf[]> => {
  let settings = initialLedgerSettings();
  let zones = UTC_ZONES;
  const cases = new Map<string, ComplaintState>();
  for await (const e of store.readAll({ batchSize: 1000 })) {
    if (ledgerSettingsEvents.owns(e.type)) {
      settings = evolveLedgerSettings(settings, ledgerSettingsEvents.of(e));
      zones = ledgerZonesOf(settings);
      continue;
    }
    if (!complaintEvents.owns(e.type)) continue;
    const event = complaintEvents.of(e);
    if (businessDayOf(zones, event.data.at) > asOf) continue;
    const caseId = caseIdOfComplaintStream(e.streamName) ?? event.data.caseId;
    cases.set(caseId, evolveComplaint(cases.get(caseId) ?? initialComplaintState(), event));
  }
  return [...cases]
    .filter(([, s]) => s.opened !== null)
    .map(([caseId, state]) => ({ caseId, state, overdue: overdueFollowUp(state, asOf) }));
};
