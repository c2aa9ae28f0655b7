// What the CLI tells people when something goes wrong: one sentence and an exit status, never a
// stack trace for a mistake they can fix (`--debug` shows it).
import {
  IllFormedEventError,
  MissingPackageError,
  ReadOnlyStoreError,
  StoreNotFoundError,
  StoreUnavailableError,
  StoredEventDecodeError,
  StoreUrlError,
} from '@renewal-ledger/eventstore';
import { ViewNotReadyError } from '@renewal-ledger/projections';
import { AuditTrailMismatchError } from '@renewal-ledger/projection-audit';

/** Exit statuses, as documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** Some lines were rejected or malformed, the audit chain is broken, a view failed. */
  failed: 1,
  /** A wrong flag, a missing argument, an unreadable file, a store URL that names no store, a store that does not exist. */
  usage: 2,
} as const;

/** A mistake in how the command was called: the message, the usage hint, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** Which command's usage to point at. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Something the user can act on (a missing cycle, a store that cannot be reached): one sentence and the exit status. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NODE_FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** The sentence and exit status for an error; `expected` false means a bug (worth a stack trace with --debug). */
export const describeError = (e: unknown): { message: string; exitCode: number; expected: boolean } => {
  if (e instanceof UsageError) return { message: e.message, exitCode: EXIT.usage, expected: true };
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode, expected: true };
  if (e instanceof StoreUrlError) return { message: e.message, exitCode: EXIT.usage, expected: true };
  if (e instanceof MissingPackageError) return { message: e.message, exitCode: EXIT.usage, expected: true };
  if (e instanceof StoreNotFoundError)
    return {
      message: `${e.message} (check --store; only renewal apply, renew, remind and demo create a store)`,
      exitCode: EXIT.usage,
      expected: true,
    };
  if (e instanceof ReadOnlyStoreError || e instanceof IllFormedEventError || e instanceof StoreUnavailableError)
    return { message: e.message, exitCode: EXIT.failed, expected: true };
  if (e instanceof ViewNotReadyError) return { message: e.message, exitCode: EXIT.failed, expected: true };
  // A trail read beside the store (audit export) meets an event changed or unreadable since it was audited.
  if (e instanceof AuditTrailMismatchError || e instanceof StoredEventDecodeError)
    return { message: e.message, exitCode: EXIT.failed, expected: true };
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && CONNECTION_ERRORS.has(code))
    return { message: `could not reach the database: ${message}`, exitCode: EXIT.failed, expected: true };
  if (typeof code === 'string' && code.startsWith('SQLITE_'))
    return { message: `the SQLite database refused: ${message}`, exitCode: EXIT.failed, expected: true };
  if (typeof code === 'string' && code in NODE_FILE_ERRORS) return { message, exitCode: EXIT.usage, expected: true };
  // pg reports authentication and missing databases with SQLSTATE codes (5 characters).
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return { message: `PostgreSQL refused: ${message}`, exitCode: EXIT.failed, expected: true };
  return { message, exitCode: EXIT.failed, expected: false };
};

/** "cannot read payments.jsonl: no such file or directory". */
export const fileProblem = (path: string, e: unknown): CliError => {
  const code = (e as { code?: string }).code ?? '';
  return new CliError(`cannot read ${path}: ${NODE_FILE_ERRORS[code] ?? (e as Error).message}`, EXIT.usage, { cause: e });
};
