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
//      transaction that got its id first may insert last (a batch, or plain scheduling), so the
//      inserts of an append run under an advisory lock, taken before the transaction's first
//      write (which is when PostgreSQL assigns its id) and released right after its last insert,
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

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One transaction on one pooled connection, with the append lock taken at most once. */
interface Transaction {
  readonly client: PoolClient;
  /** Takes the append lock if this transaction does not hold it yet. Call before the first insert. */
  lockForInserts(): Promise<void>;
}

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

  const lockArgs = [APPEND_LOCK_CLASS, schema] as const;

  const inTransaction = async <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let locked = false;
    let broken: Error | undefined;
    const unlock = async () => {
      if (!locked) return;
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [...lockArgs]);
      locked = false;
    };
    const tx: Transaction = {
      client,
      async lockForInserts() {
        if (locked) return;
        await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [...lockArgs]);
        locked = true;
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      // Released before COMMIT: the lock only has to order id and position handout, and the
      // commit (the WAL flush) is the part worth running concurrently.
      await unlock();
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
        await unlock();
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
    const { rows } = await client.query<{ last: string | null }>(
      `SELECT max(stream_revision) AS last FROM ${table} WHERE stream_id = $1`,
      [streamName],
    );
    const last = rows[0]?.last;
    return last === null || last === undefined ? 'no-stream' : BigInt(last);
  };

  /**
   * The same events already stored at the revisions this append would have given them (an append
   * that succeeded, retried): the first append's result. Null when none of the ids is stored;
   * a WrongExpectedRevisionError when some are but not as this exact append.
   */
  const alreadyStored = async (
    client: PoolClient,
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual: bigint | 'no-stream',
  ): Promise<AppendResult | null> => {
    const ids = events.map((e) => e.eventId);
    const { rows } = await client.query<{ event_id: string; stream_id: string; stream_revision: string; global_position: string }>(
      `SELECT event_id, stream_id, stream_revision, global_position FROM ${table} WHERE event_id = ANY($1::text[])`,
      [ids],
    );
    if (rows.length === 0) return null;
    const elsewhere = rows.find((r) => r.stream_id !== streamName);
    if (elsewhere) throw new EventIdConflictError(streamName, elsewhere.event_id, elsewhere.stream_id);
    const refuse = () => new WrongExpectedRevisionError(streamName, expected, actual);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    const first = byId.get(ids[0]!);
    if (!first || first.stream_id !== streamName || rows.length !== ids.length) throw refuse();
    const from = BigInt(first.stream_revision);
    if (expected !== 'any' && from !== (expected === 'no-stream' ? 0n : expected + 1n)) throw refuse();
    let last = first;
    for (let i = 0; i < ids.length; i++) {
      const r = byId.get(ids[i]!);
      if (!r || r.stream_id !== streamName || BigInt(r.stream_revision) !== from + BigInt(i)) throw refuse();
      last = r;
    }
    return {
      nextExpectedRevision: BigInt(last.stream_revision),
      lastGlobalPosition: BigInt(last.global_position),
      outcome: 'already-stored',
    };
  };

  const appendIn = async (tx: Transaction, request: AppendRequest): Promise<AppendResult> => {
    const { streamName, events, expectedRevision } = request;
    const { client } = tx;
    const actual = await lastRevision(client, streamName);
    const repeated = events.find((e, i) => events.findIndex((x) => x.eventId === e.eventId) !== i);
    if (repeated) throw new EventIdConflictError(streamName, repeated.eventId, streamName);
    if (events.length > 0) {
      const retry = await alreadyStored(client, streamName, events, expectedRevision, actual);
      if (retry) return retry;
    }
    if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
    const base = actual === 'no-stream' ? 0n : actual + 1n;
    if (events.length === 0) return { nextExpectedRevision: base - 1n, lastGlobalPosition: -1n, outcome: 'appended' };

    await tx.lockForInserts();
    const { rows } = await client.query<{ global_position: string; stream_revision: string }>(
      `INSERT INTO ${table} (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
       SELECT $1, $2::bigint + e.ord - 1, e.event_id, e.type, e.schema_version, e.data::json, e.metadata::json,
              coalesce(e.recorded_at::timestamptz, now())
       FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, recorded_at, ord)
       ORDER BY e.ord
       RETURNING global_position, stream_revision`,
      [
        streamName,
        base.toString(),
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        events.map((e) => (typeof e.metadata?.recordedAt === 'string' ? e.metadata.recordedAt : null)),
      ],
    );
    // INSERT ... SELECT ... ORDER BY draws the identity values in that order; a stream's revision
    // order and its global order must agree, so this is checked rather than assumed.
    const positions = rows
      .map((r) => ({ revision: BigInt(r.stream_revision), position: BigInt(r.global_position) }))
      .sort((a, b) => (a.revision < b.revision ? -1 : 1));
    if (positions.some((p, i) => i > 0 && p.position <= positions[i - 1]!.position))
      throw new Error(`PostgreSQL assigned global positions out of revision order in ${streamName}; nothing was stored`);
    return {
      nextExpectedRevision: base + BigInt(events.length) - 1n,
      lastGlobalPosition: positions[positions.length - 1]!.position,
      outcome: 'appended',
    };
  };

  /**
   * Runs the requests in one transaction. A unique violation means another writer committed the
   * same revision (or event id) first; the next attempt re-checks and answers `already-stored`
   * or WrongExpectedRevisionError, or, for `any`, appends after the winner.
   */
  const appendAll = async (requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
    for (let attempt = 1; ; attempt++) {
      let current = 0;
      try {
        return await inTransaction(async (tx) => {
          const results: AppendResult[] = [];
          for (current = 0; current < requests.length; current++) results.push(await appendIn(tx, requests[current]!));
          return results;
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (attempt >= MAX_ATTEMPTS) {
          // Still losing after many attempts (only `any` appends under heavy contention can):
          // report the request that lost, at the revision its stream is at now.
          const r = requests[Math.min(current, requests.length - 1)]!;
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
        const { rows } = await pool.query<EventRow>(
          `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
          [streamName, from.toString(), page],
        );
        for (const r of rows) yield recorded(r);
        if (rows.length < page) return;
        from = BigInt(rows[rows.length - 1]!.stream_revision) + 1n;
      }
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
        const { rows } = await pool.query<EventRow & { settled: boolean }>(
          `SELECT ${COLUMNS}, transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS settled
           FROM ${table} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
          [after.toString(), want],
        );
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
      const { rows } = await pool.query<{ head: string | null }>(`SELECT max(global_position) AS head FROM ${table}`);
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
