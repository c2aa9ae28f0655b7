// Totals beyond 2^53 are exact (issue 12, item 8), on SQLite and PostgreSQL: with a bill of
// 9,007,199,254,740,991 (2^53 - 1, the largest safe integer) and one of 2, `renewal arrears`
// printed 9007199254740992 on SQLite and crashed on PostgreSQL. Every sum over cycles is a bigint
// now, and JSON carries it as a decimal string, as it does positions.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';
import { postgresSkip, withPostgresStore } from './support/postgres.js';

const JAN = { start: '2026-01-01', end: '2026-02-01' };
const MAX = 9_007_199_254_740_991; // Number.MAX_SAFE_INTEGER
// MAX + 2 = 9,007,199,254,740,993: a number JavaScript cannot hold (it rounds to ...992).
const SUM = '9007199254740993';

const scenario = (storeArgs: readonly string[]) => {
  const w = workspace();
  try {
    w.writeLines('day.jsonl', [
      bill('unit-0301/2026-01', 'unit-0301', MAX, JAN, '2026-01-15'),
      bill('unit-0302/2026-01', 'unit-0301', 2, JAN, '2026-01-15'),
      bill('unit-0303/2026-01', 'unit-0303', MAX, JAN, '2026-01-15'),
      bill('unit-0304/2026-01', 'unit-0304', 2, JAN, '2026-01-15'),
      // Both of unit-0303's and unit-0304's bills paid in full on one day: the takings are the sum.
      pay('unit-0303/2026-01', 'pay-1', MAX, '2026-01-20T10:00:00Z', 'bank-transfer'),
      pay('unit-0304/2026-01', 'pay-2', 2, '2026-01-20T11:00:00Z', 'bank-transfer'),
    ]);
    const applied = w.renewal(['apply', 'day.jsonl', ...storeArgs]);
    assert.is(applied.status, 0, applied.stdout + applied.stderr);

    const arrears = w.renewal(['arrears', '--as-of', '2026-03-01', '--top', '5', '--periods', ...storeArgs, '--format', 'json']);
    assert.is(arrears.status, 0, arrears.stderr);
    const a = arrears.json();
    const cny = a.currencies[0];
    // Due: 2 x MAX + 2 x 2 = 18014398509481986; paid MAX + 2; outstanding MAX + 2 (unit-0301's two cycles), 51 days past due.
    assert.equal(
      [cny.dueMinor, cny.netPaidMinor, cny.outstandingMinor, cny.collectibleMinor, cny.overdueMinor, cny.buckets['31-60']],
      ['18014398509481986', SUM, SUM, SUM, SUM, SUM],
    );
    assert.equal(
      a.topDebtors.map((d: any) => [d.contractId, d.overdueMinor, d.collectibleMinor, d.cycles]),
      [['unit-0301', SUM, SUM, 2]],
    );
    assert.equal(
      a.billingPeriods.map((p: any) => [p.billedMinor, p.dueMinor, p.collectedMinor, p.outstandingMinor]),
      [['18014398509481986', '18014398509481986', SUM, SUM]],
    );
    assert.is(a.billingPeriods[0].collectionRate, 0.5);
    const contract = w
      .renewal(['arrears', '--as-of', '2026-03-01', '--contract', 'unit-0301', ...storeArgs, '--format', 'json'])
      .json().contract;
    assert.equal([contract.totals[0].dueMinor, contract.totals[0].collectibleMinor], [SUM, SUM]);
    // Each cycle's own figures stay plain numbers: core keeps them within the safe range.
    assert.equal(
      contract.cycles.map((c: any) => c.figures.dueMinor),
      [MAX, 2],
    );

    const table = w.renewal(['arrears', '--as-of', '2026-03-01', ...storeArgs]).stdout;
    assert.match(table, /31-60\s+2\s+90,071,992,547,409\.93/);
    const csv = w.renewal(['arrears', '--as-of', '2026-03-01', ...storeArgs, '--format', 'csv']).stdout;
    // The minor units and, beside them, the same total in yuan: exact beyond 2^53 too.
    assert.match(csv, `2026-03-01,CNY,31-60,2,${SUM},90071992547409.93\r\n`);

    const takings = w.renewal(['receipts', '--day', '2026-01-20', ...storeArgs, '--format', 'json']).json().takings;
    assert.equal(
      takings.totals.map((t: any) => [t.takenMinor, t.netMinor]),
      [[SUM, SUM]],
    );
    const behaviour = w.renewal(['behaviour', '--as-of', '2026-01-31', ...storeArgs, '--format', 'json']).json();
    assert.equal(
      behaviour.collectionRates.map((p: any) => [p.dueMinor, p.collectedMinor]),
      [['18014398509481986', SUM]],
    );
    assert.equal(
      behaviour.takings.channels.map((t: any) => [t.channel, t.takenMinor]),
      [['bank-transfer', SUM]],
    );
  } finally {
    w.cleanup();
  }
};

const test = suite('totals beyond 2^53');

test('SQLite: every sum over cycles is exact; JSON carries it as a decimal string', () => scenario([]));

if (postgresSkip) console.log(`SKIPPED: totals beyond 2^53 on PostgreSQL: ${postgresSkip}`);
(postgresSkip ? test.skip : test)('PostgreSQL: the same exact totals (it crashed before)', () =>
  withPostgresStore('totals', (store) => scenario(['--store', store])),
);

test.run();
