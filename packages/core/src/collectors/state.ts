// The collection office folded: each contract's assignments in order (its history), and the
// targets in force (the last set for a month, scope and subject wins; earlier ones stay in the log).
import type { BusinessDate } from '../calendar.js';
import type { CollectionTargetSetData, CollectorAssignedData, CollectorsEvent } from './events.js';
import type { TargetScope } from './shapes.js';

export interface CollectorsState {
  /** Contract -> its assignments, oldest `from` first. */
  readonly assignments: ReadonlyMap<string, readonly CollectorAssignedData[]>;
  /** `targetKey` -> the target in force. */
  readonly targets: ReadonlyMap<string, CollectionTargetSetData>;
  readonly commandIds: ReadonlySet<string>;
}

export const targetKey = (month: string, scope: TargetScope, subjectId: string): string => `${month}|${scope}|${subjectId}`;

export const initialCollectorsState = (): CollectorsState => ({ assignments: new Map(), targets: new Map(), commandIds: new Set() });

export const evolveCollectors = (state: CollectorsState, event: CollectorsEvent): CollectorsState => {
  const commandIds = new Set(state.commandIds).add(event.data.commandId);
  if (event.type === 'CollectorAssigned') {
    const assignments = new Map(state.assignments);
    assignments.set(event.data.contractId, [...(state.assignments.get(event.data.contractId) ?? []), event.data]);
    return { ...state, assignments, commandIds };
  }
  const d = event.data;
  const targets = new Map(state.targets).set(targetKey(d.month, d.scope, d.subjectId), d);
  return { ...state, targets, commandIds };
};

/** Who answers for a contract on a business day: the assignment in force then; null before the first. */
export const assignmentOn = (state: CollectorsState, contractId: string, day: BusinessDate): CollectorAssignedData | null => {
  const list = state.assignments.get(contractId) ?? [];
  let found: CollectorAssignedData | null = null;
  for (const a of list) if (a.from <= day) found = a;
  return found;
};

/** A collector's team: the team of their latest assignment; null for someone never assigned a contract. */
export const teamOf = (state: CollectorsState, collectorId: string): string | null => {
  let found: CollectorAssignedData | null = null;
  for (const list of state.assignments.values())
    for (const a of list) if (a.collectorId === collectorId && (found === null || a.from >= found.from)) found = a;
  return found?.teamId ?? null;
};

export interface CollectorsFigures {
  readonly contractsAssigned: number;
  readonly targets: number;
}

export const collectorsFigures = (s: CollectorsState): CollectorsFigures => ({
  contractsAssigned: s.assignments.size,
  targets: s.targets.size,
});
