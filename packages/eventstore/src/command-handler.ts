// The command handler, one for every aggregate (after Emmett's CommandHandler): given an
// aggregate (core's `Aggregate`: a Decider plus its stream name, its events' codec and its
// figures), it loads the stream (read and fold), decides, and appends with the revision it read.
// Another writer appending in between makes the append fail with WrongExpectedRevisionError; the
// handler then reads again and decides again, a bounded number of times with back-off. Event ids
// come from the command id, so an append that succeeded but whose answer was lost is recognised
// as already stored on the next attempt instead of written twice.
//
// A command id is an idempotency key for every aggregate alike: before deciding, the handler
// looks for the id on the stream (and earlier in the batch). The same content again is a
// duplicate; other content is refused COMMAND_ID_CONFLICT, as is an id the store already holds
// on another stream (EventIdConflictError).
//
// Access (docs/roles-and-approvals.md), for every aggregate alike: given a policy, the handler
// checks each command against the role it is issued with before anything else, refuses
// NOT_PERMITTED what the role may not do, and decides an over-limit money-out command as its
// request for approval (the aggregate's `access` hooks say which commands those are).
import * as E from 'fp-ts/lib/Either.js';
import {
  authorise,
  commandIdConflict,
  envelope,
  isInstant,
  recordedBeforeItHappened,
  sameRecord,
  type AnyAggregate,
  type CommandIdConflict,
  type CommandOf,
  type DomainEvent,
  type DuplicateOf,
  type EnvelopeOptions,
  type ErrorOf,
  type EventOf,
  type FiguresOf,
  type AccessPolicy,
  type Instant,
  type NewEvent,
  type NotPermitted,
  type RecordedBeforeItHappened,
  type RecordedEvent,
  type StateOf,
} from '@renewal-ledger/core';
import {
  EventIdConflictError,
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
} from './port.js';

export interface CommandHandlerOptions {
  readonly store: EventStore;
  /** When events are recorded (`metadata.recordedAt`). Default: the machine's clock. */
  readonly clock?: () => Instant;
  /** How many times a command is decided again after a revision conflict. Default 10. */
  readonly maxRetries?: number;
  /** Milliseconds to wait before retry `attempt` (1, 2, ...). Default: exponential with jitter, capped. */
  readonly backoff?: (attempt: number) => number;
  /**
   * Who may do what: with a policy, every command is checked against the role it is handled with
   * (`HandleOptions.role`; none is refused NOT_PERMITTED). Without one, nothing is checked.
   */
  readonly access?: AccessPolicy;
  /** The role every command is handled with unless `HandleOptions.role` says otherwise: a handler per signed-in actor. */
  readonly role?: string;
  /**
   * Keep the folded state of the last `streams` streams this handler read or wrote, and decide
   * commands on them without reading them (opt-in, as Equinox's cache; default: none); on a
   * stream it does not know, as on a new stream. A batch reads nothing for the streams it takes
   * this way. Nothing is taken on trust: a command that applies is appended with the revision the
   * state is at, and a stream that moved meanwhile (another writer, another process) refuses it,
   * so the handler reads it and decides again. A refusal or a duplicate decided that way is
   * confirmed by the batch's append (the append to its stream, or an append of nothing at the
   * revision the state is at) or, when nothing is appended, decided again on a fresh read of its
   * stream (the batch's other streams stay as they were) before it is answered. Memory: at most
   * `streams` states and their events.
   */
  readonly cache?: { readonly streams: number };
}

export interface HandleOptions<Command = never> {
  /** Default: the command id (the command starts its own conversation). */
  readonly correlationId?: string;
  /** The message that caused this command, if any. */
  readonly causationId?: string;
  /**
   * When the command is recorded (`metadata.recordedAt`), instead of the handler's clock: for
   * imports and replays of commands entered earlier. In a batch, a function gives each command
   * its own time.
   */
  readonly recordedAt?: Instant | ((command: Command) => Instant);
  /** The role of the actor issuing the commands: checked against the handler's access policy and recorded in `metadata.role`. */
  readonly role?: string;
  /**
   * Other streams the commands were computed from, each at the revision it was read at: the
   * append is made only if every one is still there, in the same transaction on SQL stores (on
   * EventStoreDB it is checked just before). One that moved is a WrongExpectedRevisionError naming
   * it, thrown at once, never retried: deciding again would decide the same stale command. The
   * caller reads again and computes the command anew (the invoicing run's cap, docs/invoices.md).
   */
  readonly conditions?: readonly { readonly streamName: string; readonly expectedRevision: ExpectedRevision }[];
}

export interface Applied<A extends AnyAggregate> {
  readonly status: 'applied';
  /** The events stored for the command, with their revisions and global positions. */
  readonly events: readonly RecordedEvent[];
  /** The aggregate's state right after the command. */
  readonly state: StateOf<A>;
  /** Its figures right after the command (`aggregate.figures`). */
  readonly figures: FiguresOf<A>;
}
/** A command whose id was already used for the same content: a retry. */
export interface CommandIdDuplicate {
  readonly key: 'commandId';
  readonly id: string;
}
export interface Duplicated<A extends AnyAggregate> {
  readonly status: 'duplicate';
  /** The fact the command repeats; nothing was written. */
  readonly duplicate: DuplicateOf<A> | CommandIdDuplicate;
}
export interface Rejected<A extends AnyAggregate> {
  readonly status: 'rejected';
  /**
   * The rule that refused the command, its id taken by another command, or its `at` after the
   * instant it would be recorded at (RECORDED_BEFORE_IT_HAPPENED), or the actor's role may not
   * issue it (NOT_PERMITTED); nothing was written.
   */
  readonly error: ErrorOf<A> | CommandIdConflict | RecordedBeforeItHappened | NotPermitted;
}
/** With `allOrNothing` or `check`: the command was fine, but nothing was written. */
export interface NotWritten {
  readonly status: 'not-written';
}
/** `handleInParts`: the command's stream kept moving through every retry; nothing was written. */
export interface Contended {
  readonly status: 'contended';
  readonly error: { readonly code: 'WRONG_EXPECTED_REVISION'; readonly message: string; readonly streamName: string };
}
export type HandleResult<A extends AnyAggregate> = Applied<A> | Duplicated<A> | Rejected<A>;
export type BatchResult<A extends AnyAggregate> = HandleResult<A> | NotWritten;
export type PartsResult<A extends AnyAggregate> = HandleResult<A> | Contended;

export interface CommandHandler<A extends AnyAggregate> {
  readonly aggregate: A;
  handle(command: CommandOf<A>, options?: HandleOptions<CommandOf<A>>): Promise<HandleResult<A>>;
  /**
   * Many commands, one result per command in order, with the same semantics as `handle` one by
   * one; every append goes into one `appendBatch` (one transaction on SQL stores). Commands on
   * the same stream see each other's events. On a revision conflict the whole batch is read and
   * decided again; when the retries run out it throws WrongExpectedRevisionError, having written
   * nothing. `options` apply to every command (correlation defaults to each command's id).
   */
  handleBatch(commands: readonly CommandOf<A>[], options?: HandleOptions<CommandOf<A>>): Promise<readonly HandleResult<A>[]>;
  /**
   * Like `handleBatch`, for imports that must go on under contention: a batch that runs out of
   * retries is handled again as two halves (each with its own retries), down to single
   * commands; a command that still cannot be written is answered `contended`, and the others
   * go on. Never throws WrongExpectedRevisionError.
   */
  handleInParts(commands: readonly CommandOf<A>[], options?: HandleOptions<CommandOf<A>>): Promise<readonly PartsResult<A>[]>;
  /**
   * Like `handleBatch`, but writes nothing unless every command is applied or a duplicate: when
   * one is rejected, the commands that would have applied are `not-written`. Decided and appended
   * under the same revision checks, so a concurrent writer makes the batch decide again rather
   * than slip in between the check and the write (imports that must go in whole: `--atomic`).
   */
  handleAllOrNothing(commands: readonly CommandOf<A>[], options?: HandleOptions<CommandOf<A>>): Promise<readonly BatchResult<A>[]>;
  /**
   * Decides the commands against the store as it is and writes nothing: what would apply is
   * `not-written`. A command id the store holds on another stream is only found by an append.
   */
  check(commands: readonly CommandOf<A>[]): Promise<readonly BatchResult<A>[]>;
}

/** The machine's clock: the only place the library reads time. */
export const systemClock = (): Instant => new Date().toISOString() as Instant;

/** 5, 10, 20 ... ms up to 250 ms, each scaled by a random factor in [0.5, 1.5) so racers spread out. */
export const defaultBackoff = (attempt: number): number => Math.min(250, 5 * 2 ** (attempt - 1)) * (0.5 + Math.random());

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LoadedAggregate<S> {
  readonly state: S;
  /** What the next append expects: the revision read, or `no-stream`. */
  readonly revision: ExpectedRevision;
}

/** A command planned on a stream in this attempt: what the command-id check compares with. */
interface PlannedOnStream<S> {
  readonly commandId: string;
  readonly events: readonly DomainEvent[];
  /** The state it was decided on. */
  readonly before: S;
}

interface Stream<S> {
  readonly name: string;
  state: S;
  revision: ExpectedRevision;
  /** The events read: the command-id check looks for the id among them. */
  readonly recorded: readonly RecordedEvent[];
  planned: PlannedOnStream<S>[] | null;
  /**
   * Where each command id first appears among the events read, and the state after the first
   * `upTo` of them: built when a command repeats, so that a batch of retried commands on one long
   * stream (an import run again) folds it once, not once per command.
   */
  firstIndexOf: Map<string, number> | null;
  prefix: { upTo: number; state: S } | null;
  /** The events this attempt's append stored on it, for the cache (none without one). */
  written: RecordedEvent[] | null;
  /** The append answered already-stored: another writer got there first, the state is not known. */
  doubtful: boolean;
}

const NONE_REFUSED: ReadonlyMap<number, CommandIdConflict> = new Map();

/** Up to this many events, the command-id check scans a stream rather than index it. */
const SCANNED_STREAM = 16;

const foldRecorded = <A extends AnyAggregate>(aggregate: A, events: Iterable<RecordedEvent>, until = Number.POSITIVE_INFINITY) => {
  const { evolve, events: codec } = aggregate;
  let state: StateOf<A> = aggregate.initialState();
  let revision: ExpectedRevision = 'no-stream';
  let n = 0;
  for (const e of events) {
    if (n++ >= until) break;
    state = evolve(state, codec.of(e));
    revision = e.streamRevision;
  }
  return { state, revision };
};

const readWhole = async (store: EventStore, streamName: string): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(streamName)) events.push(e);
  return events;
};

/** Reads an aggregate's stream and folds it: its state and the revision the next append expects. */
export const loadAggregate = async <A extends AnyAggregate>(
  aggregate: A,
  store: EventStore,
  streamName: string,
): Promise<LoadedAggregate<StateOf<A>>> => foldRecorded(aggregate, await readWhole(store, streamName));

/** One event as stored, built from the append result (the shape stores return, recordedEventFrom). */
const recordedOne = (streamName: string, e: NewEvent, result: AppendResult): RecordedEvent =>
  // One literal: no spread on the hot path.
  ({
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    streamName,
    streamRevision: result.nextExpectedRevision,
    globalPosition: result.lastGlobalPosition,
  }) as RecordedEvent;

/**
 * Several events as stored: global positions need not be consecutive (PostgreSQL sequences,
 * EventStoreDB log positions), so they are read back.
 */
const readBack = async (
  store: EventStore,
  streamName: string,
  events: readonly NewEvent[],
  result: AppendResult,
): Promise<RecordedEvent[]> => {
  const firstRevision = result.nextExpectedRevision - BigInt(events.length - 1);
  const ids = new Set(events.map((e) => e.eventId));
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(streamName, { fromRevision: firstRevision })) {
    if (ids.has(e.eventId)) out.push(e);
    if (out.length === events.length) break;
  }
  return out;
};

interface Planned<A extends AnyAggregate> {
  /** Index into the attempt's append requests, or null when nothing is written. */
  readonly request: number | null;
  readonly outcome: HandleResult<A>;
}

interface RunOptions<C> extends HandleOptions<C> {
  readonly allOrNothing?: boolean;
  readonly dryRun?: boolean;
}

/** An append refused because a command's id is stored on another stream: that command is refused, the rest decided again. */
class TakenElsewhere {
  constructor(
    readonly index: number,
    readonly conflict: CommandIdConflict,
  ) {}
}

/** An attempt decided on a cached (or assumed new) stream whose outcome no append confirms: decide it again on a fresh read. */
class Unconfirmed {
  constructor(readonly streams: readonly string[]) {}
}

/** The streams an attempt reads rather than takes from the cache: every one, or those named. */
type MustRead = 'all' | ReadonlySet<string>;

/** The streams of an attempt; `trusted` names those taken from the cache (or as new), not read now. */
interface Loaded<S> {
  readonly streams: Map<string, Stream<S>>;
  readonly trusted: readonly string[];
}

/** A stream as the handler last saw it: what `Stream` starts from. */
interface CachedStream<S> {
  readonly state: S;
  readonly revision: ExpectedRevision;
  readonly recorded: readonly RecordedEvent[];
}

/** A stream as an attempt starts it: one literal of the whole shape (no spread: each key added after one costs about a microsecond). */
const streamAt = <S>(name: string, state: S, revision: ExpectedRevision, recorded: readonly RecordedEvent[]): Stream<S> => ({
  name,
  state,
  revision,
  recorded,
  planned: null,
  firstIndexOf: null,
  prefix: null,
  written: null,
  doubtful: false,
});

/** The last `size` streams, the least recently used dropped first (a Map keeps insertion order). */
const streamCache = <S>(size: number) => {
  const entries = new Map<string, CachedStream<S>>();
  // The least recently used is the first key in insertion order. While the cache is full, an
  // iterator kept from one eviction to the next starts where the last one stopped, and every key
  // before it was evicted: a fresh `keys()` each time would step over every entry deleted (moved
  // up) since the table was last compacted, thousands at each eviction (a lookup, store and
  // eviction took 7-19 us that way against 1 us, measured on a full cache of 10,000 streams
  // touched in no particular order; in time order, as the bench's workload, few holes lead). It is let go as soon as nothing is evicted: an iterator
  // that does not move keeps alive every table the Map has since outgrown.
  let oldest: ReturnType<typeof entries.keys> | null = null;
  return {
    // A get does not move the stream up: every attempt that stands ends in `set` for each of its
    // streams (remember), which does; deleting and re-adding a key twice a command costs more.
    get: (name: string): CachedStream<S> | undefined => entries.get(name),
    set(name: string, entry: CachedStream<S>): void {
      entries.delete(name);
      entries.set(name, entry);
      if (entries.size <= size) {
        oldest = null;
        return;
      }
      oldest ??= entries.keys();
      let first = oldest.next();
      // Done only if everything was dropped meanwhile; an iterator once done stays done.
      if (first.done) first = (oldest = entries.keys()).next();
      entries.delete(first.value!);
    },
    drop: (name: string) => void entries.delete(name),
  };
};

export const getCommandHandler = <A extends AnyAggregate>(aggregate: A, options: CommandHandlerOptions): CommandHandler<A> => {
  type C = CommandOf<A>;
  type S = StateOf<A>;
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 10;
  const backoff = options.backoff ?? defaultBackoff;
  const schemaVersions = aggregate.events.schemaVersions as Readonly<Record<string, number>>;
  const schemaVersionOf = (type: string): number => schemaVersions[type]!;
  const cache = options.cache && options.cache.streams > 0 ? streamCache<S>(options.cache.streams) : null;

  const stream = (name: string, events: readonly RecordedEvent[]): Stream<S> => {
    const { state, revision } = foldRecorded(aggregate, events);
    return streamAt(name, state, revision, events);
  };

  /** The streams of a batch, folded: in one read where the store can (`readStreams`), else one by one. */
  const loadStreams = async (names: readonly string[]): Promise<Map<string, Stream<S>>> => {
    const streams = new Map<string, Stream<S>>();
    if (store.readStreams && names.length > 1) {
      const read = await store.readStreams(names);
      for (const name of names) streams.set(name, stream(name, read.get(name) ?? []));
      return streams;
    }
    for (const name of names) streams.set(name, stream(name, await readWhole(store, name)));
    return streams;
  };

  /** A stream as the cache has it, or, when the cache does not know it, as new. */
  const fromCache = (name: string): Stream<S> => {
    const entry = cache!.get(name);
    return entry === undefined
      ? streamAt(name, aggregate.initialState(), 'no-stream', [])
      : streamAt(name, entry.state, entry.revision, entry.recorded);
  };

  /**
   * The streams of an attempt; `trusted` names those not read now. Each stream comes from the
   * cache, or, when the cache does not know it, is taken as new, unless it is one the attempt must
   * read (`mustRead`: all of them, or those an earlier attempt could not confirm), which are read
   * in one go.
   */
  const loadWithCache = (names: readonly string[], mustRead: MustRead): Loaded<S> | Promise<Loaded<S>> => {
    if (cache === null || mustRead === 'all') return loadStreams(names).then((streams) => ({ streams, trusted: [] }));
    if (names.length === 1 && !mustRead.has(names[0]!))
      return { streams: new Map<string, Stream<S>>().set(names[0]!, fromCache(names[0]!)), trusted: [names[0]!] };
    const toRead = names.filter((name) => mustRead.has(name));
    const withTrusted = (streams: Map<string, Stream<S>>): Loaded<S> => {
      const trusted: string[] = [];
      for (const name of names) {
        if (streams.has(name)) continue;
        streams.set(name, fromCache(name));
        trusted.push(name);
      }
      return { streams, trusted };
    };
    return toRead.length > 0 ? loadStreams(toRead).then(withTrusted) : withTrusted(new Map());
  };

  /** After an attempt that stood: every stream as it now is, its events read and written in order. */
  const remember = (streams: ReadonlyMap<string, Stream<S>>) => {
    if (cache === null) return;
    for (const s of streams.values()) {
      if (s.doubtful) {
        cache.drop(s.name);
        continue;
      }
      const more = s.written;
      cache.set(s.name, { state: s.state, revision: s.revision, recorded: more ? s.recorded.concat(more) : s.recorded });
    }
  };

  /**
   * The command that used this id on the stream before (read, or planned earlier in this batch):
   * its events, where it is, and the state it was decided on. Null when the id is new here.
   */
  const earlierUnder = (s: Stream<S>, commandId: string) => {
    const recorded = s.recorded;
    const i = firstIndexOf(s, commandId);
    if (i !== undefined) {
      let end = i + 1;
      while (end < recorded.length && recorded[end]!.metadata.commandId === commandId) end++;
      return {
        events: recorded.slice(i, end) as readonly DomainEvent[],
        position: recorded[i]!.globalPosition as bigint | null,
        before: () => stateBefore(s, i),
      };
    }
    for (const p of s.planned ?? []) if (p.commandId === commandId) return { events: p.events, position: null, before: () => p.before };
    return null;
  };

  /**
   * Where the id first appears among the events read. A short stream (a cycle has a handful of
   * events) is scanned; a long one is indexed once per attempt, so that a batch of retried
   * commands on it (an import run again) does not scan it once per command.
   */
  const firstIndexOf = (s: Stream<S>, commandId: string): number | undefined => {
    const recorded = s.recorded;
    if (s.firstIndexOf === null && recorded.length <= SCANNED_STREAM) {
      for (let i = 0; i < recorded.length; i++) if (recorded[i]!.metadata.commandId === commandId) return i;
      return undefined;
    }
    if (s.firstIndexOf === null) {
      s.firstIndexOf = new Map();
      for (let i = recorded.length - 1; i >= 0; i--) s.firstIndexOf.set(recorded[i]!.metadata.commandId, i);
    }
    return s.firstIndexOf.get(commandId);
  };

  /** The state after the first `upTo` events read: folded on from the last one asked for when it can. */
  const stateBefore = (s: Stream<S>, upTo: number): S => {
    if (s.prefix === null || s.prefix.upTo > upTo) s.prefix = { upTo: 0, state: aggregate.initialState() };
    let { state } = s.prefix;
    for (let i = s.prefix.upTo; i < upTo; i++) state = aggregate.evolve(state, aggregate.events.of(s.recorded[i]!));
    s.prefix = { upTo, state };
    return state;
  };

  /** A command whose id was used before: the same content decided on the same state is a duplicate. */
  const repeated = (command: C, s: Stream<S>, earlier: NonNullable<ReturnType<typeof earlierUnder>>): HandleResult<A> => {
    const again = aggregate.decide(command, earlier.before());
    if (E.isRight(again) && sameRecord(earlier.events, again.right.events))
      return { status: 'duplicate', duplicate: { key: 'commandId', id: command.commandId } };
    return {
      status: 'rejected',
      error: commandIdConflict({
        commandId: command.commandId,
        streamName: s.name,
        eventTypes: earlier.events.map((e) => e.type),
        position: earlier.position,
      }),
    };
  };

  const roleOf = (handleOptions: HandleOptions<C>): string | null => handleOptions.role ?? options.role ?? null;

  const metadataOf = (command: C, handleOptions: HandleOptions<C>, recordedAt: Instant): EnvelopeOptions => {
    const role = roleOf(handleOptions);
    const causationId = handleOptions.causationId;
    const correlationId = handleOptions.correlationId ?? command.commandId;
    // Literals rather than optional spreads: this runs for every command.
    if (!causationId && !role) return { recordedAt, actor: command.actor, commandId: command.commandId, correlationId };
    return {
      recordedAt,
      actor: command.actor,
      commandId: command.commandId,
      correlationId,
      ...(causationId ? { causationId } : {}),
      ...(role ? { role } : {}),
    };
  };

  /** Decides every command against its stream as loaded, in order, and plans one append per applied command. */
  const plan = (
    commands: readonly C[],
    names: readonly string[],
    { streams, trusted }: Loaded<S>,
    handleOptions: HandleOptions<C>,
    refused: ReadonlyMap<number, CommandIdConflict>,
  ) => {
    const now = handleOptions.recordedAt === undefined ? clock() : null;
    const recordedAtOf = (command: C): Instant =>
      typeof handleOptions.recordedAt === 'function' ? handleOptions.recordedAt(command) : (handleOptions.recordedAt ?? now!);
    const requests: AppendRequest[] = [];
    // Sized at once (a first push makes room for 17): one command is the common case.
    const planned = new Array<Planned<A>>(commands.length);
    for (let i = 0; i < commands.length; i++) {
      let command = commands[i]!;
      const taken = refused.get(i);
      if (taken) {
        planned[i] = { request: null, outcome: { status: 'rejected', error: taken } };
        continue;
      }
      const s = streams.get(names[i]!)!;
      // First, before idempotency: a role's rights do not change with what the command wrote.
      if (options.access) {
        const checked = authorise(options.access, roleOf(handleOptions), command, s.state, aggregate.access);
        if (E.isLeft(checked)) {
          planned[i] = { request: null, outcome: { status: 'rejected', error: checked.left } };
          continue;
        }
        command = checked.right;
      }
      const earlier = earlierUnder(s, command.commandId);
      if (earlier) {
        planned[i] = { request: null, outcome: repeated(command, s, earlier) };
        continue;
      }
      // The handler's one rule about time, for every aggregate: a fact is not recorded before it happened.
      const at = (command as { readonly at?: unknown }).at;
      const tooEarly = isInstant(at) ? recordedBeforeItHappened(command.commandId, at, recordedAtOf(command)) : null;
      if (tooEarly) {
        planned[i] = { request: null, outcome: { status: 'rejected', error: tooEarly } };
        continue;
      }
      const decision = aggregate.decide(command, s.state);
      if (E.isLeft(decision)) {
        planned[i] = { request: null, outcome: { status: 'rejected', error: decision.left } };
        continue;
      }
      const { events, duplicate } = decision.right;
      if (events.length === 0) {
        planned[i] = {
          request: null,
          outcome: { status: 'duplicate', duplicate: duplicate ?? { key: 'commandId', id: command.commandId } },
        };
        continue;
      }
      const newEvents = envelope(
        events as readonly EventOf<A>[],
        metadataOf(command, handleOptions, recordedAtOf(command)),
        schemaVersionOf,
      );
      requests.push({ streamName: s.name, events: newEvents, expectedRevision: s.revision });
      const before = s.state;
      for (const e of events) s.state = aggregate.evolve(s.state, e);
      const mine = { commandId: command.commandId, events, before };
      if (s.planned === null) s.planned = [mine];
      else s.planned.push(mine);
      const from = s.revision === 'no-stream' ? -1n : (s.revision as bigint);
      s.revision = from + BigInt(newEvents.length);
      // State and figures after this command, not after the whole batch.
      planned[i] = {
        request: requests.length - 1,
        outcome: { status: 'applied', events: [], state: s.state, figures: aggregate.figures(s.state) },
      };
    }
    return { requests, planned, streams, trusted };
  };

  /** The command of this attempt whose event id the store holds on another stream, and what holds it there. */
  const takenElsewhere = async (
    e: EventIdConflictError,
    requests: readonly AppendRequest[],
    planned: readonly Planned<A>[],
    commands: readonly C[],
  ) => {
    const owner = planned.findIndex(
      (p) =>
        p.request !== null &&
        requests[p.request]!.streamName === e.streamName &&
        requests[p.request]!.events.some((x) => x.eventId === e.eventId),
    );
    if (owner < 0) throw e;
    const commandId = commands[owner]!.commandId;
    const stored: RecordedEvent[] = [];
    for await (const x of store.readStream(e.storedIn)) if (x.metadata.commandId === commandId) stored.push(x);
    // Not stored yet: the other command is earlier in this very batch.
    const inBatch = requests
      .filter((r) => r.streamName === e.storedIn)
      .flatMap((r) => r.events.filter((x) => x.metadata.commandId === commandId));
    const events: readonly { readonly type: string }[] = stored.length > 0 ? stored : inBatch;
    return new TakenElsewhere(
      owner,
      commandIdConflict({
        commandId,
        streamName: e.storedIn,
        eventTypes: events.map((x) => x.type),
        position: stored[0]?.globalPosition ?? null,
      }),
    );
  };

  const attempt = async (
    commands: readonly C[],
    runOptions: RunOptions<C>,
    refused: ReadonlyMap<number, CommandIdConflict>,
    mustRead: MustRead,
  ): Promise<BatchResult<A>[]> => {
    const names = commands.map((c) => aggregate.streamName(c));
    const loading = loadWithCache(names.length === 1 ? names : [...new Set(names)], runOptions.dryRun === true ? 'all' : mustRead);
    // A stream from the cache is decided at once: awaiting a value that is there costs a turn of
    // the microtask queue and its allocations on every command.
    const loaded = loading instanceof Promise ? await loading : loading;
    const { requests, planned, streams, trusted } = plan(commands, names, loaded, runOptions, refused);
    // Only an append confirms a state the handler did not read now. A stream taken on trust with a
    // command on it that is not applied is confirmed by the batch's append: by its own append, when
    // it has one (checked at the revision the state is at), else by an append of nothing at that
    // revision (as `conditions` are). Without an append to ride on (nothing applies, or
    // `allOrNothing`), it is read and the attempt decided again.
    let confirmations: AppendRequest[] = [];
    let vouched: Set<string> | null = null;
    if (trusted.length > 0 && planned.some((p) => p.outcome.status !== 'applied')) {
      const taken = new Set(trusted);
      const appended = new Set(requests.map((r) => r.streamName));
      const confirmable = requests.length > 0 && !runOptions.allOrNothing && !runOptions.dryRun;
      const doubted = new Set<string>();
      const confirm = new Set<string>();
      vouched = new Set();
      for (let i = 0; i < planned.length; i++) {
        const name = names[i]!;
        if (planned[i]!.outcome.status === 'applied' || !taken.has(name)) continue;
        if (!confirmable) doubted.add(name);
        else if (appended.has(name)) vouched.add(name);
        else confirm.add(name);
      }
      if (doubted.size > 0) throw new Unconfirmed([...doubted]);
      confirmations = [...confirm].map(
        (name): AppendRequest => ({ streamName: name, expectedRevision: streams.get(name)!.revision, events: [] }),
      );
    }
    if (requests.length === 0) {
      remember(streams);
      return planned.map((p) => p.outcome);
    }
    if (runOptions.dryRun || (runOptions.allOrNothing && planned.some((p) => p.outcome.status === 'rejected')))
      return planned.map((p): BatchResult<A> => (p.outcome.status === 'applied' ? { status: 'not-written' } : p.outcome));
    let results: readonly AppendResult[];
    // Conditions go last, as appends of nothing: a store checks an empty append's revision.
    const conditions =
      runOptions.conditions === undefined
        ? confirmations
        : [...confirmations, ...runOptions.conditions.map((c): AppendRequest => ({ ...c, events: [] }))];
    try {
      results =
        requests.length === 1 && conditions.length === 0
          ? [await store.appendToStream(requests[0]!.streamName, requests[0]!.events, { expectedRevision: requests[0]!.expectedRevision })]
          : await store.appendBatch([...requests, ...conditions]);
    } catch (e) {
      if (e instanceof EventIdConflictError && e.storedIn !== e.streamName) throw await takenElsewhere(e, requests, planned, commands);
      // A stream taken from the cache had moved: not a race to back off from, a state to read (that
      // one alone when it was only confirming an answer: nothing else was decided on it).
      if ((e instanceof WrongExpectedRevisionError || e instanceof EventIdConflictError) && trusted.includes(e.streamName))
        throw new Unconfirmed(confirmations.some((c) => c.streamName === e.streamName) ? [e.streamName] : trusted);
      throw e;
    }
    const out = new Array<HandleResult<A>>(planned.length);
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      if (p.request === null || p.outcome.status !== 'applied') {
        out[i] = p.outcome;
        continue;
      }
      const request = requests[p.request]!;
      const result = results[p.request]!;
      // Stored by another writer between our read and our append (stores answer already-stored
      // only for the same ids with the same data): nothing was written by this call.
      if (result.outcome === 'already-stored') {
        streams.get(request.streamName)!.doubtful = true;
        out[i] = { status: 'duplicate', duplicate: { key: 'commandId', id: request.events[0]!.metadata.commandId } };
        continue;
      }
      const events =
        request.events.length === 1
          ? [recordedOne(request.streamName, request.events[0]!, result)]
          : await readBack(store, request.streamName, request.events, result);
      if (cache !== null) {
        const s = streams.get(request.streamName)!;
        s.written = s.written === null ? events : s.written.concat(events);
      }
      out[i] = { status: 'applied', events, state: p.outcome.state, figures: p.outcome.figures };
    }
    remember(streams);
    // A stream whose own append came back already stored (another writer stored the same command
    // meanwhile) did not confirm the state its other answers were decided on: those commands,
    // which wrote nothing, are decided again on what the stream now holds.
    if (vouched !== null) {
      const recheck: number[] = [];
      for (let i = 0; i < planned.length; i++)
        if (planned[i]!.outcome.status !== 'applied' && vouched.has(names[i]!) && streams.get(names[i]!)!.doubtful) recheck.push(i);
      if (recheck.length > 0) {
        const again = await run(
          recheck.map((i) => commands[i]!),
          runOptions,
        );
        recheck.forEach((i, k) => {
          out[i] = again[k] as HandleResult<A>;
        });
      }
    }
    return out;
  };

  /**
   * Runs `attempt` until it does not hit a revision conflict, at most 1 + maxRetries times. A
   * command whose id is taken on another stream is refused and the rest decided again (not a
   * retry: it cannot come right by waiting).
   */
  const run = async (commands: readonly C[], runOptions: RunOptions<C>): Promise<BatchResult<A>[]> => {
    // Made only when a command is refused so (a rare case; most calls never need it).
    let refused: Map<number, CommandIdConflict> | null = null;
    const mustRead = new Set<string>();
    for (let tries = 0; ; ) {
      try {
        return await attempt(commands, runOptions, refused ?? NONE_REFUSED, mustRead);
      } catch (e) {
        if (e instanceof TakenElsewhere) {
          (refused ??= new Map()).set(e.index, e.conflict);
          continue;
        }
        if (e instanceof Unconfirmed) {
          for (const name of e.streams) {
            cache?.drop(name);
            mustRead.add(name);
          }
          continue;
        }
        // Same stream, other data under the same event id: another writer stored this command id
        // meanwhile. Read again: the command-id check then judges it.
        const moved = e instanceof WrongExpectedRevisionError || e instanceof EventIdConflictError;
        const stale = e instanceof WrongExpectedRevisionError && (runOptions.conditions ?? []).some((c) => c.streamName === e.streamName);
        if (!moved || stale || tries >= maxRetries) throw e;
        tries += 1;
        await sleep(backoff(tries));
      }
    }
  };

  const inParts = async (commands: readonly C[], handleOptions: HandleOptions<C>): Promise<PartsResult<A>[]> => {
    try {
      return (await run(commands, handleOptions)) as HandleResult<A>[];
    } catch (e) {
      if (!(e instanceof WrongExpectedRevisionError)) throw e;
      if (commands.length === 1) return [{ status: 'contended', error: { code: e.code, message: e.message, streamName: e.streamName } }];
      const half = Math.ceil(commands.length / 2);
      const first = await inParts(commands.slice(0, half), handleOptions);
      return first.concat(await inParts(commands.slice(half), handleOptions));
    }
  };

  return {
    aggregate,
    handle: async (command, handleOptions = {}) => (await run([command], handleOptions))[0] as HandleResult<A>,
    // Without allOrNothing or dryRun, run never answers not-written.
    handleBatch: async (commands, handleOptions = {}) => (await run(commands, handleOptions)) as HandleResult<A>[],
    handleInParts: (commands, handleOptions = {}) => inParts(commands, handleOptions),
    handleAllOrNothing: (commands, handleOptions = {}) => run(commands, { ...handleOptions, allOrNothing: true }),
    check: (commands) => run(commands, { dryRun: true }),
  };
};
