// Small projections for testing the runner: a tally of events per type (with the sum of their
// amounts), and a log of every position applied (its primary key refuses an event applied twice).
import type { RecordedEvent } from '@renewal-ledger/core';
import { asNumber, defineProjection, type Projection, type SqlExecutor } from '../../src/index.js';

const amountOf = (e: RecordedEvent) => (e.data as { amountMinor?: number }).amountMinor ?? 0;

export const tallyProjection = (
  options: {
    version?: number;
    name?: string;
    beforeEach?: (e: RecordedEvent) => void;
    afterBatch?: (events: readonly RecordedEvent[]) => void;
  } = {},
) => {
  const name = options.name ?? 'tally';
  const version = options.version ?? 1;
  return defineProjection({
    name,
    version,
    eventTypes: 'all',
    tables: [`${name}_counts`],
    async createTables(tx, t) {
      // Version 2 also sums amounts: a change of shape that needs a rebuild.
      await tx.execute(
        `CREATE TABLE ${t[`${name}_counts`]} (type TEXT PRIMARY KEY, events BIGINT NOT NULL${version >= 2 ? ', amount_minor BIGINT NOT NULL' : ''})`,
      );
    },
    async applyBatch(events, tx, t) {
      const table = t[`${name}_counts`];
      for (const e of events) {
        options.beforeEach?.(e);
        if (version >= 2)
          await tx.execute(
            `INSERT INTO ${table} (type, events, amount_minor) VALUES (?, 1, ?) ON CONFLICT (type) DO UPDATE SET events = ${table}.events + 1, amount_minor = ${table}.amount_minor + excluded.amount_minor`,
            [e.type, amountOf(e)],
          );
        else
          await tx.execute(
            `INSERT INTO ${table} (type, events) VALUES (?, 1) ON CONFLICT (type) DO UPDATE SET events = ${table}.events + 1`,
            [e.type],
          );
      }
      options.afterBatch?.(events);
    },
  });
};

export const logProjection = (
  options: { name?: string; eventTypes?: readonly string[] | 'all'; failOn?: (e: RecordedEvent) => boolean } = {},
): Projection => {
  const name = options.name ?? 'log';
  return defineProjection({
    name,
    version: 1,
    eventTypes: options.eventTypes ?? 'all',
    tables: [`${name}_events`],
    async createTables(tx, t) {
      await tx.execute(`CREATE TABLE ${t[`${name}_events`]} (position BIGINT PRIMARY KEY, type TEXT NOT NULL)`);
    },
    async applyBatch(events, tx, t) {
      for (const e of events) {
        await tx.execute(`INSERT INTO ${t[`${name}_events`]} (position, type) VALUES (?, ?)`, [e.globalPosition, e.type]);
        if (options.failOn?.(e)) throw new Error(`refusing ${e.eventId}`);
      }
    },
  });
};

export const tallyOf = async (db: SqlExecutor, table = 'tally_counts'): Promise<Record<string, number>> => {
  const rows = await db.query(`SELECT type, events FROM ${table} ORDER BY type`);
  return Object.fromEntries(rows.map((r) => [String(r.type), asNumber(r.events)]));
};

export const loggedPositions = async (db: SqlExecutor, table = 'log_events'): Promise<bigint[]> =>
  (await db.query(`SELECT position FROM ${table} ORDER BY position`)).map((r) => BigInt(r.position as number | string));
