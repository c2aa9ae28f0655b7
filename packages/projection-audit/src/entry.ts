// An audit entry: one stored event with who, when and why, chained to the entry before it:
//   hash = sha256(prevHash + canonicalJson(entry))   (hex; the first prevHash is 64 zeros)
// `entry` is exactly the fields of AuditEntry below (no prevHash, no hash), keys sorted, no
// white space, positions and revisions as decimal strings (JSON has no 64-bit integers).
// `role` is there only when the command was checked against an access policy: entries written
// before roles existed have none, so their hashes (and every seal over them) stay as they were.
//
// The audit view keeps only what is its own (AuditRow): the fields auditors search by, a digest of
// the fields the event store already holds (STORED_FIELDS: ids, schema version, data), and the two
// hashes. The hash still covers the whole entry, so seals and exports are as they were; a reader
// that needs the rest reads the event from the store, and the digest proves it is the one audited.
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

/** The fields of an entry the audit view keeps itself only as a digest: the event store holds them. */
export const STORED_FIELDS = ['data', 'eventId', 'schemaVersion', 'commandId', 'correlationId', 'causationId'] as const;
export type StoredFields = Pick<AuditEntry, (typeof STORED_FIELDS)[number]>;
/** The fields of an entry the audit view keeps as columns: what auditors search by, and the revision its messages name. */
export type OwnFields = Omit<AuditEntry, (typeof STORED_FIELDS)[number]>;
export const OWN_FIELDS = [
  'position',
  'stream',
  'revision',
  'type',
  'actor',
  'role',
  'at',
  'recordedAt',
  'reason',
  'note',
] as const satisfies readonly (keyof OwnFields)[];

export const storedFieldsOf = (entry: AuditEntry): StoredFields => ({
  eventId: entry.eventId,
  schemaVersion: entry.schemaVersion,
  commandId: entry.commandId,
  correlationId: entry.correlationId,
  causationId: entry.causationId,
  data: entry.data,
});

/** sha256 of the canonical JSON of the entry's stored fields: 32 bytes. */
export const storedDigest = (entry: AuditEntry): Buffer =>
  createHash('sha256')
    .update(canonicalJson(storedFieldsOf(entry)))
    .digest();

/** One row of the audit view: the entry's own fields, the digest of the rest, and the chain's hashes (hex). */
export interface AuditRow extends OwnFields {
  readonly storedDigest: Buffer;
  readonly prevHash: string;
  readonly hash: string;
}

/** The whole entry again: the row's own fields with the stored fields of the event as the store holds it. */
export const entryOf = (row: AuditRow, stored: StoredFields): AuditEntry => {
  const { storedDigest: _digest, prevHash: _prev, hash: _hash, ...own } = row;
  return { ...own, ...stored };
};

export const hashEntry = (prevHash: string, entry: AuditEntry): string =>
  createHash('sha256').update(prevHash).update(canonicalEntry(entry)).digest('hex');

export const chainEntry = (prevHash: string, entry: AuditEntry): AuditRecord => ({ ...entry, prevHash, hash: hashEntry(prevHash, entry) });
