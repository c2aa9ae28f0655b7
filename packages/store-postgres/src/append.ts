// Appending to the PostgreSQL store: one transaction per append (or batch), under the append lock
// that keeps transaction ids and global positions handed out in the same order (read-all.ts says
// why), with the common case in one statement (one round trip) and a full check only when a
// stream moved.
//
// The steps, each a function below:
// - `appendExpected`: the common case, one statement that takes the lock, checks the revisions
//   the requests expect, inserts and unlocks, committed as it ends;
// - `inAppendTransaction`: BEGIN and take the append lock, run the work, unlock and COMMIT;
// - `appendChecked`: the full check, after a stream moved or a unique violation: `readBatchState`
//   (every stream's revision and every event id already stored, one query), then per request an
//   identical retry (`alreadyStored`), a wrong revision, or new rows, inserted by `insertEvents`;
// - `getAppender`: refuses ids repeated in the batch, then tries, and tries again after a unique
//   violation (a writer that won a race), up to MAX_ATTEMPTS.
import type { Pool, PoolClient } from 'pg';
import type { NewEvent } from '@renewal-ledger/core';
import {
  EventIdConflictError,
  WrongExpectedRevisionError,
  revisionMatches,
  type AppendRequest,
  type AppendResult,
  type ExpectedRevision,
} from '@renewal-ledger/eventstore';
import { checkOut, withConnection } from './connections.js';
import { JSON_SEPARATOR, type Statements } from './statements.js';

/** How many times an append whose insert lost a race is checked and tried again. */
const MAX_ATTEMPTS = 10;

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A request's events, each at the revision it gets: `base`, `base + 1`, ... */
interface Insert {
  readonly request: AppendRequest;
  readonly base: bigint;
  /** Where its result goes in the batch's results. */
  readonly index: number;
}

type Results = (AppendResult | null)[];

/**
 * One append transaction on one pooled connection, holding the append lock from BEGIN until
 * just before COMMIT. Taken before the transaction's first write (when PostgreSQL assigns its
 * id), released before COMMIT: the lock only has to order id and position handout, and the
 * commit (the WAL flush) is the part worth running concurrently. For the full check: BEGIN +
 * lock, the check, the insert, unlock + COMMIT (four round trips).
 */
const inAppendTransaction = async <T>(pool: Pool, sql: Statements, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const connection = await checkOut(pool);
  const { client } = connection;
  // Whether this session may hold the lock: until unlock + COMMIT has answered, it may.
  let mayHoldLock = true;
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; ${sql.lock}`);
    const result = await work(client);
    await client.query(`${sql.unlock}; COMMIT`);
    mayHoldLock = false;
    return result;
  } catch (e) {
    // A connection that broke ended its session, and the transaction and the lock with it.
    const lost = connection.lost();
    if (lost) throw lost;
    try {
      await client.query('ROLLBACK');
      // Unlocking a lock not held only warns: safe when the failure came before the lock.
      if (mayHoldLock) await client.query(sql.unlock);
    } catch (cleanup) {
      // A connection that may still hold the lock must not go back to the pool.
      broken = cleanup as Error;
    }
    throw e;
  } finally {
    connection.release(broken);
  }
};

/** The revision of a stream's last event, or no-stream. */
const lastRevision = async (client: PoolClient, sql: Statements, streamName: string): Promise<bigint | 'no-stream'> => {
  const { rows } = await client.query<{ last: string | null }>({ ...sql.lastRevision, values: [streamName] });
  const last = rows[0]?.last;
  return last === null || last === undefined ? 'no-stream' : BigInt(last);
};

/** An event id found stored, where and with what data. */
interface StoredId {
  readonly stream_id: string;
  readonly stream_revision: string;
  readonly global_position: string;
  /** As inserted: a json column keeps the text it was given. */
  readonly data: string;
}

interface BatchState {
  readonly revisions: Map<string, bigint | 'no-stream'>;
  readonly storedIds: ReadonlyMap<string, StoredId>;
}

/**
 * What the batch's appends are checked against, in one query: the last revision of every stream
 * they write, and every one of their event ids already stored.
 */
const readBatchState = async (client: PoolClient, sql: Statements, requests: readonly AppendRequest[]): Promise<BatchState> => {
  const streams = [...new Set(requests.map((r) => r.streamName))];
  const ids = requests.flatMap((r) => r.events.map((e) => e.eventId));
  const { rows } = await client.query<{
    stream_id: string;
    event_id: string | null;
    stream_revision: string;
    global_position: string | null;
    data: string | null;
  }>({
    ...sql.batchState,
    values: [streams, ids],
  });
  const revisions = new Map<string, bigint | 'no-stream'>();
  const storedIds = new Map<string, StoredId>();
  for (const r of rows) {
    if (r.event_id === null) revisions.set(r.stream_id, BigInt(r.stream_revision));
    else storedIds.set(r.event_id, r as StoredId);
  }
  return { revisions, storedIds };
};

/**
 * The same events already stored at the revisions this append would have given them (an append
 * that succeeded, retried): the first append's result. Null when none of the ids is stored;
 * a WrongExpectedRevisionError when some are but not as this exact append; an
 * EventIdConflictError when they are, but with other data.
 */
const alreadyStored = (
  storedIds: ReadonlyMap<string, StoredId>,
  streamName: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  actual: bigint | 'no-stream',
): AppendResult | null => {
  const found = events.map((e) => storedIds.get(e.eventId));
  if (found.every((r) => r === undefined)) return null;
  const elsewhere = found.findIndex((r) => r !== undefined && r.stream_id !== streamName);
  if (elsewhere >= 0) throw new EventIdConflictError(streamName, events[elsewhere]!.eventId, found[elsewhere]!.stream_id);
  const refuse = () => new WrongExpectedRevisionError(streamName, expected, actual);
  const first = found[0];
  if (!first) throw refuse();
  const from = BigInt(first.stream_revision);
  if (expected !== 'any' && from !== (expected === 'no-stream' ? 0n : expected + 1n)) throw refuse();
  for (let i = 0; i < found.length; i++) if (!found[i] || BigInt(found[i]!.stream_revision) !== from + BigInt(i)) throw refuse();
  // The same ids where this append would have put them, but other data: the same command id
  // was used for another command, not retried.
  for (let i = 0; i < found.length; i++)
    if (found[i]!.data !== JSON.stringify(events[i]!.data)) throw new EventIdConflictError(streamName, events[i]!.eventId, streamName);
  const last = found[found.length - 1]!;
  return {
    nextExpectedRevision: BigInt(last.stream_revision),
    lastGlobalPosition: BigInt(last.global_position),
    outcome: 'already-stored',
  };
};

/**
 * The insert statements' parameters: the rows as parallel arrays ($1-$8, the JSON texts joined
 * into one text each, statements.ts says why), and with a `guard`
 * the streams and the revisions they must still be at ($9, $10; -1: no stream). Filled in one
 * pass, with no object per row: every append pays this.
 */
const insertParameters = (inserts: readonly Insert[], guard: ReadonlyMap<string, bigint> | null): unknown[] | null => {
  const streams: string[] = [];
  const revisions: string[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  const recordedAt: (string | null)[] = [];
  for (const { request, base } of inserts) {
    let revision = base;
    for (const e of request.events) {
      streams.push(request.streamName);
      revisions.push(revision.toString());
      revision += 1n;
      ids.push(e.eventId);
      types.push(e.type);
      versions.push(e.schemaVersion);
      data.push(JSON.stringify(e.data));
      metadata.push(JSON.stringify(e.metadata));
      const at = e.metadata?.recordedAt;
      recordedAt.push(typeof at === 'string' ? at : null);
    }
  }
  if (streams.length === 0) return null;
  const values: unknown[] = [
    streams,
    revisions,
    ids,
    types,
    versions,
    data.join(JSON_SEPARATOR),
    metadata.join(JSON_SEPARATOR),
    recordedAt,
  ];
  if (guard) values.push([...guard.keys()], [...guard.values()].map(String));
  return values;
};

type WrittenRow = { global_position: string; stream_id: string; stream_revision: string };

/**
 * The global position of each row written, by stream and revision. INSERT ... SELECT ... ORDER BY
 * draws the identity values in that order; a stream's revision order and its global order must
 * agree, so this is checked rather than assumed (in one pass over the rows sorted by position:
 * RETURNING gives them in that order already, so the sort only runs when it does not).
 */
const positionsOf = (written: readonly WrittenRow[]): Map<string, bigint> => {
  const rows = written.map((w) => ({ position: BigInt(w.global_position), stream: w.stream_id, revision: BigInt(w.stream_revision) }));
  for (let i = 1; i < rows.length; i++)
    if (rows[i - 1]!.position > rows[i]!.position) {
      rows.sort((a, b) => (a.position < b.position ? -1 : 1));
      break;
    }
  const positionOf = new Map<string, bigint>();
  const lastOf = new Map<string, bigint>();
  for (const { position, stream, revision } of rows) {
    const before = lastOf.get(stream);
    if (before !== undefined && before > revision)
      throw new Error(`PostgreSQL assigned global positions out of revision order in ${stream}; nothing was stored`);
    lastOf.set(stream, revision);
    positionOf.set(`${stream}\u0000${revision}`, position);
  }
  return positionOf;
};

/** Each insert's result: the revision and global position of its last event. */
const fillAppended = (inserts: readonly Insert[], positionOf: ReadonlyMap<string, bigint>, results: Results): void => {
  for (const { request, base, index } of inserts) {
    const last = base + BigInt(request.events.length) - 1n;
    const lastGlobalPosition = request.events.length === 0 ? -1n : positionOf.get(`${request.streamName}\u0000${last}`)!;
    results[index] = { nextExpectedRevision: last, lastGlobalPosition, outcome: 'appended' };
  }
};

/** Inserts the events of `inserts` with one statement and fills in their results. */
const insertEvents = async (client: PoolClient, sql: Statements, inserts: readonly Insert[], results: Results): Promise<void> => {
  const values = insertParameters(inserts, null);
  if (values === null) return;
  const { rows: written } = await client.query<WrittenRow>({ ...sql.insert, values });
  fillAppended(inserts, positionsOf(written), results);
};

/**
 * The guard and the rows of the common case, where every request names the exact revision it
 * expects (the handlers do) and the requests on one stream chain; null otherwise.
 */
const guardedPlan = (requests: readonly AppendRequest[]): { guard: Map<string, bigint>; inserts: Insert[] } | null => {
  const guard = new Map<string, bigint>();
  const next = new Map<string, bigint>();
  const inserts: Insert[] = [];
  for (const [index, request] of requests.entries()) {
    const { streamName, expectedRevision, events } = request;
    if (expectedRevision === 'any') return null;
    const expected = expectedRevision === 'no-stream' ? -1n : expectedRevision;
    const chained = next.get(streamName);
    if (chained === undefined) guard.set(streamName, expected);
    else if (chained !== expected) return null;
    next.set(streamName, expected + BigInt(events.length));
    inserts.push({ request, base: expected + 1n, index });
  }
  if (!requests.some((r) => r.events.length > 0)) return null;
  return { guard, inserts };
};

/**
 * The common case in one round trip: every stream is where its requests expect it, and the events
 * go in, in one statement that is the whole transaction (statements.ts, `guardedAppend`): the
 * append lock, the check of the expected revisions and the insert. Null when it does not apply or
 * a stream has moved (nothing was written): the full check then says what happened.
 *
 * The statement sees the table as it was when it started, before it had the lock: a writer that
 * committed meanwhile is not seen by its check but by the unique key (stream, revision), whose
 * violation sends the append to the full check, as one from a writer outside the lock does.
 */
const appendExpected = async (pool: Pool, sql: Statements, requests: readonly AppendRequest[]): Promise<AppendResult[] | null> => {
  const plan = guardedPlan(requests);
  if (plan === null) return null;
  const values = insertParameters(plan.inserts, plan.guard)!;
  const connection = await checkOut(pool);
  let broken: Error | undefined;
  try {
    const { rows } = await connection.client.query<WrittenRow | { global_position: null }>({ ...sql.guardedAppend, values });
    const written = rows.filter((r): r is WrittenRow => r.global_position !== null);
    if (written.length === 0) return null;
    const results: Results = requests.map(() => null);
    fillAppended(plan.inserts, positionsOf(written), results);
    return results as AppendResult[];
  } catch (e) {
    const lost = connection.lost();
    if (lost) throw lost;
    // The session lock outlives the failed statement, if it was taken (unlocking one not held
    // only warns). A connection that may still hold it must not go back to the pool.
    try {
      await connection.client.query(sql.unlock);
    } catch (cleanup) {
      broken = cleanup as Error;
    }
    throw e;
  } finally {
    connection.release(broken);
  }
};

/**
 * The full check: the batch's requests in order against one read of the state (a later request
 * on a stream an earlier one extends sees the revision that request leaves): already stored (an
 * identical retry), a wrong revision, or new events, all inserted by one statement.
 */
const appendChecked = async (client: PoolClient, sql: Statements, requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
  const { revisions, storedIds } = await readBatchState(client, sql, requests);
  const results: Results = [];
  const inserts: Insert[] = [];
  for (const request of requests) {
    const { streamName, events, expectedRevision } = request;
    const actual = revisions.get(streamName) ?? 'no-stream';
    const retry = events.length > 0 ? alreadyStored(storedIds, streamName, events, expectedRevision, actual) : null;
    if (retry) {
      results.push(retry);
      continue;
    }
    if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
    const base = actual === 'no-stream' ? 0n : actual + 1n;
    inserts.push({ request, base, index: results.length });
    results.push(null);
    revisions.set(streamName, base + BigInt(events.length) - 1n);
  }
  await insertEvents(client, sql, inserts, results);
  return results as AppendResult[];
};

/** An id twice in the batch (in one request, or in two) is refused before anything is read. */
const refuseRepeatedIds = (requests: readonly AppendRequest[]): void => {
  const seenIn = new Map<string, string>();
  for (const r of requests)
    for (const e of r.events) {
      const other = seenIn.get(e.eventId);
      if (other !== undefined) throw new EventIdConflictError(r.streamName, e.eventId, other);
      seenIn.set(e.eventId, r.streamName);
    }
};

/** Still losing after every attempt: the first request's refusal, at the revision its stream is at now. */
const stillMoving = async (pool: Pool, sql: Statements, requests: readonly AppendRequest[]): Promise<WrongExpectedRevisionError> => {
  const r = requests[0]!;
  return new WrongExpectedRevisionError(
    r.streamName,
    r.expectedRevision,
    await withConnection(pool, (client) => lastRevision(client, sql, r.streamName)),
  );
};

/**
 * The store's append: every request in one transaction, all or nothing. A unique violation means
 * a writer outside the append lock (or one that checked before it) committed the same revision or
 * event id first; the next attempt re-checks and answers `already-stored` or
 * WrongExpectedRevisionError, or, for `any`, appends after the winner.
 */
export const getAppender =
  (pool: Pool, sql: Statements) =>
  async (requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
    refuseRepeatedIds(requests);
    for (let attempt = 1; ; attempt++) {
      try {
        // First the guarded append; when a stream moved, or after a unique violation (an id
        // stored elsewhere, a writer that won a race), the full check, which names the cause.
        return (
          (attempt === 1 ? await appendExpected(pool, sql, requests) : null) ??
          (await inAppendTransaction(pool, sql, (client) => appendChecked(client, sql, requests)))
        );
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (attempt >= MAX_ATTEMPTS) throw await stillMoving(pool, sql, requests);
        await sleep(Math.random() * 5 * attempt);
      }
    }
  };
