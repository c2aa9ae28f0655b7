// An audit entry: one stored event with who, when and why, chained to the entry before it:
//   hash = sha256(prevHash + canonicalJson(entry))   (hex; the first prevHash is 64 zeros)
// `entry` is exactly the fields of AuditEntry below (no prevHash, no hash), keys sorted, no
// white space, positions and revisions as decimal strings (JSON has no 64-bit integers).
// `role` is there only when the command was checked against an access policy: entries written
// before roles existed have none, so their hashes (and every seal over them) stay as they were.
import { createHash } from 'node:crypto';
import { canonicalJson, type RecordedEvent } from '@renewal-ledger/core';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** Global position of the event in the store, as decimal text. */
  readonly position: string;
  readonly stream: string;
  /** The event's revision in its stream (0 for the first), as decimal text. */
  readonly revision: string;
  readonly eventId: string;
  readonly type: string;
  /** The schema version the event was stored with. */
  readonly schemaVersion: number;
  /** Who asked for it (the command's actor). */
  readonly actor: string;
  /** The actor's role when the command was checked against an access policy (docs/roles-and-approvals.md). */
  readonly role?: string;
  /** Business time: when it happened in the world (the event data's `at`). */
  readonly at: string | null;
  /** When the store recorded it. */
  readonly recordedAt: string;
  readonly commandId: string;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /** The reason given (disputes, refunds, adjustments, write-offs, plan cancellations). */
  readonly reason: string | null;
  /** The note given (dispute resolutions). */
  readonly note: string | null;
  /** The event's data as the store returns it. */
  readonly data: unknown;
}

export interface AuditRecord extends AuditEntry {
  readonly prevHash: string;
  readonly hash: string;
}

const textOr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export const auditEntryOf = (event: RecordedEvent): AuditEntry => {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    position: event.globalPosition.toString(),
    stream: event.streamName,
    revision: event.streamRevision.toString(),
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    actor: event.metadata.actor,
    ...(event.metadata.role !== undefined ? { role: event.metadata.role } : {}),
    at: textOr(data.at),
    recordedAt: event.metadata.recordedAt,
    commandId: event.metadata.commandId,
    correlationId: event.metadata.correlationId ?? null,
    causationId: event.metadata.causationId ?? null,
    reason: textOr(data.reason),
    note: textOr(data.note),
    data: event.data,
  };
};

/** The canonical JSON the hash covers: the entry's own fields only. */
export const canonicalEntry = (entry: AuditEntry): string =>
  canonicalJson({
    position: entry.position,
    stream: entry.stream,
    revision: entry.revision,
    eventId: entry.eventId,
    type: entry.type,
    schemaVersion: entry.schemaVersion,
    actor: entry.actor,
    ...(entry.role !== undefined ? { role: entry.role } : {}),
    at: entry.at,
    recordedAt: entry.recordedAt,
    commandId: entry.commandId,
    correlationId: entry.correlationId,
    causationId: entry.causationId,
    reason: entry.reason,
    note: entry.note,
    data: entry.data,
  });

export const hashEntry = (prevHash: string, entry: AuditEntry): string =>
  createHash('sha256').update(prevHash).update(canonicalEntry(entry)).digest('hex');

export const chainEntry = (prevHash: string, entry: AuditEntry): AuditRecord => ({ ...entry, prevHash, hash: hashEntry(prevHash, entry) });
