// Verifying the audit chain. Every entry is checked three ways, in position order, and the first
// that fails is named:
// 1. its hash matches its own content and prevHash (catches an edited audit row); the view keeps
//    the fields the store holds (ids, data) only as a digest, so they are read from the store and
//    the digest says whether they are the ones audited (entry.ts);
// 2. its prevHash is the hash of the entry before (catches a removed, inserted or reordered row);
// 3. it matches the event re-read from the event store now (catches a stored event edited,
//    removed or added after it was audited, or one that no longer decodes).
// A rewrite of events and audit rows together passes all three: seals catch it. A seal is the
// head hash of a verified chain kept outside the system; verifying against it recomputes the
// hash at the sealed position from the events and compares.
import type { RecordedEvent } from '@renewal-ledger/core';
import { StoredEventDecodeError, type EventStore } from '@renewal-ledger/eventstore';
import type { SqlExecutor } from '@renewal-ledger/projections';
import {
  auditEntryOf,
  canonicalData,
  entryOf,
  GENESIS_HASH,
  hashEntry,
  OWN_FIELDS,
  STORED_FIELDS,
  storedDigest,
  type AuditEntry,
  type AuditRecord,
  type AuditRow,
} from './entry.js';
import { lateEntryCheck, type LateEntry } from './late-entries.js';
import { auditRows, coverageGap, readAuditCoverage, type AuditHead } from './trail.js';

/** The head of a verified chain, to keep outside the system (print it, mail it, sign it). */
export interface AuditSeal {
  /** Global position of the sealed entry, as decimal text. */
  readonly position: string;
  readonly hash: string;
  /** Entries in the chain up to and including it. */
  readonly entries: number;
  readonly sealedAt: string;
}

export type AuditProblemKind =
  /** The audit row's hash does not match its content: the row was edited. */
  | 'entry-altered'
  /** The row's prevHash is not the previous row's hash: rows were removed, inserted or reordered. */
  | 'chain-broken'
  /** The stored event differs from what was audited: the event was edited after the fact. */
  | 'event-altered'
  /** An audited event is no longer in the store. */
  | 'event-missing'
  /** An event in the store before the audit head has no audit entry. */
  | 'entry-missing'
  /** The stored event no longer decodes. */
  | 'event-unreadable'
  /** The chain does not end in the sealed hash at the sealed position: history was rewritten. */
  | 'seal-mismatch'
  /** The chain ends before the position the audit view's checkpoint says it has audited: entries were removed from its end. */
  | 'chain-truncated';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** Global position of the first entry that no longer matches. */
  readonly position: bigint;
  readonly reason: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** The first problem, or null when the chain verified. */
  readonly problem: AuditProblem | null;
  /** Entries verified before the first problem (all of them when ok). */
  readonly entries: number;
  /** The last verified entry: what a seal records. Null when nothing verified. */
  readonly head: AuditHead | null;
  /** Seals checked and found matching. */
  readonly sealsMatched: number;
  /** Global position of the store's newest event: past `head`, events not audited yet. */
  readonly storeHead: bigint;
  /**
   * Entries verified that were recorded after a period was closed but are dated inside it
   * (late-entries.ts): not tampering, so `ok` does not depend on them; the closed figures no
   * longer hold for them. Always empty for an export (it cannot see the closings' time zone).
   */
  readonly lateEntries: readonly LateEntry[];
}

export interface VerifyOptions {
  /** Seals issued earlier: each must match the chain at its position. */
  readonly seals?: readonly AuditSeal[];
  /** Called every 1,000 entries with how many were verified. */
  readonly onProgress?: (entries: number) => void;
}

/** Names the fields in which the audited entry (the row, and the digest of the rest) and the event as stored now differ. */
const differences = (audited: AuditRow, now: AuditEntry, digestHolds: boolean): string[] => {
  // Own fields are text or null; `?? null`: an optional field (the role) present on one side only is a difference too.
  const named: string[] = OWN_FIELDS.filter((k) => (audited[k] ?? null) !== (now[k] ?? null));
  if (!digestHolds) named.push(`${STORED_FIELDS.slice(0, -1).join(', ')} or ${STORED_FIELDS.at(-1)} (the audit view keeps their digest)`);
  return named;
};

const isDecodeError = (e: unknown): e is StoredEventDecodeError =>
  e instanceof StoredEventDecodeError || (e instanceof Error && (e as { code?: unknown }).code === 'STORED_EVENT_UNREADABLE');

/**
 * Checks the audit view against itself, the event store, and any seals; reports the late entries
 * among the events verified (late-entries.ts). Memory stays flat, but for the late entries found.
 */
export const verifyAuditChain = async (db: SqlExecutor, store: EventStore, options: VerifyOptions = {}): Promise<AuditVerification> => {
  const seals = [...(options.seals ?? [])].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  // Read first, and the chain verified only up to it: entries a runner appends meanwhile come
  // after it (the entries up to it were committed with it), so the end of the chain must be it.
  const { checkpoint } = await readAuditCoverage(db);
  const storeHead = await store.headPosition();
  const lateOf = await lateEntryCheck(store);
  const late: LateEntry[] = [];
  const events = store.readAll({ batchSize: 1000 })[Symbol.asyncIterator]();
  let pending: RecordedEvent | null = null;
  let unreadable: StoredEventDecodeError | null = null;
  let exhausted = false;
  /** The next stored event, or null at the end; an undecodable event is kept as `unreadable`. */
  const peek = async (): Promise<RecordedEvent | null> => {
    if (pending || exhausted || unreadable) return pending;
    try {
      const n = await events.next();
      if (n.done) exhausted = true;
      else pending = n.value;
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      unreadable = e;
    }
    return pending;
  };

  let entries = 0;
  let previous: AuditRow | null = null;
  let sealsMatched = 0;
  let nextSeal = 0;
  const result = (problem: AuditProblem | null): AuditVerification => ({
    ok: problem === null,
    problem,
    entries,
    head: previous ? { position: BigInt(previous.position), hash: previous.hash, entries } : null,
    sealsMatched,
    storeHead,
    lateEntries: late,
  });
  const fail = async (kind: AuditProblemKind, position: bigint, reason: string) => {
    await events.return?.(undefined);
    return result({ kind, position, reason });
  };

  for await (const row of auditRows(db, checkpoint === null ? {} : { through: checkpoint })) {
    const position = BigInt(row.position);
    // A seal between the previous entry and this one names a position the chain no longer has.
    while (nextSeal < seals.length && BigInt(seals[nextSeal]!.position) < position) {
      const s = seals[nextSeal]!;
      return fail(
        'seal-mismatch',
        BigInt(s.position),
        `the seal of ${s.sealedAt} names position ${s.position}, which the audit chain no longer has`,
      );
    }
    // The stored event at this position; events before it have no entry (named once the row's
    // own checks and its link hold: a removed row is a broken chain first).
    let skipped: RecordedEvent | null = null;
    let event = await peek();
    while (event && event.globalPosition < position) {
      skipped ??= event;
      pending = null;
      event = await peek();
    }
    const stored = event && event.globalPosition === position ? auditEntryOf(event) : null;
    // The row keeps a digest of what the store holds (ids, data): when the stored event still
    // matches it, the row's hash over its own fields and the stored ones checks the row; when it
    // does not but the hash still holds, the store is as audited and the digest was edited. When
    // neither holds, the stored event changed (below, event-altered).
    const data = stored ? canonicalData(stored) : undefined;
    const digestHolds = stored !== null && storedDigest(stored, data).equals(row.storedDigest);
    if (stored && digestHolds !== (hashEntry(row.prevHash, entryOf(row, stored), data) === row.hash))
      return fail('entry-altered', position, 'the audit entry no longer matches its own hash: the audit row was edited');
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (row.prevHash !== expectedPrev)
      return fail(
        'chain-broken',
        position,
        previous
          ? `its prevHash is not the hash of the entry before it (position ${previous.position}): entries were removed, inserted or reordered`
          : 'the first entry does not start from the genesis hash: entries before it were removed',
      );
    if (skipped)
      return fail(
        'entry-missing',
        skipped.globalPosition,
        `the stored ${skipped.type} event (${skipped.streamName}@${skipped.streamRevision}) has no audit entry`,
      );
    if (unreadable && (!event || (unreadable as StoredEventDecodeError).globalPosition <= position)) {
      const u = unreadable as StoredEventDecodeError;
      return fail('event-unreadable', u.globalPosition, u.message);
    }
    if (!event || !stored)
      return fail(
        'event-missing',
        position,
        `the audited ${row.type} event (${row.stream}@${row.revision}) is no longer in the event store`,
      );
    pending = null;
    const changed = differences(row, stored, digestHolds);
    if (changed.length > 0)
      return fail(
        'event-altered',
        position,
        `the stored ${event.type} event (${event.streamName}@${event.streamRevision}) differs from what was audited in: ${changed.join(', ')}`,
      );
    if (lateOf) late.push(...lateOf(event));

    entries += 1;
    previous = row;
    while (nextSeal < seals.length && BigInt(seals[nextSeal]!.position) === position) {
      const s = seals[nextSeal]!;
      if (s.hash !== row.hash || s.entries !== entries)
        return fail(
          'seal-mismatch',
          position,
          `the chain at position ${s.position} ends in ${row.hash} after ${entries} entries; the seal of ${s.sealedAt} says ${s.hash} after ${s.entries}: history up to here was rewritten`,
        );
      sealsMatched += 1;
      nextSeal += 1;
    }
    if (entries % 1000 === 0) options.onProgress?.(entries);
  }
  if (nextSeal < seals.length) {
    const s = seals[nextSeal]!;
    return fail(
      'seal-mismatch',
      BigInt(s.position),
      `the seal of ${s.sealedAt} names position ${s.position}, past the end of the audit chain: entries were removed`,
    );
  }
  // A chain cut short ends before the checkpoint: the events after its end would otherwise pass
  // as "not audited yet", and could be edited unnoticed.
  const gap = checkpoint === null ? null : coverageGap({ checkpoint, chainEnd: previous ? BigInt(previous.position) : null });
  if (gap) {
    const next = await peek();
    return fail('chain-truncated', next && next.globalPosition <= checkpoint! ? next.globalPosition : checkpoint!, gap);
  }
  // Past the audit head: events not audited yet are fine; an unreadable one is not.
  await peek();
  if (unreadable) {
    const u = unreadable as StoredEventDecodeError;
    return fail('event-unreadable', u.globalPosition, u.message);
  }
  await events.return?.(undefined);
  options.onProgress?.(entries);
  return result(null);
};

/** Verifies the chain and, when it holds, returns a seal of its head. */
export const sealAuditChain = async (
  db: SqlExecutor,
  store: EventStore,
  options: VerifyOptions & { readonly clock?: () => string } = {},
): Promise<{ readonly verification: AuditVerification; readonly seal: AuditSeal | null }> => {
  const verification = await verifyAuditChain(db, store, options);
  const head = verification.head;
  const seal =
    verification.ok && head
      ? {
          position: head.position.toString(),
          hash: head.hash,
          entries: head.entries,
          sealedAt: (options.clock ?? (() => new Date().toISOString()))(),
        }
      : null;
  return { verification, seal };
};

/**
 * Checks an exported JSON-lines file on its own (no database, no store): every line's hash and
 * link, and the seals given. It cannot see events edited in the store: verifyAuditChain can.
 */
export const verifyAuditExport = async (
  lines: AsyncIterable<string> | Iterable<string>,
  options: { readonly seals?: readonly AuditSeal[] } = {},
): Promise<AuditVerification> => {
  const seals = new Map((options.seals ?? []).map((s) => [s.position, s]));
  let previous: AuditRecord | null = null;
  let entries = 0;
  let sealsMatched = 0;
  const matched = new Set<string>();
  const result = (problem: AuditProblem | null): AuditVerification => ({
    ok: problem === null,
    problem,
    entries,
    head: previous ? { position: BigInt(previous.position), hash: previous.hash, entries } : null,
    sealsMatched,
    storeHead: previous ? BigInt(previous.position) : -1n,
    lateEntries: [],
  });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as AuditRecord;
    const position = BigInt(row.position);
    if (hashEntry(row.prevHash, row) !== row.hash)
      return result({ kind: 'entry-altered', position, reason: 'the line no longer matches its own hash' });
    if (row.prevHash !== (previous ? previous.hash : GENESIS_HASH))
      return result({ kind: 'chain-broken', position, reason: 'its prevHash is not the hash of the line before it' });
    entries += 1;
    previous = row;
    const s = seals.get(row.position);
    if (s) {
      if (s.hash !== row.hash || s.entries !== entries)
        return result({ kind: 'seal-mismatch', position, reason: `the seal of ${s.sealedAt} says ${s.hash} after ${s.entries} entries` });
      sealsMatched += 1;
      matched.add(s.position);
    }
  }
  const missing = [...seals.values()]
    .filter((s) => !matched.has(s.position))
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1))[0];
  if (missing)
    return result({
      kind: 'seal-mismatch',
      position: BigInt(missing.position),
      reason: `the sealed position ${missing.position} is not in the export`,
    });
  return result(null);
};
