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
