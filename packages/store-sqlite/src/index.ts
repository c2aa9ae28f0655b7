export { getSQLiteEventStore, type SQLiteEventStoreOptions } from './sqlite-store.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { sqlitePathFromUrl, SQLITE_URL_FORMS } from './url.js';
