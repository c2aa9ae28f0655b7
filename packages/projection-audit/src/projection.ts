// The audit projection: every event of every stream as a hash-chained audit entry.
import { defineProjection, asText, insertRows, type SqlValue } from '@renewal-ledger/projections';
import { chainEntry, auditEntryOf, GENESIS_HASH } from './entry.js';

export const AUDIT_PROJECTION = 'audit';
/** The table readers query (a SQL view over the live table set). */
export const AUDIT_ENTRIES = 'audit_entries';

export const AUDIT_COLUMNS = [
  'position',
  'stream',
  'revision',
  'event_id',
  'type',
  'schema_version',
  'actor',
  'role',
  'at',
  'recorded_at',
  'command_id',
  'correlation_id',
  'causation_id',
  'reason',
  'note',
  'data_json',
  'prev_hash',
  'hash',
] as const;

export const auditProjection = defineProjection({
  name: AUDIT_PROJECTION,
  version: 2,
  eventTypes: 'all',
  tables: [AUDIT_ENTRIES],
  async createTables(tx, t) {
    const table = t.audit_entries;
    await tx.execute(`CREATE TABLE ${table} (
      position BIGINT PRIMARY KEY,
      stream TEXT NOT NULL,
      revision BIGINT NOT NULL,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      schema_version BIGINT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT,
      at TEXT,
      recorded_at TEXT NOT NULL,
      command_id TEXT NOT NULL,
      correlation_id TEXT,
      causation_id TEXT,
      reason TEXT,
      note TEXT,
      data_json TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL)`);
    await tx.execute(`CREATE INDEX ${table}_stream ON ${table} (stream, position)`);
  },
  async applyBatch(events, tx, t) {
    const table = t.audit_entries;
    const last = await tx.query(`SELECT hash FROM ${table} ORDER BY position DESC LIMIT 1`);
    let prevHash = last[0] ? asText(last[0].hash) : GENESIS_HASH;
    const rows: SqlValue[][] = [];
    for (const event of events) {
      const r = chainEntry(prevHash, auditEntryOf(event));
      rows.push([
        event.globalPosition,
        r.stream,
        event.streamRevision,
        r.eventId,
        r.type,
        r.schemaVersion,
        r.actor,
        r.role ?? null,
        r.at,
        r.recordedAt,
        r.commandId,
        r.correlationId,
        r.causationId,
        r.reason,
        r.note,
        JSON.stringify(r.data),
        r.prevHash,
        r.hash,
      ]);
      prevHash = r.hash;
    }
    await insertRows(tx, table, AUDIT_COLUMNS, rows);
  },
});
