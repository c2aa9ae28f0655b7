// The command handler: load a cycle (read its stream and fold it), decide, append with the
// revision that was read. Another writer appending in between makes the append fail with
// WrongExpectedRevisionError; the handler then reads again and decides again, a bounded number of
// times with back-off. Event ids come from the command id, so an append that succeeded but whose
// answer was lost is recognised as already stored on the next attempt instead of written twice.
import * as E from 'fp-ts/lib/Either.js';
import {
  CURRENT_SCHEMA_VERSION,
  cycleFigures,
  cycleStreamName,
  decideCycle,
  envelope,
  evolveCycle,
  initialCycleState,
  type CycleFigures,
  type CycleState,
  type Duplicate,
  type Instant,
  type NewEvent,
  type RecordedEvent,
  type RenewalCommand,
  type RenewalError,
  type RenewalEvent,
} from '@renewal-ledger/core';
import { WrongExpectedRevisionError, type AppendRequest, type AppendResult, type EventStore, type ExpectedRevision } from './port.js';

export interface CommandHandlerOptions {
  readonly store: EventStore;
  /** When events are recorded (`metadata.recordedAt`). Default: the machine's clock. */
  readonly clock?: () => Instant;
  /** How many times a command is decided again after a revision conflict. Default 10. */
  readonly maxRetries?: number;
  /** Milliseconds to wait before retry `attempt` (1, 2, ...). Default: exponential with jitter, capped. */
  readonly backoff?: (attempt: number) => number;
}

export interface HandleOptions {
  /** Default: the command id (the command starts its own conversation). */
  readonly correlationId?: string;
  /** The message that caused this command, if any. */
  readonly causationId?: string;
  /**
   * When the command is recorded (`metadata.recordedAt`), instead of the handler's clock: for
   * imports and replays of commands entered earlier. In a batch, a function gives each command
   * its own time.
   */
  readonly recordedAt?: Instant | ((command: RenewalCommand) => Instant);
}

export interface Applied {
  readonly status: 'applied';
  /** The events stored for the command, with their revisions and global positions. */
  readonly events: readonly RecordedEvent[];
  /** The cycle's figures after the command. */
  readonly figures: CycleFigures;
}
export interface Duplicated {
  readonly status: 'duplicate';
  /** The fact the command repeats; nothing was written. */
  readonly duplicate: Duplicate;
}
export interface Rejected {
  readonly status: 'rejected';
  /** The rule that refused the command; nothing was written. */
  readonly error: RenewalError;
}
/** With `allOrNothing`: the command was fine, but another command of the batch was rejected. */
export interface NotWritten {
  readonly status: 'not-written';
}
export type HandleResult = Applied | Duplicated | Rejected;
export type BatchResult = HandleResult | NotWritten;

interface BatchOptions extends HandleOptions {
  readonly allOrNothing?: boolean;
  readonly dryRun?: boolean;
}

export interface CommandHandler {
  handle(command: RenewalCommand, options?: HandleOptions): Promise<HandleResult>;
  /**
   * Many commands, one result per command in order, with the same semantics as `handle` one by
   * one; every append goes into one `appendBatch` (one transaction on SQL stores). Commands on
   * the same cycle see each other's events. On a revision conflict the whole batch is read and
   * decided again. `options` apply to every command (correlation defaults to each command's id).
   */
  handleBatch(commands: readonly RenewalCommand[], options?: HandleOptions): Promise<readonly HandleResult[]>;
  /**
   * Like `handleBatch`, but writes nothing unless every command is applied or a duplicate: when
   * one is rejected, the commands that would have applied are `not-written`. Decided and appended
   * under the same revision checks, so a concurrent writer makes the batch decide again rather
   * than slip in between the check and the write (imports that must go in whole: `--atomic`).
   */
  handleAllOrNothing(commands: readonly RenewalCommand[], options?: HandleOptions): Promise<readonly BatchResult[]>;
  /** Decides the commands against the store as it is and writes nothing: what would apply is `not-written`. */
  check(commands: readonly RenewalCommand[]): Promise<readonly BatchResult[]>;
}

/** The machine's clock: the only place the library reads time. */
export const systemClock = (): Instant => new Date().toISOString() as Instant;

/** 5, 10, 20 ... ms up to 250 ms, each scaled by a random factor in [0.5, 1.5) so racers spread out. */
export const defaultBackoff = (attempt: number): number => Math.min(250, 5 * 2 ** (attempt - 1)) * (0.5 + Math.random());

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface LoadedCycle {
  state: CycleState;
  /** What the next append expects: the revision read, or `no-stream`. */
  revision: ExpectedRevision;
}

const foldCycle = (events: Iterable<RecordedEvent>): LoadedCycle => {
  let state = initialCycleState();
  let revision: ExpectedRevision = 'no-stream';
  for (const e of events) {
    state = evolveCycle(state, { type: e.type, data: e.data } as RenewalEvent);
    revision = e.streamRevision;
  }
  return { state, revision };
};

/** The cycles of a batch, folded: in one read where the store can (`readStreams`), else one by one. */
const loadCycles = async (store: EventStore, streamNames: readonly string[]): Promise<Map<string, LoadedCycle>> => {
  const cycles = new Map<string, LoadedCycle>();
  if (store.readStreams && streamNames.length > 1) {
    const read = await store.readStreams(streamNames);
    for (const name of streamNames) cycles.set(name, foldCycle(read.get(name) ?? []));
    return cycles;
  }
  for (const name of streamNames) {
    const events: RecordedEvent[] = [];
    for await (const e of store.readStream(name)) events.push(e);
    cycles.set(name, foldCycle(events));
  }
  return cycles;
};

const schemaVersionOf = (type: RenewalEvent['type']): number => CURRENT_SCHEMA_VERSION[type];

/** The events as stored: revisions follow from the append result; positions too when it is one event. */
const recordedFrom = async (
  store: EventStore,
  streamName: string,
  events: readonly NewEvent[],
  result: AppendResult,
): Promise<RecordedEvent[]> => {
  const firstRevision = result.nextExpectedRevision - BigInt(events.length - 1);
  if (events.length === 1 && result.outcome === 'appended') {
    const e = events[0]!;
    // The shape stores return (recordedEventFrom), as one literal: no spread on the hot path.
    return [
      {
        eventId: e.eventId,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: e.metadata,
        streamName,
        streamRevision: firstRevision,
        globalPosition: result.lastGlobalPosition,
      } as RecordedEvent,
    ];
  }
  // Several events: global positions need not be consecutive (PostgreSQL sequences, EventStoreDB
  // log positions). Already stored: by an earlier attempt, whose metadata (recordedAt) is the
  // one kept. Either way, read them back.
  const ids = new Set(events.map((e) => e.eventId));
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(streamName, { fromRevision: firstRevision })) {
    if (ids.has(e.eventId)) out.push(e);
    if (out.length === events.length) break;
  }
  return out;
};

interface Planned {
  /** Index into the batch's append requests, or null when nothing is written. */
  readonly request: number | null;
  readonly outcome: HandleResult;
}

export const getCommandHandler = (options: CommandHandlerOptions): CommandHandler => {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 10;
  const backoff = options.backoff ?? defaultBackoff;

  /** Runs `attempt` until it does not hit a revision conflict, at most 1 + maxRetries times. */
  const withRetries = async <A>(attempt: () => Promise<A>): Promise<A> => {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof WrongExpectedRevisionError) || tries >= maxRetries) throw e;
        await sleep(backoff(tries + 1));
      }
    }
  };

  const metadataOf = (command: RenewalCommand, handleOptions: HandleOptions, recordedAt: Instant) => ({
    recordedAt,
    actor: command.actor,
    commandId: command.commandId,
    correlationId: handleOptions.correlationId ?? command.commandId,
    ...(handleOptions.causationId ? { causationId: handleOptions.causationId } : {}),
  });

  /** Decides every command against the cycles as read, in order, and plans one append per applied command. */
  const plan = async (commands: readonly RenewalCommand[], handleOptions: HandleOptions) => {
    const cycles = await loadCycles(store, [...new Set(commands.map((c) => cycleStreamName(c.cycleId)))]);
    const now = handleOptions.recordedAt === undefined ? clock() : null;
    const recordedAtOf = (command: RenewalCommand): Instant =>
      typeof handleOptions.recordedAt === 'function' ? handleOptions.recordedAt(command) : (handleOptions.recordedAt ?? now!);
    const requests: AppendRequest[] = [];
    const planned: Planned[] = [];
    for (const command of commands) {
      const streamName = cycleStreamName(command.cycleId);
      const cycle = cycles.get(streamName)!;
      const decision = decideCycle(command, cycle.state);
      if (E.isLeft(decision)) {
        planned.push({ request: null, outcome: { status: 'rejected', error: decision.left } });
        continue;
      }
      const { events, duplicate } = decision.right;
      if (events.length === 0) {
        planned.push({
          request: null,
          outcome: { status: 'duplicate', duplicate: duplicate ?? { key: 'commandId', id: command.commandId } },
        });
        continue;
      }
      const newEvents = envelope(events, metadataOf(command, handleOptions, recordedAtOf(command)), schemaVersionOf);
      requests.push({ streamName, events: newEvents, expectedRevision: cycle.revision });
      for (const e of events) cycle.state = evolveCycle(cycle.state, e);
      const from = cycle.revision === 'no-stream' ? -1n : (cycle.revision as bigint);
      cycle.revision = from + BigInt(newEvents.length);
      // Figures after this command, not after the whole batch.
      planned.push({
        request: requests.length - 1,
        outcome: { status: 'applied', events: [], figures: cycleFigures(cycle.state) },
      });
    }
    return { requests, planned };
  };

  const run = async (commands: readonly RenewalCommand[], handleOptions: BatchOptions): Promise<BatchResult[]> =>
    withRetries(async () => {
      const { requests, planned } = await plan(commands, handleOptions);
      if (requests.length === 0) return planned.map((p) => p.outcome);
      if (handleOptions.dryRun || (handleOptions.allOrNothing && planned.some((p) => p.outcome.status === 'rejected')))
        return planned.map((p): BatchResult => (p.outcome.status === 'applied' ? { status: 'not-written' } : p.outcome));
      const results =
        requests.length === 1
          ? [await store.appendToStream(requests[0]!.streamName, requests[0]!.events, { expectedRevision: requests[0]!.expectedRevision })]
          : await store.appendBatch(requests);
      const out: HandleResult[] = [];
      for (const p of planned) {
        if (p.request === null || p.outcome.status !== 'applied') {
          out.push(p.outcome);
          continue;
        }
        const request = requests[p.request]!;
        const events = await recordedFrom(store, request.streamName, request.events, results[p.request]!);
        out.push({ ...p.outcome, events });
      }
      return out;
    });

  return {
    handle: async (command, handleOptions = {}) => (await run([command], handleOptions))[0] as HandleResult,
    // Without allOrNothing, run never answers not-written.
    handleBatch: async (commands, handleOptions = {}) => (await run(commands, handleOptions)) as HandleResult[],
    handleAllOrNothing: (commands, handleOptions = {}) => run(commands, { ...handleOptions, allOrNothing: true }),
    check: (commands) => run(commands, { dryRun: true }),
  };
};
