// Views that show figures of a cycle keep the cycle's folded state (core's CycleState, in the
// compact row of cycle-state-row.ts) in a row per cycle, and fold each new event into it with
// core's evolveCycle: figures and aging then come from core's cycleFigures and agingAsOf, never
// from arithmetic of the view's own.
import {
  cycleEvents,
  initialCycleState,
  evolveCycle,
  RENEWAL_EVENT_TYPES,
  type CycleState,
  type RecordedEvent,
} from '@renewal-ledger/core';
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

/**
 * A batch's cycle states as the runner folded them, once for every view at the same checkpoint
 * (cycle-state-sets.ts): views read them, never write them.
 */
export interface BatchCycleStates {
  /** The states of the given cycles as of the start of the batch (a map of the caller's own). */
  load(cycleIds: Iterable<string>): Map<string, CycleState>;
  /**
   * `foldBatch` over the runner's fold: sets each event's state after it in `states`, calls
   * `each(event, before, after)` and returns the cycles touched. Events must be the batch's,
   * in order.
   */
  fold(
    states: Map<string, CycleState>,
    events: readonly RecordedEvent[],
    each?: (event: RecordedEvent, before: CycleState, after: CycleState) => void,
  ): Set<string>;
}

/** The event types folded into cycle states: every event that carries a cycle's fact. */
const CYCLE_EVENT_TYPES: ReadonlySet<string> = new Set(RENEWAL_EVENT_TYPES);
export const isCycleEvent = (event: RecordedEvent): boolean => CYCLE_EVENT_TYPES.has(event.type);

/**
 * Folds a batch's cycle events once into states read from a state set: what the runner hands
 * every view of the batch. `changed` are the cycles to write back.
 */
export const foldShared = (
  start: ReadonlyMap<string, CycleState>,
  events: readonly RecordedEvent[],
): { readonly cycles: BatchCycleStates; readonly after: ReadonlyMap<string, CycleState>; readonly changed: ReadonlySet<string> } => {
  const after = new Map(start);
  const transitions = new Map<bigint, readonly [CycleState, CycleState]>();
  const changed = new Set<string>();
  for (const e of events) {
    if (!CYCLE_EVENT_TYPES.has(e.type)) continue;
    const id = cycleIdOf(e);
    const before = after.get(id) ?? initialCycleState();
    const next = evolveCycle(before, cycleEvents.of(e));
    after.set(id, next);
    changed.add(id);
    transitions.set(e.globalPosition, [before, next]);
  }
  const cycles: BatchCycleStates = {
    load: (ids) => {
      const out = new Map<string, CycleState>();
      for (const id of ids) out.set(id, start.get(id) ?? initialCycleState());
      return out;
    },
    fold: (states, batch, each) => {
      const touched = new Set<string>();
      for (const e of batch) {
        const t = transitions.get(e.globalPosition);
        if (!t) throw new Error(`event at ${e.globalPosition} (${e.type}) is not a cycle event of this batch`);
        const id = cycleIdOf(e);
        states.set(id, t[1]);
        touched.add(id);
        each?.(e, t[0], t[1]);
      }
      return touched;
    },
  };
  return { cycles, after, changed };
};

/** The cycles a batch's cycle events touch. */
export const cyclesOfBatch = (events: readonly RecordedEvent[]): Set<string> => {
  const ids = new Set<string>();
  for (const e of events) if (CYCLE_EVENT_TYPES.has(e.type)) ids.add(cycleIdOf(e));
  return ids;
};
