// The SQLite schema, as numbered migrations that run on open. A migration never changes once
// released: a new need gets a new number. Applied versions are recorded in `schema_migrations`.
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events table',
    // AUTOINCREMENT: a global position is never reused, even if the newest row were ever
    // deleted; projections checkpoint on positions, so reuse would make them skip events.
    // data and metadata are JSON text; recorded_at copies metadata.recordedAt for queries.
    sql: `
      CREATE TABLE events (
        global_position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id       TEXT    NOT NULL,
        stream_revision INTEGER NOT NULL CHECK (stream_revision >= 0),
        event_id        TEXT    NOT NULL UNIQUE,
        type            TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL,
        data            TEXT    NOT NULL,
        metadata        TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        UNIQUE (stream_id, stream_revision)
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

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
    return LATEST_SCHEMA_VERSION;
  });
  return run.immediate();
};
