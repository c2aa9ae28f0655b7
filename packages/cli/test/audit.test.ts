// `renewal audit`: verify catches a stored event edited in the SQLite file and names its
// position; seals catch a rewrite that a recomputed chain would hide; history replays a cycle as
// of a business time, as known at a recorded time, and as of a position; export checks on its own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { verifyAuditExport } from '@renewal-ledger/projection-audit';
import { bill, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

const test = suite<{ w: Workspace }>('renewal audit');
test.before.each((ctx) => {
  ctx.w = workspace();
  ctx.w.writeLines('day.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z', 'cash', { offline: true }),
    pay('unit-0301/2026-01', 'pay-2', 5000, '2026-01-28T08:00:00Z', 'alipay'),
  ]);
  const r = ctx.w.renewal(['apply', 'day.jsonl']);
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
  // The audit trail is built by the runner (a follower, or a rebuild); audit commands never make one.
  const built = ctx.w.renewal(['projections', 'rebuild', '--only', 'audit']);
  if (built.status !== 0) throw new Error(built.stdout + built.stderr);
});
test.after.each((ctx) => ctx.w.cleanup());

/** Edits a stored event in the SQLite file, as someone with access to the database could. */
const tamper = async (w: Workspace, position: number, from: string, to: string) => {
  const db = w.sqlite('renewal.db');
  try {
    const changed = await db.execute('UPDATE events SET data = replace(data, ?, ?) WHERE global_position = ?', [from, to, position]);
    assert.is(changed, 1, 'the event was edited');
  } finally {
    await db.close();
  }
};

test('verify: exit 0 and the head of the chain when nothing was altered', ({ w }) => {
  const r = w.renewal(['audit', 'verify', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const v = r.json();
  assert.is(v.ok, true);
  assert.is(v.entries, 3);
  assert.is(v.head.position, '3');
  assert.match(v.head.hash, /^[0-9a-f]{64}$/);
  assert.is(v.problem, null);
  assert.match(w.renewal(['audit', 'verify']).stdout, 'Audit chain verified: 3 entries');
});

test('verify: a payment edited in the SQLite file is caught at its position (exit 1)', async ({ w }) => {
  // Audit first, then tamper: the chain recorded the payment as it was.
  assert.is(w.renewal(['audit', 'verify']).status, 0);
  await tamper(w, 2, '"amountMinor":10000', '"amountMinor":1000');
  const r = w.renewal(['audit', 'verify', '--format', 'json']);
  assert.is(r.status, 1);
  const v = r.json();
  assert.is(v.ok, false);
  assert.is(v.problem.kind, 'event-altered');
  assert.is(v.problem.position, '2');
  assert.match(v.problem.reason, 'data');
  assert.is(v.entries, 1, 'the entry before it verified');
  const table = w.renewal(['audit', 'verify']);
  assert.is(table.status, 1);
  assert.match(table.stdout, 'Audit chain BROKEN at position 2 (event-altered)');
});

test('seal: a rewrite hidden by rebuilding the chain still fails the seal kept outside', async ({ w }) => {
  const sealed = w.renewal(['audit', 'seal', '--format', 'json']);
  assert.is(sealed.status, 0, sealed.stderr);
  const seal = sealed.json();
  assert.equal([seal.position, seal.entries], ['3', 3]);
  assert.is(w.renewal(['audit', 'verify', '--seal', JSON.stringify(seal)]).status, 0);
  assert.is(w.renewal(['audit', 'verify', '--seal', seal.hash]).status, 0);
  w.write('seals.json', JSON.stringify([seal]));
  assert.is(w.renewal(['audit', 'verify', '--seal', 'seals.json']).status, 0);

  // Someone edits a payment and rebuilds the audit view: the chain is consistent again.
  await tamper(w, 2, '"amountMinor":10000', '"amountMinor":1000');
  assert.is(w.renewal(['projections', 'rebuild', '--only', 'audit']).status, 0);
  assert.is(w.renewal(['audit', 'verify']).status, 0, 'without a seal the rewrite is invisible');

  const withSeal = w.renewal(['audit', 'verify', '--seal', JSON.stringify(seal), '--format', 'json']);
  assert.is(withSeal.status, 1);
  assert.is(withSeal.json().problem.kind, 'seal-mismatch');
  assert.is(withSeal.json().problem.position, '3');
  const withHash = w.renewal(['audit', 'verify', '--seal', seal.hash, '--format', 'json']);
  assert.is(withHash.status, 1);
  assert.is(withHash.json().problem.kind, 'seal-mismatch');
});

test('seal: a --seal that is neither hash, JSON nor file is a usage error', ({ w }) => {
  const r = w.renewal(['audit', 'verify', '--seal', 'abc']);
  assert.is(r.status, 2);
  assert.match(r.stderr, '--seal takes a 64-character hash');
});

test('history: the cycle as of a business time, as known at a recorded time, as of a position', ({ w }) => {
  const all = w.renewal(['audit', 'history', CYCLE, '--format', 'json']).json();
  assert.equal(
    all.history.map((h: any) => [h.position, h.type, h.outstandingAfterMinor]),
    [
      ['1', 'Billed', 31520],
      ['2', 'Paid', 21520],
      ['3', 'Paid', 16520],
    ],
  );
  // As of 25 January: the bill and the offline payment of the 20th had happened; the 28th's had not.
  const asOf = w.renewal(['audit', 'history', CYCLE, '--as-of', '2026-01-25', '--format', 'json']).json();
  assert.is(asOf.figures.outstandingMinor, 21520);
  assert.equal([asOf.events, asOf.excluded], [2, 1]);
  assert.equal(asOf.aging, { ...asOf.aging, asOf: '2026-01-25', overdueMinor: 21520, daysPastDue: 10, bucket: '1-30' });
  assert.equal(
    asOf.history.map((h: any) => h.inPicture),
    [true, true, false],
  );
  // As known at 1 January 2000 nothing had been recorded (everything was entered just now).
  const known = w.renewal(['audit', 'history', CYCLE, '--known-at', '2000-01-01T00:00:00Z', '--format', 'json']).json();
  assert.equal([known.events, known.figures.outstandingMinor], [0, 0]);
  const byPosition = w.renewal(['audit', 'history', CYCLE, '--position', '1', '--format', 'json']).json();
  assert.equal([byPosition.events, byPosition.figures.outstandingMinor, byPosition.aging], [1, 31520, null]);

  const table = w.renewal(['audit', 'history', CYCLE, '--as-of', '2026-01-25']).stdout;
  assert.match(table, 'Paid 100.00 CNY by cash, taken offline (payment pay-1)');
  assert.match(table, /^- #3 /m);
  const missing = w.renewal(['audit', 'history', 'unit-9999/2026-01']);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'no cycle unit-9999/2026-01 in the store');
  assert.is(w.renewal(['audit', 'history', CYCLE, '--as-of', 'last week']).status, 2);
  assert.is(w.renewal(['audit', 'history', CYCLE, '--position', '1', '--as-of', '2026-01-25']).status, 2);
});

test('export: JSON lines that verify on their own, and CSV', async ({ w }) => {
  const jsonl = w.renewal(['audit', 'export']);
  assert.is(jsonl.status, 0, jsonl.stderr);
  const lines = jsonl.stdout.trim().split('\n');
  assert.is(lines.length, 3);
  const v = await verifyAuditExport(lines);
  assert.is(v.ok, true);
  assert.is(v.entries, 3);

  assert.is(w.renewal(['audit', 'export', '--format', 'csv', '--output', 'trail.csv']).status, 0);
  const csv = readFileSync(w.path('trail.csv'), 'utf8').split('\r\n');
  assert.is(
    csv[0],
    'position,stream,revision,event_id,type,schema_version,actor,role,at,recorded_at,command_id,correlation_id,causation_id,reason,note,data,prev_hash,hash',
  );
  assert.is(csv.filter(Boolean).length, 4);
  assert.is(w.renewal(['audit', 'export', '--format', 'table']).status, 2);
});

test.run();
