// `audit verify` catches a truncated audit table (issue 12, item 12), on SQLite and PostgreSQL
// views. Deleting the chain's last entries and then editing an event after them used to pass
// verify ("newer events not audited yet") and let `audit seal` seal the cut chain, while
// `projections status` said the audit was not behind. The checkpoint and the chain must agree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { bill, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';
import { postgresSkip, withPostgresStore } from './support/postgres.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

interface Where {
  readonly args: readonly string[];
  /** The views database, to cut the chain. */
  views(w: Workspace): Promise<ViewDatabase>;
  /** The store's database, to edit an event. */
  store(w: Workspace): Promise<{ db: ViewDatabase; table: string; cast: string }>;
}

/** The concrete table behind `audit_entries` (a SQL view over the live table set). */
const auditTable = async (db: ViewDatabase): Promise<string> => {
  const [row] = await db.query<{ live_tables: string }>(`SELECT live_tables FROM renewal_projection_registry WHERE projection = 'audit'`);
  return JSON.parse(row!.live_tables).audit_entries;
};

const scenario = async (where: Where) => {
  const w = workspace();
  try {
    w.writeLines('day.jsonl', [
      bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
      pay(CYCLE, 'pay-1', 1000, '2026-01-20T10:00:00Z'),
      pay(CYCLE, 'pay-2', 2000, '2026-01-21T10:00:00Z'),
      pay(CYCLE, 'pay-3', 3000, '2026-01-22T10:00:00Z'),
      pay(CYCLE, 'pay-4', 4000, '2026-01-23T10:00:00Z'),
    ]);
    assert.is(w.renewal(['apply', 'day.jsonl', ...where.args]).status, 0);
    assert.is(w.renewal(['projections', 'rebuild', ...where.args]).status, 0);
    assert.is(w.renewal(['audit', 'verify', ...where.args]).status, 0);
    const positions = w
      .renewal(['audit', 'history', CYCLE, ...where.args, '--format', 'json'])
      .json()
      .history.map((h: any) => h.position);

    // Someone deletes the chain's last three entries, then edits the fourth event (pay-3).
    const views = await where.views(w);
    try {
      assert.is(await views.execute(`DELETE FROM ${await auditTable(views)} WHERE position > ?`, [BigInt(positions[1])]), 3);
    } finally {
      await views.close();
    }
    const { db, table, cast } = await where.store(w);
    try {
      const changed = await db.execute(
        `UPDATE ${table} SET data = replace(data${cast}, '"amountMinor":3000', '"amountMinor":300')${cast === '' ? '' : '::json'} WHERE global_position = ?`,
        [BigInt(positions[3])],
      );
      assert.is(changed, 1);
    } finally {
      await db.close();
    }

    const verify = w.renewal(['audit', 'verify', ...where.args, '--format', 'json']);
    assert.is(verify.status, 1, verify.stdout);
    const v = verify.json();
    assert.equal([v.ok, v.problem.kind, v.problem.position, v.entries], [false, 'chain-truncated', positions[2], 2]);
    assert.match(
      v.problem.reason,
      `the audit view has audited the events up to position ${positions[4]}, but its chain ends at position ${positions[1]}: entries were removed from its end`,
    );

    const seal = w.renewal(['audit', 'seal', ...where.args, '--format', 'json']);
    assert.is(seal.status, 1, 'no seal past the gap');
    assert.is(seal.json().seal, null);

    const status = w.renewal(['projections', 'status', ...where.args, '--format', 'json']);
    assert.is(status.status, 1, 'status agrees: the audit view is broken');
    const audit = status.json().projections.find((p: any) => p.projection === 'audit');
    assert.equal([audit.behind, audit.live.position], [String(BigInt(positions[4]) - BigInt(positions[1])), positions[4]]);
    assert.match(audit.problem, 'entries were removed from its end');
    assert.match(
      w.renewal(['projections', 'status', ...where.args]).stdout,
      'audit: BROKEN: the audit view has audited the events up to position',
    );
  } finally {
    w.cleanup();
  }
};

const test = suite('a truncated audit chain');

test('SQLite: verify fails at the gap, seal refuses, status says so', () =>
  scenario({
    args: [],
    views: async (w) => getSQLiteViewDatabase({ path: w.path('renewal-views.db') }),
    store: async (w) => ({ db: getSQLiteViewDatabase({ path: w.path('renewal.db') }), table: 'events', cast: '' }),
  }));

if (postgresSkip) console.log(`SKIPPED: a truncated audit chain on PostgreSQL: ${postgresSkip}`);
(postgresSkip ? test.skip : test)('PostgreSQL: verify fails at the gap, seal refuses, status says so', () =>
  withPostgresStore('trunc', (store, schema, url) =>
    scenario({
      args: ['--store', store],
      views: () => getPostgresViewDatabase({ connectionString: url, schema: `${schema}_views` }),
      store: async () => ({ db: await getPostgresViewDatabase({ connectionString: url }), table: `"${schema}".events`, cast: '::text' }),
    }),
  ),
);

test.run();
