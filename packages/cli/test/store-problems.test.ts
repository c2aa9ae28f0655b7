// A store that cannot be reached, that goes away in the middle of a run, or that a URL cannot name:
// one plain sentence and the exit status docs/cli.md's table gives, never a crash, a stack trace or
// a message about something else; `apply` still ends its report, saying where it stopped.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { tcpProxy } from '@renewal-ledger/testing/tcp-proxy';
import { bill, pay } from './support/commands.js';
import { hasStackTrace, workspace, type Workspace } from './support/cli.js';
import { withPostgresStore } from './support/postgres.js';

const JAN = { start: '2026-01-01', end: '2026-02-01' };

const test = suite<{ w: Workspace }>('store problems');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());
const it = pgTest(test);

/** The one line of standard error that is the command's message. */
const messageOf = (stderr: string, command: string): string => {
  const lines = stderr.split('\n').filter((l) => l.startsWith(`renewal ${command}:`));
  assert.is(lines.length, 1, `one message in:\n${stderr}`);
  assert.not.match(stderr, 'unexpected');
  assert.not.match(stderr, 'Unhandled');
  assert.not.ok(hasStackTrace(stderr), stderr);
  return lines[0]!;
};

// Port 1 on this host: nothing listens there, so connections are refused at once.
const UNREACHABLE = [
  { url: 'esdb://127.0.0.1:1?tls=false', says: 'could not reach EventStoreDB at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1' },
  {
    url: 'postgres://renewal@127.0.0.1:1/ledger',
    says: 'could not reach PostgreSQL at 127.0.0.1:1/ledger: connect ECONNREFUSED 127.0.0.1:1',
  },
];

test('a store that cannot be reached: exit 1, "could not reach", on every server store and for every command', ({ w }) => {
  w.writeLines('a.jsonl', [bill('unit-0301/2026-01', 'unit-0301', 31520, JAN, '2026-01-15')]);
  for (const { url, says } of UNREACHABLE)
    for (const args of [
      ['arrears'],
      ['receipts', '--cycle', 'x'],
      ['audit', 'verify'],
      ['audit', 'seal'],
      ['projections', 'status'],
      ['apply', 'a.jsonl'],
      ['renew'],
      ['ledger'],
    ]) {
      const r = w.renewal([...args, '--store', url]);
      const command = args[0] === 'audit' || args[0] === 'projections' ? args.slice(0, 2).join(' ') : args[0]!;
      assert.is(r.status, 1, `${args.join(' ')} on ${url}: ${r.stderr}`);
      // The store is checked first: never "the audit trail is not built yet" for a store out of reach.
      assert.is(messageOf(r.stderr, command), `renewal ${command}: ${says}`);
    }
  assert.equal(readdirSync(w.dir), ['a.jsonl'], 'no views file was made beside an unreachable store');
});

test('a SQLite store URL that names a directory: exit 2, saying so, for readers and writers', ({ w }) => {
  mkdirSync(join(w.dir, 'rd'));
  w.writeLines('a.jsonl', [bill('unit-0301/2026-01', 'unit-0301', 31520, JAN, '2026-01-15')]);
  for (const [args, url] of [
    [['audit', 'verify'], 'sqlite:./rd/'],
    [['arrears'], 'sqlite:./rd'],
    [['apply', 'a.jsonl'], 'sqlite:./rd'],
  ] as const) {
    const r = w.renewal([...args, '--store', url]);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const command = args[0] === 'audit' ? 'audit verify' : args[0];
    assert.match(
      messageOf(r.stderr, command),
      `renewal ${command}: the SQLite event store ${url.slice('sqlite:'.length)} is a directory: name the database file in it`,
    );
  }
  assert.equal(readdirSync(join(w.dir, 'rd')), [], 'nothing was made in it');
});

test('views that cannot be made are found before the store is created (demo, projections rebuild)', ({ w }) => {
  const demo = w.renewal(['demo', '--store', 'sqlite:./d.db', '--views', './nodir/v.db', '--accounts', '2', '--months', '1']);
  assert.is(demo.status, 2, demo.stderr);
  assert.is(messageOf(demo.stderr, 'demo'), 'renewal demo: cannot open the views at ./nodir/v.db: the directory ./nodir does not exist');
  mkdirSync(join(w.dir, 'views-dir'));
  const dir = w.renewal(['demo', '--store', 'sqlite:./d.db', '--views', './views-dir', '--accounts', '2', '--months', '1']);
  assert.is(dir.status, 2, dir.stderr);
  assert.match(messageOf(dir.stderr, 'demo'), 'renewal demo: cannot open the views at ./views-dir: it is a directory');
  assert.equal(readdirSync(w.dir).sort(), ['views-dir'], 'no store d.db was left behind');
});

// 200 cycles billed, then 100 payments of 1.00 on each, round the cycles: batches of 100 lines, so
// the run takes long enough to be cut in the middle.
const CYCLES = 200;
const PAYMENTS = 20_000;
const bigFile = (w: Workspace) =>
  w.writeLines('big.jsonl', [
    ...Array.from({ length: CYCLES }, (_, c) => bill(`u-${c}/2026-01`, `u-${c}`, 1_000_000, JAN, '2026-01-15')),
    ...Array.from({ length: PAYMENTS }, (_, i) => pay(`u-${i % CYCLES}/2026-01`, `p-${i}`, 100, '2026-01-20T10:30:00Z')),
  ]);

it('apply: PostgreSQL ending the connections mid-file: the report still ends, saying where it stopped; exit 1; applying again loses nothing', async () => {
  const w = workspace();
  await withPostgresStore('cut', async (storeUrl, schema, url) => {
    bigFile(w);
    // The application name picks out this run's sessions among those of the other tests.
    const application = `apply_${schema}`;
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const run = w.start([
        'apply',
        'big.jsonl',
        '--batch',
        '100',
        '--format',
        'json',
        '--store',
        `${storeUrl}&application_name=${application}`,
      ]);
      await run.waitFor(/"line": 1000,/, 120_000);
      // What an administrator (or a restart) does: end every session of the run, until it stops.
      while (run.child.exitCode === null) {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [application]);
        await new Promise((r) => setTimeout(r, 50));
      }
      const cut = await run.exited;
      assert.is(cut.status, 1, cut.stderr);
      const report = cut.json();
      assert.ok(report.stopped, 'the report says it stopped');
      assert.match(report.stopped.reason, /^(lost the connection to|could not reach) PostgreSQL at [^:]+:\d+\/renewal_test: /);
      // Every line before the one it stopped at is reported, in order, and counted.
      assert.is(report.summary.lines, report.stopped.line - 1);
      assert.is(report.lines.length, report.summary.lines);
      assert.ok(report.summary.lines >= 1000 && report.summary.lines < CYCLES + PAYMENTS, `stopped part-way: line ${report.stopped.line}`);
      assert.is(report.summary.applied, report.summary.lines);
      assert.is(
        messageOf(cut.stderr, 'apply'),
        `renewal apply: stopped at line ${report.stopped.line.toLocaleString('en-US')}: ${report.stopped.reason}`,
      );

      // Applied again, the file completes: what the cut run wrote (even a batch it could not
      // report) is a duplicate now, and every line is stored exactly once.
      const again = w.renewal(['apply', 'big.jsonl', '--batch', '1000', '--problems-only', '--store', storeUrl]);
      assert.is(again.status, 0, again.stderr);
      const [, applied, written, duplicate] = /([\d,]+) applied \(([\d,]+) events? written\), ([\d,]+) duplicate, 0 rejected, 0 malformed$/m
        .exec(again.stdout)!
        .map((n) => Number(n.replace(/,/g, '')));
      assert.is(applied! + duplicate!, CYCLES + PAYMENTS);
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`);
      assert.is(Number(rows[0]!.n), CYCLES + PAYMENTS);
      assert.ok(report.summary.eventsWritten + written! <= CYCLES + PAYMENTS, 'no event counted twice');
    } finally {
      await admin.end();
      w.cleanup();
    }
  });
});

it('projections follow: PostgreSQL out of reach is said once, and the views catch up when it is back, with no restart', async () => {
  const w = workspace();
  await withPostgresStore('follow', async (storeUrl, _schema, url) => {
    const server = new URL(url);
    const proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const through = new URL(storeUrl);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    try {
      w.writeLines('a.jsonl', [bill('unit-0301/2026-01', 'unit-0301', 31520, JAN, '2026-01-15')]);
      assert.is(w.renewal(['apply', 'a.jsonl', '--store', storeUrl]).status, 0);
      const follow = w.start(['projections', 'follow', '--interval', '100', '--store', through.toString()]);
      await follow.waitFor(/caught up: arrears at 1 /);
      await proxy.down();
      const until = Date.now() + 30_000;
      while (!/could not reach PostgreSQL|lost the connection to PostgreSQL/.test(follow.errors())) {
        assert.ok(Date.now() < until && follow.child.exitCode === null, `the follower said nothing of the outage:\n${follow.errors()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // Said once, not at every poll (ten a second here).
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(
        follow
          .errors()
          .split('\n')
          .filter((l) => l.includes('PostgreSQL at')).length <= 2,
        follow.errors(),
      );
      w.writeLines('b.jsonl', [pay('unit-0301/2026-01', 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
      assert.is(w.renewal(['apply', 'b.jsonl', '--store', storeUrl]).status, 0);
      await proxy.up();
      await follow.waitFor(/caught up: arrears at 2 /);
      follow.child.kill('SIGTERM');
      const done = await follow.exited;
      assert.is(done.status, 0, done.stderr);
      assert.not.match(done.stderr, 'Unhandled');
    } finally {
      await proxy.close();
      w.cleanup();
    }
  });
});

test.run();
