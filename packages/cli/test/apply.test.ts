// `renewal apply`: per line applied, duplicate, rejected or malformed; exit statuses; a file
// applied twice writes nothing the second time; --atomic writes all or nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { hasStackTrace, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

const test = suite<{ w: Workspace }>('renewal apply');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

test('applies each line and says what it wrote; the same file again writes nothing', async ({ w }) => {
  const file = w.writeLines('day.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z', 'cash', { offline: true }),
    pay(CYCLE, 'pay-2', 5000, '2026-01-21T09:00:00Z', 'wechat-pay', { reference: 'WX-88213' }),
  ]);
  const first = w.renewal(['apply', file, '--format', 'json']);
  assert.is(first.status, 0, first.stderr);
  const out = first.json();
  assert.equal(out.summary, {
    lines: 3,
    applied: 3,
    duplicate: 0,
    rejected: 0,
    malformed: 0,
    contended: 0,
    notWritten: 0,
    eventsWritten: 3,
  });
  assert.equal(
    out.lines.map((l: any) => [l.line, l.status, l.type, l.events.map((e: any) => e.type)]),
    [
      [1, 'applied', 'Bill', ['Billed']],
      [2, 'applied', 'RecordPayment', ['Paid']],
      [3, 'applied', 'RecordPayment', ['Paid']],
    ],
  );
  // 315.20 - 100.00 - 50.00 = 165.20 left after the third line.
  assert.is(out.lines[2].figures.outstandingMinor, 16520);
  assert.equal(
    out.lines.map((l: any) => l.events[0].position),
    ['1', '2', '3'],
  );
  assert.is(await w.eventCount(), 3);

  const again = w.renewal(['apply', file, '--format', 'json']);
  assert.is(again.status, 0, again.stderr);
  assert.equal(again.json().summary, {
    lines: 3,
    applied: 0,
    duplicate: 3,
    rejected: 0,
    malformed: 0,
    contended: 0,
    notWritten: 0,
    eventsWritten: 0,
  });
  assert.equal(again.json().lines[1].duplicate, { key: 'commandId', id: 'cmd-pay-1' });
  assert.is(await w.eventCount(), 3, 'nothing written the second time');

  const table = w.renewal(['apply', file]);
  assert.is(table.status, 0);
  assert.match(table.stdout, /2\s+duplicate\s+RecordPayment\s+unit-0301\/2026-01\s+command cmd-pay-1 was already applied/);
  assert.match(table.stdout, 'day.jsonl: 3 lines: 0 applied (0 events written), 3 duplicate, 0 rejected, 0 malformed');
});

test('the same payment under another command id is the same fact: a duplicate, not a second payment', async ({ w }) => {
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  w.writeLines('b.jsonl', [{ ...pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'), commandId: 'retyped-by-clerk' }]);
  const r = w.renewal(['apply', 'b.jsonl', '--format', 'json']);
  assert.is(r.status, 0);
  assert.equal(r.json().lines[0].duplicate, { key: 'paymentId', id: 'pay-1' });
  assert.is(await w.eventCount(), 2);
});

test('a rejected line writes nothing, names its rule and figures, and the others still apply (exit 1)', async ({ w }) => {
  const file = w.writeLines('day.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 50000, '2026-01-20T10:30:00Z'),
    pay(CYCLE, 'pay-2', 10000, '2026-01-21T10:30:00Z'),
  ]);
  const r = w.renewal(['apply', file, '--format', 'json']);
  assert.is(r.status, 1);
  const out = r.json();
  assert.equal(out.lines[1], {
    line: 2,
    status: 'rejected',
    type: 'RecordPayment',
    commandId: 'cmd-pay-1',
    cycleId: CYCLE,
    error: {
      code: 'OVERPAYMENT',
      message: 'payment of 500.00 exceeds the outstanding 315.20',
      outstandingMinor: 31520,
      attemptedMinor: 50000,
    },
  });
  assert.is(out.lines[2].status, 'applied');
  assert.is(out.lines[2].figures.outstandingMinor, 21520);
  assert.is(await w.eventCount(), 2, 'the bill and the second payment only');

  const table = w.renewal(['apply', file]);
  assert.is(table.status, 1, 'rejected again the second time');
  assert.match(
    table.stdout,
    /2\s+rejected\s+RecordPayment\s+unit-0301\/2026-01\s+OVERPAYMENT: payment of 500.00 exceeds the outstanding 215.20/,
  );
  assert.is(await w.eventCount(), 2);
});

test('a malformed line is reported with its line number and io-ts paths, nothing of it is written, the others apply', async ({ w }) => {
  const file = w.writeLines('day.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    '',
    { ...pay(CYCLE, 'pay-1', -5, '2026-01-20T10:30:00Z'), chanel: 'cash' },
    '{"type": "RecordPayment", "cycleId": ',
    {
      ...bill('unit-0302/2026-01', 'unit-0302', 100, JAN, '2026-01-15'),
      lines: [{ code: 'service', description: 'x', amountMinor: '12' }],
    },
    pay(CYCLE, 'pay-2', 10000, '2026-01-21T10:30:00Z'),
  ]);
  const r = w.renewal(['apply', file, '--format', 'json']);
  assert.is(r.status, 1);
  const out = r.json();
  assert.equal(out.summary, {
    lines: 5,
    applied: 2,
    duplicate: 0,
    rejected: 0,
    malformed: 3,
    contended: 0,
    notWritten: 0,
    eventsWritten: 2,
  });
  const byLine = Object.fromEntries(out.lines.map((l: any) => [l.line, l]));
  assert.is(byLine[3].status, 'malformed');
  assert.is(byLine[3].type, 'RecordPayment');
  assert.equal(byLine[3].problems[0], { path: 'amountMinor', message: 'expected a positive safe integer, got -5' });
  assert.is(byLine[3].problems[1].path, 'chanel');
  assert.match(byLine[3].problems[1].message, /^is not a known field/);
  assert.is(byLine[3].problems.length, 2);
  assert.is(byLine[4].problems[0].path, '');
  assert.match(byLine[4].problems[0].message, /^not valid JSON: /);
  assert.is(byLine[5].problems.length, 1);
  assert.is(byLine[5].problems[0].path, 'lines/0/amountMinor');
  assert.match(byLine[5].problems[0].message, /safe integer, got "12"$/);
  assert.is(byLine[6].status, 'applied');
  assert.is(await w.eventCount(), 2);

  const table = w.renewal(['apply', file, '--problems-only']);
  assert.match(
    table.stdout,
    /3\s+malformed\s+RecordPayment\s+amountMinor: expected a positive safe integer, got -5; chanel: is not a known field/,
  );
  assert.not.match(table.stdout, /applied\s+Bill/);
});

test('--atomic: a rejected or malformed line means nothing of the file is written', async ({ w }) => {
  const lines = [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
    pay(CYCLE, 'pay-2', 30000, '2026-01-21T10:30:00Z'),
  ];
  w.writeLines('rejected.jsonl', lines);
  const r = w.renewal(['apply', 'rejected.jsonl', '--atomic', '--format', 'json']);
  assert.is(r.status, 1);
  // The third line overpays only because of the second: lines are decided in order.
  assert.equal(
    r.json().lines.map((l: any) => l.status),
    ['not-written', 'not-written', 'rejected'],
  );
  assert.is(r.json().lines[2].error.outstandingMinor, 21520);
  assert.is(await w.eventCount(), 0);

  w.writeLines('malformed.jsonl', [lines[0]!, lines[1]!, '{not json']);
  const m = w.renewal(['apply', 'malformed.jsonl', '--atomic']);
  assert.is(m.status, 1);
  assert.match(m.stdout, '--atomic: nothing was written');
  assert.is(await w.eventCount(), 0);

  w.writeLines('fine.jsonl', [lines[0]!, lines[1]!, pay(CYCLE, 'pay-2', 21520, '2026-01-21T10:30:00Z')]);
  const ok = w.renewal(['apply', 'fine.jsonl', '--atomic', '--format', 'json']);
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(ok.json().summary.eventsWritten, 3);
  assert.is(await w.eventCount(), 3);
  // Applying it again: every line a duplicate, which --atomic accepts.
  const again = w.renewal(['apply', 'fine.jsonl', '--atomic', '--format', 'json']);
  assert.is(again.status, 0);
  assert.is(again.json().summary.duplicate, 3);
  assert.is(await w.eventCount(), 3);
});

test('a command id reused on another cycle is rejected alone; with --atomic nothing is written', async ({ w }) => {
  const feb = { start: '2026-02-01', end: '2026-03-01' };
  const reused = { ...bill('unit-0301/2026-02', 'unit-0301', 31520, feb, '2026-02-15'), commandId: `bill-${CYCLE}` };
  w.writeLines('reuse.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    reused,
    pay(CYCLE, 'pay-1', 100, '2026-01-20T10:30:00Z'),
  ]);
  const atomic = w.renewal(['apply', 'reuse.jsonl', '--atomic', '--format', 'json']);
  assert.is(atomic.status, 1);
  assert.is(await w.eventCount(), 0);
  const r = w.renewal(['apply', 'reuse.jsonl', '--format', 'json']);
  assert.is(r.status, 1);
  assert.equal(
    r.json().lines.map((l: any) => l.status),
    ['applied', 'rejected', 'applied'],
  );
  assert.is(r.json().lines[1].error.code, 'COMMAND_ID_CONFLICT');
  assert.is(await w.eventCount(), 2);
});

test('a command id reused with other content is refused COMMAND_ID_CONFLICT (exit 1); the same content is a duplicate (exit 0)', async ({
  w,
}) => {
  w.writeLines('bill.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')]);
  assert.is(w.renewal(['apply', 'bill.jsonl']).status, 0);
  const k1 = { ...pay(CYCLE, 'P1', 1000, '2026-01-20T10:30:00Z'), commandId: 'K1' };
  const first = w.renewal(['apply', '-', '--format', 'json'], { input: JSON.stringify(k1) });
  assert.is(first.status, 0, first.stderr);
  const position = first.json().lines[0].events[0].position;
  // Another payment id and amount under the same key: not a duplicate, and P2 must not vanish silently.
  const reused = w.renewal(['apply', '-', '--format', 'json'], {
    input: JSON.stringify({ ...pay(CYCLE, 'P2', 2000, '2026-01-20T10:30:00Z'), commandId: 'K1' }),
  });
  assert.is(reused.status, 1);
  const refused = reused.json().lines[0];
  assert.is(refused.status, 'rejected');
  assert.equal(
    [refused.error.code, refused.error.commandId, refused.error.streamName, refused.error.eventTypes, refused.error.position],
    ['COMMAND_ID_CONFLICT', 'K1', `renewal-cycle-${CYCLE}`, ['Paid'], position],
  );
  assert.is(await w.eventCount(), 2, 'P2 is not stored');
  // Only the business time differs: other content as well.
  const later = w.renewal(['apply', '-'], { input: JSON.stringify({ ...k1, at: '2026-01-20T10:31:00Z' }) });
  assert.is(later.status, 1);
  assert.match(
    later.stdout,
    /rejected\s+RecordPayment\s+unit-0301\/2026-01\s+COMMAND_ID_CONFLICT: command id K1 was already used by another command \(Paid on renewal-cycle-unit-0301\/2026-01 at position 2\)/,
  );
  // The same content keyed by another clerk: a retry, nothing written.
  const retry = w.renewal(['apply', '-', '--format', 'json'], { input: JSON.stringify({ ...k1, actor: 'cashier-li' }) });
  assert.is(retry.status, 0, retry.stdout);
  assert.equal(retry.json().lines[0].duplicate, { key: 'commandId', id: 'K1' });
  assert.is(await w.eventCount(), 2);
});

test('125,000 consecutive lines of one kind end with the report and its exit status', async ({ w }) => {
  // One bill, one payment, then the same payment keyed 124,999 times more under other command ids:
  // each a duplicate of the same fact, so the run writes 2 events and reads little.
  const payment = pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z');
  const text = [JSON.stringify(bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'))];
  for (let i = 0; i < 125_000; i++) text.push(JSON.stringify({ ...payment, commandId: `keyed-${i}` }));
  w.write('big.jsonl', `${text.join('\n')}\n`);
  const r = w.renewal(['apply', 'big.jsonl', '--problems-only', '--batch', '5000']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr.includes('Maximum call stack'), false);
  assert.match(r.stdout, 'big.jsonl: 125,001 lines: 2 applied (2 events written), 124,999 duplicate, 0 rejected, 0 malformed');
  assert.is(await w.eventCount(), 2);
});

test('invalid UTF-8 bytes are refused with their line, never replaced by U+FFFD; the other lines apply', async ({ w }) => {
  const good = JSON.stringify(bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'));
  // Line 2's actor is "cashier-" then the bytes C3 28, as a Latin-1 editor might leave them: C3
  // starts a two-byte UTF-8 sequence, and "(" cannot continue it.
  const [before, after] = JSON.stringify(pay(CYCLE, 'pay-1', 100, '2026-01-20T10:30:00Z')).split('cashier-chen') as [string, string];
  const bytes = Buffer.concat([
    Buffer.from(`${good}\n${before}cashier-`),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(`${after}\n${JSON.stringify(pay(CYCLE, 'pay-2', 200, '2026-01-21T10:30:00Z'))}\n`),
  ]);
  w.write('latin.jsonl', bytes);
  const r = w.renewal(['apply', 'latin.jsonl', '--format', 'json']);
  assert.is(r.status, 1);
  const out = r.json();
  assert.equal(
    out.lines.map((l: any) => [l.line, l.status]),
    [
      [1, 'applied'],
      [2, 'malformed'],
      [3, 'applied'],
    ],
  );
  assert.match(out.lines[1].problems[0].message, /^not valid UTF-8: byte \d+ of the line is 0xc3/);
  assert.is(await w.eventCount(), 2);
  const db = w.sqlite('renewal.db');
  try {
    const rows = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE data LIKE '%\uFFFD%' OR metadata LIKE '%\uFFFD%'");
    assert.is(Number(rows[0]!.n), 0, 'no replacement character stored');
  } finally {
    await db.close();
  }
});

test('a line of 5,000 nested brackets is one malformed line with a clear message; the good lines apply', async ({ w }) => {
  w.writeLines('deep.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    '['.repeat(5000),
    pay(CYCLE, 'pay-1', 100, '2026-01-20T10:30:00Z'),
  ]);
  const r = w.renewal(['apply', 'deep.jsonl', '--format', 'json']);
  assert.is(r.status, 1, r.stderr);
  const out = r.json();
  assert.equal(
    out.lines.map((l: any) => [l.line, l.status]),
    [
      [1, 'applied'],
      [2, 'malformed'],
      [3, 'malformed'],
      [4, 'applied'],
    ],
  );
  assert.equal(out.lines[1].problems, [{ path: '', message: 'nested 5,000 levels deep: a command nests at most 64' }]);
  assert.is(await w.eventCount(), 2);
});

test('reads standard input with -', async ({ w }) => {
  const input = [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')].map((c) => JSON.stringify(c)).join('\n');
  const r = w.renewal(['apply', '-', '--format', 'json'], { input });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.json().summary.applied, 1);
});

test('an unreadable file or a usage mistake: exit 2, one sentence, no stack trace', ({ w }) => {
  const missing = w.renewal(['apply', 'nope.jsonl']);
  assert.is(missing.status, 2);
  assert.is(missing.stderr.trim(), 'renewal apply: cannot read nope.jsonl: no such file or directory');
  const noFile = w.renewal(['apply']);
  assert.is(noFile.status, 2);
  assert.match(noFile.stderr, 'the file of commands (JSON lines) is missing');
  const badFlag = w.renewal(['apply', 'x.jsonl', '--atomc']);
  assert.is(badFlag.status, 2);
  assert.match(badFlag.stderr, "unknown option '--atomc'");
  const badStore = w.renewal(['apply', w.writeLines('one.jsonl', [{}]), '--store', 'mysql://x']);
  assert.is(badStore.status, 2);
  assert.match(badStore.stderr, 'unknown store kind "mysql:"');
  const dir = w.renewal(['apply', '.']);
  assert.is(dir.status, 2);
  for (const r of [missing, noFile, badFlag, badStore, dir]) assert.not.ok(hasStackTrace(r.stderr), r.stderr);
});

test.run();
