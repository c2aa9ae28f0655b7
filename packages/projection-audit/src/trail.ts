// Reading the audit trail: entries in chain order, the head, and exports as JSON lines and CSV.
import { canonicalJson } from '@renewal-ledger/core';
import {
  asBigInt,
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
import type { AuditRecord } from './entry.js';
import { AUDIT_COLUMNS, AUDIT_ENTRIES, AUDIT_PROJECTION } from './projection.js';

// An entry without a role has no `role` key (not null), so a JSON line hashes as its entry did.
export const recordOf = (r: SqlRow): AuditRecord => ({
  position: asBigInt(r.position).toString(),
  stream: asText(r.stream),
  revision: asBigInt(r.revision).toString(),
  eventId: asText(r.event_id),
  type: asText(r.type),
  schemaVersion: asNumber(r.schema_version),
  actor: asText(r.actor),
  ...(r.role !== null && r.role !== undefined ? { role: asText(r.role) } : {}),
  at: asOptionalText(r.at),
  recordedAt: asText(r.recorded_at),
  commandId: asText(r.command_id),
  correlationId: asOptionalText(r.correlation_id),
  causationId: asOptionalText(r.causation_id),
  reason: asOptionalText(r.reason),
  note: asOptionalText(r.note),
  data: JSON.parse(asText(r.data_json)) as unknown,
  prevHash: asText(r.prev_hash),
  hash: asText(r.hash),
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

/** Audit entries in chain (global position) order, a page at a time. */
export async function* auditEntries(db: SqlExecutor, query: AuditQuery = {}): AsyncGenerator<AuditRecord> {
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
    for (const r of rows) yield recordOf(r);
    if (rows.length < PAGE) return;
    after = asBigInt(rows[rows.length - 1]!.position);
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
  return { position: asBigInt(rows[0].position), hash: asText(rows[0].hash), entries: asNumber(count[0]!.n) };
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
export async function* exportAuditJsonLines(db: SqlExecutor, query: AuditQuery = {}): AsyncGenerator<string> {
  for await (const r of auditEntries(db, query)) yield `${canonicalJson(r)}\n`;
}

/**
 * The view's columns, `data_json` exported as `data` (canonical JSON). Typed as strings: an
 * inferred union of the names prints in whatever order the compiler met them, which made the
 * public API report differ between a fresh clone and a warm checkout.
 */
export const AUDIT_CSV_COLUMNS: readonly string[] = AUDIT_COLUMNS.map((c) => (c === 'data_json' ? 'data' : c));

/**
 * A header line, then one line per entry; `data` is the canonical JSON of the event data. Written
 * by the project's CSV writer: text a spreadsheet would run as a formula gets a leading apostrophe
 * (verify the trail from the JSON lines export, which is exact). `bom` starts with a byte order mark.
 */
export async function* exportAuditCsv(
  db: SqlExecutor,
  query: AuditQuery = {},
  options: { readonly bom?: boolean } = {},
): AsyncGenerator<string> {
  yield `${options.bom ? CSV_BOM : ''}${csvLine(AUDIT_CSV_COLUMNS)}`;
  for await (const r of auditEntries(db, query)) {
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
