// Where the PostgreSQL tests find their server, and what they do without one.
//
// POSTGRES_URL names a database the tests may create schemas in (each test makes its own schema
// and drops it). Without it the tests report as skipped, with one line saying why; with
// REQUIRE_POSTGRES=1 (CI) they fail instead, so a run without PostgreSQL can never pass.
import { test as uvuTest, type Test } from 'uvu';
import pg from 'pg';
import type { Pool } from 'pg';

export const postgresUrl: string | undefined = process.env.POSTGRES_URL || undefined;
export const postgresRequired = process.env.REQUIRE_POSTGRES === '1';

const START_HINT = 'start one with `export POSTGRES_URL="$(scripts/postgres.sh start)"`';

/** Why these tests cannot run here, or undefined when they can (or must). */
export const skipReason: string | undefined =
  postgresUrl || postgresRequired ? undefined : `POSTGRES_URL is not set: PostgreSQL tests skipped (${START_HINT})`;

/** The URL, or the reason there is none as a failure (REQUIRE_POSTGRES=1 without a URL). */
export const requireUrl = (): string => {
  if (postgresUrl) return postgresUrl;
  throw new Error(`REQUIRE_POSTGRES=1 but POSTGRES_URL is not set (${START_HINT})`);
};

let announced = false;
/** Registers a test that needs PostgreSQL: runs it, skips it (saying why once), or fails it. */
export const pgTest = (t: Test = uvuTest) => (name: string, fn: () => Promise<void>): void => {
  if (skipReason) {
    if (!announced) console.log(`SKIPPED: ${skipReason}`);
    announced = true;
    t.skip(name, fn);
  } else {
    t(name, async () => {
      requireUrl();
      await fn();
    });
  }
};

let counter = 0;
/** A schema name no other test (in this or another process) uses. */
export const uniqueSchema = (label: string): string =>
  `t_${label}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();

/** A pool for the test's own SQL (inspecting, corrupting, cleaning up). */
export const adminPool = (): Pool => new pg.Pool({ connectionString: requireUrl(), max: 4 });

export const dropSchema = async (pool: Pool, schema: string): Promise<void> => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
};
