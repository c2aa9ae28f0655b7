// Views that show figures of a cycle keep the cycle's folded state (core's CycleState, in the
// compact row of cycle-state-row.ts) in a row per cycle, and fold each new event into it with
// core's evolveCycle: figures and aging then come from core's cycleFigures and agingAsOf, never
// from arithmetic of the view's own.
import { cycleEvents, initialCycleState, evolveCycle, type CycleState, type RecordedEvent } from '@renewal-ledger/core';
import { readCycleStates } from './cycle-state-row.js';
import type { SqlExecutor } from './sql.js';

/** The cycle an event belongs to (every renewal event carries its cycleId). */
export const cycleIdOf = (event: RecordedEvent): string => (event.data as { cycleId: string }).cycleId;

/**
 * The states of the cycles a batch touches, read from a table made by createCycleStateTable;
 * cycles not there yet start from core's initial state.
 */
export const loadCycleStates = async (tx: SqlExecutor, table: string, cycleIds: Iterable<string>): Promise<Map<string, CycleState>> => {
  const ids = [...new Set(cycleIds)];
  const states = await readCycleStates(tx, table, ids);
  for (const id of ids) if (!states.has(id)) states.set(id, initialCycleState());
  return states;
};

/**
 * Folds a batch into the loaded states in global order, calling `each` with every event and the
 * state of its cycle after it. Returns the cycles whose state changed.
 */
export const foldBatch = (
  states: Map<string, CycleState>,
  events: readonly RecordedEvent[],
  each?: (event: RecordedEvent, before: CycleState, after: CycleState) => void,
): Set<string> => {
  const touched = new Set<string>();
  for (const e of events) {
    const id = cycleIdOf(e);
    const before = states.get(id) ?? initialCycleState();
    const after = evolveCycle(before, cycleEvents.of(e));
    states.set(id, after);
    touched.add(id);
    each?.(e, before, after);
  }
  return touched;
};
