// The one port every event store implements (in-memory, SQLite, PostgreSQL, EventStoreDB).
// Revisions count from 0 for a stream's first event, as EventStoreDB does; global positions are
// a store-wide order that `readAll` follows and projections checkpoint on.
import type { InvalidInput, NewEvent, RecordedEvent, StoredEventDecoder } from '@renewal-ledger/core';

/**
 * How a store turns a stored event's type, schema version and data into the current shape of its
 * data (core's `StoredEventDecoder`). A failure becomes a `StoredEventDecodeError`.
 */
export type { StoredEventDecoder };

/** Options every store factory accepts besides its connection settings. */
export interface EventStoreOptions {
  /**
   * How stored events are decoded as they are read. Default: core's `decodeStoredEvent`, which
   * knows the renewal cycle's and the contract's events. A store that also holds a user's own
   * aggregate composes its codec with these: `storedEventDecoder([...LEDGER_EVENT_CODECS, mine])`.
   */
  readonly decode?: StoredEventDecoder;
  /**
   * `true` (default): a missing store is created on open (the SQLite file, the PostgreSQL schema
   * and tables) and migrated. `false`: open a store that exists, or fail with StoreNotFoundError;
   * opening then writes nothing (no file, schema or table is made, no migration runs). Readers
   * pass `false`, so a mistyped path is an error instead of a new, empty ledger.
   */
  readonly create?: boolean;
  /**
   * Open for reading only (implies `create: false`): appends fail with ReadOnlyStoreError. A
   * SQLite store in a place this process cannot write is still readable this way (see
   * docs/stores.md); PostgreSQL sessions are read-only transactions.
   */
  readonly readOnly?: boolean;
}

/** `no-stream`: the stream must not exist; `any`: no check; a bigint: the revision of its last event. */
export type ExpectedRevision = 'no-stream' | 'any' | bigint;

export interface AppendResult {
  /** Revision of the stream's last event after the append: what to expect next time. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last event appended (or found already stored). */
  readonly lastGlobalPosition: bigint;
  /**
   * `already-stored`: every event was found in the stream with the same id and the same data at
   * the revisions this append would have given it (an identical retry, or the same command
   * appended by another writer first): nothing was written.
   */
  readonly outcome: 'appended' | 'already-stored';
}

export interface AppendRequest {
  readonly streamName: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Default 0. */
  readonly fromRevision?: bigint;
}

export interface ReadAllOptions {
  /** Read events strictly after this global position. Default: from the beginning. */
  readonly after?: bigint;
  /** How many events a store fetches per round trip. */
  readonly batchSize?: number;
  /** Stop after this many events (for paging). */
  readonly limit?: number;
}

export interface EventStore {
  /** `memory`, `sqlite`, `postgres` or `eventstoredb`. */
  readonly kind: string;
  /**
   * Appends atomically, checking the expected revision. An identical retry (same event ids, same
   * data) answers `already-stored`; an event id stored with other data, in this stream or
   * another, is an EventIdConflictError.
   */
  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Many appends to many streams in one transaction where the store has transactions: all or
   * nothing. Requests apply in order, so a later request may extend a stream an earlier one in
   * the same batch appended to (expecting the revision that earlier request leaves). Stores
   * without multi-stream transactions (EventStoreDB) append one by one.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]>;
  /** A stream's events in revision order, decoded; an empty iteration when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /**
   * Optional: whole streams at once, each in revision order, decoded; a stream without events is
   * absent from the map. The command handler's batch path loads all its cycles through it, in
   * one round trip on a database server instead of one per cycle; without it, it reads stream
   * by stream. Must return exactly what `readStream` would, and fail the same way on an
   * unreadable event.
   */
  readStreams?(streamNames: readonly string[]): Promise<ReadonlyMap<string, readonly RecordedEvent[]>>;
  /** Every event of every stream in global order, decoded. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Global position of the newest event, or -1n for an empty store. */
  headPosition(): Promise<bigint>;
  /**
   * Optional push notification for followers: resolves once an event after `after` exists, or
   * when `signal` aborts. Stores with subscriptions implement it (EventStoreDB: `subscribeToAll`);
   * followers poll `headPosition()` on stores without it. Reading still goes through `readAll`
   * from the follower's checkpoint, so exactly-once processing does not depend on it.
   */
  waitForEvents?(after: bigint, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The revision an append was refused against. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  readonly code = 'WRONG_EXPECTED_REVISION' as const;
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or `no-stream`. */
    readonly actual: bigint | 'no-stream',
  ) {
    super(`append to ${streamName} expected revision ${String(expected)} but the stream is at ${String(actual)}`);
  }
}

/**
 * An event id that is already stored in another stream, or in this stream with other data (or
 * twice in one append). Event ids derive from command ids, so this means a command id was reused
 * for another command; the command handler turns it into a COMMAND_ID_CONFLICT refusal.
 * EventStoreDB checks ids per stream only, and only the ids: it never raises it.
 */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  readonly code = 'EVENT_ID_CONFLICT' as const;
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    /** The stream that already holds the id. */
    readonly storedIn: string,
  ) {
    super(
      storedIn === streamName
        ? `event id ${eventId} is already stored in ${streamName} with other data, or appears twice in one append to it`
        : `event id ${eventId} for ${streamName} is already stored in ${storedIn}: a command id names one command`,
    );
  }
}

/** A stored event that no longer decodes: nothing is skipped silently. */
export class StoredEventDecodeError extends Error {
  override readonly name = 'StoredEventDecodeError';
  readonly code = 'STORED_EVENT_UNREADABLE' as const;
  constructor(
    readonly streamName: string,
    readonly streamRevision: bigint,
    readonly globalPosition: bigint,
    readonly eventType: string,
    readonly problem: InvalidInput,
  ) {
    super(
      `stored event ${eventType} at ${streamName}@${streamRevision} (global position ${globalPosition}) does not decode: ${problem.problems
        .slice(0, 5)
        .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
        .join('; ')}${problem.problems.length > 5 ? `; and ${problem.problems.length - 5} more (see .problem)` : ''}`,
    );
  }
}

/** A store URL that names no known store. */
export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
  readonly code = 'INVALID_STORE_URL' as const;
}

/** A store opened with `create: false` (or `readOnly`) that does not exist: nothing was created. */
export class StoreNotFoundError extends Error {
  override readonly name = 'StoreNotFoundError';
  readonly code = 'STORE_NOT_FOUND' as const;
}

/** An append to a store opened with `readOnly: true`. */
export class ReadOnlyStoreError extends Error {
  override readonly name = 'ReadOnlyStoreError';
  readonly code = 'STORE_READ_ONLY' as const;
  constructor(readonly storeKind: string) {
    super(`the ${storeKind} event store was opened read-only: nothing can be appended`);
  }
}

/**
 * An event whose stream name, id, type, data or metadata holds a string that is not well-formed
 * Unicode (a lone surrogate). UTF-8 cannot carry it: a database would store U+FFFD instead, so
 * two names could become one and a hash over the text would stop matching. Nothing is written.
 */
export class IllFormedEventError extends Error {
  override readonly name = 'IllFormedEventError';
  readonly code = 'ILL_FORMED_TEXT' as const;
  constructor(
    readonly streamName: string,
    readonly eventId: string | null,
    /** Where the bad string is: `streamName`, `eventId`, `type`, `data/...`, `metadata/...`. */
    readonly path: string,
  ) {
    // JSON.stringify escapes a lone surrogate, so the message itself is well-formed.
    super(
      `refused an append to ${JSON.stringify(streamName)}${eventId === null ? '' : ` (event ${JSON.stringify(eventId)})`}: ${JSON.stringify(path)} is not well-formed Unicode (it holds a lone surrogate)`,
    );
  }
}
