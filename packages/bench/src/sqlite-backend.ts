// SQLite: the library's store in a real file in a temp dir, opened with the settings it ships
// (WAL, synchronous FULL); the limit is raw better-sqlite3 on a file of the same schema with the
// same pragmas, and raw selects on the library's own files.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cycleEvents, evolveCycle, initialCycleState, type BusinessDate, type CycleState } from '@renewal-ledger/core';
import { cycleStateColumnsSql, cycleStateFromRow, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { getSQLiteEventStore, MIGRATIONS } from '@renewal-ledger/store-sqlite';
import { sqliteBooksAccess } from './as-known-at-raw.js';
import { transactionsOf, type Backend, type Limit, type StoreName } from './backend.js';
import type { Tick } from './measure.js';

import type { PlannedRow } from './plan.js';
import { PORTFOLIO_SUMS, agingAccumulator, debtorAccumulator, digestedRowOf, foldInto, rowsCheck, totalsOfStates } from './totals.js';
import { sqliteViewRowsWrite } from './view-rows.js';

const COLUMNS = 'global_position, stream_id, stream_revision, event_id, type, schema_version, data, metadata';
const INSERT_COLUMNS = 'stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at';

interface EventRow {
  global_position: number;
  stream_id: string;
  stream_revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

/** Bytes of a SQLite database with its WAL (what a checkpoint has not folded in yet). */
export const sqliteBytes = (path: string): number => {
  let total = 0;
  for (const p of [path, `${path}-wal`]) {
    try {
      total += statSync(p).size;
    } catch {
      // No WAL: checkpointed and removed on close.
    }
  }
  return total;
};

/** The events table of the store (its migrations, in order), with the pragmas the store sets. */
export const openRawEventsFile = (path: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  for (const m of MIGRATIONS) db.exec(m.sql);
  return db;
};

/** Open cycles of the arrears view with their states (the compact row, read with cycleStateFromRow). */
const OPEN_WITH_STATE = `${cycleStateColumnsSql('s', 's_')} FROM arrears_cycles a JOIN arrears_states s ON s.cycle_id = a.cycle_id WHERE a.collectible_minor > 0`;

/** The arrears view's limit (e), raw on a better-sqlite3 connection to the views: every cycle summed, the open ones aged. */
export const rawPortfolio = (db: Database.Database, asOf: BusinessDate, tick: Tick) => {
  const { cycles } = db.prepare(`${PORTFOLIO_SUMS} arrears_cycles`).get() as { cycles: number };
  const acc = agingAccumulator(asOf);
  for (const r of db.prepare(`SELECT a.collectible_minor, ${OPEN_WITH_STATE}`).iterate() as IterableIterator<
    Record<string, unknown> & { collectible_minor: number }
  >) {
    acc.add(r.collectible_minor, cycleStateFromRow(r, 's_'));
    tick();
  }
  return { ...acc.done(), cycles };
};

/** The top-debtors limit (e), raw: open cycles aged, summed per contract, ranked. */
export const rawTopDebtors = (db: Database.Database, asOf: BusinessDate, top: number, tick: Tick) => {
  const acc = debtorAccumulator(asOf);
  for (const r of db.prepare(`SELECT a.contract_id, a.collectible_minor, ${OPEN_WITH_STATE}`).iterate() as IterableIterator<
    Record<string, unknown> & { contract_id: string; collectible_minor: number }
  >) {
    acc.add(r.contract_id, r.collectible_minor, cycleStateFromRow(r, 's_'));
    tick();
  }
  return acc.top(top);
};

/** A prepared INSERT run in one BEGIN IMMEDIATE transaction per call, as the store's appends. */
export const rawInsert = (db: Database.Database, table = 'events'): ((rows: readonly PlannedRow[]) => void) => {
  const insert = db.prepare(`INSERT INTO ${table} (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const tx = db.transaction((rows: readonly PlannedRow[]) => {
    for (const r of rows) insert.run(r.streamName, r.streamRevision, r.eventId, r.type, r.schemaVersion, r.data, r.metadata, r.recordedAt);
  });
  return (rows) => {
    tx.immediate(rows);
  };
};

/** The rows of an events file in global order after the first `skip`: digest and fold (untimed checks). */
const readBack = (path: string, skip = 0) => {
  const db = new Database(path, { readonly: true });
  try {
    const check = rowsCheck();
    for (const r of db
      .prepare(`SELECT ${COLUMNS} FROM events ORDER BY global_position LIMIT -1 OFFSET ?`)
      .iterate(skip) as IterableIterator<EventRow>)
      check.add(digestedRowOf(r));
    return check.done();
  } finally {
    db.close();
  }
};

export const getSQLiteBackend = (options: { dir?: string } = {}): Backend => {
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'renewal-bench-'));
  const storePath = (name: StoreName) => join(dir, `${name}-events.db`);
  const limitPath = (name: StoreName) => join(dir, `${name}-limit.db`);
  const viewsPath = join(dir, 'views.db');
  const viewsLimitPath = join(dir, 'views-limit.db');
  const toClose: Array<{ close(): unknown }> = [];
  const removeFile = (path: string) => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  };
  /** Rows each limit file held before its writer's timed writes. */
  const historyOf = new Map<StoreName, number>();

  // The limit's read connections are opened when the library's files are (untimed), once: opening
  // one and parsing the schema costs milliseconds, which a small query would otherwise pay.
  const readers = new Map<string, Database.Database>();
  const openReader = (path: string) => {
    readers.get(path)?.close();
    const db = new Database(path, { readonly: true });
    readers.set(path, db);
    toClose.push(db);
  };
  const readonly = (path: string) => {
    const db = readers.get(path);
    if (!db) throw new Error(`no read connection on ${path}`);
    return db;
  };

  const limit: Limit = {
    async openWriter(name, work) {
      removeFile(limitPath(name));
      const db = openRawEventsFile(limitPath(name));
      const history = work.history?.length ?? 0;
      if (history > 0) {
        // The library's store holds the history already (its first rows): copied inside SQLite,
        // more than twice as fast as inserting it again; the WAL emptied, as the library's is.
        db.exec(`ATTACH DATABASE '${storePath(name).replace(/'/g, "''")}' AS library`);
        db.prepare(
          `INSERT INTO main.events (${INSERT_COLUMNS}) SELECT ${INSERT_COLUMNS} FROM library.events ORDER BY global_position LIMIT ?`,
        ).run(history);
        db.exec('DETACH DATABASE library');
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      historyOf.set(name, history);
      const insert = rawInsert(db);
      return {
        async write(from, to, tick) {
          for (const rows of transactionsOf(work, from, to)) {
            insert(rows);
            tick();
          }
        },
        close: async () => void db.close(),
      };
    },
    async written(name) {
      return readBack(limitPath(name), historyOf.get(name));
    },
    async libraryRows(name, skip) {
      return readBack(storePath(name), skip);
    },
    async rehydrate(name, streamNames, tick) {
      const db = readonly(storePath(name));
      const select = db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY stream_revision`);
      const states: CycleState[] = [];
      for (const stream of streamNames) {
        let state = initialCycleState();
        for (const r of select.all(stream) as EventRow[])
          state = evolveCycle(state, cycleEvents.of({ type: r.type, data: JSON.parse(r.data) }));
        states.push(state);
        tick();
      }
      return states;
    },
    async replay(name, tick) {
      const db = readonly(storePath(name));
      const states = new Map<string, CycleState>();
      let events = 0;
      for (const r of db.prepare(`SELECT ${COLUMNS} FROM events ORDER BY global_position`).iterate() as IterableIterator<EventRow>) {
        foldInto(states, r.stream_id, r.type, JSON.parse(r.data));
        events++;
        tick();
      }
      return { totals: totalsOfStates(states.values()), events, states };
    },
    async viewRows() {
      removeFile(viewsLimitPath);
      const write = sqliteViewRowsWrite(readonly(viewsPath), viewsLimitPath);
      return {
        ...write,
        async close() {
          await write.close();
          removeFile(viewsLimitPath);
        },
      };
    },
    async portfolio(asOf: BusinessDate, tick: Tick) {
      return rawPortfolio(readonly(viewsPath), asOf, tick);
    },
    async topDebtors(asOf: BusinessDate, top: number, tick: Tick) {
      return rawTopDebtors(readonly(viewsPath), asOf, top, tick);
    },
    knownAtAccess: () => sqliteBooksAccess(readonly(viewsPath), readonly(storePath('b'))),
  };

  return {
    kind: 'sqlite',
    durable: true,
    async openStore(name) {
      // The settings the store ships: nothing but the path.
      const store = getSQLiteEventStore({ path: storePath(name) });
      openReader(storePath(name));
      return store;
    },
    async storeBytes(name) {
      return sqliteBytes(storePath(name));
    },
    async discard(name) {
      readers.get(storePath(name))?.close();
      readers.delete(storePath(name));
      removeFile(storePath(name));
      removeFile(limitPath(name));
    },
    async fillStore(name, rows) {
      const db = new Database(storePath(name));
      try {
        const insert = rawInsert(db);
        for (let i = 0; i < rows.length; i += 5000) insert(rows.slice(i, i + 5000));
        // The library's timed writes must not pay for checkpointing what was filled in.
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
    async openViews(): Promise<ViewDatabase> {
      const views = getSQLiteViewDatabase({ path: viewsPath });
      openReader(viewsPath);
      return views;
    },
    async viewsBytes() {
      return sqliteBytes(viewsPath);
    },
    limit,
    describe: () =>
      `SQLite files in ${dir}: store with its shipped settings (WAL, synchronous=FULL); limit: raw better-sqlite3, same schema and pragmas`,
    async close() {
      for (const c of toClose) {
        try {
          c.close();
        } catch {
          // Already closed.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
