// The in-memory store: for tests and examples, with the same semantics as the durable stores.
// Events are kept as JSON text, exactly like a database row, so a test on this store sees what a
// test on SQLite would (fields dropped by JSON, decode failures). But the same text is parsed and
// validated once, not on every read: beside each row the store keeps the event its text decoded
// to at the row's first read (frozen) and hands out fresh events around it. An append only
// serialises, as a database write would: a row is decoded when something reads it (a command
// handler with a cache of its streams may never read back what it wrote). A row whose text is no
// longer the text decoded (overwritten around the API, as the tests that corrupt a row do) is
// decoded from its text again at its next read; one that does not decode keeps nothing, and
// fails every read.
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import { checkAppend } from './append-checks.js';
import {
  EventIdConflictError,
  StoreNotFoundError,
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type EventStoreOptions,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEventDecoder,
} from './port.js';
import { defaultDecoder, recordedEventFrom, revisionMatches } from './stored-event.js';

/** One stored event. `data` and `metadata` are JSON text; tests may overwrite them to corrupt one. */
export interface InMemoryRow {
  readonly streamName: string;
  readonly streamRevision: bigint;
  readonly globalPosition: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  data: string;
  metadata: string;
}

/**
 * The storage several in-memory stores can share, as connections share a database: stores opened
 * on the same database see each other's appends and conflict with each other.
 */
export interface InMemoryDatabase {
  /** Every event in global order; `rows[i].globalPosition === BigInt(i + 1)`. */
  readonly rows: InMemoryRow[];
  /** Global positions of each stream's events, in revision order. */
  readonly streams: Map<string, bigint[]>;
  /** Event id -> global position. */
  readonly eventIds: Map<string, bigint>;
}

export const createInMemoryDatabase = (): InMemoryDatabase => ({ rows: [], streams: new Map(), eventIds: new Map() });

export interface InMemoryEventStoreOptions extends EventStoreOptions {
  /** Share storage with other in-memory stores. Default: a new, empty database. */
  readonly database?: InMemoryDatabase;
}

/** The event a row's text decoded to, with the very text and the decoder it came from. */
interface DecodedOnce {
  readonly data: string;
  readonly metadata: string;
  readonly decode: StoredEventDecoder;
  readonly event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>;
}

/** Beside the row, out of its declared shape: what `db.rows` shows is the row as stored. */
const decodedOnce = Symbol('decodedOnce');
type AppendedRow = InMemoryRow & { [decodedOnce]?: DecodedOnce };

/** Frozen all the way down: the same event goes to every reader, so none may change it for the others. */
const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Indexes and keys walked in place (Object.values would allocate an array per object): every
    // row's first read freezes what it decoded to.
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
};

/**
 * A fresh event around the row's decoded one when its text is still the text decoded; otherwise
 * the row is decoded from its text (a failure throws, as every read of it will), and that kept.
 */
const recordedFromRow = (row: AppendedRow, decode: StoredEventDecoder): RecordedEvent => {
  const once = row[decodedOnce];
  if (once === undefined || once.data !== row.data || once.metadata !== row.metadata || once.decode !== decode) {
    const event = recordedEventFrom(row, decode);
    deepFreeze(event.data);
    deepFreeze(event.metadata);
    // The reader gets `event` itself: only its frozen parts are kept.
    row[decodedOnce] = {
      data: row.data,
      metadata: row.metadata,
      decode,
      event: { type: event.type, data: event.data, metadata: event.metadata },
    };
    return event;
  }
  return {
    eventId: row.eventId,
    type: once.event.type,
    schemaVersion: row.schemaVersion,
    data: once.event.data,
    metadata: once.event.metadata,
    streamName: row.streamName,
    streamRevision: row.streamRevision,
    globalPosition: row.globalPosition,
  } as RecordedEvent;
};

const rowAt = (db: InMemoryDatabase, position: bigint): InMemoryRow => db.rows[Number(position) - 1]!;

const lastRevision = (db: InMemoryDatabase, streamName: string): bigint | 'no-stream' => {
  const positions = db.streams.get(streamName);
  return positions && positions.length > 0 ? BigInt(positions.length - 1) : 'no-stream';
};

/**
 * The same events already stored at the revisions this append would have given them (a retry of
 * an append that succeeded): the result of that first append, or null. The same ids there with
 * other data are an EventIdConflictError.
 */
const alreadyStored = (
  db: InMemoryDatabase,
  streamName: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): AppendResult | null => {
  const first = events[0] && db.eventIds.get(events[0].eventId);
  if (first === undefined) return null;
  const firstRow = rowAt(db, first);
  if (firstRow.streamName !== streamName) return null;
  const from = firstRow.streamRevision;
  if (expected !== 'any' && from !== (expected === 'no-stream' ? 0n : expected + 1n)) return null;
  const positions = db.streams.get(streamName)!;
  let last = firstRow;
  for (let i = 0; i < events.length; i++) {
    const position = positions[Number(from) + i];
    if (position === undefined) return null;
    last = rowAt(db, position);
    if (last.eventId !== events[i]!.eventId) return null;
  }
  // The same ids where this append would have put them, but other data: the same command id was
  // used for another command, not retried.
  for (let i = 0; i < events.length; i++) {
    const row = rowAt(db, positions[Number(from) + i]!);
    if (row.data !== JSON.stringify(events[i]!.data)) throw new EventIdConflictError(streamName, row.eventId, streamName);
  }
  return { nextExpectedRevision: last.streamRevision, lastGlobalPosition: last.globalPosition, outcome: 'already-stored' };
};

/** Appends one request or throws, leaving what it already wrote for the caller to roll back. */
const appendOne = (db: InMemoryDatabase, request: AppendRequest): AppendResult => {
  const { streamName, events, expectedRevision } = request;
  const retry = alreadyStored(db, streamName, events, expectedRevision);
  if (retry) return retry;
  const actual = lastRevision(db, streamName);
  if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
  // An event id stored anywhere else is what a unique key refuses in the SQL stores.
  for (let i = 0; i < events.length; i++) {
    const id = events[i]!.eventId;
    const stored = db.eventIds.get(id);
    if (stored !== undefined) throw new EventIdConflictError(streamName, id, rowAt(db, stored).streamName);
    // Twice in this very append (events are few: a scan, not a set per append).
    for (let j = 0; j < i; j++) if (events[j]!.eventId === id) throw new EventIdConflictError(streamName, id, streamName);
  }
  let positions = db.streams.get(streamName);
  if (!positions) db.streams.set(streamName, (positions = []));
  let revision = actual === 'no-stream' ? -1n : actual;
  let position = -1n;
  for (const e of events) {
    revision += 1n;
    position = BigInt(db.rows.length + 1);
    // One literal of a fixed shape: spreading and adding keys costs about a microsecond a key.
    const row: AppendedRow = {
      streamName,
      streamRevision: revision,
      globalPosition: position,
      eventId: e.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: JSON.stringify(e.data),
      metadata: JSON.stringify(e.metadata),
      [decodedOnce]: undefined,
    };
    db.rows.push(row);
    positions.push(position);
    db.eventIds.set(e.eventId, position);
  }
  return { nextExpectedRevision: revision, lastGlobalPosition: position, outcome: 'appended' };
};

const rollbackTo = (db: InMemoryDatabase, length: number): void => {
  while (db.rows.length > length) {
    const row = db.rows.pop()!;
    db.eventIds.delete(row.eventId);
    const positions = db.streams.get(row.streamName)!;
    positions.pop();
    if (positions.length === 0) db.streams.delete(row.streamName);
  }
};

/** Appends all requests or none. Synchronous, so no other append can interleave. */
const appendAll = (db: InMemoryDatabase, requests: readonly AppendRequest[]): AppendResult[] => {
  const length = db.rows.length;
  try {
    return requests.map((r) => appendOne(db, r));
  } catch (e) {
    rollbackTo(db, length);
    throw e;
  }
};

export const getInMemoryEventStore = (options: InMemoryEventStoreOptions = {}): EventStore => {
  const readOnly = options.readOnly === true;
  // Without a database to share, a new in-memory store is empty: there is no existing one to open.
  if (!options.database && (options.create === false || readOnly))
    throw new StoreNotFoundError('an in-memory store exists only inside the process that made it: there is none to open here');
  const db = options.database ?? createInMemoryDatabase();
  const self = { kind: 'memory', readOnly };
  const decode = options.decode ?? defaultDecoder;
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the in-memory event store is closed');
  };
  const recorded = (row: InMemoryRow): RecordedEvent => recordedFromRow(row, decode);

  return {
    kind: 'memory',
    async appendToStream(streamName, events, { expectedRevision }) {
      open();
      const requests = [{ streamName, events, expectedRevision }];
      checkAppend(self, requests);
      return appendAll(db, requests)[0]!;
    },
    async appendBatch(requests) {
      open();
      checkAppend(self, requests);
      return appendAll(db, requests);
    },
    async *readStream(streamName: string, readOptions: ReadStreamOptions = {}) {
      open();
      const positions = db.streams.get(streamName) ?? [];
      // Revisions only grow at the end, so walking by index sees a consistent prefix.
      for (let i = Number(readOptions.fromRevision ?? 0n); i < positions.length; i++) yield recorded(rowAt(db, positions[i]!));
    },
    async readStreams(streamNames) {
      open();
      const out = new Map<string, RecordedEvent[]>();
      for (const name of streamNames) {
        const positions = db.streams.get(name);
        if (positions && positions.length > 0 && !out.has(name))
          out.set(
            name,
            positions.map((p) => recorded(rowAt(db, p))),
          );
      }
      return out;
    },
    async *readAll(readOptions: ReadAllOptions = {}) {
      open();
      let after = readOptions.after ?? 0n;
      let left = readOptions.limit ?? Number.POSITIVE_INFINITY;
      const batchSize = Math.max(1, readOptions.batchSize ?? 500);
      while (left > 0) {
        const start = Number(after < 0n ? 0n : after);
        const batch = db.rows.slice(start, start + Math.min(batchSize, left));
        if (batch.length === 0) return;
        for (const row of batch) {
          yield recorded(row);
          after = row.globalPosition;
          left -= 1;
        }
      }
    },
    async headPosition() {
      open();
      return db.rows.length === 0 ? -1n : BigInt(db.rows.length);
    },
    async close() {
      closed = true;
    },
  };
};
