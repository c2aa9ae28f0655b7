// Views in PostgreSQL (pg): a pool of their own or one the caller gives. Optionally in a schema
// of their own (created if missing), set as the search path of every connection used.
//
// A server that ends its connections (a restart, `pg_terminate_backend`) must not end the
// process: the pool this makes listens for 'error' (an idle connection dropped), and so does
// every connection while it is checked out, which pg-pool leaves unheard. The pool then opens new
// connections as they are needed, so the views work again as soon as the server is back. Until
// then every call fails with a StoreUnavailableError naming the server (a service answers 503).
import type pg from 'pg';
import { serverOfUrl, unavailableOr } from '@renewal-ledger/eventstore';
import { loadDriver, type PostgresPool, type PostgresPoolClient } from './drivers.js';
import { toNumberedPlaceholders, type SqlExecutor, type SqlValue, type ViewDatabase } from './sql.js';

export type PostgresViewDatabaseOptions = (
  | {
      readonly connectionString: string;
      /** Connections of the pool this opens. Default 4. */
      readonly max?: number;
    }
  | {
      /** A pg pool the caller owns (and ends). With `schema`, its connections get that search path. */
      readonly pool: PostgresPool;
    }
) & {
  /** Schema for the views (and the runner's tables). Default: the connection's search path (`public`). */
  readonly schema?: string;
  /** `false`: do not create the schema when it is missing (a reader checking whether views exist). Default true. */
  readonly create?: boolean;
};

export interface PostgresViewDatabase extends ViewDatabase {
  readonly dialect: 'postgres';
  readonly pool: PostgresPool;
  readonly schema: string | null;
}

// pg would send a bigint through JSON; as text PostgreSQL casts it to the column's type.
const bind = (params: readonly SqlValue[] | undefined): unknown[] =>
  params ? params.map((p) => (typeof p === 'bigint' ? p.toString() : p)) : [];

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A pool of the view database's own, listening for the 'error' of an idle connection the server drops. */
const ownPool = (connectionString: string, max: number): PostgresPool => {
  const pool = new (loadDriver<typeof pg>('pg', 'a PostgreSQL view database').Pool)({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
};

export const getPostgresViewDatabase = async (options: PostgresViewDatabaseOptions): Promise<PostgresViewDatabase> => {
  const owned = 'connectionString' in options;
  const pool: PostgresPool = owned ? ownPool(options.connectionString, options.max ?? 4) : options.pool;
  const schema = options.schema ?? null;
  const server = `PostgreSQL at ${owned ? serverOfUrl(options.connectionString, 5432) : 'the pool given'}${schema ? ` (views in schema ${schema})` : ''}`;
  const configured = new WeakSet<PostgresPoolClient>();

  /** A connection with the views' search path, heard while out; `release` gives it back. */
  const checkout = async (): Promise<{ client: PostgresPoolClient; lost: () => Error | undefined; release: (broken?: Error) => void }> => {
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (e: Error) => {
      lost ??= e;
    };
    client.on('error', onError);
    const release = (broken?: Error) => {
      client.removeListener('error', onError);
      client.release(broken ?? lost);
    };
    if (schema && !configured.has(client)) {
      try {
        await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
      } catch (e) {
        release(e as Error);
        throw lost ?? e;
      }
      configured.add(client);
    }
    return { client, lost: () => lost, release };
  };
  const on = (client: PostgresPoolClient | PostgresPool) => ({
    query: async <R>(sql: string, params?: readonly SqlValue[]): Promise<R[]> =>
      (await client.query(toNumberedPlaceholders(sql), bind(params))).rows as R[],
    execute: async (sql: string, params?: readonly SqlValue[]): Promise<number> =>
      (await client.query(toNumberedPlaceholders(sql), bind(params))).rowCount ?? 0,
  });
  /** `work` on a connection of its own; a connection problem, on connecting or in use, as a StoreUnavailableError. */
  const withClient = async <A>(work: (c: PostgresPoolClient) => Promise<A>): Promise<A> => {
    let connection: Awaited<ReturnType<typeof checkout>>;
    try {
      connection = await checkout();
    } catch (e) {
      throw unavailableOr(e, server);
    }
    try {
      const result = await work(connection.client);
      connection.release();
      return result;
    } catch (e) {
      // A query sent after the connection broke says only "not queryable": the break says why.
      const cause = connection.lost() ?? e;
      connection.release();
      throw unavailableOr(cause, server);
    }
  };

  if (schema && options.create !== false) {
    try {
      await withClient((c) => c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`));
    } catch (e) {
      if (owned) await pool.end();
      throw e;
    }
  }

  let closed = false;
  return {
    dialect: 'postgres',
    pool,
    schema,
    query: (sql, params) => withClient((c) => on(c).query(sql, params)),
    execute: (sql, params) => withClient((c) => on(c).execute(sql, params)),
    transaction: (work) =>
      withClient(async (client) => {
        let active = true;
        const run = on(client);
        const tx: SqlExecutor = {
          dialect: 'postgres',
          query: (sql, params) => {
            if (!active) throw new Error('this transaction has ended');
            return run.query(sql, params);
          },
          execute: (sql, params) => {
            if (!active) throw new Error('this transaction has ended');
            return run.execute(sql, params);
          },
        };
        await client.query('BEGIN');
        try {
          const result = await work(tx);
          active = false;
          await client.query('COMMIT');
          return result;
        } catch (e) {
          active = false;
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
};
