// Runs the schema migrations (migrations.ts) on open, recording applied versions in
// `schema_migrations`.
import type Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { StoreNotFoundError } from '@renewal-ledger/eventstore';

/**
 * Brings the database to the latest schema. Runs under BEGIN IMMEDIATE, so two processes opening
 * a new file at once do not both create the table: the second waits, then finds it done.
 */
export const migrate = (db: Database.Database, now: () => string): number => {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    if (current > LATEST_SCHEMA_VERSION)
      throw new Error(
        `the SQLite event store has schema version ${current}, newer than this library knows (${LATEST_SCHEMA_VERSION}): upgrade the library`,
      );
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, now());
    }
    return current;
  });
  const from = run.immediate();
  // Migration 2 copied a version-1 events table into a new one: the old table's pages are free
  // now, as many again as the events take. Given back at once (VACUUM cannot run inside the
  // migration's transaction), not left to double the file until appends reuse them.
  if (from === 1) db.exec('VACUUM');
  return LATEST_SCHEMA_VERSION;
};

/** The schema version a database is at: 0 when it holds no event store at all. */
const schemaVersionOf = (db: Database.Database): number => {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  return (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
};

/**
 * The oldest schema a read-only store reads as it is: version 2 changed how rows are written (no
 * AUTOINCREMENT), not how they are read, so a reader needs no writer to migrate the file first.
 */
const OLDEST_READABLE_SCHEMA_VERSION = 1;

/**
 * For a store opened without `create`: checks, writing nothing, that the database is an event
 * store at the schema this library writes (or, to read only, one it reads the same way).
 */
export const checkSchema = (db: Database.Database, path: string, readOnly = false): void => {
  const version = schemaVersionOf(db);
  if (version === 0) throw new StoreNotFoundError(`${path} is not a renewal-ledger event store: it has no events table`);
  if (version > LATEST_SCHEMA_VERSION)
    throw new Error(
      `the SQLite event store at ${path} has schema version ${version}, newer than this library knows (${LATEST_SCHEMA_VERSION}): upgrade the library`,
    );
  if (version < LATEST_SCHEMA_VERSION && !(readOnly && version >= OLDEST_READABLE_SCHEMA_VERSION))
    throw new Error(
      `the SQLite event store at ${path} has schema version ${version}; this library needs ${LATEST_SCHEMA_VERSION}: open it once for writing to migrate it`,
    );
};
