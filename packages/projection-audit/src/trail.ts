// Reading the audit trail: entries in chain order, the head, and exports as JSON lines and CSV.
// The view keeps each entry's own fields and a digest of the rest (entry.ts); a whole entry is
// the view's row with the event's ids, schema version and data read from the store beside it,
// checked against the digest, so a trail never shows an event other than the one audited.
import { canonicalJson, type RecordedEvent } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import {
  asBigInt,
  asBytes,
  asNumber,
  asOptionalText,
  asText,
  CSV_BOM,
  csvLine,
  readLiveCheckpoint,
  requireLiveView,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from '@renewal-ledger/projections';
import { auditEntryOf, entryOf, storedDigest, type AuditRecord, type AuditRow } from './entry.js';
import { AUDIT_ENTRIES, AUDIT_PROJECTION, hashBytes } from './projection.js';

const hexOf = (v: unknown): string => Buffer.from(asBytes(v)).toString('hex');

// An entry without a role has no `role` key (not null), so a JSON line hashes as its entry did.
export const rowOf = (r: SqlRow): AuditRow => ({
  position: asBigInt(r.position).toString(),
  stream: asText(r.stream),
  revision: asBigInt(r.revision).toString(),
  type: asText(r.type),
  actor: asText(r.actor),
  ...(r.role !== null && r.role !== undefined ? { role: asText(r.role) } : {}),
  at: asOptionalText(r.at),
  recordedAt: asText(r.recorded_at),
  reason: asOptionalText(r.reason),
  note: asOptionalText(r.note),
  storedDigest: Buffer.from(asBytes(r.stored_digest)),
  prevHash: hexOf(r.prev_hash),
  hash: hexOf(r.hash),
});

export interface AuditQuery {
  /** Only this stream (e.g. `renewal-cycle-unit-0301/2026-01`). */
  readonly stream?: string;
  /** Entries after this global position. */
  readonly after?: bigint;
  /** Entries up to and including this global position. */
  readonly through?: bigint;
}

const PAGE = 1000;

/** The view's rows in chain (global position) order, a page at a time: no store read. */
export async function* auditRows(db: SqlExecutor, query: AuditQuery = {}): AsyncGenerator<AuditRow> {
  await requireLiveView(db, AUDIT_PROJECTION);
  let after = query.after ?? -1n;
  for (;;) {
    const params: SqlValue[] = [after];
    let where = 'position > ?';
    if (query.stream !== undefined) {
      where += ' AND stream = ?';
      params.push(query.stream);
    }
    if (query.through !== undefined) {
      where += ' AND position <= ?';
      params.push(query.through);
    }
    const rows = await db.query(`SELECT * FROM ${AUDIT_ENTRIES} WHERE ${where} ORDER BY position LIMIT ${PAGE}`, params);
    for (const r of rows) yield rowOf(r);
    if (rows.length < PAGE) return;
    after = asBigInt(rows[rows.length - 1]!.position);
  }
}

/** The store no longer holds an audited event as it was audited: `verifyAuditChain` says what changed. */
export class AuditTrailMismatchError extends Error {
  override readonly name = 'AuditTrailMismatchError';
  readonly code = 'AUDIT_TRAIL_MISMATCH';
  constructor(
    /** Global position of the audited entry. */
    readonly position: bigint,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Audit entries in chain (global position) order, a page at a time: the view's rows with the rest
 * of each entry read from the store (the stream's events for a stream, else the log from the
 * first entry on). An audited event the store no longer holds as audited is an
 * AuditTrailMismatchError: the trail is what was audited or nothing.
 */
export async function* auditEntries(db: SqlExecutor, store: EventStore, query: AuditQuery = {}): AsyncGenerator<AuditRecord> {
  let events: AsyncIterator<RecordedEvent> | null = null;
  let next: RecordedEvent | null = null;
  try {
    for await (const row of auditRows(db, query)) {
      const position = BigInt(row.position);
      events ??= (
        query.stream !== undefined
          ? store.readStream(query.stream, { fromRevision: BigInt(row.revision) })
          : store.readAll({ after: position - 1n, batchSize: PAGE })
      )[Symbol.asyncIterator]();
      while (next === null || next.globalPosition < position) {
        const n = await events.next();
        if (n.done) break;
        next = n.value;
      }
      const where = `the audited ${row.type} event at position ${row.position} (${row.stream}@${row.revision})`;
      if (next === null || next.globalPosition !== position)
        throw new AuditTrailMismatchError(position, `${where} is no longer in the event store (renewal audit verify)`);
      const stored = auditEntryOf(next);
      if (!storedDigest(stored).equals(row.storedDigest))
        throw new AuditTrailMismatchError(position, `${where} differs in the event store from what was audited (renewal audit verify)`);
      yield { ...entryOf(row, stored), prevHash: row.prevHash, hash: row.hash };
    }
  } finally {
    await events?.return?.(undefined);
  }
}

export interface AuditHead {
  /** Global position of the last entry. */
  readonly position: bigint;
  readonly hash: string;
  readonly entries: number;
}

/** The last entry of the chain as the view holds it (not verified: see verifyAuditChain). */
export const readAuditHead = async (db: SqlExecutor): Promise<AuditHead | null> => {
  await requireLiveView(db, AUDIT_PROJECTION);
  const rows = await db.query(`SELECT position, hash FROM ${AUDIT_ENTRIES} ORDER BY position DESC LIMIT 1`);
  if (!rows[0]) return null;
  const count = await db.query(`SELECT COUNT(*) AS n FROM ${AUDIT_ENTRIES}`);
  return { position: asBigInt(rows[0].position), hash: hexOf(rows[0].hash), entries: asNumber(count[0]!.n) };
};

/** The entry of the chain with this hash (hex), with the number of entries up to it; null when none has it (not verified). */
export const findAuditHash = async (db: SqlExecutor, hash: string): Promise<AuditHead | null> => {
  await requireLiveView(db, AUDIT_PROJECTION);
  if (!/^[0-9a-f]{64}$/i.test(hash)) return null;
  const rows = await db.query(`SELECT position FROM ${AUDIT_ENTRIES} WHERE hash = ?`, [hashBytes(hash)]);
  if (!rows[0]) return null;
  const position = asBigInt(rows[0].position);
  const count = await db.query(`SELECT COUNT(*) AS n FROM ${AUDIT_ENTRIES} WHERE position <= ?`, [position]);
  return { position, hash: hash.toLowerCase(), entries: asNumber(count[0]!.n) };
};

/**
 * How far the audit view says it has audited (its checkpoint: the position of the last event it
 * applied, written in the same transaction as the entries) and where its chain actually ends. The
 * two agree unless entries were removed from the end of the chain (or rows added past it).
 */
export interface AuditCoverage {
  readonly checkpoint: bigint | null;
  readonly chainEnd: bigint | null;
}

export const readAuditCoverage = async (db: SqlExecutor): Promise<AuditCoverage> => {
  const checkpoint = (await readLiveCheckpoint(db, AUDIT_PROJECTION))?.position ?? null;
  const rows = await db.query(`SELECT MAX(position) AS position FROM ${AUDIT_ENTRIES}`);
  const end = rows[0]?.position;
  return { checkpoint, chainEnd: end === null || end === undefined ? null : asBigInt(end) };
};

/** Why the chain and the checkpoint disagree, or null when they agree. */
export const coverageGap = ({ checkpoint, chainEnd }: AuditCoverage): string | null =>
  checkpoint === chainEnd
    ? null
    : `the audit view has audited the events up to position ${checkpoint ?? 'none'}, but its chain ends ${chainEnd === null ? 'before its first entry' : `at position ${chainEnd}`}: ${
        chainEnd === null || (checkpoint !== null && chainEnd < checkpoint)
          ? 'entries were removed from its end'
          : 'rows were added past it'
      }`;

/**
 * One line per entry: the canonical JSON of the entry's fields plus `prevHash` and `hash`.
 * Anyone can check a line with: sha256(prevHash + canonical JSON of the line without prevHash
 * and hash) === hash, and each line's prevHash === the previous line's hash.
 */
export async function* exportAuditJsonLines(db: SqlExecutor, store: EventStore, query: AuditQuery = {}): AsyncGenerator<string> {
  for await (const r of auditEntries(db, store, query)) yield `${canonicalJson(r)}\n`;
}

/**
 * Every field of an entry, `data` as canonical JSON, then the two hashes. Typed as strings: an
 * inferred union of the names prints in whatever order the compiler met them, which made the
 * public API report differ between a fresh clone and a warm checkout.
 */
export const AUDIT_CSV_COLUMNS: readonly string[] = [
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
  'data',
  'prev_hash',
  'hash',
];

/**
 * A header line, then one line per entry; `data` is the canonical JSON of the event data. Written
 * by the project's CSV writer: text a spreadsheet would run as a formula gets a leading apostrophe
 * (verify the trail from the JSON lines export, which is exact). `bom` starts with a byte order mark.
 */
export async function* exportAuditCsv(
  db: SqlExecutor,
  store: EventStore,
  query: AuditQuery = {},
  options: { readonly bom?: boolean } = {},
): AsyncGenerator<string> {
  yield `${options.bom ? CSV_BOM : ''}${csvLine(AUDIT_CSV_COLUMNS)}`;
  for await (const r of auditEntries(db, store, query)) {
    const fields = [
      r.position,
      r.stream,
      r.revision,
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
      canonicalJson(r.data),
      r.prevHash,
      r.hash,
    ];
    yield csvLine(fields);
  }
}
