// The rules of a complaint case (docs/complaints.md): opened once, owned before it is followed
// up or resolved, resolved once, closed with the customer's word after a resolution, and then left
// alone. A command id and a business id (the case, a follow-up) are idempotency keys.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import type { ComplaintCommand, FollowUpComplaint, OpenComplaint, ResolveComplaint } from './commands.js';
import { complaintError, type ComplaintError } from './errors.js';
import type { ComplaintEvent } from './events.js';
import type { ComplaintState } from './state.js';

export interface ComplaintDuplicate {
  readonly key: 'commandId' | 'caseId' | 'followUpId' | 'owner';
  readonly id: string;
}

export type ComplaintDecision = Decision<ComplaintEvent, ComplaintDuplicate>;
type Result = E.Either<ComplaintError, ComplaintDecision>;

// The same fact entered again later (a retry the next morning) is still the same fact: `at` aside.
const sameFactAnyTime = (recorded: { readonly at: string }, candidate: { readonly at: string }): boolean => {
  const { at: _r, ...was } = recorded;
  const { at: _c, ...now } = candidate;
  return sameFact(was, now);
};

const emit = (event: ComplaintEvent): Result => E.right({ events: [event], duplicate: null });
const duplicate = (key: ComplaintDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });
const dataOf = <C extends { readonly type: string }>(c: C): Omit<C, 'type'> => {
  const { type: _type, ...data } = c;
  return data;
};

const tooEarly = (caseId: string, dueOn: string | undefined, receivedOn: string): ComplaintError | null =>
  dueOn !== undefined && dueOn < receivedOn ? complaintError('FOLLOW_UP_DUE_TOO_EARLY', { caseId, dueOn, receivedOn }) : null;

const decideOpen = (c: OpenComplaint, state: ComplaintState): Result => {
  const data = dataOf(c);
  if (state.opened)
    return sameFactAnyTime(state.opened, data)
      ? duplicate('caseId', c.caseId)
      : E.left(complaintError('COMPLAINT_EXISTS', { caseId: c.caseId, contractId: state.opened.contractId }));
  const early = tooEarly(c.caseId, c.followUpBy, c.receivedOn);
  if (early) return E.left(early);
  return emit({ type: 'ComplaintOpened', data });
};

const decideFollowUp = (c: FollowUpComplaint, state: ComplaintState, receivedOn: string): Result => {
  const data = dataOf(c);
  const earlier = state.followUps.find((f) => f.followUpId === c.followUpId);
  if (earlier)
    return sameFactAnyTime(earlier, data)
      ? duplicate('followUpId', c.followUpId)
      : E.left(complaintError('FOLLOW_UP_EXISTS', { caseId: c.caseId, followUpId: c.followUpId }));
  const early = tooEarly(c.caseId, c.nextFollowUpBy, receivedOn);
  if (early) return E.left(early);
  return emit({ type: 'ComplaintFollowedUp', data });
};

const decideResolve = (c: ResolveComplaint, state: ComplaintState, receivedOn: string): Result => {
  const data = dataOf(c);
  if (state.resolved)
    return sameFactAnyTime(state.resolved, data)
      ? duplicate('caseId', c.caseId)
      : E.left(
          complaintError('COMPLAINT_ALREADY_RESOLVED', {
            caseId: c.caseId,
            outcome: state.resolved.outcome,
            resolvedByCommandId: state.resolved.commandId,
          }),
        );
  const compensated = c.compensation !== undefined;
  if (compensated !== (c.outcome === 'compensation'))
    return E.left(complaintError('COMPENSATION_MISMATCH', { caseId: c.caseId, outcome: c.outcome, compensated }));
  const early = tooEarly(c.caseId, c.checkBy, receivedOn);
  if (early) return E.left(early);
  return emit({ type: 'ComplaintResolved', data });
};

export const decideComplaint = (command: ComplaintCommand, state: ComplaintState): E.Either<ComplaintError, ComplaintDecision> => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  if (command.type === 'OpenComplaint') return decideOpen(command, state);
  const opened = state.opened;
  if (!opened) return E.left(complaintError('COMPLAINT_NOT_OPEN', { caseId: command.caseId, commandType: command.type }));
  if (state.closed && command.type === 'CloseComplaint' && sameFactAnyTime(state.closed, dataOf(command)))
    return duplicate('caseId', command.caseId);
  if (state.closed)
    return E.left(complaintError('COMPLAINT_CLOSED', { caseId: command.caseId, commandType: command.type, closedAt: state.closed.at }));
  switch (command.type) {
    case 'AssignComplaint':
      return state.owner === command.owner ? duplicate('owner', command.owner) : emit({ type: 'ComplaintAssigned', data: dataOf(command) });
    case 'FollowUpComplaint':
    case 'ResolveComplaint':
      if (state.owner === null)
        return E.left(complaintError('COMPLAINT_NOT_ASSIGNED', { caseId: command.caseId, commandType: command.type }));
      return command.type === 'FollowUpComplaint'
        ? decideFollowUp(command, state, opened.receivedOn)
        : decideResolve(command, state, opened.receivedOn);
    case 'CloseComplaint':
      if (!state.resolved) return E.left(complaintError('COMPLAINT_NOT_RESOLVED', { caseId: command.caseId }));
      return emit({ type: 'ComplaintClosed', data: dataOf(command) });
  }
};
