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

/** The canonical JSON of an entry's data: computed once, for both its hash and its stored digest. */
export const canonicalData = (entry: Pick<AuditEntry, 'data'>): string | undefined =>
  entry.data === undefined ? undefined : canonicalJson(entry.data);

/** `,"key":value` as canonicalJson writes a member; nothing for an undefined value, as it leaves those out. */
const member = (key: string, value: unknown): string => (value === undefined ? '' : `,"${key}":${canonicalJson(value)}`);
const rawMember = (key: string, json: string | undefined): string => (json === undefined ? '' : `,"${key}":${json}`);

/**
 * The canonical JSON the hash covers: the entry's fields only, keys in sorted order. Written out
 * member by member (what canonicalJson of the object gives, tested against it) so that the data,
 * the only nested value, is made canonical once per entry (`data`) rather than once per use.
 */
export const canonicalEntry = (entry: AuditEntry, data: string | undefined = canonicalData(entry)): string =>
  `{${(
    member('actor', entry.actor) +
      member('at', entry.at) +
      member('causationId', entry.causationId) +
      member('commandId', entry.commandId) +
      member('correlationId', entry.correlationId) +
      rawMember('data', data) +
      member('eventId', entry.eventId) +
      member('note', entry.note) +
      member('position', entry.position) +
      member('reason', entry.reason) +
      member('recordedAt', entry.recordedAt) +
      member('revision', entry.revision) +
      member('role', entry.role) +
      member('schemaVersion', entry.schemaVersion) +
      member('stream', entry.stream) +
      member('type', entry.type)
  ).slice(1)}}`;

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

/** sha256 of the canonical JSON of the entry's stored fields (keys in sorted order, as canonicalJson writes them): 32 bytes. */
export const storedDigest = (entry: StoredFields, data: string | undefined = canonicalData(entry)): Buffer =>
  createHash('sha256')
    .update(
      `{${(
        member('causationId', entry.causationId) +
          member('commandId', entry.commandId) +
          member('correlationId', entry.correlationId) +
          rawMember('data', data) +
          member('eventId', entry.eventId) +
          member('schemaVersion', entry.schemaVersion)
      ).slice(1)}}`,
    )
    .digest();

/** One row of the audit view: the entry's own fields, the digest of the rest, and the chain's hashes (hex). */
export interface AuditRow extends OwnFields {
  readonly storedDigest: Buffer;
  readonly prevHash: string;
  readonly hash: string;
}

/** The whole entry again: the row's own fields with the stored fields of the event as the store holds it. */
export const entryOf = (row: AuditRow, stored: StoredFields): AuditEntry => ({
  position: row.position,
  stream: row.stream,
  revision: row.revision,
  eventId: stored.eventId,
  type: row.type,
  schemaVersion: stored.schemaVersion,
  actor: row.actor,
  ...(row.role !== undefined ? { role: row.role } : {}),
  at: row.at,
  recordedAt: row.recordedAt,
  commandId: stored.commandId,
  correlationId: stored.correlationId,
  causationId: stored.causationId,
  reason: row.reason,
  note: row.note,
  data: stored.data,
});

export const hashEntry = (prevHash: string, entry: AuditEntry, data: string | undefined = canonicalData(entry)): string =>
  createHash('sha256').update(prevHash).update(canonicalEntry(entry, data)).digest('hex');
