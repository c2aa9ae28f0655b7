// Cycle-state sets: the one copy of every cycle's folded state that the views sharing it read,
// instead of a copy per view (four views kept 50.8 MB each on the demo).
//
// A state set is a table of compact rows (cycle-state-row.ts) with a position of its own, in
// `renewal_cycle_state_sets`. Each view table set that declares `cycleStates` records in its
// checkpoint row which state set it uses. The rule that keeps every view exact: **a view's
// checkpoint always equals its state set's position**. The runner keeps it so:
// - views at the same checkpoint run in one transaction per batch: the state set is folded once
//   and each view is handed each event's state before and after it;
// - before a batch would move a state set without one of its views (`--only`, a view that
//   failed, a view nobody runs), that view gets a copy of the set in the same transaction;
// - a table set built from zero (first run, version bump, rebuild) gets a fresh empty state set;
// - when two state sets reach the same position they hold the same rows (the same events folded
//   by the same code): the views of one move to the other and it is dropped, in the transaction
//   of the batch that made them meet.
// Readers reach a view's live state set through a SQL view named by the projection (the arrears
// reader joins `arrears_states`), re-pointed in the transaction that changes the set.
import { createCycleStateTable } from './cycle-state-row.js';
import { lockViewsForRunner } from './runner-lock.js';
import { asBigInt, asNumber, type SqlExecutor } from './sql.js';

export const STATE_SETS_TABLE = 'renewal_cycle_state_sets';
const CHECKPOINTS = 'renewal_projection_checkpoints';
const REGISTRY = 'renewal_projection_registry';

/** The table that holds a state set's rows. */
export const stateSetTable = (id: number): string => `renewal_cycle_states_${id}`;

export const ensureStateSetTable = async (tx: SqlExecutor): Promise<void> => {
  await tx.execute(`CREATE TABLE IF NOT EXISTS ${STATE_SETS_TABLE} (id BIGINT PRIMARY KEY, position BIGINT, updated_at TEXT NOT NULL)`);
};

const forUpdate = (tx: SqlExecutor) => (tx.dialect === 'postgres' ? ' FOR UPDATE' : '');

/** A new state set at `position`: empty (position null), or a copy of `from`. */
export const createStateSet = async (tx: SqlExecutor, position: bigint | null, now: string, from?: number): Promise<number> => {
  // Ids are MAX + 1: one runner transaction at a time picks one (runner-lock.ts).
  await lockViewsForRunner(tx);
  const rows = await tx.query(`SELECT MAX(id) AS id FROM ${STATE_SETS_TABLE}`);
  const id = (rows[0]?.id === null || rows[0]?.id === undefined ? 0 : asNumber(rows[0].id)) + 1;
  await createCycleStateTable(tx, stateSetTable(id));
  if (from !== undefined) await tx.execute(`INSERT INTO ${stateSetTable(id)} SELECT * FROM ${stateSetTable(from)}`);
  await tx.execute(`INSERT INTO ${STATE_SETS_TABLE} (id, position, updated_at) VALUES (?, ?, ?)`, [id, position, now]);
  return id;
};

/** A state set's position, locked for the batch's transaction. */
export const lockStateSet = async (tx: SqlExecutor, id: number): Promise<bigint | null | 'gone'> => {
  const rows = await tx.query(`SELECT position FROM ${STATE_SETS_TABLE} WHERE id = ?${forUpdate(tx)}`, [id]);
  const r = rows[0];
  if (!r) return 'gone';
  return r.position === null || r.position === undefined ? null : asBigInt(r.position);
};

export const writeStateSetPosition = async (tx: SqlExecutor, id: number, position: bigint, now: string): Promise<void> => {
  await tx.execute(`UPDATE ${STATE_SETS_TABLE} SET position = ?, updated_at = ? WHERE id = ?`, [position, now, id]);
};

/** A table set that uses a state set, as its checkpoint row says. */
interface StateSetUser {
  readonly projection: string;
  readonly tableSet: string;
  readonly statesView: string | null;
}

const usersOf = async (tx: SqlExecutor, id: number): Promise<StateSetUser[]> =>
  (await tx.query(`SELECT projection, table_set, states_view FROM ${CHECKPOINTS} WHERE state_set = ?`, [id])).map((r) => ({
    projection: String(r.projection),
    tableSet: String(r.table_set),
    statesView: r.states_view === null || r.states_view === undefined ? null : String(r.states_view),
  }));

/** Points the readers' SQL view of a projection's states at a state set. */
export const pointStatesView = async (tx: SqlExecutor, statesView: string, id: number): Promise<void> => {
  await tx.execute(`DROP VIEW IF EXISTS ${statesView}`);
  await tx.execute(`CREATE VIEW ${statesView} AS SELECT * FROM ${stateSetTable(id)}`);
};

/** Moves a table set onto another state set; re-points readers when it is the live set. */
const moveUser = async (tx: SqlExecutor, user: StateSetUser, to: number): Promise<void> => {
  await tx.execute(`UPDATE ${CHECKPOINTS} SET state_set = ? WHERE projection = ? AND table_set = ?`, [to, user.projection, user.tableSet]);
  if (!user.statesView) return;
  const live = await tx.query(`SELECT live_set FROM ${REGISTRY} WHERE projection = ?`, [user.projection]);
  if (live[0] && String(live[0].live_set) === user.tableSet) await pointStatesView(tx, user.statesView, to);
};

/**
 * Before a batch moves state set `id` for the table sets `moving`: every other table set on it
 * gets a copy at the set's current position, so its checkpoint still equals its states'.
 */
export const detachOthers = async (
  tx: SqlExecutor,
  id: number,
  position: bigint | null,
  moving: ReadonlySet<string>,
  now: string,
): Promise<void> => {
  const others = (await usersOf(tx, id)).filter((u) => !moving.has(`${u.projection}\u0000${u.tableSet}`));
  if (others.length === 0) return;
  const copy = await createStateSet(tx, position, now, id);
  for (const u of others) await moveUser(tx, u, copy);
};

/** Drops a state set nobody uses any more. */
export const releaseStateSet = async (tx: SqlExecutor, id: number): Promise<void> => {
  if ((await usersOf(tx, id)).length > 0) return;
  await tx.execute(`DROP TABLE IF EXISTS ${stateSetTable(id)}`);
  await tx.execute(`DELETE FROM ${STATE_SETS_TABLE} WHERE id = ?`, [id]);
};

/**
 * After a batch moved state set `id` to `position`: any other set at the same position holds the
 * same rows, so its views move onto `id` and it is dropped.
 */
export const mergeAt = async (tx: SqlExecutor, id: number, position: bigint): Promise<void> => {
  const twins = await tx.query(`SELECT id FROM ${STATE_SETS_TABLE} WHERE position = ? AND id <> ?${forUpdate(tx)}`, [position, id]);
  for (const t of twins) {
    const twin = asNumber(t.id);
    for (const u of await usersOf(tx, twin)) await moveUser(tx, u, id);
    await releaseStateSet(tx, twin);
  }
};
