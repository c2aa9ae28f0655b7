// The rules of the collection office: a contract's assignments are its history, so a reassignment
// starts after the current one (the same assignment again is a duplicate); a target names a figure.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import type { CollectorsCommand } from './commands.js';
import { collectorsError, type CollectorsError } from './errors.js';
import type { CollectorsEvent } from './events.js';
import { targetKey, type CollectorsState } from './state.js';

export interface CollectorsDuplicate {
  readonly key: 'commandId' | 'assignment' | 'target';
  readonly id: string;
}

export type CollectorsDecision = Decision<CollectorsEvent, CollectorsDuplicate>;
type Result = E.Either<CollectorsError, CollectorsDecision>;
const duplicate = (key: CollectorsDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

export const decideCollectors = (c: CollectorsCommand, state: CollectorsState): E.Either<CollectorsError, CollectorsDecision> => {
  if (state.commandIds.has(c.commandId)) return duplicate('commandId', c.commandId);
  if (c.type === 'AssignCollector') {
    const { type: _type, ...data } = c;
    const history = state.assignments.get(c.contractId) ?? [];
    if (history.some((a) => a.from === c.from && a.collectorId === c.collectorId && a.teamId === c.teamId))
      return duplicate('assignment', `${c.contractId}@${c.from}`);
    const current = history[history.length - 1];
    if (current && c.from <= current.from)
      return E.left(
        collectorsError('ASSIGNMENT_OUT_OF_ORDER', {
          contractId: c.contractId,
          from: c.from,
          currentFrom: current.from,
          currentCollectorId: current.collectorId,
        }),
      );
    return E.right({ events: [{ type: 'CollectorAssigned', data }], duplicate: null });
  }
  const { type: _type, ...data } = c;
  if (c.collectedMinor === undefined && c.collectionRateBp === undefined && c.arrearsReducedMinor === undefined)
    return E.left(collectorsError('TARGET_EMPTY', { month: c.month, scope: c.scope, subjectId: c.subjectId }));
  const key = targetKey(c.month, c.scope, c.subjectId);
  const inForce = state.targets.get(key);
  if (inForce) {
    const { at: _a, ...was } = inForce;
    const { at: _b, ...now } = data;
    if (sameFact(was, now)) return duplicate('target', key);
  }
  return E.right({ events: [{ type: 'CollectionTargetSet', data }], duplicate: null });
};
