// An event store and a view database for a test, of a given kind, cleaned up by `close`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInMemoryEventStore, type EventStore } from '@renewal-ledger/eventstore';
import { getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { dropSchemas, requirePostgresUrl, TEST_SETTLE_TIMEOUT_MS, uniqueSchema } from './postgres.js';
import { getPostgresEventStore } from '@renewal-ledger/store-postgres';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

export interface Environment {
  readonly kind: StoreKind;
  readonly store: EventStore;
  readonly views: ViewDatabase;
  /** SQLite: the event store's file. */
  readonly eventsPath: string | null;
  /** SQLite: the views' file. */
  readonly viewsPath: string | null;
  /** Opens another view database on the same place (another "process"). */
  openViews(): Promise<ViewDatabase>;
  /** Opens another event store on the same place (memory: the same store). */
  openStore(): Promise<EventStore>;
  /** Raw SQL on the event store's own tables (SQLite file or PostgreSQL schema), e.g. to tamper with an event. */
  openEventStoreSql(): Promise<ViewDatabase>;
  close(): Promise<void>;
}

export const tempDir = (label: string): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), `renewal-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * memory: in-memory store, SQLite views in a temp file; sqlite: store and views in two files of a
 * temp dir; postgres: store and views in two fresh schemas of POSTGRES_URL's database.
 */
export const openEnvironment = async (kind: StoreKind): Promise<Environment> => {
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    if (kind === 'postgres') {
      const url = requirePostgresUrl();
      const storeSchema = uniqueSchema('events');
      const viewSchema = uniqueSchema('views');
      closers.push(() => dropSchemas(storeSchema, viewSchema));
      const store = await getPostgresEventStore({ connectionString: url, schema: storeSchema, settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS });
      closers.push(() => store.close());
      const views = await getPostgresViewDatabase({ connectionString: url, schema: viewSchema });
      closers.push(() => views.close());
      return {
        kind,
        store,
        views,
        eventsPath: null,
        viewsPath: null,
        openViews: async () => {
          const v = await getPostgresViewDatabase({ connectionString: url, schema: viewSchema });
          closers.push(() => v.close());
          return v;
        },
        openStore: async () => {
          const s = await getPostgresEventStore({ connectionString: url, schema: storeSchema, settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS });
          closers.push(() => s.close());
          return s;
        },
        openEventStoreSql: async () => {
          const v = await getPostgresViewDatabase({ connectionString: url, schema: storeSchema });
          closers.push(() => v.close());
          return v;
        },
        close,
      };
    }
    const tmp = tempDir(kind);
    closers.push(tmp.remove);
    const viewsPath = join(tmp.dir, 'views.db');
    const eventsPath = kind === 'sqlite' ? join(tmp.dir, 'events.db') : null;
    const store = eventsPath ? getSQLiteEventStore({ path: eventsPath, synchronous: 'NORMAL' }) : getInMemoryEventStore();
    closers.push(() => store.close());
    const views = getSQLiteViewDatabase({ path: viewsPath });
    closers.push(() => views.close());
    return {
      kind,
      store,
      views,
      eventsPath,
      viewsPath,
      openViews: async () => {
        const v = getSQLiteViewDatabase({ path: viewsPath });
        closers.push(() => v.close());
        return v;
      },
      openStore: async () => {
        if (!eventsPath) return store;
        const s = getSQLiteEventStore({ path: eventsPath, synchronous: 'NORMAL' });
        closers.push(() => s.close());
        return s;
      },
      openEventStoreSql: async () => {
        if (!eventsPath) throw new Error('the in-memory store has no SQL');
        const v = getSQLiteViewDatabase({ path: eventsPath });
        closers.push(() => v.close());
        return v;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
};

/** Every row of a table (or view) in key order, numbers normalised, for comparing two builds. */
export const dumpTable = async (db: ViewDatabase, table: string, orderBy: string, omit: readonly string[] = []): Promise<string[]> => {
  const rows = await db.query(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
  return rows.map((r) =>
    JSON.stringify(
      Object.keys(r)
        .filter((k) => !omit.includes(k))
        .sort()
        .map((k) => {
          const v = r[k];
          // pg returns BIGINT as text, better-sqlite3 as number: compare as text (bytes as hex).
          return [k, v === null || v === undefined ? null : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v)];
        }),
    ),
  );
};
