// The rules of a reconciliation. The file's sha256 is its identity: a statement reconciled once
// stays as first reconciled (importing it again is a duplicate, whatever the ledger says now);
// what changes afterwards is recorded as resolutions of its differences.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import type { ReconcileStatement, ReconciliationCommand, ResolveDifference } from './commands.js';
import { reconciliationError, type ReconciliationError } from './errors.js';
import type { ReconciliationEvent } from './events.js';
import type { ReconciliationState } from './state.js';
import { MAX_LISTED_DIFFERENCES } from './stream.js';

export interface ReconciliationDuplicate {
  readonly key: 'commandId' | 'sha256' | 'differenceKey';
  readonly id: string;
}

export type ReconciliationDecision = Decision<ReconciliationEvent, ReconciliationDuplicate>;
type Result = E.Either<ReconciliationError, ReconciliationDecision>;

const emit = (event: ReconciliationEvent): Result => E.right({ events: [event], duplicate: null });
const duplicate = (key: ReconciliationDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

const SHA256 = /^[0-9a-f]{64}$/;

const decideReconcile = (c: ReconcileStatement, state: ReconciliationState): Result => {
  if (state.reconciled) return duplicate('sha256', c.sha256);
  if (!SHA256.test(c.sha256)) return E.left(reconciliationError('INVALID_SHA256', { sha256: c.sha256 }));
  if (c.to < c.from) return E.left(reconciliationError('INVALID_PERIOD', { from: c.from, to: c.to }));
  if (c.differences.length > MAX_LISTED_DIFFERENCES)
    return E.left(reconciliationError('TOO_MANY_DIFFERENCES_LISTED', { listed: c.differences.length, maxListed: MAX_LISTED_DIFFERENCES }));
  const { type: _type, ...data } = c;
  return emit({ type: 'StatementReconciled', data });
};

const decideResolve = (c: ResolveDifference, state: ReconciliationState): Result => {
  const reconciled = state.reconciled;
  if (!reconciled) return E.left(reconciliationError('NOT_RECONCILED', { sha256: c.sha256, commandType: c.type }));
  const data = {
    sha256: c.sha256,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    differenceKey: c.differenceKey,
    resolution: c.resolution,
    note: c.note,
  };
  const earlier = state.resolutions.find((r) => r.differenceKey === c.differenceKey);
  if (earlier)
    return sameFact(earlier, data)
      ? duplicate('differenceKey', c.differenceKey)
      : E.left(
          reconciliationError('DIFFERENCE_ALREADY_RESOLVED', {
            differenceKey: c.differenceKey,
            resolution: earlier.resolution,
            resolvedByCommandId: earlier.commandId,
          }),
        );
  if (!reconciled.differences.some((d) => d.key === c.differenceKey))
    return E.left(reconciliationError('UNKNOWN_DIFFERENCE', { sha256: c.sha256, differenceKey: c.differenceKey }));
  return emit({ type: 'DifferenceResolved', data });
};

export const decideReconciliation = (
  command: ReconciliationCommand,
  state: ReconciliationState,
): E.Either<ReconciliationError, ReconciliationDecision> => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  switch (command.type) {
    case 'ReconcileStatement':
      return decideReconcile(command, state);
    case 'ResolveDifference':
      return decideResolve(command, state);
  }
};
