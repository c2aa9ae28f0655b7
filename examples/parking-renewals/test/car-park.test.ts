// The car park worker on a small seeded portfolio (12 passes, two months): every pass is billed
// once a month at 310.00 a space (prorated in the month it joins), auto-debit touches only passes
// with a mandate, what is left unpaid is exactly the arrears, and a second run writes nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  daysBetween,
  type AutoDebitFailedData,
  type BilledData,
  type BusinessDate,
  type PaidData,
  type RecordedEvent,
} from '@renewal-ledger/core';
import { openStore } from '@renewal-ledger/stores';
import { carPark, PASS_RATE_MINOR } from '../src/car-park.js';
import { monthsAfter, runCarPark } from '../src/worker.js';
import { totalsOf } from '../src/render.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SMALL = { seed: 7, passes: 12, months: 2, from: '2026-01-01' as BusinessDate, failureRate: 0.3 };

const eventsOf = async (storeUrl: string): Promise<RecordedEvent[]> => {
  const store = await openStore(storeUrl);
  try {
    const out: RecordedEvent[] = [];
    for await (const e of store.readAll()) out.push(e);
    return out;
  } finally {
    await store.close();
  }
};

/** `spaces x 310.00 x days / ofDays`, rounded half-up in integers, as core bills a part period. */
const prorated = (spaces: number, days: number, ofDays: number) =>
  Math.floor((2 * spaces * PASS_RATE_MINOR * days + ofDays) / (2 * ofDays));

const test = suite<{ dir: string; store: string }>('parking-renewals');
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'renewal-parking-'));
  ctx.store = `sqlite:${join(ctx.dir, 'parking.db')}`;
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

test('every pass is billed once a month, at its spaces x 310.00, prorated in the month it joins', async ({ store }) => {
  const report = await runCarPark({ storeUrl: store, ...SMALL });
  const passes = carPark(SMALL);
  assert.ok(
    passes.some((p) => p.startDate !== SMALL.from),
    'the seed has a pass that joins mid-month',
  );
  assert.ok(
    passes.some((p) => p.spaces === 2),
    'and one with two spaces',
  );
  const bills = (await eventsOf(store)).filter((e) => e.type === 'Billed').map((e) => e.data as BilledData);
  assert.is(bills.length, passes.length * SMALL.months);
  for (const pass of passes) {
    const own = bills.filter((b) => b.contractId === pass.contractId).sort((a, b) => a.period.start.localeCompare(b.period.start));
    assert.equal(
      own.map((b) => [b.cycleId, b.period.start, b.period.end]),
      [
        [`${pass.contractId}/${pass.startDate}`, pass.startDate, '2026-02-01'],
        [`${pass.contractId}/2026-02-01`, '2026-02-01', '2026-03-01'],
      ],
    );
    const firstDays = daysBetween(pass.startDate, '2026-02-01' as BusinessDate);
    assert.is(own[0]!.totalMinor, firstDays === 31 ? pass.spaces * PASS_RATE_MINOR : prorated(pass.spaces, firstDays, 31), pass.contractId);
    assert.is(own[1]!.totalMinor, pass.spaces * PASS_RATE_MINOR);
    assert.is(own[0]!.dueDate, addDays(pass.startDate, 5));
  }
  const totals = totalsOf(report.days);
  assert.is(totals.bills, passes.length * SMALL.months);
  assert.is(
    totals.billedMinor,
    bills.reduce((a, b) => a + b.totalMinor, 0),
  );
});

const addDays = (d: BusinessDate, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test('auto-debit touches only passes with a mandate; what is left unpaid is the arrears', async ({ store }) => {
  const report = await runCarPark({ storeUrl: store, ...SMALL });
  const passes = new Map(carPark(SMALL).map((p) => [p.contractId, p]));
  const events = await eventsOf(store);
  const contractOf = (cycleId: string) => passes.get(cycleId.slice(0, cycleId.indexOf('/')))!;
  const autoDebits = events.filter(
    (e) => (e.type === 'Paid' && (e.data as PaidData).channel === 'auto-debit') || e.type === 'AutoDebitFailed',
  );
  assert.ok(autoDebits.length > 0);
  for (const e of autoDebits) assert.ok(contractOf((e.data as PaidData).cycleId).mandate !== null, (e.data as PaidData).cycleId);
  const failures = events.filter((e) => e.type === 'AutoDebitFailed').map((e) => e.data as AutoDebitFailedData);
  assert.ok(failures.length > 0, 'the seed has failures');
  assert.is(totalsOf(report.days).failures, failures.length);
  assert.ok(
    failures.some((f) => f.attempt > 1),
    'a failed attempt is retried',
  );

  // Every payment is of a whole bill: a cycle is paid or owed in full.
  const paid = new Set(events.filter((e) => e.type === 'Paid').map((e) => (e.data as PaidData).cycleId));
  const unpaid = events
    .filter((e) => e.type === 'Billed')
    .map((e) => e.data as BilledData)
    .filter((b) => !paid.has(b.cycleId));
  // Without a mandate: paid at the counter within the two months unless the holder never pays.
  for (const b of events
    .filter((e) => e.type === 'Billed')
    .map((e) => e.data as BilledData)
    .filter((b) => contractOf(b.cycleId).mandate === null))
    assert.is(paid.has(b.cycleId), contractOf(b.cycleId).habit.kind !== 'never', b.cycleId);
  assert.ok(report.arrears !== null);
  assert.is(
    report.arrears!.collectibleMinor,
    unpaid.reduce((a, b) => a + BigInt(b.totalMinor), 0n),
  );
  assert.is(report.arrears!.cycles, carPark(SMALL).length * SMALL.months);
});

test('a second run over the same store writes nothing and reports the same arrears', async ({ store }) => {
  const first = await runCarPark({ storeUrl: store, ...SMALL });
  const count = (await eventsOf(store)).length;
  assert.is(first.eventsWritten, count);
  const second = await runCarPark({ storeUrl: store, ...SMALL });
  assert.is(second.eventsWritten, 0);
  assert.is((await eventsOf(store)).length, count);
  assert.equal(totalsOf(second.days), { ...totalsOf([]), reminders: {} });
  assert.equal(second.arrears, first.arrears);
  assert.is(second.to, '2026-02-28');
  assert.is(monthsAfter('2026-11-01' as BusinessDate, 2), '2027-01-01');
});

test('the start command prints the month and says the gateway is simulated', ({ dir }) => {
  const bin = join(ROOT, 'examples/parking-renewals/dist/main.js');
  if (!existsSync(bin)) throw new Error('examples/parking-renewals/dist/main.js is missing: run `npx tsc -b` before these tests');
  const r = spawnSync(process.execPath, [bin, '--store', 'sqlite:./parking.db', '--passes', '6', '--seed', '3'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'Car park passes, 2026-01-01 to 2026-01-31');
  assert.match(r.stdout, 'SIMULATED gateway');
  assert.match(r.stdout, /bills issued\s+6 /);
  const again = spawnSync(process.execPath, [bin, '--store', 'sqlite:./parking.db', '--passes', '6', '--seed', '3'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.match(again.stdout, 'events written       0 (everything was already recorded: a rerun writes nothing)');
  const bad = spawnSync(process.execPath, [bin, '--from', '2026-01-15'], { cwd: dir, encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, '--from takes the first day of a month');
});

test.run();
