// The EventStoreDB store, on @eventstore/db-client 6 (gRPC; EventStoreDB 22.10 or later, or
// KurrentDB). EventStoreDB keeps streams, revisions, the expected-revision check and `$all`
// itself; this adapter maps them (see mapping.ts) and decodes what it reads like every store.
//
// What differs from the SQL stores, and why:
// - `appendBatch` appends one request after another: EventStoreDB has no transaction across
//   streams. A failure stops the batch and is thrown; the requests before it stay stored. Since
//   event ids are deterministic, running the same batch again stores each event once.
// - `already-stored`: EventStoreDB acknowledges a retried append (same event UUIDs at the revision
//   expected) without writing, but its answer looks like a fresh append's. So before appending the
//   adapter reads the revisions the events would take (one small read, or the whole stream for
//   `any`) and answers `already-stored` itself when they hold these very events. A retry racing
//   its own first attempt is still stored once by EventStoreDB, but may be reported `appended`.
// - An event id is unique per stream (EventStoreDB's rule), not across streams as in SQL: a
//   command id reused on another stream is stored there too, where the SQL stores refuse it
//   (COMMAND_ID_CONFLICT from the handler). Within a stream the handler finds it as on any store.
// - `readAll` reads `$all` forwards and leaves out EventStoreDB's own events (`$` types and
//   streams); global positions are commit positions, so they grow but have gaps.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import {
  EventIdConflictError,
  WrongExpectedRevisionError,
  checkAppend,
  defaultDecoder,
  recordedEventFrom,
  revisionMatches,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type EventStoreOptions,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
} from '@renewal-ledger/eventstore';
import { eventUuid } from './event-id.js';
import {
  isSystemEvent,
  knownPosition,
  esdbUnavailableOr,
  storedRowOf,
  toEsdbExpectedRevision,
  toEventData,
  wrongExpectedRevisionFrom,
} from './mapping.js';

export interface EventStoreDBEventStoreOptions extends EventStoreOptions {
  /** `esdb://host:2113?tls=false` (or `esdb+discover://...` for a cluster). */
  readonly connectionString?: string;
  /** An existing client to use instead; `close()` leaves it open. */
  readonly client?: EventStoreDBClient;
}

export interface EventStoreDBEventStore extends EventStore {
  readonly kind: 'eventstoredb';
}

type StreamEvent = NonNullable<ResolvedEvent['event']>;

/** Order of two `$all` positions: commit position first, then prepare position. */
const comparePositions = (a: Position, b: Position): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

/** Reads a stream's raw events; a stream that does not exist reads as empty. */
async function* rawStream(
  client: EventStoreDBClient,
  streamName: string,
  fromRevision: bigint,
  maxCount?: number,
): AsyncGenerator<{ event: StreamEvent; commitPosition?: bigint }> {
  const read = client.readStream(streamName, { fromRevision, direction: FORWARDS, ...(maxCount === undefined ? {} : { maxCount }) });
  try {
    for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
      // A link whose target is gone resolves to nothing: there is no event to return.
      if (!resolved.event) continue;
      yield { event: resolved.event, ...(resolved.commitPosition === undefined ? {} : { commitPosition: resolved.commitPosition }) };
    }
  } catch (e) {
    if (e instanceof StreamNotFoundError) return;
    throw e;
  }
}

const positionOf = (e: StreamEvent, commitPosition?: bigint): bigint => {
  const p = knownPosition(e.position?.commit) ?? knownPosition(commitPosition);
  if (p === undefined)
    throw new Error(`EventStoreDB returned no position for ${e.streamId}@${e.revision}: use EventStoreDB 22.10 or later`);
  return p;
};

/** Opens a store on an EventStoreDB server or cluster. The client connects on first use. */
export const getEventStoreDBEventStore = (options: EventStoreDBEventStoreOptions): EventStoreDBEventStore => {
  if (!options.client && !options.connectionString)
    throw new TypeError('getEventStoreDBEventStore needs a connectionString (esdb://host:2113?tls=false) or a client');
  const ownsClient = !options.client;
  const client = options.client ?? EventStoreDBClient.connectionString(options.connectionString!);
  const decode = options.decode ?? defaultDecoder;
  // `create` changes nothing here: a server's store always exists, and streams are made by appends.
  const self = { kind: 'eventstoredb', readOnly: options.readOnly === true };
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the EventStoreDB event store is closed');
  };
  const recorded = (e: StreamEvent, commitPosition?: bigint): RecordedEvent => recordedEventFrom(storedRowOf(e, commitPosition), decode);

  /** Revision of the stream's last event, or no-stream. */
  const currentRevision = async (streamName: string): Promise<bigint | 'no-stream'> => {
    const read = client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    try {
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        const revision = resolved.event?.revision ?? resolved.link?.revision;
        if (revision !== undefined) return revision;
      }
      return 'no-stream';
    } catch (e) {
      if (e instanceof StreamNotFoundError) return 'no-stream';
      throw e;
    }
  };

  /**
   * The same events already stored at the revisions this append would give them (a retry of an
   * append that succeeded): the first append's result, or null; the same ids there with other
   * data are an EventIdConflictError.
   */
  const alreadyStored = async (
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | null> => {
    const uuids = events.map((e) => eventUuid(e.eventId));
    let found: { event: StreamEvent; commitPosition?: bigint }[] = [];
    if (expected === 'any') {
      // Anywhere in the stream: look for the first event, then take as many as were sent.
      let collecting = false;
      for await (const r of rawStream(client, streamName, 0n)) {
        if (!collecting && r.event.id === uuids[0]) collecting = true;
        if (collecting) found.push(r);
        if (found.length === uuids.length) break;
      }
    } else {
      const from = expected === 'no-stream' ? 0n : expected + 1n;
      found = [];
      for await (const r of rawStream(client, streamName, from, uuids.length)) found.push(r);
    }
    if (found.length !== uuids.length || found.some((r, i) => r.event.id !== uuids[i])) return null;
    // The same ids where this append would have put them, but other data: the same command id
    // was used for another command, not retried. (The client parses JSON keeping key order.)
    for (let i = 0; i < found.length; i++)
      if (JSON.stringify(found[i]!.event.data) !== JSON.stringify(events[i]!.data))
        throw new EventIdConflictError(streamName, events[i]!.eventId, streamName);
    const last = found[found.length - 1]!;
    return {
      nextExpectedRevision: last.event.revision,
      lastGlobalPosition: positionOf(last.event, last.commitPosition),
      outcome: 'already-stored',
    };
  };

  const append = async ({ streamName, events, expectedRevision }: AppendRequest): Promise<AppendResult> => {
    if (events.length === 0 || new Set(events.map((e) => e.eventId)).size !== events.length) {
      // Nothing to send (or a request EventStoreDB would half-dedupe): check the revision here.
      const actual = await currentRevision(streamName);
      if (events.length > 0 || !revisionMatches(expectedRevision, actual))
        throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      return { nextExpectedRevision: actual === 'no-stream' ? -1n : actual, lastGlobalPosition: -1n, outcome: 'appended' };
    }
    const retry = await alreadyStored(streamName, events, expectedRevision);
    if (retry) return retry;
    try {
      const result = await client.appendToStream(streamName, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
      let position = knownPosition(result.position?.commit);
      if (position === undefined) {
        // Servers that do not report the position: read the last event back.
        for await (const r of rawStream(client, streamName, result.nextExpectedRevision, 1))
          position = positionOf(r.event, r.commitPosition);
      }
      if (position === undefined) throw new Error(`EventStoreDB reported no position for the append to ${streamName}`);
      return { nextExpectedRevision: result.nextExpectedRevision, lastGlobalPosition: position, outcome: 'appended' };
    } catch (e) {
      throw wrongExpectedRevisionFrom(e, streamName, expectedRevision) ?? e;
    }
  };

  // A server the client cannot reach is a StoreUnavailableError naming it, whatever the operation.
  const unavailableOr = (e: unknown) => esdbUnavailableOr(e, options.connectionString);
  const guarded = <A>(work: Promise<A>): Promise<A> => work.catch((e: unknown) => Promise.reject(unavailableOr(e)));
  async function* guardedReads(reads: AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    try {
      yield* reads;
    } catch (e) {
      throw unavailableOr(e);
    }
  }

  async function* readAll(readOptions: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const after = readOptions.after;
    let left = readOptions.limit ?? Number.POSITIVE_INFINITY;
    // A read from a position includes the event there, so pages overlap by one: at least 2.
    const batchSize = Math.max(2, readOptions.batchSize ?? 500);
    let from: Position | typeof START = after === undefined || after < 0n ? START : { commit: after, prepare: after };
    let seen: Position | null = null;
    while (left > 0) {
      const page = await allPage(from, FORWARDS, batchSize);
      for (const resolved of page) {
        const e = resolved.event;
        if (!e) continue;
        // Already returned (the overlap), or at or before `after`.
        if (seen ? comparePositions(e.position, seen) <= 0 : after !== undefined && e.position.commit <= after) continue;
        seen = e.position;
        if (isSystemEvent(e)) continue;
        yield recorded(e);
        if (--left <= 0) return;
      }
      if (page.length < batchSize) return;
      const tail = page[page.length - 1]!.event;
      if (!tail) return;
      from = tail.position;
    }
  }

  /** One page of the $all stream, read whole: `readAll` yields events one by one. */
  const allPage = async (
    fromPosition: Position | typeof START | typeof END,
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
  ): Promise<AllStreamResolvedEvent[]> => {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition, direction, maxCount }) as AsyncIterable<AllStreamResolvedEvent>)
      page.push(resolved);
    return page;
  };

  const headPosition = async (): Promise<bigint> => {
    let from: Position | typeof END = END;
    const page = 100;
    for (;;) {
      const events = await allPage(from, BACKWARDS, page);
      for (const resolved of events) {
        const e = resolved.event;
        if (e && !isSystemEvent(e)) return e.position.commit;
      }
      const tail = events[events.length - 1]?.event;
      if (events.length < page || !tail) return -1n;
      // Reading backwards from a position excludes it, so the next page starts below `tail`.
      from = tail.position;
    }
  };

  const store: EventStoreDBEventStore = {
    kind: 'eventstoredb',
    async appendToStream(streamName, events, { expectedRevision }) {
      open();
      const request = { streamName, events, expectedRevision };
      checkAppend(self, [request]);
      return guarded(append(request));
    },
    async appendBatch(requests) {
      open();
      checkAppend(self, requests);
      // No multi-stream transaction in EventStoreDB: one request after another (see above).
      const results: AppendResult[] = [];
      for (const r of requests) results.push(await guarded(append(r)));
      return results;
    },
    async *readStream(streamName: string, readOptions: ReadStreamOptions = {}) {
      open();
      async function* events(): AsyncGenerator<RecordedEvent> {
        for await (const r of rawStream(client, streamName, readOptions.fromRevision ?? 0n)) yield recorded(r.event, r.commitPosition);
      }
      yield* guardedReads(events());
    },
    async *readAll(readOptions: ReadAllOptions = {}) {
      open();
      yield* guardedReads(readAll(readOptions));
    },
    async headPosition() {
      open();
      return guarded(headPosition());
    },
    async waitForEvents(after, signal) {
      open();
      if (signal.aborted) return;
      // Subscribe first, then look at the head: an event written in between is seen by one or
      // the other, so no wake-up is lost. Only events of this application count ($ ones do not).
      const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
      try {
        await new Promise<void>((resolve, reject) => {
          const done = () => resolve();
          signal.addEventListener('abort', done, { once: true });
          subscription.on('data', (resolved: AllStreamResolvedEvent) => {
            const e = resolved.event;
            if (e && !isSystemEvent(e) && e.position.commit > after) done();
          });
          subscription.on('error', (e: unknown) => reject(unavailableOr(e)));
          store.headPosition().then((head) => (head > after ? done() : undefined), reject);
        });
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownsClient) await client.dispose();
    },
  };
  return store;
};
