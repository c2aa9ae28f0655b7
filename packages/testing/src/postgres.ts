// PostgreSQL for the tests: POSTGRES_URL names a database where each test makes (and drops) a
// schema of its own. Without it the PostgreSQL tests are skipped with one line saying why; with
// REQUIRE_POSTGRES=1 (CI) they fail instead, so a run without PostgreSQL cannot pass.
import { test as uvuTest, type Test } from 'uvu';
import pg from 'pg';
import type { Pool } from 'pg';

export const postgresUrl: string | undefined = process.env.POSTGRES_URL || undefined;
const required = process.env.REQUIRE_POSTGRES === '1';

export const postgresSkipReason: string | undefined =
  postgresUrl || required
    ? undefined
    : 'POSTGRES_URL is not set: PostgreSQL tests skipped (start one with `export POSTGRES_URL="$(scripts/postgres.sh start)"`)';

export const requirePostgresUrl = (): string => {
  if (postgresUrl) return postgresUrl;
  throw new Error('REQUIRE_POSTGRES=1 but POSTGRES_URL is not set (`export POSTGRES_URL="$(scripts/postgres.sh start)"`)');
};

let announced = false;
/** A test that needs PostgreSQL: runs, is skipped (saying why once), or fails without a server when required. */
export const pgTest =
  (t: Test = uvuTest) =>
  (name: string, fn: () => Promise<void>): void => {
    if (postgresSkipReason) {
      if (!announced) console.log(`SKIPPED: ${postgresSkipReason}`);
      announced = true;
      t.skip(name, fn);
    } else
      t(name, async () => {
        requirePostgresUrl();
        await fn();
      });
  };

/**
 * How long a test's PostgreSQL store waits, in `readAll`, for events whose transaction is not yet
 * below the horizon before it ends the read early (the store's default is 2 s). The horizon is the
 * whole server's: every test file running at the same time shares it, so a long write
 * transaction of another file (a views batch, a bench load on a busy machine) held a read back
 * past 2 s and a catch-up ended short of the events just appended. A guard against a hang, not
 * a wait: a read goes on the moment the other transaction ends.
 */
export const TEST_SETTLE_TIMEOUT_MS = 120_000;

let counter = 0;
/** A schema name no other test, here or in another process, uses. */
export const uniqueSchema = (label: string): string =>
  `t_${label}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();

/** A pool for the test's own SQL (inspecting, corrupting, cleaning up). */
export const adminPool = (): Pool => new pg.Pool({ connectionString: requirePostgresUrl(), max: 4 });

export const dropSchema = async (pool: Pool, schema: string): Promise<void> => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
};

export const dropSchemas = async (...schemas: string[]): Promise<void> => {
  const pool = new pg.Pool({ connectionString: requirePostgresUrl(), max: 1 });
  try {
    for (const s of schemas) await dropSchema(pool, s);
  } finally {
    await pool.end();
  }
};
