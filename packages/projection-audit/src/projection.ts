// The audit projection: every event of every stream as a hash-chained audit entry. A row keeps the
// entry's own fields (what auditors search by), a digest of the fields the event store holds (ids,
// schema version, data) and the two hashes as bytes (BLOB on SQLite, BYTEA on PostgreSQL): the
// rest is read from the store when a reader needs it (entry.ts says how the digest ties them).
import { defineProjection, insertRows, type SqlValue } from '@renewal-ledger/projections';
import { auditEntryOf, canonicalData, GENESIS_HASH, hashEntry, OWN_FIELDS, storedDigest } from './entry.js';

export const AUDIT_PROJECTION = 'audit';
/** The table readers query (a SQL view over the live table set). */
export const AUDIT_ENTRIES = 'audit_entries';

/** The entry's own fields as columns (`recordedAt` as `recorded_at`), then the digest and the hashes. */
export const AUDIT_COLUMNS: readonly string[] = [
  ...OWN_FIELDS.map((field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
  'stored_digest',
  'prev_hash',
  'hash',
];

/** A hex hash as the view stores it. */
export const hashBytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

export const auditProjection = defineProjection({
  name: AUDIT_PROJECTION,
  // 3: the event's ids, schema version and data no longer copied (a digest of them), hashes as bytes.
  version: 3,
  eventTypes: 'all',
  tables: [AUDIT_ENTRIES],
  async createTables(tx, t) {
    const table = t.audit_entries;
    const bytes = tx.dialect === 'postgres' ? 'BYTEA' : 'BLOB';
    await tx.execute(`CREATE TABLE ${table} (
      position BIGINT PRIMARY KEY,
      stream TEXT NOT NULL,
      revision BIGINT NOT NULL,
      type TEXT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT,
      at TEXT,
      recorded_at TEXT NOT NULL,
      reason TEXT,
      note TEXT,
      stored_digest ${bytes} NOT NULL,
      prev_hash ${bytes} NOT NULL,
      hash ${bytes} NOT NULL)`);
    await tx.execute(`CREATE INDEX ${table}_stream ON ${table} (stream, position)`);
  },
  async applyBatch(events, tx, t) {
    const table = t.audit_entries;
    const last = await tx.query(`SELECT hash FROM ${table} ORDER BY position DESC LIMIT 1`);
    let prevHash = last[0] ? Buffer.from(last[0].hash as Uint8Array).toString('hex') : GENESIS_HASH;
    const rows: SqlValue[][] = [];
    // In AUDIT_COLUMNS' order.
    for (const event of events) {
      const r = auditEntryOf(event);
      const data = canonicalData(r);
      const hash = hashEntry(prevHash, r, data);
      rows.push([
        event.globalPosition,
        r.stream,
        event.streamRevision,
        r.type,
        r.actor,
        r.role ?? null,
        r.at,
        r.recordedAt,
        r.reason,
        r.note,
        storedDigest(r, data),
        hashBytes(prevHash),
        hashBytes(hash),
      ]);
      prevHash = hash;
    }
    await insertRows(tx, table, AUDIT_COLUMNS, rows);
  },
});
