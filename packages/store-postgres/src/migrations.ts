// The store's schema, as numbered migrations that run when a store opens. Each runs once, in
// order, recorded in `schema_migrations`; all of them run in one transaction that first takes an
// advisory lock on the schema, so two processes opening the same database at once do not both
// migrate (the second waits, then finds nothing left to do).
import type { PoolClient } from 'pg';
import { StoreNotFoundError } from '@renewal-ledger/eventstore';

/** First key of this library's advisory locks ('rl' in ASCII); the second names the schema. */
export const MIGRATION_LOCK_CLASS = 0x726c0001;
export const APPEND_LOCK_CLASS = 0x726c0002;

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL with `{schema}` standing for the quoted schema name. */
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events table',
    // - `data` and `metadata` are `json`, not `jsonb`: json keeps the exact text the library wrote
    //   (key order, white space), which an audit hash over stored JSON depends on; jsonb would
    //   reorder keys. Both still refuse text that is not JSON.
    // - `transaction_id` is the writing transaction's id (xid8, never wraps around): `readAll`
    //   only returns rows whose transaction is older than every transaction still running, so a
    //   reader never passes a position that a slower transaction may still commit below.
    // - `recorded_at` is the metadata's recordedAt, as a timestamp for SQL queries.
    sql: `
      CREATE TABLE {schema}.events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL CHECK (stream_revision >= 0),
        event_id text NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL CHECK (schema_version >= 0),
        data json NOT NULL,
        metadata json NOT NULL,
        recorded_at timestamptz NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      );
    `,
  },
];

/** The latest schema version this library writes. */
export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

/** `"name"` with embedded quotes doubled: safe to splice into SQL as an identifier. */
export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Checks a schema name before it is used: PostgreSQL truncates identifiers past 63 bytes. */
export const checkSchemaName = (schema: string): string => {
  if (schema.length === 0 || Buffer.byteLength(schema, 'utf8') > 63 || schema.includes('\u0000'))
    throw new TypeError(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: 1-63 bytes, no NUL`);
  return schema;
};

/** Runs the migrations not yet applied to `schema`; returns the versions it applied. */
export const migrate = async (client: PoolClient, schema: string): Promise<number[]> => {
  const s = quoteIdentifier(schema);
  await client.query('BEGIN');
  try {
    // Two-key form: a fixed first key for this library, the schema's hash as the second, so
    // stores in different schemas migrate independently.
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_CLASS}, hashtext($1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const newer = [...applied].filter((v) => v > SCHEMA_VERSION);
    if (newer.length > 0)
      throw new Error(
        `schema ${schema} is at version ${Math.max(...newer)}, newer than this library knows (${SCHEMA_VERSION}): upgrade @renewal-ledger/store-postgres`,
      );
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql.replaceAll('{schema}', s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      done.push(m.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
};

/**
 * For a store opened without `create`: checks, writing nothing, that `schema` holds an event store
 * at the version this library writes.
 */
export const checkSchema = async (client: PoolClient, schema: string): Promise<void> => {
  const s = quoteIdentifier(schema);
  const { rows } = await client.query<{ events: boolean; migrations: boolean; database: string }>(
    'SELECT to_regclass($1) IS NOT NULL AS events, to_regclass($2) IS NOT NULL AS migrations, current_database() AS database',
    [`${s}.events`, `${s}.schema_migrations`],
  );
  const found = rows[0]!;
  if (!found.events || !found.migrations)
    throw new StoreNotFoundError(`no event store in schema ${schema} of PostgreSQL database ${found.database}`);
  const { rows: versions } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${s}.schema_migrations`);
  const version = versions[0]?.version ?? 0;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `schema ${schema} is at version ${version}, newer than this library knows (${SCHEMA_VERSION}): upgrade @renewal-ledger/store-postgres`,
    );
  if (version < SCHEMA_VERSION)
    throw new Error(
      `schema ${schema} is at version ${version}; this library needs ${SCHEMA_VERSION}: open it once for writing to migrate it`,
    );
};
