// Readers never create (issue 12, items 10 and 11): every command that only reads opens a store
// that exists, read-only, and its views only where they are built; a missing store or directory
// is exit 2 with one plain sentence, and nothing appears on disk. A store in a place the user
// cannot write is still read, with the views computed elsewhere.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { bill, pay } from './support/commands.js';
import { hasStackTrace, otherUser, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

/** Every command that only reads, with what it needs to run. */
const READERS: readonly (readonly string[])[] = [
  ['arrears'],
  ['receipts'],
  ['invoices'],
  ['behaviour'],
  ['audit', 'verify'],
  ['audit', 'seal'],
  ['audit', 'export'],
  ['audit', 'history', CYCLE],
  ['projections', 'status'],
  ['projections', 'rebuild'],
  ['projections', 'follow'],
];

const test = suite<{ w: Workspace }>('readers never create');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

const files = (w: Workspace, sub = '') => readdirSync(join(w.dir, sub)).sort();

test('every read command on a store that does not exist: exit 2, one sentence, nothing created', ({ w }) => {
  for (const args of READERS) {
    const r = w.renewal([...args, '--store', 'sqlite:./typo.db']);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(
      r.stderr,
      `renewal ${args.slice(0, args[0] === 'audit' || args[0] === 'projections' ? 2 : 1).join(' ')}: no SQLite event store at ./typo.db: there is no such file`,
    );
    assert.not.match(r.stderr, 'unexpected');
    assert.not.ok(hasStackTrace(r.stderr));
    assert.equal(files(w), [], `${args.join(' ')} created nothing`);
  }
});

test('a missing directory is exit 2 with a plain message, for readers and writers alike', ({ w }) => {
  const reader = w.renewal(['arrears', '--store', 'sqlite:./no-such-dir/books.db']);
  assert.is(reader.status, 2);
  assert.match(reader.stderr, 'renewal arrears: no SQLite event store ./no-such-dir/books.db: the directory ./no-such-dir does not exist');
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15')]);
  const writer = w.renewal(['apply', 'a.jsonl', '--store', 'sqlite:./no-such-dir/books.db']);
  assert.is(writer.status, 2);
  assert.match(
    writer.stderr,
    'renewal apply: cannot create the SQLite event store ./no-such-dir/books.db: the directory ./no-such-dir does not exist',
  );
  assert.not.match(writer.stderr, 'unexpected');
  const views = w.renewal(['projections', 'rebuild', '--views', 'no-such-dir/views.db']);
  assert.is(views.status, 2, 'the store is missing first');
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  const noViewsDir = w.renewal(['projections', 'rebuild', '--views', 'no-such-dir/views.db']);
  assert.is(noViewsDir.status, 2);
  assert.match(noViewsDir.stderr, 'cannot open the views at no-such-dir/views.db: the directory no-such-dir does not exist');
});

test('an in-memory store has nothing to read in another process: exit 2', ({ w }) => {
  const r = w.renewal(['arrears', '--store', 'memory:']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'an in-memory store exists only inside the process that made it');
});

test('reports compute unbuilt views in memory; audit commands say the trail is not built (exit 1)', ({ w }) => {
  w.writeLines('a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
  assert.is(w.renewal(['apply', 'a.jsonl']).status, 0);
  const before = files(w);
  const arrears = w.renewal(['arrears', '--as-of', '2026-02-01', '--format', 'json']);
  assert.is(arrears.status, 0, arrears.stderr);
  // 315.20 billed, 100.00 paid: 215.20 collectible, 17 days past the due date of 15 January.
  assert.is(String(arrears.json().currencies[0].buckets['1-30']), '21520');
  for (const args of [
    ['audit', 'verify'],
    ['audit', 'seal'],
    ['audit', 'export'],
  ]) {
    const r = w.renewal(args);
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(
      r.stderr,
      'the audit trail is not built yet (views: ./renewal-views.db): there is nothing to verify; build it with renewal projections rebuild --only audit',
    );
  }
  const status = w.renewal(['projections', 'status']);
  assert.is(status.status, 0);
  assert.match(status.stdout, 'Views in ./renewal-views.db (not built yet)');
  assert.equal(files(w), before, 'no views database, no journal files left behind');
});

// Item 11. The directory and the files are read-only for the user running the command (root
// ignores permissions, so the command runs as `nobody` there): the store is read where it is,
// or from a temporary copy when SQLite cannot make its shared-memory file beside it, and the
// views are computed in memory or in a temporary copy of the built ones.
const readOnlyTest = 'skip' in otherUser ? test.skip : test;
if ('skip' in otherUser) console.log(`SKIPPED: a store in a read-only place: ${otherUser.skip}`);
readOnlyTest('a store in a read-only place is read; its views are caught up elsewhere', async ({ w }) => {
  mkdirSync(w.path('ledger'));
  w.writeLines('ledger/a.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
  assert.is(w.renewal(['apply', 'ledger/a.jsonl', '--store', 'sqlite:./ledger/books.db']).status, 0);
  // A private temporary directory for the copies, so the test can see that they are removed.
  const scratch = mkdtempSync(join(tmpdir(), 'renewal-ro-tmp-'));
  const lockDown = () => {
    chmodSync(w.dir, 0o755);
    chmodSync(scratch, 0o777);
    for (const f of readdirSync(w.path('ledger'))) chmodSync(w.path(`ledger/${f}`), 0o444);
    chmodSync(w.path('ledger'), 0o555);
  };
  const unlock = () => chmodSync(w.path('ledger'), 0o755);
  const asReader = (args: readonly string[]) =>
    w.renewal([...args, '--store', 'sqlite:./ledger/books.db'], { asOtherUser: true, env: { TMPDIR: scratch } });
  const snapshotOf = () => files(w, 'ledger').map((f) => [f, statSync(w.path(`ledger/${f}`)).mtimeMs]);
  try {
    lockDown();
    const before = snapshotOf();
    // No views built: computed in memory.
    const arrears = asReader(['arrears', '--as-of', '2026-02-01', '--format', 'json']);
    assert.is(arrears.status, 0, arrears.stderr);
    assert.is(String(arrears.json().currencies[0].outstandingMinor), '21520');
    assert.is(asReader(['audit', 'history', CYCLE]).status, 0);
    assert.equal(snapshotOf(), before, 'nothing in the read-only place changed');

    // Views built beside it (by their owner), then locked down with it: used from a copy.
    unlock();
    assert.is(w.renewal(['projections', 'rebuild', '--store', 'sqlite:./ledger/books.db']).status, 0);
    lockDown();
    const built = snapshotOf();
    const verify = asReader(['audit', 'verify', '--format', 'json']);
    assert.is(verify.status, 0, verify.stderr);
    assert.is(verify.json().entries, 2);
    assert.match(
      verify.stderr,
      'note: the views at ledger/books-views.db cannot be written here: a temporary copy was caught up for this run',
    );
    const status = asReader(['projections', 'status', '--format', 'json']);
    assert.is(status.status, 0, status.stderr);
    assert.is(status.json().projections.find((p: any) => p.projection === 'audit').live.position, '2');
    assert.equal(snapshotOf(), built, 'nothing in the read-only place changed');

    // A writer still holds the store open, its last commit only in the -wal file: read as well.
    unlock();
    const writer = await openStore(`sqlite:${w.path('ledger/books.db')}`);
    try {
      const handled = await getCommandHandler(renewalCycle, { store: writer }).handle(
        pay(CYCLE, 'pay-2', 5000, '2026-01-21T10:30:00Z') as unknown as RenewalCommand,
      );
      assert.is(handled.status, 'applied');
      assert.ok(files(w, 'ledger').includes('books.db-wal'));
      lockDown();
      const withWal = asReader(['arrears', '--as-of', '2026-02-01', '--format', 'json']);
      assert.is(withWal.status, 0, withWal.stderr);
      // 315.20 - 100.00 - 50.00
      assert.is(String(withWal.json().currencies[0].outstandingMinor), '16520');
    } finally {
      unlock();
      await writer.close();
    }
    assert.equal(readdirSync(scratch), [], 'temporary copies removed');
  } finally {
    unlock();
    rmSync(scratch, { recursive: true, force: true });
  }
});

test.run();
