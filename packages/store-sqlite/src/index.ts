// @renewal-ledger/store-sqlite: the embedded event store in a SQLite file.
//
// The public API, name by name (api/store-sqlite.api.md is its report; CONTRIBUTING.md says how to
// change it).

// Opening the store.
export { getSQLiteEventStore, type SQLiteEventStoreOptions } from './sqlite-store.js';

// The schema's migrations, for those who apply or inspect them themselves.
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';

// `sqlite:` store URLs and the file each names.
export { sqlitePathFromUrl, SQLITE_URL_FORMS } from './url.js';
