// What a projection declares: a name, a version, the event types it handles, the tables it owns
// and how to fill them from a batch of events. The runner decides where the tables live (a table
// set per version and rebuild) and writes the checkpoint in the same transaction as the batch.
import type { RecordedEvent } from '@renewal-ledger/core';
import type { BatchCycleStates } from './cycle-states.js';
import type { SqlExecutor } from './sql.js';

/** The concrete name of each of a projection's tables in the table set being written. */
export type TableNames<T extends string> = Readonly<Record<T, string>>;

export interface Projection<T extends string = string> {
  /** Lower case letters, digits and `_`, starting with a letter: it names the checkpoint. */
  readonly name: string;
  /**
   * Bump it whenever the tables or what `applyBatch` writes change: the runner then builds the
   * view again into fresh tables and switches readers over when it has caught up.
   */
  readonly version: number;
  /** The event types `applyBatch` is given; `all` for every event. Others only move the checkpoint. */
  readonly eventTypes: readonly string[] | 'all';
  /**
   * The projection's tables by base name. Readers query the base name (a SQL view over the live
   * table set); the runner writes `<base>_v<version>_<generation>`. Names must start with the
   * projection's name.
   */
  readonly tables: readonly T[];
  /** Creates the tables (and indexes) under the given names. Runs inside a transaction. */
  createTables(tx: SqlExecutor, tables: TableNames<T>): Promise<void>;
  /**
   * Set when the view needs each cycle's folded state: the runner then keeps the states in a
   * cycle-state set shared with the other views at the same checkpoint, folds each batch once and
   * hands `applyBatch` its `cycles`. The value names the SQL view (starting with the projection's
   * name, not one of `tables`) through which readers see the states of the live table set.
   */
  readonly cycleStates?: string;
  /**
   * Applies events in global order. Runs inside the transaction that then writes the checkpoint:
   * throw and nothing of the batch is kept. Must write incrementally (upserts), never load the
   * whole view. `cycles` is given when the projection declares `cycleStates`.
   */
  applyBatch(events: readonly RecordedEvent[], tx: SqlExecutor, tables: TableNames<T>, cycles: BatchCycleStates): Promise<void>;
}

const NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** Checks a projection's declaration once, where it is defined. */
export const defineProjection = <T extends string>(projection: Projection<T>): Projection<T> => {
  if (!NAME.test(projection.name))
    throw new TypeError(`projection name ${JSON.stringify(projection.name)}: 1-40 of a-z, 0-9 and _, starting with a letter`);
  if (!Number.isSafeInteger(projection.version) || projection.version < 1)
    throw new TypeError(`projection ${projection.name}: version must be a positive integer`);
  for (const t of projection.tables)
    if (!NAME.test(t) || !t.startsWith(projection.name))
      throw new TypeError(`projection ${projection.name}: table ${JSON.stringify(t)} must start with the projection's name`);
  const states = projection.cycleStates;
  if (
    states !== undefined &&
    (!NAME.test(states) || !states.startsWith(projection.name) || (projection.tables as readonly string[]).includes(states))
  )
    throw new TypeError(
      `projection ${projection.name}: cycleStates ${JSON.stringify(states)} must start with the projection's name and not be one of its tables`,
    );
  return projection;
};

/** The concrete table names of one table set. */
export const tableNamesOf = <T extends string>(projection: Projection<T>, tableSet: string): TableNames<T> =>
  Object.fromEntries(projection.tables.map((t) => [t, `${t}_${tableSet}`])) as TableNames<T>;
