// The rows the library writes for a portfolio, worked out without any store: each command decided
// against its cycle's folded state with core's decideCycle, wrapped with core's envelope exactly as
// the command handler does (same metadata, same ids, same recorded-at), serialised as the stores
// serialise it. The raw limits insert these rows, so library and limit write the same bytes (the
// harness checks it). Timed on its own, this is also the memory store's limit for the write paths:
// deciding and serialising with no store at all.
import {
  cycleEvents,
  CURRENT_SCHEMA_VERSION,
  cycleStreamName,
  decideCycle,
  envelope,
  evolveCycle,
  initialCycleState,
  type CycleState,
  type Instant,
  type RenewalCommand,
  type RenewalEvent,
} from '@renewal-ledger/core';
import type { ScheduledCommand } from '@renewal-ledger/workload';

/** One event row as every store keeps it: data and metadata as JSON text. */
export interface PlannedRow {
  readonly streamName: string;
  /** 0 for a stream's first event. */
  readonly streamRevision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: string;
}

export interface Plan {
  /** Per command, the rows it appends: empty for a duplicate or a refused command. */
  readonly rowsByCommand: readonly (readonly PlannedRow[])[];
  readonly rows: readonly PlannedRow[];
  /** Each cycle's state after the last command, by stream name. */
  readonly states: ReadonlyMap<string, CycleState>;
  readonly applied: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/** When each command is recorded: its own instant (one at a time), or its batch's (handleBatch reads the clock once). */
export type RecordedAtOf = (index: number) => Instant;

export const recordedAtOneByOne =
  (commands: readonly ScheduledCommand[]): RecordedAtOf =>
  (i) =>
    commands[i]!.recordedAt;

/** The handler reads its clock once per batch; the harness sets it to the batch's last command's instant. */
export const recordedAtPerBatch =
  (commands: readonly ScheduledCommand[], batchSize: number): RecordedAtOf =>
  (i) =>
    commands[Math.min(commands.length - 1, Math.floor(i / batchSize) * batchSize + batchSize - 1)]!.recordedAt;

const schemaVersionOf = (type: RenewalEvent['type']): number => CURRENT_SCHEMA_VERSION[type];

/**
 * One command decided against its cycle's state, as the handler decides it: the rows it appends
 * and the state after them, or why it appends nothing.
 */
export const planCommand = (
  command: RenewalCommand,
  state: CycleState,
  recordedAt: Instant,
): { readonly rows: PlannedRow[]; readonly state: CycleState } | 'duplicate' | 'rejected' => {
  const decision = decideCycle(command, state);
  if (decision._tag === 'Left') return 'rejected';
  if (decision.right.events.length === 0) return 'duplicate';
  const streamName = cycleStreamName(command.cycleId);
  // The metadata the command handler gives an event: correlation defaults to the command id.
  const events = envelope(
    decision.right.events,
    { recordedAt, actor: command.actor, commandId: command.commandId, correlationId: command.commandId },
    schemaVersionOf,
  );
  const rows: PlannedRow[] = [];
  let next = state;
  for (const e of events) {
    rows.push({
      streamName,
      streamRevision: next.eventCount,
      eventId: e.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: JSON.stringify(e.data),
      metadata: JSON.stringify(e.metadata),
      recordedAt,
    });
    next = evolveCycle(next, cycleEvents.of(e));
  }
  return { rows, state: next };
};

/**
 * Decides commands one after another, as the handler would: `add` can be called in slices (the
 * memory limit runs interleaved with the library), `plan` gives the rows so far.
 */
export const createPlanner = (recordedAtOf: RecordedAtOf) => {
  const states = new Map<string, CycleState>();
  const rowsByCommand: PlannedRow[][] = [];
  const rows: PlannedRow[] = [];
  let applied = 0;
  let duplicates = 0;
  let rejected = 0;
  return {
    /** Decides `commands[i]` for every i in [from, to), in order; `from` must continue where the last call ended. */
    add(commands: readonly ScheduledCommand[], from: number, to: number): void {
      if (from !== rowsByCommand.length) throw new Error(`the planner is at command ${rowsByCommand.length}, not ${from}`);
      for (let i = from; i < to; i++) {
        const command = commands[i]!.command;
        const streamName = cycleStreamName(command.cycleId);
        const planned = planCommand(command, states.get(streamName) ?? initialCycleState(), recordedAtOf(i));
        if (planned === 'rejected') rejected++;
        else if (planned === 'duplicate') duplicates++;
        else {
          applied++;
          states.set(streamName, planned.state);
          for (const row of planned.rows) rows.push(row);
        }
        rowsByCommand.push(typeof planned === 'string' ? [] : planned.rows);
      }
    },
    plan: (): Plan => ({ rowsByCommand, rows, states, applied, duplicates, rejected }),
  };
};

export const planCommands = (commands: readonly ScheduledCommand[], recordedAtOf: RecordedAtOf): Plan => {
  const planner = createPlanner(recordedAtOf);
  planner.add(commands, 0, commands.length);
  return planner.plan();
};

/** Consecutive slices of `size` (the last may be shorter). */
export const chunks = <A>(xs: readonly A[], size: number): A[][] => {
  const out: A[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};
