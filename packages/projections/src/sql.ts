// The small SQL surface every view is written against, so the same projection code runs on a
// SQLite file and on PostgreSQL. Statements use `?` placeholders (rewritten to `$1, $2...` for
// PostgreSQL) and portable SQL: BIGINT and TEXT columns, `INSERT ... ON CONFLICT DO UPDATE`,
// `substr`, `COALESCE`. Where the dialects differ, a projection asks `dialect`.

/** What a statement parameter may be. Booleans are stored as 0/1, bigints as BIGINT, bytes as BLOB (SQLite) or BYTEA (PostgreSQL). */
export type SqlValue = string | number | bigint | Uint8Array | null;
export type SqlDialect = 'sqlite' | 'postgres';
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** The rows a statement returns. */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** Where views live: a SQLite file (or memory) or a PostgreSQL database. */
export interface ViewDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws. On SQLite, transactions (and statements) of one ViewDatabase run one after
   * another; on PostgreSQL each transaction has a connection of its own.
   */
  transaction<A>(work: (tx: SqlExecutor) => Promise<A>): Promise<A>;
  /** Closes connections the ViewDatabase opened (never a pool or database it was given). */
  close(): Promise<void>;
  /**
   * Gives the space of dropped tables back to the file system, where the database keeps it
   * (SQLite keeps freed pages in its file; PostgreSQL returns a dropped table's files at once and
   * has none). The runner calls it after a rebuilt table set replaced the old one.
   */
  reclaimSpace?(): Promise<ReclaimedSpace>;
}

/** What reclaimSpace did: the pages it gave back, and how. */
export interface ReclaimedSpace {
  /** Free pages in the file before. */
  readonly freePages: number;
  /** `incremental-vacuum`: the free pages cut off the file; `vacuum`: a file made before views reclaimed space, rewritten once (and incremental from then on); `none`: nothing free, or a file this ViewDatabase does not own. */
  readonly method: 'incremental-vacuum' | 'vacuum' | 'none';
}

/** `?, ?, ?` for an IN list of `n` values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Rows per multi-row statement: few round trips, and well inside both drivers' parameter limits. */
const ROWS_PER_STATEMENT = 200;

/**
 * Inserts rows with multi-row `INSERT ... VALUES (...), (...)` statements: one round trip per 200
 * rows on PostgreSQL instead of one per row, and fewer statements for SQLite to run. `suffix`
 * follows the VALUES (e.g. `ON CONFLICT (cycle_id) DO UPDATE SET ...`); with an upsert, a key
 * must not appear twice among the rows.
 */
export const insertRows = async (
  tx: SqlExecutor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  suffix = '',
): Promise<void> => {
  const width = columns.length;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const n = Math.min(ROWS_PER_STATEMENT, rows.length - i);
    // Sized once: a rebuild passes millions of values through here.
    const params = new Array<SqlValue>(n * width);
    for (let r = 0; r < n; r++) {
      const row = rows[i + r]!;
      if (row.length !== width) throw new RangeError(`a row of ${row.length} values for the ${width} columns of ${table}`);
      for (let c = 0; c < width; c++) params[r * width + c] = row[c]!;
    }
    await tx.execute(insertSql(table, columns, n, suffix), params);
  }
};

// The text of a multi-row INSERT, kept for the few shapes a view writes (every full statement
// has ROWS_PER_STATEMENT rows): made once rather than once per statement.
const insertTexts = new Map<string, string>();
const insertSql = (table: string, columns: readonly string[], rows: number, suffix: string): string => {
  const key = `${table}\u0000${columns.join(',')}\u0000${rows}\u0000${suffix}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}${suffix ? ` ${suffix}` : ''}`;
    // Table sets come and go with rebuilds: the cache stays small.
    if (insertTexts.size >= 200) insertTexts.clear();
    insertTexts.set(key, text);
  }
  return text;
};

/** An executor whose plain inserts wait to be written many rows to a statement; see bufferInserts. */
export interface BufferedInserts extends SqlExecutor {
  /** Queues a row for `table`; written with the table's other queued rows, in the order queued. */
  insert(table: string, columns: readonly string[], row: readonly SqlValue[]): void;
  /** Writes every queued row. Call it before the transaction ends. */
  flush(): Promise<void>;
}

/**
 * Plain INSERTs of a batch (receipts, their lines) queued and written with insertRows: a view that
 * inserts row by row paid one statement (on PostgreSQL one round trip) per row. Every query and
 * statement through the returned executor writes the queue first, so the batch reads what it wrote
 * exactly as if each insert had run at once.
 */
export const bufferInserts = (tx: SqlExecutor): BufferedInserts => {
  const queued = new Map<string, { readonly columns: readonly string[]; readonly rows: (readonly SqlValue[])[] }>();
  const flush = async () => {
    for (const [table, q] of queued) await insertRows(tx, table, q.columns, q.rows);
    queued.clear();
  };
  return {
    dialect: tx.dialect,
    insert(table, columns, row) {
      const q = queued.get(table);
      if (!q) queued.set(table, { columns, rows: [row] });
      else if (q.columns !== columns && q.columns.join() !== columns.join())
        throw new Error(`rows for ${table} queued with two column lists: ${q.columns.join(', ')} and ${columns.join(', ')}`);
      else q.rows.push(row);
    },
    flush,
    async query(sql, params) {
      await flush();
      return tx.query(sql, params);
    },
    async execute(sql, params) {
      await flush();
      return tx.execute(sql, params);
    },
  };
};

/** `?` placeholders to PostgreSQL's `$1, $2...`, leaving quoted text and identifiers alone. */
export const toNumberedPlaceholders = (sql: string): string => {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += `$${++n}`;
    else out += ch;
  }
  return out;
};

// Drivers return BIGINT differently (better-sqlite3: number; pg: string) and SUM() of BIGINT is
// NUMERIC text on PostgreSQL. Every read of a number goes through one of these.

/** A column holding an integer that fits a JavaScript number (amounts, counts). */
export const asNumber = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`the column value ${String(v)} is not a safe integer`);
    return n;
  }
  if (v === null || v === undefined) return 0;
  throw new TypeError(`expected a number column, got ${typeof v}`);
};

// Sums over cycles can leave the safe-integer range even though every cycle's amounts are safe
// (two bills of 2^53 - 1 and 2): they are bigints, computed exactly. SQLite's SUM is a 64-bit
// integer that fails on overflow, PostgreSQL's SUM(bigint) a numeric: both stay exact and in range
// when each value is split into its quotient and remainder by 2^26 and the two parts are summed
// apart (|quotient| <= 2^27, so 2^36 rows fit), then put together here.
const SPLIT = 67108864n; // 2^26

/** `SUM(expression)` as two exact columns, `<alias>_hi` and `<alias>_lo`: read it with asExactSum. */
export const exactSumSql = (expression: string, alias: string): string =>
  `CAST(SUM((${expression}) / ${SPLIT}) AS TEXT) AS ${alias}_hi, CAST(SUM((${expression}) % ${SPLIT}) AS TEXT) AS ${alias}_lo`;

/** The exact sum exactSumSql computed (0 over no rows). */
export const asExactSum = (row: SqlRow, alias: string): bigint => {
  const part = (v: unknown) => (v === null || v === undefined ? 0n : BigInt(v as string | number | bigint));
  return part(row[`${alias}_hi`]) * SPLIT + part(row[`${alias}_lo`]);
};

/** Orders two totals (bigints) for a sort: negative, zero or positive. */
export const compareTotals = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** part / whole as a ratio (a collection rate, a share: not money), or null when the whole is not positive. */
export const ratioOf = (part: bigint | number, whole: bigint | number): number | null => (whole > 0 ? Number(part) / Number(whole) : null);

/** A column holding a global position or revision. */
export const asBigInt = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || typeof v === 'string') return BigInt(v);
  throw new TypeError(`expected an integer column, got ${v === null ? 'null' : typeof v}`);
};

export const asText = (v: unknown): string => {
  if (typeof v === 'string') return v;
  throw new TypeError(`expected a text column, got ${v === null ? 'null' : typeof v}`);
};

/** A BLOB (SQLite) or BYTEA (PostgreSQL) column: both drivers return a Buffer. */
export const asBytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`expected a bytes column, got ${v === null ? 'null' : typeof v}`);
};

export const asOptionalText = (v: unknown): string | null => (v === null || v === undefined ? null : asText(v));

/** A serial queue: each task starts when the previous one settled. */
export const createMutex = () => {
  let tail: Promise<unknown> = Promise.resolve();
  return <A>(task: () => Promise<A>): Promise<A> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
};
