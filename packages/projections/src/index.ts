// @renewal-ledger/projections: the checkpointed projection runner and the SQL view database
// (SQLite or PostgreSQL) views are written to, independent of which event store feeds them.
//
// The public API, name by name (api/projections.api.md is its report; CONTRIBUTING.md says how to
// change it). The runner's own bookkeeping (table sets, checkpoints, the switch to a rebuilt set)
// is internal.

// Where views live: a SQL database with one small portable surface, in SQLite or PostgreSQL.
export type { SqlValue, SqlDialect, SqlRow, SqlExecutor, ViewDatabase, ReclaimedSpace } from './sql.js';
export type { SQLiteConnection, SQLiteStatement, PostgresPool, PostgresPoolClient, PostgresQueryable } from './drivers.js';
export { type SQLiteViewDatabaseOptions, type SQLiteViewDatabase, getSQLiteViewDatabase } from './sqlite-view-database.js';
export { type PostgresViewDatabaseOptions, type PostgresViewDatabase, getPostgresViewDatabase } from './postgres-view-database.js';

// Running projections: catch up, follow, rebuild; what a run reports.
export {
  type ProgressReport,
  type ProjectionRunnerOptions,
  ProjectionFailure,
  type ProjectionRunSummary,
  type CaughtUp,
  type Stopped,
  type Failed,
  type ProjectionRunResult,
  type RunOptions,
  type FollowOptions,
  type ProjectionRunner,
  getProjectionRunner,
  runAll,
} from './runner.js';
export { ViewsBusyError } from './runner-lock.js';

// A view's state for readers and status displays: is it built, how far has it got; dropping one.
export {
  type TableSet,
  type Registration,
  type Checkpoint,
  ViewNotReadyError,
  requireLiveView,
  hasRunnerTables,
  readRegistration,
  readLiveCheckpoint,
  listCheckpoints,
  dropProjection,
} from './table-sets.js';

// Writing a projection: its declaration, and the helpers the shipped views are written with.
export { type TableNames, type Projection, defineProjection } from './projection.js';
export {
  placeholders,
  insertRows,
  bufferInserts,
  type BufferedInserts,
  asNumber,
  asBigInt,
  asText,
  asOptionalText,
  asBytes,
  exactSumSql,
  asExactSum,
  compareTotals,
  ratioOf,
} from './sql.js';
export { cycleIdOf, loadCycleStates, foldBatch, type BatchCycleStates } from './cycle-states.js';
export {
  CYCLE_STATE_COLUMNS,
  createCycleStateTable,
  cycleStateRow,
  cycleStateFromRow,
  cycleStateColumnsSql,
  saveCycleStates,
  readCycleStates,
} from './cycle-state-row.js';
export { LEDGER_ZONE_EVENT_TYPES, createLedgerSettingsTable, type LedgerZoneTracker, trackLedgerZones } from './ledger-zones.js';

// CSV for spreadsheets: RFC 4180, with formula injection neutralised.
export { CSV_BOM, csvCell, csvLine, csvTable } from './csv.js';
