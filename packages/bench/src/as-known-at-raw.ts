// e:known-at's raw access on each driver: the views' history rows on the views' own connection,
// the folded cycles' events from the store's events table (as-known-at-path.ts).
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { RawBooksAccess } from './as-known-at-path.js';

type EventText = { type: string; data: string; metadata: string };

const grouped = (rows: readonly (EventText & { stream_id: string })[]) => {
  const out = new Map<string, EventText[]>();
  for (const r of rows) {
    const list = out.get(r.stream_id) ?? [];
    out.set(r.stream_id, list);
    list.push(r);
  }
  return out;
};

/** better-sqlite3 on the views file and on the store's file. */
export const sqliteBooksAccess = (views: Database.Database, store: Database.Database): RawBooksAccess => ({
  history: 'arrears_history',
  log: 'arrears_log',
  query: async (sql) => views.prepare(sql).all() as Record<string, unknown>[],
  async streams(names) {
    const rows: (EventText & { stream_id: string })[] = [];
    for (let i = 0; i < names.length; i += 500) {
      const chunk = names.slice(i, i + 500);
      rows.push(
        ...(store
          .prepare(
            `SELECT stream_id, type, data, metadata FROM events WHERE stream_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY stream_id, stream_revision`,
          )
          .all(...chunk) as (EventText & { stream_id: string })[]),
      );
    }
    return grouped(rows);
  },
});

/** One pg client on the views' schema and the store's schema (both quoted). */
export const postgresBooksAccess = (client: pg.Client, viewsSchema: string, storeSchema: string): RawBooksAccess => ({
  history: `${viewsSchema}.arrears_history`,
  log: `${viewsSchema}.arrears_log`,
  query: async (sql) => (await client.query(sql)).rows,
  async streams(names) {
    if (names.length === 0) return new Map();
    const { rows } = await client.query<EventText & { stream_id: string }>(
      `SELECT stream_id, type, data::text AS data, metadata::text AS metadata FROM ${storeSchema}.events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_revision`,
      [names],
    );
    return grouped(rows);
  },
});
