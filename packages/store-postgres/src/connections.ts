// Connections taken out of the pool for a transaction. pg-pool listens for a connection's 'error'
// only while it sits idle in the pool: once handed out, a server that ends the connection (a
// restart, `pg_terminate_backend`, a network cut) emits an 'error' no one hears, and Node ends the
// process ("Unhandled 'error' event ... on Client instance") before the query in flight can fail.
// So every connection this store takes out has a listener for as long as it is out: the failure
// then reaches the caller as the query's error, and the connection is released as broken, so the
// pool drops it and opens a fresh one next time.
import type { Pool, PoolClient } from 'pg';

export interface Connection {
  readonly client: PoolClient;
  /** The error the connection broke with while it was out, if it did. */
  lost(): Error | undefined;
  /** Back to the pool; given an error (or after the connection broke) the pool closes it instead. */
  release(broken?: Error): void;
}

export const checkOut = async (pool: Pool): Promise<Connection> => {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (e: Error) => {
    lost ??= e;
  };
  client.on('error', onError);
  return {
    client,
    lost: () => lost,
    release: (broken) => {
      client.removeListener('error', onError);
      client.release(broken ?? lost);
    },
  };
};

/**
 * `work` on a connection of its own. A failure releases it as broken (its session state is
 * unknown) and is thrown as the connection's own error when the connection broke: a query sent
 * after the break fails only with "not queryable", which says nothing of why.
 */
export const withConnection = async <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const connection = await checkOut(pool);
  try {
    const result = await work(connection.client);
    connection.release();
    return result;
  } catch (e) {
    const cause = connection.lost() ?? e;
    connection.release(e as Error);
    throw cause;
  }
};
