// The CLI on PostgreSQL by URL: the store in a schema of its own (`?schema=`), the views beside it
// in `<schema>_views`. Runs when POSTGRES_URL names a server (scripts/run-tests.mjs starts one
// when PostgreSQL's binaries are installed); otherwise it says it skipped and why, and with
// REQUIRE_POSTGRES=1 (CI) it fails instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getPostgresViewDatabase } from '@renewal-ledger/projections';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';

const url = process.env.POSTGRES_URL || undefined;
const skip =
  url || process.env.REQUIRE_POSTGRES === '1'
    ? null
    : 'POSTGRES_URL is not set: the CLI on PostgreSQL was not tested (`export POSTGRES_URL="$(scripts/postgres.sh start)"`)';

const test = suite('renewal on PostgreSQL');
const CYCLE = 'unit-0301/2026-01';

const run = async () => {
  if (!url) throw new Error('REQUIRE_POSTGRES=1 but POSTGRES_URL is not set');
  const schema = `t_cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const store = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  const w = workspace();
  try {
    // Readers never create: a schema that does not exist is exit 2, and is still not there after.
    for (const args of [['arrears'], ['audit', 'verify'], ['projections', 'status']]) {
      const r = w.renewal([...args, '--store', store]);
      assert.is(r.status, 2, r.stderr);
      assert.match(r.stderr, `no event store in schema ${schema} of PostgreSQL database`);
    }
    const probe = await getPostgresViewDatabase({ connectionString: url });
    const schemas = await probe.query('SELECT nspname FROM pg_namespace WHERE nspname IN (?, ?)', [schema, `${schema}_views`]);
    await probe.close();
    assert.equal(schemas, [], 'no schema was created');
    w.writeLines('day.jsonl', [
      bill(CYCLE, 'unit-0301', 31520, { start: '2026-01-01', end: '2026-02-01' }, '2026-01-15'),
      pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
      pay(CYCLE, 'pay-2', 50000, '2026-01-21T10:30:00Z'),
    ]);
    const applied = w.renewal(['apply', 'day.jsonl', '--store', store, '--format', 'json']);
    assert.is(applied.status, 1, applied.stderr);
    assert.equal(
      applied.json().lines.map((l: any) => l.status),
      ['applied', 'applied', 'rejected'],
    );
    assert.is(w.renewal(['apply', 'day.jsonl', '--store', store, '--format', 'json']).json().summary.duplicate, 2);
    // Before the views are built, a report computes them in memory; status says none are built.
    const first = w.renewal(['arrears', '--store', store, '--as-of', '2026-02-01', '--format', 'json']);
    assert.is(first.status, 0, first.stderr);
    assert.is(first.json().currencies[0].buckets['1-30'], '21520');
    assert.match(first.stderr, 'not built yet');
    assert.is(
      w.renewal(['projections', 'status', '--store', store, '--format', 'json']).json().views,
      `PostgreSQL schema ${schema}_views (not built yet)`,
    );
    assert.is(w.renewal(['projections', 'rebuild', '--store', store]).status, 0);
    const arrears = w.renewal(['arrears', '--store', store, '--as-of', '2026-02-01', '--format', 'json']);
    assert.is(arrears.status, 0, arrears.stderr);
    assert.is(arrears.stderr, '');
    assert.is(arrears.json().currencies[0].buckets['1-30'], '21520');
    const status = w.renewal(['projections', 'status', '--store', store, '--format', 'json']).json();
    assert.is(status.views, `PostgreSQL schema ${schema}_views`);
    assert.is(w.renewal(['audit', 'verify', '--store', store]).status, 0);
  } finally {
    w.cleanup();
    const admin = await getPostgresViewDatabase({ connectionString: url });
    await admin.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.execute(`DROP SCHEMA IF EXISTS "${schema}_views" CASCADE`);
    await admin.close();
  }
};

if (skip) {
  console.log(`SKIPPED: ${skip}`);
  test.skip('apply, arrears, status and verify on a PostgreSQL store and views', run);
} else test('apply, arrears, status and verify on a PostgreSQL store and views', run);

test.run();
