// The SQLite schema, as numbered migrations that run on open. A migration never changes once
// released: a new need gets a new number. Applied versions are recorded in `schema_migrations`.
// They live apart from schema.ts, which runs them, so that the published declarations need no
// better-sqlite3 types.

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
