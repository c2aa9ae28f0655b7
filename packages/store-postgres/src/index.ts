// @renewal-ledger/store-postgres: the event store on PostgreSQL.
//
// The public API, name by name (api/store-postgres.api.md is its report; CONTRIBUTING.md says how
// to change it). Statements, appends and reads are internal.

// Opening the store.
export { getPostgresEventStore, DEFAULT_SCHEMA, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres-store.js';

// The schema's migrations, for those who apply or inspect them themselves.
export { migrations, SCHEMA_VERSION, type Migration } from './migrations.js';
