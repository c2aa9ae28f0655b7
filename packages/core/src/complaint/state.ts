// A complaint case folded from its events: who complained about what, who owns it, when it is
// next due to be followed up, how it was resolved and closed.
import { daysBetween, type BusinessDate } from '../calendar.js';
import type { ComplaintClosedData, ComplaintEvent, ComplaintFollowedUpData, ComplaintOpenedData, ComplaintResolvedData } from './events.js';

export interface ComplaintState {
  readonly opened: ComplaintOpenedData | null;
  readonly owner: string | null;
  readonly followUps: readonly ComplaintFollowedUpData[];
  readonly resolved: ComplaintResolvedData | null;
  readonly closed: ComplaintClosedData | null;
  /** The day the next follow-up is due; null when none is scheduled (or the case is closed). */
  readonly followUpBy: BusinessDate | null;
  readonly commandIds: readonly string[];
}

export const initialComplaintState = (): ComplaintState => ({
  opened: null,
  owner: null,
  followUps: [],
  resolved: null,
  closed: null,
  followUpBy: null,
  commandIds: [],
});

export const evolveComplaint = (state: ComplaintState, event: ComplaintEvent): ComplaintState => {
  const commandIds = [...state.commandIds, event.data.commandId];
  switch (event.type) {
    case 'ComplaintOpened':
      return { ...state, commandIds, opened: event.data, followUpBy: event.data.followUpBy };
    case 'ComplaintAssigned':
      return { ...state, commandIds, owner: event.data.owner };
    case 'ComplaintFollowedUp':
      return { ...state, commandIds, followUps: [...state.followUps, event.data], followUpBy: event.data.nextFollowUpBy ?? null };
    case 'ComplaintResolved':
      // After a resolution the follow-up is the check that the customer is satisfied.
      return { ...state, commandIds, resolved: event.data, followUpBy: event.data.checkBy ?? null };
    case 'ComplaintClosed':
      return { ...state, commandIds, closed: event.data, followUpBy: null };
  }
};

export type ComplaintStatus = 'open' | 'assigned' | 'resolved' | 'closed';

export interface ComplaintFigures {
  readonly caseId: string | null;
  readonly status: ComplaintStatus | null;
  readonly owner: string | null;
  readonly followUps: number;
  readonly followUpBy: BusinessDate | null;
}

export const complaintStatusOf = (s: ComplaintState): ComplaintStatus | null =>
  s.closed ? 'closed' : s.resolved ? 'resolved' : s.owner !== null ? 'assigned' : s.opened ? 'open' : null;

/** What a caller is told after a command. */
export const complaintFigures = (s: ComplaintState): ComplaintFigures => ({
  caseId: s.opened?.caseId ?? null,
  status: complaintStatusOf(s),
  owner: s.owner,
  followUps: s.followUps.length,
  followUpBy: s.followUpBy,
});

export interface OverdueFollowUp {
  readonly dueOn: BusinessDate;
  /** asOf - dueOn, at least 1. */
  readonly daysOverdue: number;
}

/**
 * Whether the case's follow-up is overdue on `asOf`: due before that day and not done. `state` is
 * the case as of that day (its events of business days up to `asOf` folded), so a follow-up
 * recorded later does not hide that it was late then. Due on the day itself is not yet overdue.
 */
export const overdueFollowUp = (state: ComplaintState, asOf: BusinessDate): OverdueFollowUp | null => {
  const due = state.followUpBy;
  if (state.closed || due === null || due >= asOf) return null;
  return { dueOn: due, daysOverdue: daysBetween(due, asOf) };
};
