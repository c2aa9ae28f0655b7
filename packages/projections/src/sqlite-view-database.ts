// Views in SQLite (better-sqlite3): a file of their own, the event store's own file, or
// `:memory:`. better-sqlite3 is synchronous, so a transaction is BEGIN ... COMMIT on the one
// connection; a queue keeps other statements of this process out of an open transaction.
import type BetterSqlite3 from 'better-sqlite3';
import { loadDriver, type SQLiteConnection, type SQLiteStatement } from './drivers.js';
import { createMutex, type ReclaimedSpace, type SqlExecutor, type SqlValue, type ViewDatabase } from './sql.js';

export type SQLiteViewDatabaseOptions =
  | {
      /** A file path, or `:memory:`. Opened in WAL mode, so readers do not block the runner. */
      readonly path: string;
      /** Milliseconds to wait for another connection's write lock (the event store's, say). Default 10,000. */
      readonly busyTimeoutMs?: number;
    }
  | {
      /** A better-sqlite3 connection the caller owns (and closes). */
      readonly database: SQLiteConnection;
    };

export interface SQLiteViewDatabase extends ViewDatabase {
  readonly dialect: 'sqlite';
  /** The better-sqlite3 connection, for tools and tests. */
  readonly connection: SQLiteConnection;
}

// Parameters go to better-sqlite3 as they are: it binds bigints as INTEGER.
const bind = (params: readonly SqlValue[] | undefined): SqlValue[] => (params ? (params as SqlValue[]) : []);

export const getSQLiteViewDatabase = (options: SQLiteViewDatabaseOptions): SQLiteViewDatabase => {
  const owned = 'path' in options;
  const db: SQLiteConnection = owned
    ? new (loadDriver<typeof BetterSqlite3>('better-sqlite3', 'a SQLite view database'))(options.path)
    : options.database;
  const file = owned && options.path !== ':memory:';
  if (owned) {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    // A new file keeps a map of its free pages, so the pages of the table sets a rebuild drops
    // can be cut off the file (reclaimSpace) instead of staying in it for good. Only settable
    // before the first table is made: an older file is converted by its first reclaimSpace.
    if (file && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    if (file) db.pragma('journal_mode = WAL');
  }
  const statements = new Map<string, SQLiteStatement>();
  const prepare = (sql: string): SQLiteStatement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      // Views create and drop tables: keep the cache small so dropped tables' statements go.
      if (statements.size > 500) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };
  const query = async <R>(sql: string, params?: readonly SqlValue[]): Promise<R[]> => prepare(sql).all(...bind(params)) as R[];
  const execute = async (sql: string, params?: readonly SqlValue[]): Promise<number> => {
    const s = prepare(sql);
    // DDL invalidates prepared statements of the tables it touches: do not keep it.
    if (/^\s*(create|drop|alter)\b/i.test(sql)) statements.delete(sql);
    return s.run(...bind(params)).changes;
  };
  const serial = createMutex();
  const busyTimeoutMs = owned ? (options.busyTimeoutMs ?? 10_000) : (db.pragma('busy_timeout', { simple: true }) as number);
  /**
   * IMMEDIATE takes the write lock now, so two writers never interleave view batches. While
   * another connection holds the lock, wait asynchronously rather than in SQLite's busy handler:
   * that one blocks the thread, and the holder may be a connection of this very process waiting
   * for its turn on the event loop to commit.
   */
  const beginImmediate = async (): Promise<void> => {
    const deadline = Date.now() + busyTimeoutMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      db.pragma('busy_timeout = 0');
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      } finally {
        db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the SQLite view database is closed');
  };

  return {
    dialect: 'sqlite',
    connection: db,
    query: (sql, params) =>
      serial(() => {
        open();
        return query(sql, params);
      }),
    execute: (sql, params) =>
      serial(() => {
        open();
        return execute(sql, params);
      }),
    transaction: (work) =>
      serial(async () => {
        open();
        let active = true;
        const tx: SqlExecutor = {
          dialect: 'sqlite',
          query: (sql, params) => {
            if (!active) throw new Error('this transaction has ended');
            return query(sql, params);
          },
          execute: (sql, params) => {
            if (!active) throw new Error('this transaction has ended');
            return execute(sql, params);
          },
        };
        await beginImmediate();
        try {
          const result = await work(tx);
          active = false;
          db.exec('COMMIT');
          return result;
        } catch (e) {
          active = false;
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    reclaimSpace: () =>
      serial(async (): Promise<ReclaimedSpace> => {
        open();
        const freePages = db.pragma('freelist_count', { simple: true }) as number;
        if (freePages === 0) {
          // A rebuild's batches are large transactions, and the WAL file keeps the size of the
          // largest until it is cut: 15 MB beside a fresh 29 MB file in the bench at 500 accounts.
          if (file) db.pragma('wal_checkpoint(TRUNCATE)');
          return { freePages, method: 'none' };
        }
        if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
          db.exec('PRAGMA incremental_vacuum');
          // In WAL mode the file is cut at the checkpoint; a reader holding an old snapshot may
          // delay it to a later one, which SQLite does by itself.
          if (file) db.pragma('wal_checkpoint(TRUNCATE)');
          return { freePages, method: 'incremental-vacuum' };
        }
        // A file this database does not own (the event store's own, say) is not rewritten here.
        if (!file) return { freePages, method: 'none' };
        // Made before views reclaimed space: VACUUM rewrites it into a fresh copy that replaces
        // it (it needs room for that copy), incremental from then on.
        db.pragma('auto_vacuum = INCREMENTAL');
        db.exec('VACUUM');
        db.pragma('wal_checkpoint(TRUNCATE)');
        return { freePages, method: 'vacuum' };
      }),
    close: async () => {
      await serial(async () => {
        if (closed) return;
        closed = true;
        statements.clear();
        if (owned) db.close();
      });
    },
  };
};
