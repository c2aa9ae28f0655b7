// A database server that cannot be reached, or that drops a connection, is one typed error naming
// the server (host, port and database: never a password), so that callers (the CLI, a service) can
// say so in one sentence, or answer 503, instead of passing on a socket error or a SQLSTATE. The
// SQL adapters' connections (the PostgreSQL event store, PostgreSQL views) map their drivers'
// errors with `unavailableOr`; EventStoreDB's adapter maps gRPC's UNAVAILABLE itself.

/**
 * A database server that could not be reached (down, a wrong host or port), or that dropped the
 * connection in the middle of an operation (a restart, `pg_terminate_backend`, a network cut): the
 * event store's, or the views'. Whether an append that failed this way was stored is unknown;
 * sending the same commands again stores each event once (event ids derive from command ids).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE' as const;
}

/** Socket errors of a server that is not there, or not answering. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Socket errors of a connection cut while in use. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/**
 * SQLSTATEs of a server going away: 57P01 admin_shutdown (also `pg_terminate_backend`), 57P02
 * crash_shutdown; 57P03 cannot_connect_now (starting up or shutting down) is a server not there
 * yet. Class 08 is connection_exception.
 */
const SERVER_GONE = new Set(['57P01', '57P02']);
/** What pg says when the socket ends under a client, or when a client that broke is used again. */
const DRIVER_MESSAGES = [/^Connection terminated/, /not queryable/, /^Query read timeout/];

const codeOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** Whether `e` says the server cannot be reached, that it cut the connection, or neither. */
const connectionProblemOf = (e: unknown): 'unreachable' | 'cut' | null => {
  const code = codeOf(e);
  if (UNREACHABLE.has(code) || code === '57P03') return 'unreachable';
  if (CUT.has(code) || SERVER_GONE.has(code) || code.startsWith('08')) return 'cut';
  if (e instanceof Error && DRIVER_MESSAGES.some((m) => m.test(e.message))) return 'cut';
  // Node wraps the errors of every address it tried (IPv6 and IPv4 for localhost) in one.
  if (e instanceof AggregateError && e.errors.some((inner) => connectionProblemOf(inner) === 'unreachable')) return 'unreachable';
  return null;
};

/** `host:port/database` of a `scheme://user:password@host:port/database` URL, without user or password. */
export const serverOfUrl = (connectionString: string, defaultPort: number): string => {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || defaultPort}${url.pathname.length > 1 ? url.pathname : ''}`;
  } catch {
    return 'the server of the connection string';
  }
};

/**
 * `e` as a StoreUnavailableError when it is a connection problem: "could not reach `server`"
 * when no connection could be made (or any problem while `opening`), "lost the connection to
 * `server`" when one was cut in use. Any other error is returned as it is.
 * `server` names the server for people: `PostgreSQL at 127.0.0.1:5432/ledger`.
 */
export const unavailableOr = (e: unknown, server: string, opening = false): unknown => {
  const problem = connectionProblemOf(e);
  if (problem === null) return e;
  const inner = e instanceof AggregateError ? (e.errors[0] as Error | undefined)?.message : undefined;
  const message = e instanceof Error ? e.message || inner || codeOf(e) : String(e);
  return new StoreUnavailableError(
    opening || problem === 'unreachable' ? `could not reach ${server}: ${message}` : `lost the connection to ${server}: ${message}`,
    {
      cause: e,
    },
  );
};
