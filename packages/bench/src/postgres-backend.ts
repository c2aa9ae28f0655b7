// PostgreSQL: the library's stores and views in schemas of their own on POSTGRES_URL's database;
// the limit is raw `pg` on one connection: a table made by the store's own migration in another
// schema for the inserts (one named prepared INSERT per transaction, in one round trip), and raw
// selects on the library's tables.
import pg from 'pg';
import { cycleEvents, evolveCycle, initialCycleState, type BusinessDate, type CycleState } from '@renewal-ledger/core';
import { cycleStateColumnsSql, cycleStateFromRow, getPostgresViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { getPostgresEventStore, migrations } from '@renewal-ledger/store-postgres';
import { postgresBooksAccess } from './as-known-at-raw.js';
import { transactionsOf, type Backend, type Limit, type StoreName } from './backend.js';
import type { PlannedRow } from './plan.js';
import { PORTFOLIO_SUMS, agingAccumulator, debtorAccumulator, digestedRowOf, foldInto, rowsCheck, totalsOfStates } from './totals.js';
import { postgresViewRowsWrite } from './view-rows.js';

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

/** Rows as the parameters of an `unnest` insert: one array per column, in INSERT_COLUMNS order. */
const columnsOf = (rows: readonly PlannedRow[]) => [
  rows.map((r) => r.streamName),
  rows.map((r) => r.streamRevision),
  rows.map((r) => r.eventId),
  rows.map((r) => r.type),
  rows.map((r) => r.schemaVersion),
  rows.map((r) => r.data),
  rows.map((r) => r.metadata),
  rows.map((r) => r.recordedAt),
];

/**
 * The same, with the JSON texts joined into one text each (split in the statement): the encoding
 * the store's append sends (store-postgres statements.ts: JSON never holds U+001E unescaped), so
 * the limit pays no escaping of array elements the library does not pay either.
 */
const JSON_SEPARATOR = '\u001e';
const joinedColumnsOf = (rows: readonly PlannedRow[]) => {
  const columns: unknown[] = columnsOf(rows);
  columns[5] = rows.map((r) => r.data).join(JSON_SEPARATOR);
  columns[6] = rows.map((r) => r.metadata).join(JSON_SEPARATOR);
  return columns;
};

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const COLUMNS =
  'global_position, stream_id, stream_revision, event_id, type, schema_version, data::text AS data, metadata::text AS metadata';
const REPLAY_PAGE = 10_000;
const FILL_CHUNK = 1000;
const INSERT_COLUMNS = 'stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at';

export const getPostgresBackend = async (options: { url: string }): Promise<Backend> => {
  const prefix = `bench_${process.pid}`;
  const schemaOf = { a: `${prefix}_a`, b: `${prefix}_b`, f: `${prefix}_f` } as const;
  const limitSchemaOf = { a: `${prefix}_limit_a`, b: `${prefix}_limit_b`, f: `${prefix}_limit_f` } as const;
  /** Rows each limit schema held before its writer's timed writes. */
  const historyOf = new Map<StoreName, number>();
  const viewsSchema = `${prefix}_views`;
  const viewsLimitSchema = `${prefix}_limit_views`;
  const all = [...Object.values(schemaOf), ...Object.values(limitSchemaOf), viewsSchema, viewsLimitSchema];
  // Open cycles of the arrears view with their states (the compact row, read with cycleStateFromRow).
  const openWithState = `${cycleStateColumnsSql('s', 's_')} FROM ${q(viewsSchema)}.arrears_cycles a JOIN ${q(viewsSchema)}.arrears_states s ON s.cycle_id = a.cycle_id WHERE a.collectible_minor > 0`;

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  const dropAll = async () => {
    for (const s of all) await client.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
  };
  await dropAll();
  const { rows: version } = await client.query<{ v: string; sync: string; fsync: string }>(
    `SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sync, current_setting('fsync') AS fsync`,
  );
  const settings = version[0]!;

  const opened: Array<{ close(): Promise<void> }> = [];

  /** The rows of a schema's events in global order after the first `skip`: digest and fold (untimed checks). */
  const readBack = async (schema: string, skip = 0) => {
    const check = rowsCheck();
    let after = '0';
    if (skip > 0) {
      const { rows } = await client.query<{ p: string }>(
        `SELECT global_position AS p FROM ${q(schema)}.events ORDER BY global_position OFFSET $1 LIMIT 1`,
        [skip - 1],
      );
      after = rows[0]?.p ?? after;
    }
    for (;;) {
      const { rows } = await client.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${q(schema)}.events WHERE global_position > $1 ORDER BY global_position LIMIT ${REPLAY_PAGE}`,
        [after],
      );
      for (const r of rows) check.add(digestedRowOf(r));
      if (rows.length < REPLAY_PAGE) break;
      after = rows[rows.length - 1]!.global_position;
    }
    return check.done();
  };

  /** Rows inserted raw in array order, untimed, 1,000 per statement (2.5 times faster here than 5,000). */
  const insertAll = async (schema: string, rows: readonly PlannedRow[]) => {
    for (let i = 0; i < rows.length; i += FILL_CHUNK) {
      const chunk = rows.slice(i, i + FILL_CHUNK);
      await client.query(
        `INSERT INTO ${q(schema)}.events (${INSERT_COLUMNS})
         SELECT s, r, e, t, v, d::json, m::json, a::timestamptz
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS u(s, r, e, t, v, d, m, a, o)
         ORDER BY o`,
        columnsOf(chunk),
      );
    }
  };

  const schemaBytes = async (schema: string): Promise<number> => {
    const { rows } = await client.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(rows[0]?.bytes ?? 0);
  };

  const limit: Limit = {
    knownAtAccess: () => postgresBooksAccess(client, q(viewsSchema), q(schemaOf.b)),
    async openWriter(name, work) {
      const schema = limitSchemaOf[name];
      await client.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
      await client.query(`CREATE SCHEMA ${q(schema)}`);
      await client.query(migrations[0]!.sql.replaceAll('{schema}', q(schema)));
      const history = work.history?.length ?? 0;
      // The library's store holds the history already (its first rows): copied inside the
      // server, four times faster than sending it again.
      if (history > 0)
        await client.query(
          `INSERT INTO ${q(schema)}.events (${INSERT_COLUMNS}) SELECT ${INSERT_COLUMNS} FROM ${q(schemaOf[name])}.events ORDER BY global_position LIMIT $1`,
          [history],
        );
      historyOf.set(name, history);
      const insert = {
        name: `bench_insert_${name}`,
        text: `INSERT INTO ${q(schema)}.events (${INSERT_COLUMNS})
               SELECT s, r, e, t, v, d::json, m::json, a::timestamptz
               FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[],
                           string_to_array($6::text, E'\\x1e'), string_to_array($7::text, E'\\x1e'), $8::text[]) AS u(s, r, e, t, v, d, m, a)`,
      };
      return {
        async write(from, to, tick) {
          // One statement is a transaction of its own (autocommit): one round trip per
          // transaction, what a raw client needs, and no BEGIN and COMMIT around it.
          for (const rows of transactionsOf(work, from, to)) {
            await client.query({
              ...insert,
              values: joinedColumnsOf(rows),
            });
            tick();
          }
        },
        close: async () => undefined,
      };
    },
    written: (name) => readBack(limitSchemaOf[name], historyOf.get(name)),
    libraryRows: (name, skip) => readBack(schemaOf[name], skip),
    async rehydrate(name, streamNames, tick) {
      const text = `SELECT ${COLUMNS} FROM ${q(schemaOf[name])}.events WHERE stream_id = $1 ORDER BY stream_revision`;
      const states: CycleState[] = [];
      for (const stream of streamNames) {
        const { rows } = await client.query<EventRow>({ name: `bench_stream_${name}`, text, values: [stream] });
        let state = initialCycleState();
        for (const r of rows) state = evolveCycle(state, cycleEvents.of({ type: r.type, data: JSON.parse(r.data) }));
        states.push(state);
        tick();
      }
      return states;
    },
    async replay(name, tick) {
      const text = `SELECT ${COLUMNS} FROM ${q(schemaOf[name])}.events WHERE global_position > $1 ORDER BY global_position LIMIT ${REPLAY_PAGE}`;
      const states = new Map<string, CycleState>();
      let events = 0;
      let after = '0';
      for (;;) {
        const { rows } = await client.query<EventRow>({ name: `bench_replay_${name}`, text, values: [after] });
        for (const r of rows) {
          foldInto(states, r.stream_id, r.type, JSON.parse(r.data));
          events++;
          tick();
        }
        if (rows.length < REPLAY_PAGE) break;
        after = rows[rows.length - 1]!.global_position;
      }
      return { totals: totalsOfStates(states.values()), events, states };
    },
    viewRows: () => postgresViewRowsWrite(client, viewsSchema, viewsLimitSchema),
    async portfolio(asOf: BusinessDate, tick) {
      const sums = await client.query<{ cycles: string }>({
        name: 'bench_portfolio_sums',
        text: `${PORTFOLIO_SUMS} ${q(viewsSchema)}.arrears_cycles`,
      });
      const { rows } = await client.query<Record<string, unknown> & { collectible_minor: string }>({
        name: 'bench_portfolio',
        text: `SELECT a.collectible_minor, ${openWithState}`,
      });
      const acc = agingAccumulator(asOf);
      for (const r of rows) {
        acc.add(Number(r.collectible_minor), cycleStateFromRow(r, 's_'));
        tick();
      }
      return { ...acc.done(), cycles: Number(sums.rows[0]!.cycles) };
    },
    async topDebtors(asOf: BusinessDate, top, tick) {
      const { rows } = await client.query<Record<string, unknown> & { contract_id: string; collectible_minor: string }>({
        name: 'bench_top',
        text: `SELECT a.contract_id, a.collectible_minor, ${openWithState}`,
      });
      const acc = debtorAccumulator(asOf);
      for (const r of rows) {
        acc.add(r.contract_id, Number(r.collectible_minor), cycleStateFromRow(r, 's_'));
        tick();
      }
      return acc.top(top);
    },
  };

  return {
    kind: 'postgres',
    durable: true,
    async openStore(name) {
      await client.query(`DROP SCHEMA IF EXISTS ${q(schemaOf[name])} CASCADE`);
      const store = await getPostgresEventStore({ connectionString: options.url, schema: schemaOf[name] });
      opened.push(store);
      return store;
    },
    storeBytes: (name) => schemaBytes(schemaOf[name]),
    async discard(name) {
      await client.query(`DROP SCHEMA IF EXISTS ${q(schemaOf[name])} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${q(limitSchemaOf[name])} CASCADE`);
    },
    fillStore: (name, rows) => insertAll(schemaOf[name], rows),
    async openViews(): Promise<ViewDatabase> {
      await client.query(`DROP SCHEMA IF EXISTS ${q(viewsSchema)} CASCADE`);
      const views = await getPostgresViewDatabase({ connectionString: options.url, schema: viewsSchema });
      opened.push(views);
      return views;
    },
    viewsBytes: () => schemaBytes(viewsSchema),
    limit,
    describe: () =>
      `PostgreSQL ${settings.v} (fsync=${settings.fsync}, synchronous_commit=${settings.sync}), schemas ${prefix}_*; limit: raw pg on one connection, named prepared statements`,
    async close() {
      for (const o of opened) await o.close().catch(() => undefined);
      await dropAll().catch(() => undefined);
      await client.end();
    },
  };
};
