// Memory: the library's in-memory store (which keeps JSON text, as a database row) and a SQLite
// `:memory:` view database. The limit is a bare fold: the write paths decide and serialise with
// no store at all; the read paths parse the store's own rows and fold them, with no store API.
import type Database from 'better-sqlite3';
import { cycleEvents, evolveCycle, initialCycleState, type BusinessDate, type CycleState } from '@renewal-ledger/core';
import { createInMemoryDatabase, getInMemoryEventStore, type InMemoryDatabase } from '@renewal-ledger/eventstore';
import { getSQLiteViewDatabase, type SQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import type { Backend, Limit, StoreName } from './backend.js';
import { createPlanner, type Plan } from './plan.js';
import { rawPortfolio, rawTopDebtors } from './sqlite-backend.js';
import { foldInto, rowDigest, rowsCheck, totalsOfStates } from './totals.js';
import { sqliteViewRowsWrite } from './view-rows.js';

export const getMemoryBackend = (): Backend => {
  const databases = new Map<StoreName, InMemoryDatabase>();
  const plans = new Map<StoreName, Plan>();
  let views: SQLiteViewDatabase | null = null;

  const databaseOf = (name: StoreName) => {
    const db = databases.get(name);
    if (!db) throw new Error(`no in-memory store ${name} yet`);
    return db;
  };
  const connection = () => {
    if (!views) throw new Error('no view database yet');
    // The view database describes its connection structurally (better-sqlite3 is optional there);
    // it is a better-sqlite3 Database, which the raw limit queries directly.
    return views.connection as Database.Database;
  };

  const limit: Limit = {
    // No store: the history (path f) changes nothing for deciding and serialising.
    async openWriter(name, work) {
      const planner = createPlanner(work.recordedAtOf);
      return {
        async write(from, to) {
          planner.add(work.commands, from, to);
        },
        close: async () => void plans.set(name, planner.plan()),
      };
    },
    async written(name) {
      const plan = plans.get(name)!;
      const digest = rowDigest();
      for (const r of plan.rows) digest.add(r);
      return { totals: totalsOfStates(plan.states.values()), digest: digest.done() };
    },
    async libraryRows(name, skip = 0) {
      const check = rowsCheck();
      for (const r of databaseOf(name).rows.slice(skip)) check.add(r);
      return check.done();
    },
    async rehydrate(name, streamNames, tick) {
      const db = databaseOf(name);
      const states: CycleState[] = [];
      for (const stream of streamNames) {
        let state = initialCycleState();
        for (const position of db.streams.get(stream) ?? []) {
          const row = db.rows[Number(position) - 1]!;
          state = evolveCycle(state, cycleEvents.of({ type: row.type, data: JSON.parse(row.data) }));
        }
        states.push(state);
        tick();
      }
      return states;
    },
    async replay(name, tick) {
      const states = new Map<string, CycleState>();
      let events = 0;
      for (const row of databaseOf(name).rows) {
        foldInto(states, row.streamName, row.type, JSON.parse(row.data));
        events++;
        tick();
      }
      return { totals: totalsOfStates(states.values()), events, states };
    },
    // The views are a SQLite :memory: database: the raw tables are another one.
    viewRows: async () => sqliteViewRowsWrite(connection(), ':memory:'),
    async portfolio(asOf: BusinessDate, tick) {
      return rawPortfolio(connection(), asOf, tick);
    },
    async topDebtors(asOf: BusinessDate, top, tick) {
      return rawTopDebtors(connection(), asOf, top, tick);
    },
  };

  return {
    kind: 'memory',
    durable: false,
    async openStore(name) {
      const database = createInMemoryDatabase();
      databases.set(name, database);
      return getInMemoryEventStore({ database });
    },
    async storeBytes(name) {
      // The JSON text the store holds: what a database file would mostly be made of.
      let bytes = 0;
      for (const r of databaseOf(name).rows) bytes += r.data.length + r.metadata.length;
      return bytes;
    },
    async discard(name) {
      databases.delete(name);
      plans.delete(name);
    },
    async fillStore(name, rows) {
      // Straight into the store's rows and indexes, as its append leaves them (appending 300,000
      // rows one by one through the store, each parsed and serialised again, takes 20 s).
      const db = databaseOf(name);
      for (const r of rows) {
        const globalPosition = BigInt(db.rows.length + 1);
        let positions = db.streams.get(r.streamName);
        if (!positions) db.streams.set(r.streamName, (positions = []));
        if (positions.length !== r.streamRevision || db.eventIds.has(r.eventId))
          throw new Error(`bench: cannot fill ${r.eventId} at ${r.streamName}@${r.streamRevision}`);
        const { streamName, eventId, type, schemaVersion, data, metadata } = r;
        db.rows.push({
          streamName,
          streamRevision: BigInt(r.streamRevision),
          globalPosition,
          eventId,
          type,
          schemaVersion,
          data,
          metadata,
        });
        positions.push(globalPosition);
        db.eventIds.set(eventId, globalPosition);
      }
    },
    async openViews(): Promise<ViewDatabase> {
      views = getSQLiteViewDatabase({ path: ':memory:' });
      return views;
    },
    async viewsBytes() {
      const c = connection();
      return (c.pragma('page_count', { simple: true }) as number) * (c.pragma('page_size', { simple: true }) as number);
    },
    limit,
    describe: () =>
      'in-memory store (rows kept as JSON text) and a SQLite :memory: view database; limit: a bare fold (decide + serialise; parse + fold)',
    async close() {
      await views?.close();
    },
  };
};
