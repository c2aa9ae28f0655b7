// Where each projection's rows live and how far each table set has got. Two tables of the
// runner's own, in the view database:
// - `renewal_projection_registry`: per projection, the live table set (what readers see through
//   SQL views named after the base tables) and the one being built (after a version bump or a
//   rebuild), with the table names of each so a later version can drop tables it no longer has.
// - `renewal_projection_checkpoints`: per table set, the global position of the last event
//   applied, written in the same transaction as the rows of each batch.
import type { Projection } from './projection.js';
import { tableNamesOf } from './projection.js';
import { createStateSet, ensureStateSetTable, pointStatesView, releaseStateSet } from './cycle-state-sets.js';
import { lockViewsForRunner } from './runner-lock.js';
import { asBigInt, asNumber, asOptionalText, type SqlExecutor, type ViewDatabase } from './sql.js';

export const REGISTRY_TABLE = 'renewal_projection_registry';
export const CHECKPOINT_TABLE = 'renewal_projection_checkpoints';

export interface TableSet {
  /** `v<version>_<generation>`: the suffix of its tables. */
  readonly id: string;
  readonly version: number;
  /** Base table name -> concrete table name. */
  readonly tables: Readonly<Record<string, string>>;
}

export interface Registration {
  readonly projection: string;
  readonly live: TableSet | null;
  readonly building: TableSet | null;
  readonly generation: number;
}

export interface Checkpoint {
  readonly projection: string;
  readonly tableSet: string;
  readonly version: number;
  /** Global position of the last event applied; null before the first. */
  readonly position: bigint | null;
  /** Events read into this table set so far (including those of types it ignores). */
  readonly events: number;
  readonly updatedAt: string;
  /** The cycle-state set this table set's checkpoint equals (cycle-state-sets.ts), if it uses one. */
  readonly stateSet?: number | null;
}

const forUpdate = (tx: SqlExecutor) => (tx.dialect === 'postgres' ? ' FOR UPDATE' : '');

/** Creates the runner's tables if missing. Safe to call from several processes at once. */
export const ensureRunnerTables = async (db: ViewDatabase): Promise<void> => {
  await db.transaction(async (tx) => {
    // Two PostgreSQL sessions creating the same table at once can both pass IF NOT EXISTS.
    await lockViewsForRunner(tx);
    await tx.execute(
      `CREATE TABLE IF NOT EXISTS ${REGISTRY_TABLE} (
         projection TEXT PRIMARY KEY,
         live_set TEXT, live_version BIGINT, live_tables TEXT,
         building_set TEXT, building_version BIGINT, building_tables TEXT,
         generation BIGINT NOT NULL,
         updated_at TEXT NOT NULL)`,
    );
    await tx.execute(
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
         projection TEXT NOT NULL,
         table_set TEXT NOT NULL,
         version BIGINT NOT NULL,
         position BIGINT,
         events BIGINT NOT NULL,
         updated_at TEXT NOT NULL,
         state_set BIGINT,
         states_view TEXT,
         PRIMARY KEY (projection, table_set))`,
    );
    // A views database made before cycle-state sets: its checkpoints get the two columns.
    const columns =
      tx.dialect === 'sqlite'
        ? (await tx.query(`PRAGMA table_info(${CHECKPOINT_TABLE})`)).map((r) => String(r.name))
        : (
            await tx.query(
              `SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()`,
              [CHECKPOINT_TABLE],
            )
          ).map((r) => String(r.name));
    if (!columns.includes('state_set')) await tx.execute(`ALTER TABLE ${CHECKPOINT_TABLE} ADD COLUMN state_set BIGINT`);
    if (!columns.includes('states_view')) await tx.execute(`ALTER TABLE ${CHECKPOINT_TABLE} ADD COLUMN states_view TEXT`);
    await ensureStateSetTable(tx);
  });
};

const setOf = (id: unknown, version: unknown, tables: unknown): TableSet | null =>
  id === null || id === undefined
    ? null
    : { id: String(id), version: asNumber(version), tables: JSON.parse(String(tables)) as Record<string, string> };

export const readRegistration = async (exec: SqlExecutor, projection: string, lock = false): Promise<Registration | null> => {
  const rows = await exec.query(`SELECT * FROM ${REGISTRY_TABLE} WHERE projection = ?${lock ? forUpdate(exec) : ''}`, [projection]);
  const r = rows[0];
  if (!r) return null;
  return {
    projection,
    live: setOf(r.live_set, r.live_version, r.live_tables),
    building: setOf(r.building_set, r.building_version, r.building_tables),
    generation: asNumber(r.generation),
  };
};

export const readCheckpoint = async (exec: SqlExecutor, projection: string, tableSet: string, lock = false): Promise<Checkpoint | null> => {
  const rows = await exec.query(`SELECT * FROM ${CHECKPOINT_TABLE} WHERE projection = ? AND table_set = ?${lock ? forUpdate(exec) : ''}`, [
    projection,
    tableSet,
  ]);
  const r = rows[0];
  if (!r) return null;
  return {
    projection,
    tableSet,
    version: asNumber(r.version),
    position: r.position === null || r.position === undefined ? null : asBigInt(r.position),
    events: asNumber(r.events),
    updatedAt: String(r.updated_at),
    stateSet: r.state_set === null || r.state_set === undefined ? null : asNumber(r.state_set),
  };
};

export const writeCheckpoint = async (
  tx: SqlExecutor,
  checkpoint: { projection: string; tableSet: string; position: bigint; addEvents: number; updatedAt: string },
): Promise<void> => {
  await tx.execute(
    `UPDATE ${CHECKPOINT_TABLE} SET position = ?, events = events + ?, updated_at = ? WHERE projection = ? AND table_set = ?`,
    [checkpoint.position, checkpoint.addEvents, checkpoint.updatedAt, checkpoint.projection, checkpoint.tableSet],
  );
};

const dropTables = async (tx: SqlExecutor, set: TableSet): Promise<void> => {
  for (const name of Object.values(set.tables)) await tx.execute(`DROP TABLE IF EXISTS ${name}`);
};

/** Drops a table set's tables, its checkpoint and the state set only it used. */
const dropTableSet = async (tx: SqlExecutor, projection: string, set: TableSet): Promise<void> => {
  const checkpoint = await readCheckpoint(tx, projection, set.id);
  await dropTables(tx, set);
  await tx.execute(`DELETE FROM ${CHECKPOINT_TABLE} WHERE projection = ? AND table_set = ?`, [projection, set.id]);
  if (checkpoint?.stateSet) await releaseStateSet(tx, checkpoint.stateSet);
};

/** The readers' SQL view over a table set's cycle states, and the state set it shows. */
const statesViewOf = async (tx: SqlExecutor, projection: string, setId: string) => {
  const rows = await tx.query(`SELECT state_set, states_view FROM ${CHECKPOINT_TABLE} WHERE projection = ? AND table_set = ?`, [
    projection,
    setId,
  ]);
  const r = rows[0];
  return r?.states_view === null || r?.states_view === undefined ? null : { view: String(r.states_view), stateSet: asNumber(r.state_set) };
};

const dropViews = async (tx: SqlExecutor, set: TableSet): Promise<void> => {
  for (const base of Object.keys(set.tables)) await tx.execute(`DROP VIEW IF EXISTS ${base}`);
};

export type Preparation =
  | { readonly kind: 'ready'; readonly registration: Registration }
  | { readonly kind: 'newer'; readonly liveVersion: number };

/**
 * Makes sure the projection has a table set to write to: the live one when it is of this
 * version, else a fresh one being built (first run, version bump, or `rebuild`). A rebuild
 * throws away a set already being built and starts a new one from zero.
 */
export const prepareTableSets = async (
  db: ViewDatabase,
  projection: Projection,
  options: { readonly rebuild: boolean; readonly now: string },
): Promise<Preparation> =>
  db.transaction(async (tx) => {
    await lockViewsForRunner(tx);
    await tx.execute(
      `INSERT INTO ${REGISTRY_TABLE} (projection, generation, updated_at) VALUES (?, 0, ?) ON CONFLICT (projection) DO NOTHING`,
      [projection.name, options.now],
    );
    const reg = (await readRegistration(tx, projection.name, true))!;
    const newest = Math.max(reg.live?.version ?? 0, reg.building?.version ?? 0);
    if (newest > projection.version) return { kind: 'newer', liveVersion: newest } as const;
    const liveIsCurrent = reg.live?.version === projection.version;
    const buildingIsCurrent = reg.building?.version === projection.version;
    if (!options.rebuild && (buildingIsCurrent || (liveIsCurrent && !reg.building))) return { kind: 'ready', registration: reg } as const;
    if (reg.building) await dropTableSet(tx, projection.name, reg.building);
    const generation = reg.generation + 1;
    const id = `v${projection.version}_${generation}`;
    const tables = tableNamesOf(projection, id);
    await projection.createTables(tx, tables);
    // Built from zero, so on states from zero: it meets the shared set when it catches up.
    const stateSet = projection.cycleStates ? await createStateSet(tx, null, options.now) : null;
    await tx.execute(
      `INSERT INTO ${CHECKPOINT_TABLE} (projection, table_set, version, position, events, updated_at, state_set, states_view)
       VALUES (?, ?, ?, NULL, 0, ?, ?, ?)`,
      [projection.name, id, projection.version, options.now, stateSet, projection.cycleStates ?? null],
    );
    await tx.execute(
      `UPDATE ${REGISTRY_TABLE} SET building_set = ?, building_version = ?, building_tables = ?, generation = ?, updated_at = ? WHERE projection = ?`,
      [id, projection.version, JSON.stringify(tables), generation, options.now, projection.name],
    );
    return { kind: 'ready', registration: { ...reg, building: { id, version: projection.version, tables }, generation } } as const;
  });

/**
 * Makes a built table set the live one, in one transaction: the SQL views readers query now
 * select from it, and the previous set's tables are dropped. Does nothing (returns false) if the
 * set is no longer the one being built (another runner switched or restarted it).
 */
export const switchToLive = async (db: ViewDatabase, projection: string, setId: string, now: string): Promise<boolean> =>
  db.transaction(async (tx) => {
    await lockViewsForRunner(tx);
    const reg = await readRegistration(tx, projection, true);
    if (!reg?.building || reg.building.id !== setId) return false;
    const next = reg.building;
    const oldStates = reg.live ? await statesViewOf(tx, projection, reg.live.id) : null;
    if (reg.live) await dropViews(tx, reg.live);
    if (oldStates) await tx.execute(`DROP VIEW IF EXISTS ${oldStates.view}`);
    for (const [base, table] of Object.entries(next.tables)) await tx.execute(`CREATE VIEW ${base} AS SELECT * FROM ${table}`);
    const states = await statesViewOf(tx, projection, next.id);
    if (states) await pointStatesView(tx, states.view, states.stateSet);
    await tx.execute(
      `UPDATE ${REGISTRY_TABLE} SET live_set = building_set, live_version = building_version, live_tables = building_tables,
         building_set = NULL, building_version = NULL, building_tables = NULL, updated_at = ? WHERE projection = ?`,
      [now, projection],
    );
    if (reg.live) await dropTableSet(tx, projection, reg.live);
    return true;
  });

/** Removes a projection entirely: its views, every table set and its checkpoints. */
export const dropProjection = async (db: ViewDatabase, projection: string): Promise<void> => {
  await ensureRunnerTables(db);
  await db.transaction(async (tx) => {
    await lockViewsForRunner(tx);
    const reg = await readRegistration(tx, projection, true);
    if (!reg) return;
    if (reg.live) {
      const states = await statesViewOf(tx, projection, reg.live.id);
      if (states) await tx.execute(`DROP VIEW IF EXISTS ${states.view}`);
      await dropViews(tx, reg.live);
      await dropTableSet(tx, projection, reg.live);
    }
    if (reg.building) await dropTableSet(tx, projection, reg.building);
    await tx.execute(`DELETE FROM ${CHECKPOINT_TABLE} WHERE projection = ?`, [projection]);
    await tx.execute(`DELETE FROM ${REGISTRY_TABLE} WHERE projection = ?`, [projection]);
  });
};

/** A view that has not been built yet (or whose first build has not caught up). */
export class ViewNotReadyError extends Error {
  override readonly name = 'ViewNotReadyError';
  readonly code = 'VIEW_NOT_READY' as const;
  constructor(readonly projection: string) {
    super(`the ${projection} view has not been built yet: run the projections (catch up) first`);
  }
}

/**
 * What readers call before querying a view: the live table set, or ViewNotReadyError. Readers
 * then query the base table names, which are SQL views over the live set.
 */
export const requireLiveView = async (exec: SqlExecutor, projection: string): Promise<TableSet> => {
  let reg: Registration | null = null;
  try {
    reg = await readRegistration(exec, projection);
  } catch {
    // No registry table: nothing was ever built in this database.
  }
  if (!reg?.live) throw new ViewNotReadyError(projection);
  return reg.live;
};

/** Whether the runner's tables exist: whether anything was ever built in this view database. */
export const hasRunnerTables = async (exec: SqlExecutor): Promise<boolean> => {
  const rows =
    exec.dialect === 'sqlite'
      ? await exec.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [REGISTRY_TABLE])
      : await exec.query('SELECT to_regclass(?) AS name', [REGISTRY_TABLE]);
  return rows[0] !== undefined && rows[0].name !== null && rows[0].name !== undefined;
};

/** The checkpoint of a projection's live table set: how far what readers see has got. */
export const readLiveCheckpoint = async (exec: SqlExecutor, projection: string): Promise<Checkpoint | null> => {
  const live = await requireLiveView(exec, projection);
  return readCheckpoint(exec, projection, live.id);
};

/** The checkpoint of every table set of every projection, for status displays. */
export const listCheckpoints = async (exec: SqlExecutor): Promise<Checkpoint[]> => {
  const rows = await exec.query(`SELECT * FROM ${CHECKPOINT_TABLE} ORDER BY projection, table_set`);
  return rows.map((r) => ({
    projection: String(r.projection),
    tableSet: String(r.table_set),
    version: asNumber(r.version),
    position: r.position === null || r.position === undefined ? null : asBigInt(r.position),
    events: asNumber(r.events),
    updatedAt: asOptionalText(r.updated_at) ?? '',
  }));
};
