// The PostgreSQL event store, on node-postgres (`pg`): the factory that opens a pool, migrates
// the schema and wires the operations together. Each operation lives in its own module:
// statements.ts (the SQL), append.ts (appends under the append lock), read.ts (streams, head) and
// read-all.ts (tailing the log without skipping a late commit).
//
// Why `pg` rather than `postgres` (porsager): an append must hold one connection for a whole
// transaction *and* take and release a session-level advisory lock on that same connection, and
// a connection whose lock state is uncertain must be thrown away instead of going back to the
// pool. `pg`'s explicit `Pool.connect()` / `client.release(err)` gives exactly that control, it
// lets a user hand us the `Pool` their application already has, its int8/json handling is easy to
// keep exact (we read both as text), and it is the most widely deployed driver with maintained
// types (@types/pg).
//
// Guarantees, and where they are kept:
// - Appends run in a transaction: the expected revision is checked, then the rows are inserted
//   with consecutive revisions. `UNIQUE (stream_id, stream_revision)` refuses a concurrent writer
//   that checked the same revision: its unique violation is mapped to WrongExpectedRevisionError
//   (or to `already-stored` when the rows that won are this very append, retried). (append.ts)
// - `readAll` never skips an event whose transaction commits late. (read-all.ts)
// - A server that cannot be reached, or that drops a connection, is a StoreUnavailableError
//   (eventstore's `unavailableOr`), and the process never dies of it: every connection out of the
//   pool has an 'error' listener (connections.ts), and so has the pool the store makes (a pool you
//   give needs one of yours, as pg's documentation says).

import pg from 'pg';
import type { Pool } from 'pg';
import type { RecordedEvent } from '@renewal-ledger/core';
import {
  checkAppend,
  defaultDecoder,
  StoreNotFoundError,
  unavailableOr,
  type EventStore,
  type EventStoreOptions,
} from '@renewal-ledger/eventstore';
import { getAppender } from './append.js';
import { withConnection } from './connections.js';
import { checkSchema, checkSchemaName, migrate } from './migrations.js';
import { getReadAll } from './read-all.js';
import { getReaders } from './read.js';
import { statementsFor } from './statements.js';
import { serverOf } from './unavailable.js';

export interface PostgresEventStoreOptions extends EventStoreOptions {
  /** `postgres://user:password@host:port/database`; the store makes (and closes) its own pool. */
  readonly connectionString?: string;
  /** An existing pool to use instead; `close()` leaves it open. */
  readonly pool?: Pool;
  /**
   * The schema holding the store's tables, created if missing (unless `create: false` or
   * `readOnly`). Default: the connection string's
   * `schema` parameter (`postgres://.../db?schema=tenant_a`, so `openStore(url)` can choose one),
   * else `renewal_ledger`.
   */
  readonly schema?: string;
  /** Connections in the pool the store makes. Default 10. */
  readonly poolSize?: number;
  /**
   * How long `readAll` waits, at most, for appends that are committing when it reaches them,
   * before it ends and leaves them to the next read. Default: the connection string's
   * `settle_timeout_ms` parameter (so `openStore(url)`, and the CLI, can choose one), else 2000 ms.
   */
  readonly settleTimeoutMs?: number;
}

export interface PostgresEventStore extends EventStore {
  readonly kind: 'postgres';
  /** The schema the store's tables live in. */
  readonly schema: string;
}

export const DEFAULT_SCHEMA = 'renewal_ledger';

/** A query parameter of the connection string, if it is a URL and has one. */
const urlParameter = (connectionString: string | undefined, name: string): string | undefined => {
  if (!connectionString) return undefined;
  try {
    return new URL(connectionString).searchParams.get(name) ?? undefined;
  } catch {
    return undefined; // not a URL (a key=value string): pg reads it, there is no such parameter in it
  }
};

/** The `settle_timeout_ms` query parameter: a whole number of milliseconds, or a TypeError saying so. */
const settleTimeoutInUrl = (connectionString: string | undefined): number | undefined => {
  const text = urlParameter(connectionString, 'settle_timeout_ms');
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new TypeError(`settle_timeout_ms=${text} in the PostgreSQL URL: a whole number of milliseconds`);
  return Number(text);
};

/**
 * Opens a store on a PostgreSQL database, running the schema migrations it lacks first (safe when
 * several processes open the same database at once).
 */
export const getPostgresEventStore = async (options: PostgresEventStoreOptions): Promise<PostgresEventStore> => {
  if (!options.pool && !options.connectionString) throw new TypeError('getPostgresEventStore needs a connectionString or a pool');
  const schema = checkSchemaName(options.schema ?? urlParameter(options.connectionString, 'schema') ?? DEFAULT_SCHEMA);
  const decode = options.decode ?? defaultDecoder;
  const settleTimeoutMs = options.settleTimeoutMs ?? settleTimeoutInUrl(options.connectionString) ?? 2000;
  const readOnly = options.readOnly === true;
  const create = options.create !== false && !readOnly;
  const ownsPool = !options.pool;
  const pool: Pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      // A reader's sessions cannot write, whatever runs on them.
      ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
  // An idle pooled connection the server drops (restart, idle timeout) emits 'error' on the pool;
  // without a listener Node would crash the process. The pool replaces the connection.
  if (ownsPool) pool.on('error', () => undefined);
  const server = serverOf(options.connectionString, options.pool);

  try {
    // On failure the connection is released as broken: its transaction state is unknown.
    await withConnection<unknown>(pool, (client) => (create ? migrate(client, schema) : checkSchema(client, schema)));
  } catch (e) {
    if (ownsPool) await pool.end().catch(() => undefined);
    // 3D000: the database named does not exist (the store never creates databases).
    if ((e as { code?: unknown }).code === '3D000')
      throw new StoreNotFoundError(`no PostgreSQL event store: ${(e as Error).message}`, { cause: e });
    throw unavailableOr(e, server, true);
  }

  let closed = false;
  const open = () => {
    if (closed) throw new Error(`the PostgreSQL event store (schema ${schema}) is closed`);
  };

  const self = { kind: 'postgres', readOnly };
  const sql = statementsFor(schema);
  const appendAll = getAppender(pool, sql);
  const read = getReaders(pool, sql, decode);
  const readAll = getReadAll(pool, sql, read.recorded, settleTimeoutMs);

  // Every operation's connection problems become a StoreUnavailableError naming the server.
  const guarded = <A>(work: Promise<A>): Promise<A> => work.catch((e: unknown) => Promise.reject(unavailableOr(e, server)));
  async function* guardedReads(reads: AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    try {
      yield* reads;
    } catch (e) {
      throw unavailableOr(e, server);
    }
  }

  return {
    kind: 'postgres',
    schema,
    async appendToStream(streamName, events, { expectedRevision }) {
      open();
      const requests = [{ streamName, events, expectedRevision }];
      checkAppend(self, requests);
      return (await guarded(appendAll(requests)))[0]!;
    },
    async appendBatch(requests) {
      open();
      checkAppend(self, requests);
      if (requests.length === 0) return [];
      return guarded(appendAll(requests));
    },
    async *readStream(streamName, readOptions) {
      open();
      yield* guardedReads(read.readStream(streamName, readOptions));
    },
    async readStreams(streamNames) {
      open();
      return guarded(read.readStreams(streamNames));
    },
    async *readAll(readOptions) {
      open();
      yield* guardedReads(readAll(readOptions));
    },
    async headPosition() {
      open();
      return guarded(read.headPosition());
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
    },
  };
};
