// d's second limit: the rows the library's rebuild wrote, written again raw. After the rebuild,
// every table the views keep is read back (untimed) with the schema the database itself reports
// (sqlite_master; information_schema and pg_attribute on PostgreSQL), so the limit follows
// whatever tables the projections make; then its rows go raw into fresh tables of the same schema,
// indexes included, in as many transactions as the runner commits batches.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Tick } from './measure.js';
import { allOf, checkThat, type Check } from './totals.js';

/**
 * The runner's own bookkeeping (which table set is live, how far each got, where each cycle-state
 * set is; the state sets' own tables are view rows): not view rows. A raw
 * rebuild into fresh tables needs neither; the library's one checkpoint UPDATE per batch is left
 * to its side.
 */
export const RUNNER_TABLES: readonly string[] = [
  'renewal_projection_registry',
  'renewal_projection_checkpoints',
  'renewal_cycle_state_sets',
];

/** Events per batch of the projection runner (its default, passed to it explicitly by the bench). */
export const RUNNER_BATCH = 2000;
/** Events per batch while the runner builds fresh table sets, as a rebuild does (its default, passed explicitly). */
export const RUNNER_BUILDING_BATCH = 10_000;

/** The transactions of a raw rebuild of `events` events: one per runner batch of a rebuild. */
export const transactionsFor = (events: number): number => Math.max(1, Math.ceil(events / RUNNER_BUILDING_BATCH));

/** Rows [from, to) of a table of `length` rows that transaction `k` of `n` writes: the k-th n-th. */
export const shareOf = (length: number, k: number, n: number): readonly [number, number] => [
  Math.floor((k * length) / n),
  Math.floor(((k + 1) * length) / n),
];

export interface ViewRowsWrite {
  /** Tables copied and rows in them (the note of the line). */
  readonly tables: readonly string[];
  readonly rows: number;
  /**
   * Timed: every table's rows inserted raw into the fresh tables, in `transactions` transactions,
   * transaction k holding the k-th share of every table's rows (in the order the library's table
   * returns them).
   */
  write(transactions: number, tick: Tick): Promise<void>;
  /** Untimed: each raw table holds exactly the library's rows (count and an order-free digest). */
  check(): Promise<Check>;
  close(): Promise<void>;
}

/** Per table: its row count and a digest of its rows that does not depend on their order. */
export type TableDigests = ReadonlyMap<string, { readonly rows: number; readonly digest: string }>;

export const compareTables = (library: TableDigests, raw: TableDigests): Check => {
  const differ = [...library].filter(([t, d]) => raw.get(t)?.rows !== d.rows || raw.get(t)?.digest !== d.digest);
  const rows = [...library.values()].reduce((n, d) => n + d.rows, 0);
  return allOf(
    checkThat(raw.size === library.size, `${library.size} tables`),
    checkThat(
      differ.length === 0,
      differ.length === 0
        ? `${rows} view rows written raw equal the library's`
        : `raw tables differ from the library's: ${differ.map(([t, d]) => `${t} ${d.rows} rows (${d.digest}) vs ${raw.get(t)?.rows ?? 0} (${raw.get(t)?.digest ?? '-'})`).join(', ')}`,
    ),
  );
};

/** A digest of rows as a multiset: the sum of each row's 60-bit hash, so the order rows come in does not matter. */
export const multisetDigest = () => {
  let sum = 0n;
  let rows = 0;
  return {
    add(row: readonly unknown[]) {
      rows++;
      const text = row
        .map((v) => (v === null ? '\u0001' : `${typeof v}:${Buffer.isBuffer(v) ? v.toString('hex') : String(v)}`))
        .join('\u0000');
      sum += BigInt(`0x${createHash('md5').update(text).digest('hex').slice(0, 15)}`);
    },
    done: () => ({ rows, digest: sum.toString(16) }),
  };
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface SQLiteSchemaRow {
  readonly type: 'table' | 'index';
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string;
}

/** Every view table in a SQLite database with the statements that made it and its indexes. */
const sqliteViewTables = (db: Database.Database) => {
  const schema = db
    .prepare(
      `SELECT type, name, tbl_name, sql FROM sqlite_master
        WHERE type IN ('table', 'index') AND sql IS NOT NULL AND tbl_name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`,
    )
    .all() as SQLiteSchemaRow[];
  const tables = schema.filter((s) => s.type === 'table' && !RUNNER_TABLES.includes(s.name));
  const names = new Set(tables.map((t) => t.name));
  return { tables, indexes: schema.filter((s) => s.type === 'index' && names.has(s.tbl_name)) };
};

const sqliteDigests = (db: Database.Database, tables: readonly string[]): TableDigests =>
  new Map(
    tables.map((t) => {
      const d = multisetDigest();
      for (const row of db
        .prepare(`SELECT * FROM ${quote(t)}`)
        .raw(true)
        .safeIntegers(true)
        .iterate() as IterableIterator<unknown[]>)
        d.add(row);
      return [t, d.done()];
    }),
  );

/**
 * SQLite (a file, or `:memory:` for the memory store's views): the library's view tables read on
 * `library` (any connection to the views), the raw tables made at `target` with the pragmas the
 * view database sets on a new file (incremental auto-vacuum, WAL; its default synchronous).
 */
export const sqliteViewRowsWrite = (library: Database.Database, target: string): ViewRowsWrite => {
  const { tables, indexes } = sqliteViewTables(library);
  const raw = new Database(target);
  if (target !== ':memory:') {
    raw.pragma('auto_vacuum = INCREMENTAL');
    raw.pragma('journal_mode = WAL');
  }
  for (const s of [...tables, ...indexes]) raw.exec(s.sql);
  // Read as stored: integers as bigints, so nothing is rounded on the way.
  const rowsOf = tables.map(
    (t) =>
      library
        .prepare(`SELECT * FROM ${quote(t.name)}`)
        .raw(true)
        .safeIntegers(true)
        .all() as unknown[][],
  );
  const inserts = tables.map((t) => {
    const columns = library.prepare(`SELECT * FROM ${quote(t.name)}`).columns().length;
    return raw.prepare(`INSERT INTO ${quote(t.name)} VALUES (${Array.from({ length: columns }, () => '?').join(', ')})`);
  });
  const names = tables.map((t) => t.name);
  return {
    tables: names,
    rows: rowsOf.reduce((n, r) => n + r.length, 0),
    async write(transactions, tick) {
      const tx = raw.transaction((k: number) => {
        rowsOf.forEach((rows, i) => {
          const [from, to] = shareOf(rows.length, k, transactions);
          const insert = inserts[i]!;
          for (let r = from; r < to; r++) insert.run(rows[r]!);
          tick(to - from);
        });
      });
      for (let k = 0; k < transactions; k++) tx.immediate(k);
    },
    check: async () => compareTables(sqliteDigests(library, names), sqliteDigests(raw, names)),
    close: async () => void raw.close(),
  };
};

/** What the PostgreSQL side needs of a connection (the bench's one raw `pg` client). */
export interface PgQuery {
  query<R>(
    config: string | { name?: string; text: string; values?: unknown[]; rowMode?: 'array' },
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

/**
 * PostgreSQL: every base table of the views' schema (less the runner's) made again in `target`
 * with `LIKE ... INCLUDING ALL` (columns, defaults, constraints, indexes), its rows read as text
 * and inserted with one `unnest` INSERT per table and transaction (each value cast to its
 * column's type, as pg sends every parameter as text anyway), named prepared statements.
 */
export const postgresViewRowsWrite = async (client: PgQuery, views: string, target: string): Promise<ViewRowsWrite> => {
  const { rows: found } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [views],
  );
  const names = found.map((t) => t.table_name).filter((t) => !RUNNER_TABLES.includes(t));
  await client.query(`DROP SCHEMA IF EXISTS ${quote(target)} CASCADE`);
  await client.query(`CREATE SCHEMA ${quote(target)}`);
  const tables: Array<{ name: string; rows: unknown[][]; insert: string }> = [];
  for (const name of names) {
    await client.query(`CREATE TABLE ${quote(target)}.${quote(name)} (LIKE ${quote(views)}.${quote(name)} INCLUDING ALL)`);
    const { rows: columns } = await client.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [`${quote(views)}.${quote(name)}`],
    );
    const { rows } = await client.query<unknown[]>({
      text: `SELECT ${columns.map((c) => `${quote(c.name)}::text`).join(', ')} FROM ${quote(views)}.${quote(name)}`,
      rowMode: 'array',
    });
    const u = columns.map((_, i) => `c${i}`);
    tables.push({
      name,
      rows,
      insert: `INSERT INTO ${quote(target)}.${quote(name)} (${columns.map((c) => quote(c.name)).join(', ')})
               SELECT ${columns.map((c, i) => `${u[i]}::${c.type}`).join(', ')}
               FROM unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${u.join(', ')})`,
    });
  }
  const digests = async (schema: string): Promise<TableDigests> => {
    const out = new Map<string, { rows: number; digest: string }>();
    for (const name of names) {
      // Each row's text, hashed to 60 bits and summed in the server: a digest of the rows as a multiset.
      const { rows } = await client.query<{ n: string; h: string | null }>(
        `SELECT count(*) AS n, sum(('x' || substr(md5(x::text), 1, 15))::bit(60)::bigint)::text AS h FROM ${quote(schema)}.${quote(name)} x`,
      );
      out.set(name, { rows: Number(rows[0]!.n), digest: rows[0]!.h ?? '0' });
    }
    return out;
  };
  return {
    tables: names,
    rows: tables.reduce((n, t) => n + t.rows.length, 0),
    async write(transactions, tick) {
      for (let k = 0; k < transactions; k++) {
        await client.query('BEGIN');
        for (const [i, t] of tables.entries()) {
          const [from, to] = shareOf(t.rows.length, k, transactions);
          if (to === from) continue;
          const share = t.rows.slice(from, to);
          await client.query({
            name: `bench_view_rows_${i}`,
            text: t.insert,
            values: share[0]!.map((_, c) => share.map((r) => r[c])),
          });
          tick(to - from);
        }
        await client.query('COMMIT');
      }
    },
    check: async () => compareTables(await digests(views), await digests(target)),
    close: async () => void (await client.query(`DROP SCHEMA IF EXISTS ${quote(target)} CASCADE`)),
  };
};
