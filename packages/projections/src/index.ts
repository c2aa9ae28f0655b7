// @renewal-ledger/projections: the checkpointed projection runner and the SQL view database
// (SQLite or PostgreSQL) views are written to, independent of which event store feeds them.
export * from './sql.js';
export type { SQLiteConnection, SQLiteStatement, PostgresPool, PostgresPoolClient, PostgresQueryable } from './drivers.js';
export * from './sqlite-view-database.js';
export * from './postgres-view-database.js';
export * from './projection.js';
export * from './table-sets.js';
export * from './runner.js';
export * from './cycle-states.js';
export * from './csv.js';
export * from './ledger-zones.js';
