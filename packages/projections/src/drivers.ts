// The database drivers are optional peer dependencies: an application with views in PostgreSQL
// installs pg and never builds better-sqlite3, and the other way round. A driver is loaded the
// first time a view database opens a connection of its own, and the structural types below stand
// for its objects in the declarations, so that type-checking a program needs neither the drivers
// nor their @types packages.
import { createRequire } from 'node:module';
import { missingPackageIn } from '@renewal-ledger/eventstore';

// require, not import(): getSQLiteViewDatabase is synchronous (both drivers are CommonJS).
const require = createRequire(import.meta.url);

/** The driver's module; a MissingPackageError naming it when it is not installed. */
export const loadDriver = <Module>(name: 'better-sqlite3' | 'pg', neededFor: string): Module => {
  try {
    return require(name) as Module;
  } catch (e) {
    throw missingPackageIn(e, neededFor) ?? e;
  }
};

/** A prepared better-sqlite3 statement, as far as the view database uses one. */
export interface SQLiteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { readonly changes: number };
}

/** A better-sqlite3 connection (`new Database(path)`), as far as the view database uses one. */
export interface SQLiteConnection {
  prepare(sql: string): SQLiteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  readonly inTransaction: boolean;
  close(): unknown;
}

/** What a pg pool and a pg client both answer. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: unknown[]; readonly rowCount: number | null }>;
}

/** A client checked out of a pg pool. */
export interface PostgresPoolClient extends PostgresQueryable {
  release(error?: Error | boolean): void;
  /** Its 'error' event: a connection the server ends while the client is checked out. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** A pg pool (`new pg.Pool(...)`), as far as the view database uses one. */
export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPoolClient>;
  end(): Promise<void>;
}
