export { getPostgresEventStore, DEFAULT_SCHEMA, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres-store.js';
export { migrations, SCHEMA_VERSION, type Migration } from './migrations.js';
