// The PostgreSQL event store, on node-postgres (`pg`).
//
// Why `pg` rather than `postgres` (porsager): an append must hold one connection for a whole
// transaction *and* take and release a session-level advisory lock on that same connection, and
// a connection whose lock state is uncertain must be thrown away instead of going back to the
// pool. `pg`'s explicit `Pool.connect()` / `client.release(err)` gives exactly that control, it
// lets a user hand us the `Pool` their application already has, its int8/json handling is easy to
// keep exact (we read both as text), and it is the most widely deployed driver with maintained
// types (@types/pg).
//
// Guarantees, and how they are kept:
// - Appends run in a transaction: the expected revision is checked, then the rows are inserted
//   with consecutive revisions. `UNIQUE (stream_id, stream_revision)` refuses a concurrent writer
//   that checked the same revision: its unique violation is mapped to WrongExpectedRevisionError
//   (or to `already-stored` when the rows that won are this very append, retried).
// - `readAll` never skips an event whose transaction commits late. Positions come from a
//   sequence, so transaction A can take position 10, transaction B position 11, and B commit
//   first: a reader that saw 11 and checkpointed there would never see 10. Two things prevent it:
//   1. Every row records its transaction id (`pg_current_xact_id()`), and `readAll` only returns
//      rows whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`: every
//      transaction below that horizon has finished, so no row can still appear among them.
//   2. That filter is only enough if a lower transaction id always means lower positions. A
//      transaction that got its id first may insert last (a batch, or plain scheduling), so an
//      append runs under an advisory lock, taken with BEGIN (before the transaction's first
//      write, which is when PostgreSQL assigns its id) and released right after its insert,
//      before COMMIT. Ids and positions are thus handed out in the same order, while the commits
//      (the slow part) still overlap.
//   When rows past the horizon exist (another append is committing), `readAll` waits briefly for
//   them to settle instead of ending early, so a reader sees its own committed writes.
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import {
  EventIdConflictError,
  WrongExpectedRevisionError,
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
  type StoredEventRow,
} from '@renewal-ledger/eventstore';
import { APPEND_LOCK_CLASS, checkSchemaName, migrate, quoteIdentifier } from './migrations.js';

export interface PostgresEventStoreOptions extends EventStoreOptions {
  /** `postgres://user:password@host:port/database`; the store makes (and closes) its own pool. */
  readonly connectionString?: string;
  /** An existing pool to use instead; `close()` leaves it open. */
  readonly pool?: Pool;
  /**
   * The schema holding the store's tables, created if missing. Default: the connection string's
   * `schema` parameter (`postgres://.../db?schema=tenant_a`, so `openStore(url)` can choose one),
   * else `renewal_ledger`.
   */
  readonly schema?: string;
  /** Connections in the pool the store makes. Default 10. */
  readonly poolSize?: number;
  /**
   * How long `readAll` waits, at most, for appends that are committing when it reaches them,
   * before it ends and leaves them to the next read. Default 2000 ms.
   */
  readonly settleTimeoutMs?: number;
}

export interface PostgresEventStore extends EventStore {
  readonly kind: 'postgres';
  /** The schema the store's tables live in. */
  readonly schema: string;
}

export const DEFAULT_SCHEMA = 'renewal_ledger';

/** How many times an append whose insert lost a race is checked and tried again. */
const MAX_ATTEMPTS = 10;

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

const COLUMNS =
  'global_position, stream_id, stream_revision, event_id, type, schema_version, data::text AS data, metadata::text AS metadata';

const toStoredRow = (r: EventRow): StoredEventRow => ({
  streamName: r.stream_id,
  streamRevision: BigInt(r.stream_revision),
  globalPosition: BigInt(r.global_position),
  eventId: r.event_id,
  type: r.type,
  schemaVersion: r.schema_version,
  data: r.data,
  metadata: r.metadata,
});

/** The `schema` query parameter of a connection string, if any. */
const schemaInUrl = (connectionString: string | undefined): string | undefined => {
  if (!connectionString) return undefined;
  try {
    return new URL(connectionString).searchParams.get('schema') ?? undefined;
  } catch {
    return undefined; // not a URL (a key=value string): pg reads it, there is no schema in it
  }
};

/** A short, stable tag of a schema name for statement names (FNV-1a, 32 bits, hex). */
const fnv1a = (text: string): string => {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
};

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Opens a store on a PostgreSQL database, running the schema migrations it lacks first (safe when
 * several processes open the same database at once).
 */
export const getPostgresEventStore = async (options: PostgresEventStoreOptions): Promise<PostgresEventStore> => {
  if (!options.pool && !options.connectionString) throw new TypeError('getPostgresEventStore needs a connectionString or a pool');
  const schema = checkSchemaName(options.schema ?? schemaInUrl(options.connectionString) ?? DEFAULT_SCHEMA);
  const table = `${quoteIdentifier(schema)}.events`;
  const decode = options.decode ?? defaultDecoder;
  const settleTimeoutMs = options.settleTimeoutMs ?? 2000;
  const ownsPool = !options.pool;
  const pool: Pool =
    options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
  // An idle pooled connection the server drops (restart, idle timeout) emits 'error' on the pool;
  // without a listener Node would crash the process. The pool replaces the connection.
  if (ownsPool) pool.on('error', () => undefined);

  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema);
      client.release();
    } catch (e) {
      client.release(e as Error); // its transaction state is unknown: do not reuse it
      throw e;
    }
  } catch (e) {
    if (ownsPool) await pool.end().catch(() => undefined);
    throw e;
  }

  let closed = false;
  const open = () => {
    if (closed) throw new Error(`the PostgreSQL event store (schema ${schema}) is closed`);
  };
  const recorded = (r: EventRow): RecordedEvent => recordedEventFrom(toStoredRow(r), decode);

  // Named statements: parsed and planned once per connection instead of on every call (about a
  // third of an append's time otherwise). Named per schema, since stores on other schemas may
  // share the pool and a name must always mean the same text.
  const schemaTag = fnv1a(schema);
  const named = (what: string, text: string) => ({ name: `rl_${what}_${schemaTag}`, text });
  const sql = {
    lastRevision: named('last_revision', `SELECT max(stream_revision) AS last FROM ${table} WHERE stream_id = $1`),
    batchState: named(
      'batch_state',
      `SELECT stream_id, NULL::text AS event_id, max(stream_revision)::text AS stream_revision, NULL::text AS global_position, NULL::text AS data
         FROM ${table} WHERE stream_id = ANY($1::text[]) GROUP BY stream_id
       UNION ALL
       SELECT stream_id, event_id, stream_revision::text, global_position::text, data::text FROM ${table} WHERE event_id = ANY($2::text[])`,
    ),
    guardedInsert: named(
      'guarded_insert',
      `WITH expected AS (SELECT * FROM unnest($9::text[], $10::bigint[]) AS x(stream_id, last_revision)),
       moved AS (
         SELECT 1 FROM expected x
         WHERE coalesce((SELECT max(t.stream_revision) FROM ${table} t WHERE t.stream_id = x.stream_id), -1) <> x.last_revision
         LIMIT 1)
       INSERT INTO ${table} (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
       SELECT e.stream_id, e.stream_revision, e.event_id, e.type, e.schema_version, e.data::json, e.metadata::json,
              coalesce(e.recorded_at::timestamptz, now())
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS e(stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at, ord)
       WHERE NOT EXISTS (SELECT 1 FROM moved)
       ORDER BY e.ord
       RETURNING global_position, stream_id, stream_revision`,
    ),
    insert: named(
      'insert',
      `INSERT INTO ${table} (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
       SELECT e.stream_id, e.stream_revision, e.event_id, e.type, e.schema_version, e.data::json, e.metadata::json,
              coalesce(e.recorded_at::timestamptz, now())
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS e(stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at, ord)
       ORDER BY e.ord
       RETURNING global_position, stream_id, stream_revision`,
    ),
    readStream: named(
      'read_stream',
      `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
    ),
    readStreams: named('read_streams', `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_revision`),
    readAll: named(
      'read_all',
      `SELECT ${COLUMNS}, transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS settled
       FROM ${table} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
    ),
    head: named('head', `SELECT max(global_position) AS head FROM ${table}`),
  };

  // The append lock's statements, with the schema as a literal: sent as one simple query with
  // BEGIN or COMMIT, so the lock costs no round trip of its own.
  const schemaLiteral = `'${schema.replace(/'/g, "''")}'`;
  const lockSql = `SELECT pg_advisory_lock(${APPEND_LOCK_CLASS}, hashtext(${schemaLiteral}))`;
  const unlockSql = `SELECT pg_advisory_unlock(${APPEND_LOCK_CLASS}, hashtext(${schemaLiteral}))`;

  /**
   * One append transaction on one pooled connection, holding the append lock from BEGIN until
   * just before COMMIT. Taken before the transaction's first write (when PostgreSQL assigns its
   * id), released before COMMIT: the lock only has to order id and position handout, and the
   * commit (the WAL flush) is the part worth running concurrently. Four round trips in all:
   * BEGIN + lock, the revision check, the insert, unlock + COMMIT.
   */
  const inAppendTransaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // Whether this session may hold the lock: until unlock + COMMIT has answered, it may.
    let mayHoldLock = true;
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN; ${lockSql}`);
      const result = await work(client);
      await client.query(`${unlockSql}; COMMIT`);
      mayHoldLock = false;
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
        // Unlocking a lock not held only warns: safe when the failure came before the lock.
        if (mayHoldLock) await client.query(unlockSql);
      } catch (cleanup) {
        // A connection that may still hold the lock must not go back to the pool.
        broken = cleanup as Error;
      }
      throw e;
    } finally {
      client.release(broken);
    }
  };

  const lastRevision = async (client: PoolClient, streamName: string): Promise<bigint | 'no-stream'> => {
    const { rows } = await client.query<{ last: string | null }>({ ...sql.lastRevision, values: [streamName] });
    const last = rows[0]?.last;
    return last === null || last === undefined ? 'no-stream' : BigInt(last);
  };

  interface StoredId {
    readonly stream_id: string;
    readonly stream_revision: string;
    readonly global_position: string;
    /** As inserted: a json column keeps the text it was given. */
    readonly data: string;
  }

  /**
   * What the batch's appends are checked against, in one query: the last revision of every stream
   * they write, and every one of their event ids already stored.
   */
  const readBatchState = async (client: PoolClient, requests: readonly AppendRequest[]) => {
    const streams = [...new Set(requests.map((r) => r.streamName))];
    const ids = requests.flatMap((r) => r.events.map((e) => e.eventId));
    const { rows } = await client.query<{ stream_id: string; event_id: string | null; stream_revision: string; global_position: string | null; data: string | null }>({
      ...sql.batchState,
      values: [streams, ids],
    });
    const revisions = new Map<string, bigint | 'no-stream'>();
    const storedIds = new Map<string, StoredId>();
    for (const r of rows) {
      if (r.event_id === null) revisions.set(r.stream_id, BigInt(r.stream_revision));
      else storedIds.set(r.event_id, r as StoredId);
    }
    return { revisions, storedIds };
  };

  /**
   * The same events already stored at the revisions this append would have given them (an append
   * that succeeded, retried): the first append's result. Null when none of the ids is stored;
   * a WrongExpectedRevisionError when some are but not as this exact append; an
   * EventIdConflictError when they are, but with other data.
   */
  const alreadyStored = (
    storedIds: ReadonlyMap<string, StoredId>,
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual: bigint | 'no-stream',
  ): AppendResult | null => {
    const found = events.map((e) => storedIds.get(e.eventId));
    if (found.every((r) => r === undefined)) return null;
    const elsewhere = found.findIndex((r) => r !== undefined && r.stream_id !== streamName);
    if (elsewhere >= 0) throw new EventIdConflictError(streamName, events[elsewhere]!.eventId, found[elsewhere]!.stream_id);
    const refuse = () => new WrongExpectedRevisionError(streamName, expected, actual);
    const first = found[0];
    if (!first) throw refuse();
    const from = BigInt(first.stream_revision);
    if (expected !== 'any' && from !== (expected === 'no-stream' ? 0n : expected + 1n)) throw refuse();
    for (let i = 0; i < found.length; i++) if (!found[i] || BigInt(found[i]!.stream_revision) !== from + BigInt(i)) throw refuse();
    // The same ids where this append would have put them, but other data: the same command id
    // was used for another command, not retried.
    for (let i = 0; i < found.length; i++)
      if (found[i]!.data !== JSON.stringify(events[i]!.data)) throw new EventIdConflictError(streamName, events[i]!.eventId, streamName);
    const last = found[found.length - 1]!;
    return {
      nextExpectedRevision: BigInt(last.stream_revision),
      lastGlobalPosition: BigInt(last.global_position),
      outcome: 'already-stored',
    };
  };

  type Insert = { readonly request: AppendRequest; readonly base: bigint; readonly index: number };

  /**
   * Inserts the events of `inserts` with one statement and fills in their results. With a
   * `guard`, only if every stream in it is still at the revision given (-1: no stream); returns
   * whether the rows went in.
   */
  const insertEvents = async (
    client: PoolClient,
    inserts: readonly Insert[],
    results: (AppendResult | null)[],
    guard: ReadonlyMap<string, bigint> | null,
  ): Promise<boolean> => {
    const rows = inserts.flatMap(({ request, base }) => request.events.map((e, i) => ({ streamName: request.streamName, revision: base + BigInt(i), e })));
    if (rows.length === 0) return true;
    const values: unknown[] = [
      rows.map((r) => r.streamName),
      rows.map((r) => r.revision.toString()),
      rows.map((r) => r.e.eventId),
      rows.map((r) => r.e.type),
      rows.map((r) => r.e.schemaVersion),
      rows.map((r) => JSON.stringify(r.e.data)),
      rows.map((r) => JSON.stringify(r.e.metadata)),
      rows.map((r) => (typeof r.e.metadata?.recordedAt === 'string' ? r.e.metadata.recordedAt : null)),
    ];
    if (guard) values.push([...guard.keys()], [...guard.values()].map(String));
    const { rows: written } = await client.query<{ global_position: string; stream_id: string; stream_revision: string }>({
      ...(guard ? sql.guardedInsert : sql.insert),
      values,
    });
    if (written.length === 0) return false;
    // INSERT ... SELECT ... ORDER BY draws the identity values in that order; a stream's
    // revision order and its global order must agree, so this is checked rather than assumed.
    const positionOf = new Map<string, bigint>();
    const lastOf = new Map<string, bigint>();
    for (const w of [...written].sort((a, b) => (BigInt(a.global_position) < BigInt(b.global_position) ? -1 : 1))) {
      const revision = BigInt(w.stream_revision);
      const before = lastOf.get(w.stream_id);
      if (before !== undefined && before > revision)
        throw new Error(`PostgreSQL assigned global positions out of revision order in ${w.stream_id}; nothing was stored`);
      lastOf.set(w.stream_id, revision);
      positionOf.set(`${w.stream_id}\u0000${revision}`, BigInt(w.global_position));
    }
    for (const { request, base, index } of inserts) {
      const last = base + BigInt(request.events.length) - 1n;
      results[index] =
        request.events.length === 0
          ? { nextExpectedRevision: last, lastGlobalPosition: -1n, outcome: 'appended' }
          : { nextExpectedRevision: last, lastGlobalPosition: positionOf.get(`${request.streamName}\u0000${last}`)!, outcome: 'appended' };
    }
    return true;
  };

  /**
   * The common case in one statement: every request names the exact revision it expects (the
   * handlers do), the requests on one stream chain, and every stream is where they expect it:
   * the events go in, guarded by that check inside the INSERT itself. Null when it does not
   * apply or a stream has moved (nothing was written): the full check then says what happened.
   */
  const appendExpected = async (client: PoolClient, requests: readonly AppendRequest[]): Promise<AppendResult[] | null> => {
    const guard = new Map<string, bigint>();
    const next = new Map<string, bigint>();
    const inserts: Insert[] = [];
    for (const [index, request] of requests.entries()) {
      const { streamName, expectedRevision, events } = request;
      if (expectedRevision === 'any') return null;
      const expected = expectedRevision === 'no-stream' ? -1n : expectedRevision;
      const chained = next.get(streamName);
      if (chained === undefined) guard.set(streamName, expected);
      else if (chained !== expected) return null;
      next.set(streamName, expected + BigInt(events.length));
      inserts.push({ request, base: expected + 1n, index });
    }
    if (!requests.some((r) => r.events.length > 0)) return null;
    const results: (AppendResult | null)[] = requests.map(() => null);
    return (await insertEvents(client, inserts, results, guard)) ? (results as AppendResult[]) : null;
  };

  /**
   * The full check: the batch's requests in order against one read of the state (a later request
   * on a stream an earlier one extends sees the revision that request leaves): already stored (an
   * identical retry), a wrong revision, or new events, all inserted by one statement.
   */
  const appendChecked = async (client: PoolClient, requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
    const { revisions, storedIds } = await readBatchState(client, requests);
    const results: (AppendResult | null)[] = [];
    const inserts: Insert[] = [];
    for (const request of requests) {
      const { streamName, events, expectedRevision } = request;
      const actual = revisions.get(streamName) ?? 'no-stream';
      const retry = events.length > 0 ? alreadyStored(storedIds, streamName, events, expectedRevision, actual) : null;
      if (retry) {
        results.push(retry);
        continue;
      }
      if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      const base = actual === 'no-stream' ? 0n : actual + 1n;
      inserts.push({ request, base, index: results.length });
      results.push(null);
      revisions.set(streamName, base + BigInt(events.length) - 1n);
    }
    await insertEvents(client, inserts, results, null);
    return results as AppendResult[];
  };

  /** An id twice in the batch (in one request, or in two) is refused before anything is read. */
  const refuseRepeatedIds = (requests: readonly AppendRequest[]): void => {
    const seenIn = new Map<string, string>();
    for (const r of requests)
      for (const e of r.events) {
        const other = seenIn.get(e.eventId);
        if (other !== undefined) throw new EventIdConflictError(r.streamName, e.eventId, other);
        seenIn.set(e.eventId, r.streamName);
      }
  };

  /**
   * Runs the requests in one transaction. A unique violation means a writer outside the append
   * lock (or one that checked before it) committed the same revision or event id first; the next
   * attempt re-checks and answers `already-stored` or WrongExpectedRevisionError, or, for `any`,
   * appends after the winner.
   */
  const appendAll = async (requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
    for (let attempt = 1; ; attempt++) {
      try {
        refuseRepeatedIds(requests);
        // First the guarded insert; after a unique violation (an id stored elsewhere, a racing
        // writer outside the lock) straight to the full check, which names the cause.
        return await inAppendTransaction(
          async (client) => (attempt === 1 ? await appendExpected(client, requests) : null) ?? (await appendChecked(client, requests)),
        );
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (attempt >= MAX_ATTEMPTS) {
          // Still losing after many attempts: report the first request, at the revision its
          // stream is at now.
          const r = requests[0]!;
          const client = await pool.connect();
          try {
            throw new WrongExpectedRevisionError(r.streamName, r.expectedRevision, await lastRevision(client, r.streamName));
          } finally {
            client.release();
          }
        }
        await sleep(Math.random() * 5 * attempt);
      }
    }
  };

  return {
    kind: 'postgres',
    schema,
    async appendToStream(streamName, events, { expectedRevision }) {
      open();
      return (await appendAll([{ streamName, events, expectedRevision }]))[0]!;
    },
    async appendBatch(requests) {
      open();
      if (requests.length === 0) return [];
      return appendAll(requests);
    },
    async *readStream(streamName: string, readOptions: ReadStreamOptions = {}) {
      open();
      let from = readOptions.fromRevision ?? 0n;
      const page = 500;
      for (;;) {
        const { rows } = await pool.query<EventRow>({ ...sql.readStream, values: [streamName, from.toString(), page] });
        for (const r of rows) yield recorded(r);
        if (rows.length < page) return;
        from = BigInt(rows[rows.length - 1]!.stream_revision) + 1n;
      }
    },
    async readStreams(streamNames) {
      open();
      const out = new Map<string, RecordedEvent[]>();
      const names = [...new Set(streamNames)];
      // One statement per 1,000 streams: it sees one snapshot, so each stream is whole.
      for (let i = 0; i < names.length; i += 1000) {
        const { rows } = await pool.query<EventRow>({ ...sql.readStreams, values: [names.slice(i, i + 1000)] });
        for (const r of rows) {
          const list = out.get(r.stream_id);
          if (list) list.push(recorded(r));
          else out.set(r.stream_id, [recorded(r)]);
        }
      }
      return out;
    },
    async *readAll(readOptions: ReadAllOptions = {}) {
      open();
      let after = readOptions.after ?? 0n;
      let left = readOptions.limit ?? Number.POSITIVE_INFINITY;
      const batchSize = Math.max(1, readOptions.batchSize ?? 500);
      let waitingSince: number | null = null;
      let pause = 1;
      while (left > 0) {
        const want = Math.min(batchSize, left);
        const { rows } = await pool.query<EventRow & { settled: boolean }>({ ...sql.readAll, values: [after.toString(), want] });
        let yielded = 0;
        for (const r of rows) {
          // Stop at the first row whose transaction is not below the horizon: a row with a lower
          // position may still commit before it, and everything after it waits too.
          if (!r.settled) break;
          yield recorded(r);
          after = BigInt(r.global_position);
          left -= 1;
          yielded += 1;
        }
        if (yielded === rows.length && rows.length < want) return; // the end of the log
        if (yielded > 0) {
          waitingSince = null;
          pause = 1;
          continue;
        }
        // Only rows past the horizon: an append is committing. Wait for it, within limits; a
        // transaction that stays open longer (anywhere on the server) leaves them to a later read.
        waitingSince ??= Date.now();
        if (Date.now() - waitingSince >= settleTimeoutMs) return;
        await sleep(pause);
        pause = Math.min(pause * 2, 50);
      }
    },
    async headPosition() {
      open();
      const { rows } = await pool.query<{ head: string | null }>(sql.head);
      const head = rows[0]?.head;
      return head === null || head === undefined ? -1n : BigInt(head);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
    },
  };
};
