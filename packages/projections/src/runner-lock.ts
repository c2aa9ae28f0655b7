// The views database's runner lock. Two runners on one PostgreSQL views database (two processes,
// a follower and a `rebuild`) lock the same rows and tables in different orders: a batch locks its
// checkpoints, then its cycle-state set, and merging sets that meet locks another set, then the
// checkpoints of that set's views; a rebuild drops tables another runner's batch is writing. Row
// locks alone deadlocked (PostgreSQL ended one transaction, and the runner took that for an event
// it could not apply). So every runner transaction takes this lock first: one runner transaction
// at a time per views database, each short (one batch). Readers never take it.
//
// Two-key advisory lock, as the PostgreSQL event store's (0x726c0001 migrations, 0x726c0002
// appends): a fixed first key, the schema's hash as the second, so views in other schemas (or
// other tenants' databases) do not wait for each other. SQLite needs none: a runner transaction
// is BEGIN IMMEDIATE, which already holds the file's one write lock.
import type { SqlExecutor } from './sql.js';

export const RUNNER_LOCK_CLASS = 0x726c0003;

/** Takes the views database's runner lock for the rest of the transaction (PostgreSQL; SQLite holds its write lock already). */
export const lockViewsForRunner = async (tx: SqlExecutor): Promise<void> => {
  if (tx.dialect === 'postgres')
    await tx.query(`SELECT pg_advisory_xact_lock(${RUNNER_LOCK_CLASS}, hashtext(COALESCE(current_schema(), '')))`);
};

// What the databases say when a lock could not be had: SQLite's busy and locked codes (better-sqlite3
// gives the extended ones, SQLITE_BUSY_SNAPSHOT...), PostgreSQL's deadlock_detected,
// serialization_failure and lock_not_available.
const SQLITE_LOCK_CODES = /^SQLITE_(BUSY|LOCKED)(_|$)/;
const POSTGRES_LOCK_CODES = new Set(['40P01', '40001', '55P03']);

/** Whether an error says only that another connection held a lock the transaction needed. */
export const isLockConflict = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (SQLITE_LOCK_CODES.test(code) || POSTGRES_LOCK_CODES.has(code));
};

/**
 * The views database was held by another connection (another runner's long transaction, a
 * VACUUM, a tool) past the wait: no event is to blame, nothing was written, and running again
 * goes on from the checkpoint. A follower tries again at its next poll.
 */
export class ViewsBusyError extends Error {
  override readonly name = 'ViewsBusyError';
  readonly code = 'VIEWS_BUSY' as const;
  constructor(override readonly cause: unknown) {
    const said = cause instanceof Error ? cause.message : String(cause);
    super(`the views database is busy: another connection held the lock this batch needed (${said}); nothing was written, run again`);
  }
}
