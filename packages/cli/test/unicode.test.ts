// Ill-formed Unicode through the CLI (issue 12, item 5), on SQLite and PostgreSQL: a lone surrogate
// in a command id or actor used to be accepted and break `audit verify` and `audit seal` for good;
// on PostgreSQL two such cycle ids became one stream. Now such a line is malformed (exit 1), the
// good lines apply, and the chain verifies and seals. Ids are compared in NFC.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';
import { postgresSkip, withPostgresStore } from './support/postgres.js';

const JAN = { start: '2026-01-01', end: '2026-02-01' };
const LONE = '\ud800';

const scenario = (storeArgs: readonly string[]) => {
  const w = workspace();
  try {
    const decomposed = 'cafe\u0301-0301/2026-01'; // e + COMBINING ACUTE ACCENT
    const composed = 'caf\u00e9-0301/2026-01';
    w.writeLines('day.jsonl', [
      bill('unit-0301/2026-01', 'unit-0301', 31520, JAN, '2026-01-15', `bill${LONE}`),
      { ...bill('unit-0302/2026-01', 'unit-0302', 31520, JAN, '2026-01-15'), actor: `clerk${LONE}` },
      bill(`c${LONE}/2026-01`, 'unit-0303', 100, JAN, '2026-01-15', 'bill-c-1'),
      bill(`c\ud801/2026-01`, 'unit-0303', 200, JAN, '2026-01-15', 'bill-c-2'),
      bill(decomposed, 'café-0301', 31520, JAN, '2026-01-15'),
      pay(composed, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
    ]);
    const r = w.renewal(['apply', 'day.jsonl', ...storeArgs, '--format', 'json']);
    assert.is(r.status, 1, r.stderr);
    const lines = r.json().lines;
    assert.equal(
      lines.map((l: any) => l.status),
      ['malformed', 'malformed', 'malformed', 'malformed', 'applied', 'applied'],
    );
    assert.equal(
      lines.slice(0, 4).map((l: any) => l.problems[0].path),
      ['commandId', 'actor', 'cycleId', 'cycleId'],
    );
    assert.match(lines[0].problems[0].message, 'is not well-formed Unicode');
    // The payment typed with the composed é went to the cycle billed with the decomposed one.
    assert.is(lines[5].cycleId, composed);
    assert.is(lines[5].figures.outstandingMinor, 21520);

    assert.is(w.renewal(['projections', 'rebuild', ...storeArgs]).status, 0);
    const verify = w.renewal(['audit', 'verify', ...storeArgs, '--format', 'json']);
    assert.is(verify.status, 0, verify.stdout + verify.stderr);
    assert.is(verify.json().entries, 2);
    const seal = w.renewal(['audit', 'seal', ...storeArgs, '--format', 'json']);
    assert.is(seal.status, 0, seal.stderr);
    const history = w.renewal(['audit', 'history', decomposed, ...storeArgs, '--format', 'json']);
    assert.is(history.status, 0, 'an NFD id on the command line finds the cycle too');
    assert.equal(
      history.json().history.map((h: any) => h.type),
      ['Billed', 'Paid'],
    );
  } finally {
    w.cleanup();
  }
};

const test = suite('ill-formed Unicode through the CLI');

test('SQLite: lines with a lone surrogate are malformed; the chain verifies and seals; ids compare in NFC', () => scenario([]));

if (postgresSkip) console.log(`SKIPPED: ill-formed Unicode on PostgreSQL: ${postgresSkip}`);
(postgresSkip ? test.skip : test)(
  'PostgreSQL: two cycle ids differing only in a lone surrogate are refused, not merged into one stream',
  () => withPostgresStore('unicode', (store) => scenario(['--store', store])),
);

test.run();
