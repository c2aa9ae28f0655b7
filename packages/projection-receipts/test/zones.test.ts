// Business days in the ledger's own zone, end to end: the ledger's settings recorded in the store,
// payments given with offsets through the real codecs and handler, the receipts, behaviour and
// audit views built by the runner, on SQLite and on PostgreSQL. Every figure is worked by hand in
// the comments (offsets: Asia/Shanghai is +08:00 all year; Europe/Berlin is +01:00, and +02:00
// from 29 March 2026 01:00 UTC to 25 October 2026 01:00 UTC).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  decodeLedgerSettingsCommand,
  endOfBusinessDay,
  ledgerSettingsDecider,
  renewalCycle,
  type BusinessDate,
  type Instant,
  type LedgerZones,
} from '@renewal-ledger/core';
import { getCommandHandler, readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { behaviourProjection, getBehaviourView } from '@renewal-ledger/projection-behaviour';
import { cycleAsOf } from '@renewal-ledger/projection-audit';
import { getReceiptsView, receiptsProjection } from '../src/index.js';
import { openEnvironment, type Environment, type StoreKind } from '@renewal-ledger/testing/environments';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { command } from '@renewal-ledger/testing/feed';

const settings = async (store: EventStore, json: Record<string, unknown>, recordedAt: string) => {
  const c = decodeLedgerSettingsCommand({ actor: 'owner-li', at: recordedAt, ...json });
  if (E.isLeft(c)) throw new Error(c.left.message);
  const r = await getCommandHandler(ledgerSettingsDecider, { store }).handle(c.right, { recordedAt: recordedAt as Instant });
  if (r.status !== 'applied') throw new Error(`${r.status}: ${JSON.stringify(r)}`);
};

/** A bill and payments, each recorded at its own `at` (given with an offset, as a clerk types it). */
const write = async (store: EventStore, json: readonly Record<string, unknown>[]) => {
  let now = '' as Instant;
  const handler = getCommandHandler(renewalCycle, { store, clock: () => now, maxRetries: 0 });
  for (const j of json) {
    const c = command(j);
    now = c.at; // already normalised to UTC by the codec
    const r = await handler.handle(c);
    if (r.status !== 'applied') throw new Error(`${c.commandId}: ${JSON.stringify(r)}`);
  }
};

const bill = (cycleId: string, start: string, end: string, dueDate: string, amountMinor: number, currency: string, at: string) => ({
  type: 'Bill',
  commandId: `bill-${cycleId}`,
  cycleId,
  actor: 'billing',
  at,
  contractId: 'unit-0301',
  period: { start, end },
  dueDate,
  currency,
  lines: [{ code: 'service', description: 'Property service fee', amountMinor }],
});
const pay = (cycleId: string, paymentId: string, amountMinor: number, at: string) => ({
  type: 'RecordPayment',
  commandId: `cmd-${paymentId}`,
  cycleId,
  actor: '收银员王芳',
  at,
  paymentId,
  amountMinor,
  channel: 'wechat-pay',
});

const build = async (env: Environment, rebuild = false) => {
  const runner = getProjectionRunner({ store: env.store, database: env.views, projections: [receiptsProjection, behaviourProjection] });
  for (const r of await (rebuild ? runner.rebuild() : runner.catchUp()))
    assert.is(r.status, 'caught-up', r.status === 'failed' ? r.error.message : r.status);
};

const numbers = async (env: Environment) =>
  (await getReceiptsView(env.views).list()).map((r) => [r.number, r.paymentId, r.atDate, r.recordedDate]);
const takenOn = async (env: Environment, day: string) =>
  (await getReceiptsView(env.views).receiptsIssued(day)).totals.map((t) => t.takenMinor);

const shanghai = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await settings(
      env.store,
      { type: 'OpenLedger', commandId: 'open', timeZone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN' },
      '2026-01-01T00:00:00Z',
    );
    await write(env.store, [
      bill('unit-0301/2026-05', '2026-05-01', '2026-06-01', '2026-05-15', 100000, 'CNY', '2026-05-01T00:00:00+08:00'),
      // 07:30 on 29 May in Beijing = 23:30 UTC on 28 May: 29 May's takings, not the 28th's.
      pay('unit-0301/2026-05', 'p-0529', 10000, '2026-05-29T07:30:00+08:00'),
      bill('unit-0301/2026-12', '2026-12-01', '2027-01-01', '2026-12-15', 100000, 'CNY', '2026-12-01T00:00:00+08:00'),
      // 23:30 on 31 December = 15:30 UTC: the last number of 2026's series.
      pay('unit-0301/2026-12', 'p-1231', 20000, '2026-12-31T23:30:00+08:00'),
      // 00:30 on 1 January 2027 = 16:30 UTC on 31 December 2026: still 2026 in UTC, but 2027's first number here.
      pay('unit-0301/2026-12', 'p-0101', 30000, '2027-01-01T00:30:00+08:00'),
    ]);
    await build(env);
    const expected = [
      ['R-2026-000001', 'p-0529', '2026-05-29', '2026-05-29'],
      ['R-2026-000002', 'p-1231', '2026-12-31', '2026-12-31'],
      ['R-2027-000001', 'p-0101', '2027-01-01', '2027-01-01'],
    ];
    assert.equal(await numbers(env), expected);
    assert.equal(await takenOn(env, '2026-05-29'), [10000n]);
    assert.equal(await takenOn(env, '2026-05-28'), []);
    assert.equal(await takenOn(env, '2027-01-01'), [30000n]);
    // The behaviour view counts the same days.
    assert.equal(
      (await getBehaviourView(env.views).takings({ from: '2026-05-29', to: '2026-05-29' })).channels.map((t) => t.takenMinor),
      [10000n],
    );
    // A rebuild (on a machine in any zone) gives the same numbers and days.
    await build(env, true);
    assert.equal(await numbers(env), expected);
  } finally {
    await env.close();
  }
};

const berlin = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await settings(
      env.store,
      { type: 'OpenLedger', commandId: 'open', timeZone: 'Europe/Berlin', currency: 'EUR', locale: 'de-DE' },
      '2026-01-01T00:00:00Z',
    );
    await write(env.store, [
      bill('unit-0301/2026-03', '2026-03-01', '2026-04-01', '2026-03-15', 50000, 'EUR', '2026-03-01T00:00:00+01:00'),
      // Spring forward, 29 March: 00:30 local is still CET (+01:00) = 23:30 UTC on 28 March.
      pay('unit-0301/2026-03', 'p-spring', 20000, '2026-03-29T00:30:00+01:00'),
      bill('unit-0301/2026-10', '2026-10-01', '2026-11-01', '2026-10-15', 40000, 'EUR', '2026-10-01T00:00:00+02:00'),
      // Fall back, 25 October: 00:30 local is still CEST (+02:00) = 22:30 UTC on 24 October.
      pay('unit-0301/2026-10', 'p-autumn', 15000, '2026-10-25T00:30:00+02:00'),
    ]);
    await build(env);
    assert.equal(await takenOn(env, '2026-03-29'), [20000n]);
    assert.equal(await takenOn(env, '2026-03-28'), []);
    assert.equal(await takenOn(env, '2026-10-25'), [15000n]);
    assert.equal(await takenOn(env, '2026-10-24'), []);

    const zones: LedgerZones = await readLedgerZones(env.store);
    // --known-at 2026-03-28: the end of that day in Berlin, 23:59:59.999 CET = 22:59:59.999 UTC.
    // The payment (23:30 UTC) is not known yet: 50,000 outstanding, 13 days past the 15th.
    const before = await cycleAsOf(env.store, 'unit-0301/2026-03', { knownAt: endOfBusinessDay(zones, '2026-03-28' as BusinessDate) });
    assert.is(before.point.knownAt, '2026-03-28T22:59:59.999Z');
    assert.equal(
      [before.figures.outstandingMinor, before.aging?.asOf, before.aging?.daysPastDue, before.aging?.bucket],
      [50000, '2026-03-28', 13, '1-30'],
    );
    // --known-at 2026-03-29 ends at 21:59:59.999 UTC (CEST): paid 20,000, 30,000 left, 14 days.
    const after = await cycleAsOf(env.store, 'unit-0301/2026-03', { knownAt: endOfBusinessDay(zones, '2026-03-29' as BusinessDate) });
    assert.is(after.point.knownAt, '2026-03-29T21:59:59.999Z');
    assert.equal([after.figures.outstandingMinor, after.aging?.asOf, after.aging?.daysPastDue], [30000, '2026-03-29', 14]);
    // Known at the payment's own instant: its business day (29 March in Berlin) is the aging date.
    const atPayment = await cycleAsOf(env.store, 'unit-0301/2026-03', { knownAt: '2026-03-29T00:30:00+01:00' });
    assert.equal([atPayment.aging?.asOf, atPayment.aging?.daysPastDue], ['2026-03-29', 14]);
    // --known-at 2026-10-24 ends at 21:59:59.999 UTC (still CEST): the autumn payment is not in it.
    const october = await cycleAsOf(env.store, 'unit-0301/2026-10', { knownAt: endOfBusinessDay(zones, '2026-10-24' as BusinessDate) });
    assert.equal([october.figures.outstandingMinor, october.aging?.daysPastDue, october.aging?.bucket], [40000, 9, '1-30']);
    // 25 October has 25 hours: it ends at 23:59:59.999 CET = 22:59:59.999 UTC.
    assert.is(endOfBusinessDay(zones, '2026-10-25' as BusinessDate), '2026-10-25T22:59:59.999Z');
  } finally {
    await env.close();
  }
};

const zoneChange = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await settings(
      env.store,
      { type: 'OpenLedger', commandId: 'open', timeZone: 'Asia/Shanghai', currency: 'CNY' },
      '2026-01-01T00:00:00Z',
    );
    await write(env.store, [
      bill('unit-0301/2026-06', '2026-06-01', '2026-07-01', '2026-06-15', 100000, 'CNY', '2026-06-01T00:00:00+08:00'),
      // 20:00 UTC on 15 June is 04:00 on 16 June in Shanghai.
      pay('unit-0301/2026-06', 'p-june', 10000, '2026-06-15T20:00:00Z'),
    ]);
    // Recorded on 1 June, effective 1 July: Berlin from then on.
    await settings(
      env.store,
      { type: 'ChangeTimeZone', commandId: 'to-berlin', timeZone: 'Europe/Berlin', effectiveFrom: '2026-07-01', reason: 'office moved' },
      '2026-06-01T02:00:00Z',
    );
    await write(env.store, [
      // Entered after the change but taken before it: still counted in Shanghai (16 June).
      pay('unit-0301/2026-06', 'p-june-late', 5000, '2026-06-15T20:30:00Z'),
      bill('unit-0301/2026-07', '2026-07-01', '2026-08-01', '2026-07-15', 100000, 'CNY', '2026-07-01T00:00:00+02:00'),
      // 20:00 UTC on 15 July is 22:00 on 15 July in Berlin (Shanghai would have said 04:00 on the 16th).
      pay('unit-0301/2026-07', 'p-july', 20000, '2026-07-15T20:00:00Z'),
    ]);
    await build(env);
    assert.equal(await takenOn(env, '2026-06-16'), [15000n]);
    assert.equal(await takenOn(env, '2026-06-15'), []);
    assert.equal(await takenOn(env, '2026-07-15'), [20000n]);
    assert.equal(await takenOn(env, '2026-07-16'), []);
    await build(env, true);
    assert.equal(await takenOn(env, '2026-06-16'), [15000n]);
    assert.equal(await takenOn(env, '2026-07-15'), [20000n]);
  } finally {
    await env.close();
  }
};

const test = suite('business days in the ledger zone');
for (const [name, scenario] of [
  ['Asia/Shanghai: takings day, number years, rebuild', shanghai],
  ['Europe/Berlin across both DST changes: takings days, --known-at ends of day, aging', berlin],
  ['a zone change recorded mid-year: days before keep Shanghai, days after count in Berlin', zoneChange],
] as const) {
  test(`SQLite: ${name}`, scenario('sqlite'));
  pgTest(test)(`PostgreSQL: ${name}`, scenario('postgres'));
}
test.run();
