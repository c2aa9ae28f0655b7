// `renewal projections status|rebuild|follow`, and the demo that fills a store end to end.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { bill, pay } from './support/commands.js';
import { hasStackTrace, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

const test = suite<{ w: Workspace }>('renewal projections and demo');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

test('status says how far behind each view is; a report catches its view up where it is built', ({ w }) => {
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  const before = w.renewal(['projections', 'status', '--format', 'json']).json();
  assert.is(before.storeHead, '2');
  assert.equal(
    before.projections.map((p: any) => [p.projection, p.live, p.behind]),
    [
      ['arrears', null, '2'],
      ['receipts', null, '2'],
      ['audit', null, '2'],
      ['behaviour', null, '2'],
      ['invoices', null, '2'],
    ],
  );
  // A report never creates the views: it computes them in memory, and says so.
  const report = w.renewal(['receipts', '--format', 'json']);
  assert.is(report.status, 0, report.stderr);
  assert.is(report.json().documents.length, 1);
  assert.match(report.stderr, 'note: the views at ./renewal-views.db are not built yet: they were computed in memory for this run');
  assert.not.ok(existsSync(w.path('renewal-views.db')), 'readers never create');
  assert.is(w.renewal(['projections', 'rebuild', '--only', 'receipts']).status, 0);
  assert.ok(existsSync(w.path('renewal-views.db')), 'views beside the store');
  w.writeLines('b.jsonl', [pay(CYCLE, 'pay-2', 10000, '2026-01-21T10:30:00Z')]);
  assert.is(w.renewal(['apply', 'b.jsonl']).status, 0);
  const caughtUp = w.renewal(['receipts']);
  assert.is(caughtUp.stderr, '', 'built views are caught up, with nothing to say');
  const after = w.renewal(['projections', 'status', '--format', 'json']).json();
  const receipts = after.projections.find((p: any) => p.projection === 'receipts');
  assert.equal([receipts.live.position, receipts.live.events, receipts.behind], ['3', 3, '0']);
  assert.is(after.projections.find((p: any) => p.projection === 'arrears').live, null, 'only the view asked for was caught up');
});

test('rebuild replays every view from zero and gives the same receipt numbers', ({ w }) => {
  w.writeLines('a.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
    pay(CYCLE, 'pay-2', 10000, '2026-01-21T10:30:00Z'),
  ]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  const numbers = () =>
    w
      .renewal(['receipts', '--format', 'json'])
      .json()
      .documents.map((d: any) => [d.number, d.paymentId]);
  const first = numbers();
  const r = w.renewal(['projections', 'rebuild', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(
    r.json().results.map((x: any) => [x.projection, x.status, x.eventsApplied, x.switched]),
    [
      ['arrears', 'caught-up', 3, true],
      ['receipts', 'caught-up', 3, true],
      ['audit', 'caught-up', 3, true],
      ['behaviour', 'caught-up', 3, true],
      ['invoices', 'caught-up', 0, true],
    ],
  );
  assert.equal(numbers(), first);
  assert.is(w.renewal(['audit', 'verify']).status, 0);
  const unknown = w.renewal(['projections', 'rebuild', '--only', 'ledger']);
  assert.is(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, 'no projection named "ledger"; the projections are arrears, receipts, audit, behaviour, invoices');
});

test('follow applies new events as they arrive and stops cleanly on SIGTERM', async ({ w }) => {
  // The runner reads a store that exists: it never creates one.
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  const follow = w.start(['projections', 'follow', '--interval', '100']);
  try {
    await follow.waitFor(/caught up: arrears at 1 \(\+1\), receipts at 1 \(\+1\), audit at 1 \(\+1\)/);
    w.writeLines('b.jsonl', [pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
    assert.is(w.renewal(['apply', 'b.jsonl']).status, 0);
    await follow.waitFor(/caught up: arrears at 2 \(\+1\), receipts at 2 \(\+1\), audit at 2 \(\+1\)/);
  } finally {
    follow.child.kill('SIGTERM');
  }
  const done = await follow.exited;
  assert.is(done.status, 0, done.stderr);
  assert.match(done.stdout, /Stopped\.\n$/);
});

test('demo: contracts and the renewal engine end to end, then again writing nothing', ({ w }) => {
  const first = w.renewal(['demo', '--accounts', '40', '--months', '4', '--format', 'json']);
  assert.is(first.status, 0, first.stderr);
  assert.ok(existsSync(w.path('renewal-demo.db')) && existsSync(w.path('renewal-demo-views.db')));
  const one = first.json();
  assert.is(one.portfolio.firstDay, '2026-08-01');
  // The engine did the billing, the reminders and the auto-debits: 40 contracts, four months.
  assert.is(one.engine.contractsOpened, 40);
  // Every cycle in the arrears view was billed by renewDue: one a month, and a prorated first one
  // for a contract that joins mid-month (so at most 4 each).
  assert.is(one.engine.billsIssued, one.arrears.currencies[0].cycles);
  assert.ok(one.engine.billsIssued > 140 && one.engine.billsIssued <= 160, `${one.engine.billsIssued} bills`);
  assert.ok(one.engine.autoDebitsCollected > 0, 'auto-debits collected');
  assert.ok(Object.values(one.engine.remindersSent as Record<string, number>).reduce((a, b) => a + b, 0) > 0, 'reminders sent');
  assert.ok(one.commands.events > 0);
  // Then the last three days' Alipay and WeChat Pay statements were reconciled: one record each.
  assert.equal(
    one.reconciliations.map((r: { day: string; channel: string; status: string }) => `${r.channel} ${r.day} ${r.status}`),
    ['alipay', 'wechat-pay'].flatMap((c) => ['2026-11-26', '2026-11-27', '2026-11-28'].map((d) => `${c} ${d} recorded`)),
  );
  for (const r of one.reconciliations) assert.ok(r.counts.missingInLedger >= 1, `${r.channel} ${r.day}: the planted unrecorded payment`);
  assert.is(one.audit.entries, one.commands.events + 6);
  assert.ok(one.behaviour.reminders.length > 0 && one.behaviour.collectionRates.length === 4 && one.behaviour.channels.length > 0);
  assert.is(one.behaviour.punctuality.contracts, 40);
  // Late fees: charged by the monthly runs, one in ten waived, two in ten paid at once; the
  // arrears view's figures agree with what the engine wrote.
  assert.ok(one.engine.lateFeeRuns === 4 && one.engine.lateFeesCharged > 0, `${one.engine.lateFeesCharged} late fees`);
  const [fees] = one.lateFees;
  assert.equal(
    [fees.currency, fees.chargedMinor, fees.waivedMinor, fees.collectedMinor],
    ['CNY', one.engine.lateFeesChargedMinor, one.engine.lateFeesWaivedMinor, one.engine.lateFeesPaidMinor],
  );
  assert.is(BigInt(fees.outstandingMinor), BigInt(fees.chargedMinor) - BigInt(fees.waivedMinor) - BigInt(fees.collectedMinor));
  assert.ok(BigInt(fees.waivedMinor) > 0n && BigInt(fees.collectedMinor) > 0n);

  const again = w.renewal(['demo', '--accounts', '40', '--months', '4']);
  assert.is(again.status, 0, again.stderr);
  for (const heading of [
    'Arrears aging as of 2026-11-28 (CNY)',
    'Collection rate, last six billing months',
    'Top debtors as of 2026-11-28',
    'Takings 2026-11-22 to 2026-11-28 per channel',
    'Reminder effectiveness',
    'Collection rate per billing month',
    'Takings per channel 2026-08-01 to 2026-11-28',
    'Punctuality as of 2026-11-28',
  ])
    assert.match(again.stdout, heading);
  assert.match(again.stdout, 'Events written: none (every command was already applied)');
  assert.match(again.stdout, 'bills issued by renewDue 0 in 4 monthly runs');
  assert.match(again.stdout, /reminders sent 0 in \d+ runs/);
  assert.match(again.stdout, 'late fees charged on 0 cycles (0.00 CNY) in 4 monthly runs; 0 waived (0.00 CNY), 0 paid at once (0.00 CNY)');
  assert.match(again.stdout, 'Late fees (apart from the principal: charged, waived, collected, open)');
  assert.match(again.stdout, `Audit chain: ${one.audit.entries.toLocaleString('en-US')} entries verified against the event store`);
  assert.match(again.stdout, "Reconciliation of the providers' statements");

  const out = w.renewal(['demo', '--accounts', '40', '--months', '4', '--format', 'json']).json();
  assert.is(out.commands.applied, 0);
  assert.ok(out.reconciliations.every((r: { status: string }) => r.status === 'already-reconciled'));
  assert.is(out.commands.events, 0);
  assert.is(out.audit.ok, true);
  assert.equal(out.arrears, one.arrears);
  // The report's buckets add up to the collectible amount.
  const c = out.arrears.currencies[0];
  // Totals over cycles are decimal strings in JSON (docs/cli.md): added up exactly as bigints.
  assert.is(
    Object.values(c.buckets as Record<string, string>).reduce((a, b) => a + BigInt(b), 0n),
    BigInt(c.collectibleMinor),
  );
  // The same portfolio through the CLI's own reports.
  const arrears = w.renewal(['arrears', '--store', 'sqlite:./renewal-demo.db', '--as-of', '2026-11-28', '--format', 'json']).json();
  assert.equal(arrears.currencies, out.arrears.currencies);
});

test('demo on the memory store keeps nothing on disk', ({ w }) => {
  const r = w.renewal(['demo', '--accounts', '5', '--months', '2', '--store', 'memory:']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'Views (in memory)');
  assert.not.ok(existsSync(w.path('renewal-demo.db')));
});

test('the top level: help, unknown commands, and every command has its help', ({ w }) => {
  const none = w.renewal([]);
  assert.is(none.status, 2);
  assert.match(none.stdout, 'usage: renewal <command> [options]');
  assert.is(w.renewal(['--help']).status, 0);
  const unknown = w.renewal(['arrear']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, 'unknown command "arrear"');
  assert.match(w.renewal(['audit']).stdout, 'audit verify');
  assert.is(w.renewal(['audit', 'verfy']).status, 2);
  const help = w.renewal(['apply', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, 'usage: renewal apply');
  assert.match(help.stdout, '--store URL');
  for (const name of ['renew', 'remind', 'behaviour']) {
    const r = w.renewal([name, '--help']);
    assert.is(r.status, 0);
    assert.match(r.stdout, `usage: renewal ${name} [--as-of DATE]`);
    assert.not.match(w.renewal(['--help']).stdout, 'not available yet');
  }
});

test('unexpected trouble is one sentence; --debug adds the stack trace', ({ w }) => {
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  w.write('notes.txt', 'not a database, but a file that is long enough for SQLite to look at its header\n'.repeat(10));
  const plain = w.renewal(['arrears', '--views', 'notes.txt']);
  assert.is(plain.status, 1);
  assert.match(plain.stderr, /^renewal arrears: cannot open the views \(notes.txt\): /);
  assert.not.ok(hasStackTrace(plain.stderr));
  const debug = w.renewal(['arrears', '--views', 'notes.txt', '--debug']);
  assert.is(debug.status, 1);
  assert.ok(hasStackTrace(debug.stderr), debug.stderr);
});

test('RENEWAL_STORE names the store when --store is not given', ({ w }) => {
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')]);
  assert.is(w.renewal(['apply', 'a.jsonl'], { env: { RENEWAL_STORE: 'sqlite:./books.db' } }).status, 0);
  assert.ok(existsSync(w.path('books.db')));
  assert.not.ok(existsSync(w.path('renewal.db')));
  assert.is(w.renewal(['projections', 'rebuild'], { env: { RENEWAL_STORE: 'sqlite:./books.db' } }).status, 0);
  assert.ok(existsSync(w.path('books-views.db')), 'the views beside that store');
  const v = w.renewal(['audit', 'verify', '--format', 'json'], { env: { RENEWAL_STORE: 'sqlite:./books.db' } });
  assert.is(v.json().entries, 1);
});

test.run();
