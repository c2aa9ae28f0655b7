// Every SQL statement the PostgreSQL store runs against its events table, with the row shape
// reads return. Named statements are parsed and planned once per connection instead of on every
// call (about a third of an append's time otherwise). They are named per schema, since stores on
// other schemas may share the pool and a name must always mean the same text.
import type { StoredEventRow } from '@renewal-ledger/eventstore';
import { APPEND_LOCK_CLASS, quoteIdentifier } from './migrations.js';

/** A row as the read statements return it: int8 and json as text, kept exact. */
export interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

const COLUMNS =
  'global_position, stream_id, stream_revision, event_id, type, schema_version, data::text AS data, metadata::text AS metadata';

export const toStoredRow = (r: EventRow): StoredEventRow => ({
  streamName: r.stream_id,
  streamRevision: BigInt(r.stream_revision),
  globalPosition: BigInt(r.global_position),
  eventId: r.event_id,
  type: r.type,
  schemaVersion: r.schema_version,
  data: r.data,
  metadata: r.metadata,
});

/** A short, stable tag of a schema name for statement names (FNV-1a, 32 bits, hex). */
const fnv1a = (text: string): string => {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
};

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * What separates the events' JSON texts in the insert's $6 (data) and $7 (metadata):
 * U+001E, the record separator. JSON.stringify writes every control character inside a string
 * as a `\u` escape, so it never occurs in the text of a JSON value. One text joined with it costs
 * one `join` to send; an array parameter costs pg (the driver) a quoted, backslash-escaped copy of
 * every element, and JSON is full of quotes (two regular-expression passes and a concatenation:
 * half of what a batch allocated).
 */
export const JSON_SEPARATOR = '\u001e';

// Both inserts take the events as parallel arrays ($1-$5, $8), the JSON texts as one text each
// ($6, $7: split on JSON_SEPARATOR), and draw global positions in the arrays' order (WITH
// ORDINALITY ... ORDER BY).
const insertEvents = (table: string) =>
  `INSERT INTO ${table} (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
       SELECT e.stream_id, e.stream_revision, e.event_id, e.type, e.schema_version, e.data::json, e.metadata::json,
              coalesce(e.recorded_at::timestamptz, now())
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[],
                   string_to_array($6::text, E'\\x1e'), string_to_array($7::text, E'\\x1e'), $8::text[])
            WITH ORDINALITY AS e(stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at, ord)`;

/** The statements of a store on `schema`. */
export const statementsFor = (schema: string) => {
  const table = `${quoteIdentifier(schema)}.events`;
  const tag = fnv1a(schema);
  const named = (what: string, text: string): NamedStatement => ({ name: `rl_${what}_${tag}`, text });
  // The append lock's statements, with the schema as a literal: sent as one simple query with
  // BEGIN or COMMIT, so the lock costs no round trip of its own.
  const schemaLiteral = `'${schema.replace(/'/g, "''")}'`;
  const lockKey = `${APPEND_LOCK_CLASS}, hashtext(${schemaLiteral})`;
  // The expected revisions ($9: streams, $10: the revision each must still be at, -1: no stream)
  // and whether one of them has moved.
  const moved = `expected AS (SELECT * FROM unnest($9::text[], $10::bigint[]) AS x(stream_id, last_revision)),
       moved AS (
         SELECT 1 FROM expected x
         WHERE coalesce((SELECT max(t.stream_revision) FROM ${table} t WHERE t.stream_id = x.stream_id), -1) <> x.last_revision
         LIMIT 1)`;
  return {
    lock: `SELECT pg_advisory_lock(${lockKey})`,
    unlock: `SELECT pg_advisory_unlock(${lockKey})`,
    lastRevision: named('last_revision', `SELECT max(stream_revision) AS last FROM ${table} WHERE stream_id = $1`),
    /** Every stream's last revision ($1) and every event id already stored ($2), in one query. */
    batchState: named(
      'batch_state',
      `SELECT stream_id, NULL::text AS event_id, max(stream_revision)::text AS stream_revision, NULL::text AS global_position, NULL::text AS data
         FROM ${table} WHERE stream_id = ANY($1::text[]) GROUP BY stream_id
       UNION ALL
       SELECT stream_id, event_id, stream_revision::text, global_position::text, data::text FROM ${table} WHERE event_id = ANY($2::text[])`,
    ),
    /**
     * The guarded insert as a whole transaction in one statement (one round trip, committed by
     * the implicit transaction it runs in): the append lock is taken before the first row goes
     * in (so before the transaction gets its id) and released once every row is in, before the
     * commit. One row per event written, or one row of NULLs when a stream had moved (nothing
     * written). A session lock outlives a failed statement: the caller unlocks after an error.
     */
    guardedAppend: named(
      'guarded_append',
      `WITH locked AS MATERIALIZED (SELECT pg_advisory_lock(${lockKey})),
       ${moved},
       written AS (
         ${insertEvents(table)}
         WHERE NOT EXISTS (SELECT 1 FROM moved) AND EXISTS (SELECT 1 FROM locked)
         ORDER BY e.ord
         RETURNING global_position, stream_id, stream_revision),
       unlocked AS MATERIALIZED (SELECT pg_advisory_unlock(${lockKey}) FROM locked, (SELECT count(*) FROM written) AS w)
       SELECT w.global_position, w.stream_id, w.stream_revision FROM unlocked LEFT JOIN written w ON true`,
    ),
    insert: named(
      'insert',
      `${insertEvents(table)}
       ORDER BY e.ord
       RETURNING global_position, stream_id, stream_revision`,
    ),
    readStream: named(
      'read_stream',
      `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
    ),
    readStreams: named(
      'read_streams',
      `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_revision`,
    ),
    /** `settled`: the row's transaction is below the oldest one still running (see read-all.ts). */
    readAll: named(
      'read_all',
      `SELECT ${COLUMNS}, transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS settled
       FROM ${table} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
    ),
    head: named('head', `SELECT max(global_position) AS head FROM ${table}`),
  };
};

export type Statements = ReturnType<typeof statementsFor>;
