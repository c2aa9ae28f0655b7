// The embedded event store: one SQLite file, any number of processes.
//
// Concurrency: every append runs in a BEGIN IMMEDIATE transaction, which takes SQLite's single
// write lock before reading the stream's revision, so the check and the insert cannot be split
// by another writer, in this process or another. Writers queue on the lock for `busyTimeoutMs`.
// Because there is only ever one writer, global positions become visible in commit order: a
// reader tailing `readAll` can never see position 11 before a still-uncommitted position 10 (the
// PostgreSQL store has to work for that guarantee; SQLite gives it).
//
// better-sqlite3 is synchronous: a transaction never spans an `await`, so connections in one
// process cannot deadlock each other, and the async API of the port is a thin wrapper.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import {
  checkAppend,
  defaultDecoder,
  recordedEventFrom,
  revisionMatches,
  EventIdConflictError,
  StoreNotFoundError,
  StoreUrlError,
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type EventStoreOptions,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
} from '@renewal-ledger/eventstore';
import { cannotReadInPlace, temporaryCopyOf, type TemporaryCopy } from '@renewal-ledger/eventstore/sqlite-files';
import { checkSchema, migrate } from './schema.js';
import { sqlitePathFromUrl } from './url.js';

export interface SQLiteEventStoreOptions extends EventStoreOptions {
  /** The database file (created if missing, unless `create: false` or `readOnly`), or `:memory:`. */
  readonly path?: string;
  /** `sqlite:./renewal.db` or `sqlite:/abs/path.db`: the same as `path`. */
  readonly url?: string;
  /** How long a writer waits for another's write lock before failing with SQLITE_BUSY. Default 10 s. */
  readonly busyTimeoutMs?: number;
  /**
   * `FULL` (default): the WAL is synced to disk at every commit, so an append that returned
   * survives a power cut or OS crash. `NORMAL` syncs only at checkpoints: still never corrupt,
   * and faster, but the last commits before a power cut may be lost. A payment reported as
   * recorded to a cashier must not vanish, so durability wins by default; choose NORMAL for bulk
   * imports you can re-run (the batch path amortises the sync anyway).
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Events per query when reading (readStream and the default of readAll). Default 500. */
  readonly readBatchSize?: number;
}

interface EventRow {
  global_position: bigint;
  stream_id: string;
  stream_revision: bigint;
  event_id: string;
  type: string;
  schema_version: bigint;
  data: string;
  metadata: string;
}

const COLUMNS = 'global_position, stream_id, stream_revision, event_id, type, schema_version, data, metadata';

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Database.SqliteError && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');

export const getSQLiteEventStore = (options: SQLiteEventStoreOptions): EventStore => {
  const path = options.path ?? (options.url !== undefined ? sqlitePathFromUrl(options.url) : undefined);
  if (path === undefined) throw new TypeError('getSQLiteEventStore needs a path or a url (sqlite:./renewal.db)');
  const decode = options.decode ?? defaultDecoder;
  const readBatchSize = Math.max(1, options.readBatchSize ?? 500);
  const pageSize = BigInt(readBatchSize);

  const readOnly = options.readOnly === true;
  const create = options.create !== false && !readOnly;
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  if (path === ':memory:' && !create)
    throw new StoreNotFoundError('a SQLite :memory: database exists only inside the connection that made it: there is none to open here');
  if (path !== ':memory:' && !existsSync(dirname(path)))
    throw new StoreNotFoundError(
      `${create ? 'cannot create the' : 'no'} SQLite event store ${path}: the directory ${dirname(path)} does not exist`,
    );
  if (path !== ':memory:' && !create && !existsSync(path))
    throw new StoreNotFoundError(`no SQLite event store at ${path}: there is no such file`);
  // SQLite would only say "unable to open database file": the path names no store, whatever the mode.
  if (path !== ':memory:' && existsSync(path) && statSync(path).isDirectory())
    throw new StoreUrlError(
      `the SQLite event store ${path} is a directory: name the database file in it (sqlite:${join(path, 'renewal.db')})`,
    );

  // Read-only is `query_only` on a read-write connection rather than SQLite's read-only open: the
  // database refuses every write all the same, and the last connection to close still checkpoints
  // and removes the -wal and -shm files, where a read-only connection would leave them behind.
  const connect = (file: string) => {
    const connection = new Database(file, { timeout: busyTimeoutMs, fileMustExist: !create });
    if (readOnly) connection.pragma('query_only = ON');
    return connection;
  };
  let db = connect(path);
  // A read-only store in a place this process cannot write is read from a copy (sqlite-files.ts in
  // @renewal-ledger/eventstore says why).
  let snapshot = null as TemporaryCopy | null;
  try {
    if (readOnly) {
      try {
        checkSchema(db, path, true);
      } catch (e) {
        if (!cannotReadInPlace(e)) throw e;
        db.close();
        snapshot = temporaryCopyOf(path);
        db = connect(snapshot.path);
        checkSchema(db, path, true);
      }
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      // Also set by `timeout` above; said again so the setting is visible where the pragmas are.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      if (create) migrate(db, () => new Date().toISOString());
      else checkSchema(db, path);
    }
  } catch (e) {
    db.close();
    snapshot?.remove();
    throw e;
  }
  const self = { kind: 'sqlite', readOnly };

  const q = {
    lastRevision: db.prepare('SELECT MAX(stream_revision) AS r FROM events WHERE stream_id = ?').safeIntegers(true),
    byEventId: db.prepare('SELECT stream_id, stream_revision, global_position FROM events WHERE event_id = ?').safeIntegers(true),
    eventIdAt: db.prepare('SELECT event_id, global_position FROM events WHERE stream_id = ? AND stream_revision = ?').safeIntegers(true),
    dataOf: db.prepare('SELECT data FROM events WHERE event_id = ?'),
    insert: db
      .prepare(
        `INSERT INTO events (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(true),
    // Pages by revision range, not LIMIT: a stream's revisions are gapless, so a range of N
    // revisions holds at most N events, and without LIMIT the query runs in half the time.
    readStream: db
      .prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_revision >= ? AND stream_revision < ? ORDER BY stream_revision`,
      )
      .safeIntegers(true),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`).safeIntegers(true),
    head: db.prepare('SELECT MAX(global_position) AS p FROM events').safeIntegers(true),
  };

  const lastRevision = (streamName: string): bigint | 'no-stream' => {
    const r = (q.lastRevision.get(streamName) as { r: bigint | null }).r;
    return r === null ? 'no-stream' : r;
  };

  /**
   * The result of an earlier identical append, if these events already sit where it put them;
   * the same ids there with other data are an EventIdConflictError.
   */
  const alreadyStored = (streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult | null => {
    const first = q.byEventId.get(events[0]!.eventId) as
      | { stream_id: string; stream_revision: bigint; global_position: bigint }
      | undefined;
    if (!first || first.stream_id !== streamName) return null;
    if (expected !== 'any' && first.stream_revision !== (expected === 'no-stream' ? 0n : expected + 1n)) return null;
    let position = first.global_position;
    for (let i = 1; i < events.length; i++) {
      const at = q.eventIdAt.get(streamName, first.stream_revision + BigInt(i)) as
        | { event_id: string; global_position: bigint }
        | undefined;
      if (!at || at.event_id !== events[i]!.eventId) return null;
      position = at.global_position;
    }
    // The same ids where this append would have put them, but other data: the same command id
    // was used for another command, not retried.
    for (const e of events)
      if ((q.dataOf.get(e.eventId) as { data: string }).data !== JSON.stringify(e.data))
        throw new EventIdConflictError(streamName, e.eventId, streamName);
    return {
      nextExpectedRevision: first.stream_revision + BigInt(events.length - 1),
      lastGlobalPosition: position,
      outcome: 'already-stored',
    };
  };

  /** One request, inside the caller's write transaction. */
  /** Which event id a unique violation was about, when it was one: reused elsewhere or repeated. */
  const eventIdConflict = (streamName: string, events: readonly NewEvent[]): EventIdConflictError | null => {
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.eventId)) return new EventIdConflictError(streamName, e.eventId, streamName);
      seen.add(e.eventId);
      const row = q.byEventId.get(e.eventId) as { stream_id: string } | undefined;
      if (row && row.stream_id !== streamName) return new EventIdConflictError(streamName, e.eventId, row.stream_id);
    }
    return null;
  };

  const appendOne = ({ streamName, events, expectedRevision }: AppendRequest): AppendResult => {
    const actual = lastRevision(streamName);
    if (events.length === 0) {
      if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      return { nextExpectedRevision: actual === 'no-stream' ? -1n : actual, lastGlobalPosition: -1n, outcome: 'appended' };
    }
    // An identical retry finds its events already there. With an exact expected revision that is
    // only possible when the stream has moved past it, so the lookup waits for a mismatch.
    if (expectedRevision === 'any' || !revisionMatches(expectedRevision, actual)) {
      const retry = alreadyStored(streamName, events, expectedRevision);
      if (retry) return retry;
      if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
    }
    let revision = actual === 'no-stream' ? -1n : actual;
    let position = -1n;
    try {
      for (const e of events) {
        revision += 1n;
        const info = q.insert.run(
          streamName,
          revision,
          e.eventId,
          e.type,
          e.schemaVersion,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          e.metadata.recordedAt,
        );
        position = BigInt(info.lastInsertRowid);
      }
    } catch (e) {
      // The revision was checked under the write lock, so a unique violation here is an event id
      // stored elsewhere (or twice in this request): the append is refused like a conflict.
      if (isUniqueViolation(e))
        throw eventIdConflict(streamName, events) ?? new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      throw e;
    }
    return { nextExpectedRevision: revision, lastGlobalPosition: position, outcome: 'appended' };
  };

  // BEGIN IMMEDIATE: take the write lock before the first read, or two writers could both read
  // revision 4 and the second would fail on upgrade instead of waiting its turn.
  const appendAll = db.transaction((requests: readonly AppendRequest[]) => requests.map(appendOne));

  const recorded = (row: EventRow) =>
    recordedEventFrom(
      {
        streamName: row.stream_id,
        streamRevision: row.stream_revision,
        globalPosition: row.global_position,
        eventId: row.event_id,
        type: row.type,
        schemaVersion: Number(row.schema_version),
        data: row.data,
        metadata: row.metadata,
      },
      decode,
    );

  const readWhole = (streamName: string): RecordedEvent[] => {
    const out: RecordedEvent[] = [];
    for (let from = 0n; ; ) {
      const rows = q.readStream.all(streamName, from, from + pageSize) as EventRow[];
      for (const row of rows) out.push(recorded(row));
      if (rows.length < readBatchSize) return out;
      from += pageSize;
    }
  };
  const readStreamsAtOnce = db.transaction((streamNames: readonly string[]): Map<string, RecordedEvent[]> => {
    const out = new Map<string, RecordedEvent[]>();
    for (const name of streamNames) {
      if (out.has(name)) continue;
      const events = readWhole(name);
      if (events.length > 0) out.set(name, events);
    }
    return out;
  });

  let closed = false;
  const open = () => {
    if (closed) throw new Error('the SQLite event store is closed');
  };

  return {
    kind: 'sqlite',
    async appendToStream(streamName, events, { expectedRevision }) {
      open();
      const requests = [{ streamName, events, expectedRevision }];
      checkAppend(self, requests);
      return appendAll.immediate(requests)[0]!;
    },
    async appendBatch(requests) {
      open();
      checkAppend(self, requests);
      return appendAll.immediate(requests);
    },
    async *readStream(streamName: string, readOptions: ReadStreamOptions = {}) {
      open();
      let from = readOptions.fromRevision ?? 0n;
      for (;;) {
        // One page per query, fully fetched: no statement stays open across a yield.
        const rows = q.readStream.all(streamName, from, from + pageSize) as EventRow[];
        for (const row of rows) yield recorded(row);
        if (rows.length < readBatchSize) return;
        from += pageSize;
      }
    },
    async readStreams(streamNames) {
      open();
      // One read transaction for the lot, so every stream is seen at the same moment.
      return readStreamsAtOnce(streamNames);
    },
    async *readAll(readOptions: ReadAllOptions = {}) {
      open();
      let after = readOptions.after ?? 0n;
      let left = readOptions.limit ?? Number.POSITIVE_INFINITY;
      const batchSize = Math.max(1, readOptions.batchSize ?? readBatchSize);
      while (left > 0) {
        const take = Math.min(batchSize, left);
        const rows = q.readAll.all(after, take) as EventRow[];
        for (const row of rows) yield recorded(row);
        if (rows.length < take) return;
        left -= rows.length;
        after = rows[rows.length - 1]!.global_position;
      }
    },
    async headPosition() {
      open();
      const p = (q.head.get() as { p: bigint | null }).p;
      return p === null ? -1n : p;
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
      snapshot?.remove();
    },
  };
};
