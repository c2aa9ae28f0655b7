// On a generated portfolio: rebuild equals incremental on SQLite and PostgreSQL, numbers have
// no gaps, and the same history gets the same receipt numbers on memory, SQLite and PostgreSQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { getReceiptsView, parseReceiptNumber, receiptsProjection } from '../src/index.js';
import { dumpTable, openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { buildIncrementally } from '@renewal-ledger/testing/generated';
import { pgTest, postgresSkipReason } from '@renewal-ledger/testing/postgres';

const test = suite('receipts on a generated portfolio');
/** Per store: every document without its global position (stores may number positions apart). */
const documents = new Map<StoreKind, string[]>();

const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await buildIncrementally(env.store, env.views, [receiptsProjection]);
    const incremental = await dumpTable(env.views, 'receipts', 'number');
    const [rebuilt] = await getProjectionRunner({
      store: env.store,
      database: env.views,
      projections: [receiptsProjection],
      batchSize: 500,
    }).rebuild();
    assert.is(rebuilt!.status, 'caught-up');
    assert.equal(await dumpTable(env.views, 'receipts', 'number'), incremental);

    const all = await getReceiptsView(env.views).list({ limit: 100_000 });
    let paid = 0;
    let refunded = 0;
    for await (const e of env.store.readAll()) {
      if (e.type === 'Paid') paid++;
      if (e.type === 'Refunded') refunded++;
    }
    assert.is(all.filter((d) => d.kind === 'receipt').length, paid);
    assert.is(all.filter((d) => d.kind === 'refund-note').length, refunded);
    assert.ok(refunded > 0);
    // Per series and year: 1, 2, 3... in issue order, years never going back.
    const last = new Map<string, number>();
    const lastYear = new Map<string, number>();
    for (const d of all) {
      const n = parseReceiptNumber(d.number)!;
      const key = `${n.series}-${n.year}`;
      assert.is(n.sequence, (last.get(key) ?? 0) + 1, d.number);
      last.set(key, n.sequence);
      assert.ok(n.year >= (lastYear.get(n.series) ?? 0));
      lastYear.set(n.series, n.year);
      assert.is(n.year, Number(d.recordedAt.slice(0, 4)));
    }
    documents.set(
      kind,
      all.map((d) => JSON.stringify({ ...d, globalPosition: undefined })),
    );
  } finally {
    await env.close();
  }
};

test('memory: numbered without gaps', scenario('memory'));
test('SQLite: rebuild equals incremental, numbered without gaps', scenario('sqlite'));
pgTest(test)('PostgreSQL: rebuild equals incremental, numbered without gaps', scenario('postgres'));

test('the same history gets the same numbers on every store', () => {
  const memory = documents.get('memory')!;
  assert.ok(memory.length > 1000, `${memory.length} documents`);
  assert.equal(documents.get('sqlite'), memory);
  if (!postgresSkipReason) assert.equal(documents.get('postgres'), memory);
});

test.run();
