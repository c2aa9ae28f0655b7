// The `./sqlite-files` entry point of @renewal-ledger/eventstore: the SQLite event store and the
// CLI's SQLite view database share it and have no common SQLite package; it needs node:fs, which
// the port's entry point never loads.
//
// Reading a SQLite database (an event store or a view database) from a place this process cannot
// write: a read-only mount, another user's files. A WAL-mode database is read through a
// shared-memory index, the `-shm` file beside it; when that file is missing (the last connection
// removes it on a clean close) and cannot be created, SQLite refuses even a read-only open
// (SQLITE_READONLY_DIRECTORY). Its remedy, the `immutable` URI flag, is compiled out of
// better-sqlite3 (SQLITE_USE_URI=0), and an exclusive lock needs a write lock on the file. So
// such a database is read from a copy: the file and its `-wal` (commits not yet checkpointed into
// it) copied into a fresh temporary directory, removed again when done. Memory stays flat; the
// copy takes the database's size on disk.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The SQLite codes of an open that could not set up its shared-memory index in place. */
const CANNOT_READ_IN_PLACE = new Set([
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_READONLY_CANTINIT',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY_CANTLOCK',
]);

export const cannotReadInPlace = (e: unknown): boolean => CANNOT_READ_IN_PLACE.has((e as { code?: unknown } | null)?.code as string);

export interface TemporaryCopy {
  /** The copy of the database file. */
  readonly path: string;
  /** Deletes the copy and its directory. */
  remove(): void;
}

/** A copy of a SQLite database file and its `-wal` in a new temporary directory. */
export const temporaryCopyOf = (path: string): TemporaryCopy => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-ledger-copy-'));
  const copy = join(dir, basename(path));
  try {
    // The copies keep the originals' modes: make them writable, the copy is this process's own.
    copyFileSync(path, copy);
    chmodSync(copy, 0o600);
    if (existsSync(`${path}-wal`)) {
      copyFileSync(`${path}-wal`, `${copy}-wal`);
      chmodSync(`${copy}-wal`, 0o600);
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { path: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
};
