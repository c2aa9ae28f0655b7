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
  {
    version: 2,
    name: 'events without AUTOINCREMENT, append-only',
    // AUTOINCREMENT rewrote a page of sqlite_sequence at every commit: one of the five pages an
    // append of one event wrote (measured in docs/benchmarks.md). Positions are still never
    // reused: a plain rowid key takes the largest one plus one, and could only come back if the
    // newest row were deleted, which the trigger refuses. SQLite cannot drop AUTOINCREMENT from
    // a table, so the table is copied into a new one (the rows keep their positions). A file
    // whose newest events were deleted by hand would give their positions again, which a
    // projection may have checkpointed past: such a file is refused, and nothing changes in it.
    sql: `
      CREATE TEMP TABLE migration_2_check (x INTEGER);
      CREATE TEMP TRIGGER migration_2_refuse BEFORE INSERT ON migration_2_check
        WHEN (SELECT seq FROM sqlite_sequence WHERE name = 'events') > (SELECT coalesce(max(global_position), 0) FROM events)
      BEGIN
        SELECT RAISE(ABORT, 'the SQLite event store cannot be migrated to schema version 2: its newest events were deleted outside the library, and their global positions would be given again; restore them from a backup first');
      END;
      INSERT INTO migration_2_check VALUES (1);
      DROP TABLE temp.migration_2_check;
      CREATE TABLE events_next (
        global_position INTEGER PRIMARY KEY,
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
      INSERT INTO events_next (global_position, stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
        SELECT global_position, stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at
        FROM events ORDER BY global_position;
      DROP TABLE events;
      ALTER TABLE events_next RENAME TO events;
      DELETE FROM sqlite_sequence WHERE name = 'events';
      CREATE TRIGGER events_append_only BEFORE DELETE ON events
      BEGIN
        SELECT RAISE(ABORT, 'the event store is append-only: events are never deleted');
      END;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
