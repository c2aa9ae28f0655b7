// Payment behaviour of two flats over four months, worked by hand. Everything is written through
// the real handlers and engine services into an in-memory store, and the view is built on a
// SQLite database in memory.
//
// Both flats are billed 315.20 a month, due on the 15th.
//   unit-0101: Jan paid 01-10 (cash, on time); Feb paid 02-20 (wechat, 5 days late); app
//              reminder 03-08, Mar paid 03-14 (alipay, on time); sms reminder 04-16, Apr paid 04-18
//              (card, 3 days late), 20.00 of it refunded 04-20.
//   unit-0102: sms reminder 01-16; 100.00 cash 01-20 (within 7 days of it); phone reminder 01-30
//              09:00 and 215.20 by wechat at 10:00 (Jan settled 15 days late); a 700.00 transfer
//              02-10 pays Feb (315.20) and leaves 384.80 credit, which pays March (on 03-01) and
//              69.60 of April; the other 245.60 by alipay 04-15.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate, Instant } from '@renewal-ledger/core';
import { getInMemoryEventStore, type EventStore } from '@renewal-ledger/eventstore';
import { getPostgresViewDatabase, getProjectionRunner, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { behaviourProjection, getBehaviourView } from '../src/index.js';
import { receiveLumpSum, renewDue } from '@renewal-ledger/renewals';
import { cycleCommand, engineOn, lumpSum, open } from '@renewal-ledger/testing/engine';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';

const A = 'unit-0101';
const B = 'unit-0102';
const cycle = (contract: string, month: string) => `${contract}/2026-${month}-01`;

const scenario = async (): Promise<EventStore> => {
  const store = getInMemoryEventStore();
  const e = engineOn(store);
  let n = 0;
  const when = (at: string) => {
    e.now.at = at as Instant;
    return at;
  };
  const pay = (contract: string, month: string, amountMinor: number, channel: string, at: string) =>
    e.handler.handle(
      cycleCommand({
        type: 'RecordPayment',
        commandId: `c${++n}`,
        cycleId: cycle(contract, month),
        actor: 'cashier-chen',
        at: when(at),
        paymentId: `p${n}`,
        amountMinor,
        channel,
      }),
    );
  const remind = (contract: string, month: string, channel: string, level: number, at: string) =>
    e.handler.handle(
      cycleCommand({
        type: 'SendReminder',
        commandId: `c${++n}`,
        cycleId: cycle(contract, month),
        actor: 'reminder-bot',
        at: when(at),
        reminderId: `r${n}`,
        channel,
        level,
      }),
    );
  const renew = (asOf: string) => {
    when(`${asOf}T00:30:00Z`);
    return renewDue({ ...e, asOf: asOf as BusinessDate });
  };

  when('2025-12-20T09:00:00Z');
  await e.contractHandler.handleBatch([open({ contractId: A, commandId: 'open-a' }), open({ contractId: B, commandId: 'open-b' })]);
  await renew('2026-01-01');
  await pay(A, '01', 31520, 'cash', '2026-01-10T10:00:00Z');
  await remind(B, '01', 'sms', 2, '2026-01-16T09:00:00Z');
  await pay(B, '01', 10000, 'cash', '2026-01-20T11:00:00Z');
  await remind(B, '01', 'phone', 3, '2026-01-30T09:00:00Z');
  await pay(B, '01', 21520, 'wechat-pay', '2026-01-30T10:00:00Z');
  await renew('2026-02-01');
  when('2026-02-10T15:00:00Z');
  await receiveLumpSum({
    ...e,
    command: lumpSum('pay-b', 70000, { contractId: B, commandId: 'lump-b', at: '2026-02-10T15:00:00Z', reference: 'TRF-0102' }),
  });
  await pay(A, '02', 31520, 'wechat-pay', '2026-02-20T08:00:00Z');
  await renew('2026-03-01');
  await remind(A, '03', 'app', 1, '2026-03-08T09:00:00Z');
  await pay(A, '03', 31520, 'alipay', '2026-03-14T19:00:00Z');
  await renew('2026-04-01');
  await pay(B, '04', 24560, 'alipay', '2026-04-15T12:00:00Z');
  await remind(A, '04', 'sms', 2, '2026-04-16T09:00:00Z');
  await pay(A, '04', 31520, 'card', '2026-04-18T16:00:00Z');
  when('2026-04-20T10:00:00Z');
  await e.handler.handle(
    cycleCommand({
      type: 'Refund',
      commandId: 'refund-1',
      cycleId: cycle(A, '04'),
      actor: 'cashier-chen',
      at: '2026-04-20T10:00:00Z',
      refundId: 'rf1',
      paymentId: `p${n}`,
      amountMinor: 2000,
      reason: 'lift charge returned',
    }),
  );
  return store;
};

const build = async (store: EventStore, batchSize = 500) => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const [r] = await getProjectionRunner({ store, database: db, projections: [behaviourProjection], batchSize }).catchUp();
  assert.is(r!.status, 'caught-up');
  return { db, view: getBehaviourView(db) };
};

const test = suite('payment behaviour');

test('per contract: on-time rate, average days late and current streak, as of any date', async () => {
  const { view } = await build(await scenario());
  const a = await view.contract(A, { asOf: '2026-05-01' });
  assert.equal(
    a.standings.map((s) => [s.cycleId, s.status, s.daysLate]),
    [
      [cycle(A, '01'), 'on-time', 0],
      [cycle(A, '02'), 'late', 5],
      [cycle(A, '03'), 'on-time', 0],
      [cycle(A, '04'), 'late', 3],
    ],
  );
  assert.equal(
    { cycles: a.cycles, onTime: a.onTime, rate: a.onTimeRate, avg: a.averageDaysLate, streak: a.currentStreak },
    { cycles: 4, onTime: 2, rate: 0.5, avg: 2, streak: 0 },
  );
  // On 14 April, April was not due yet: 2 of 3, and March on time makes a streak of 1.
  const earlier = await view.contract(A, { asOf: '2026-04-14' });
  assert.equal(
    { cycles: earlier.cycles, rate: earlier.onTimeRate, avg: earlier.averageDaysLate, streak: earlier.currentStreak },
    { cycles: 3, rate: 2 / 3, avg: 5 / 3, streak: 1 },
  );
  // On 17 April, April is open and 2 days late.
  const open17 = await view.contract(A, { asOf: '2026-04-17' });
  assert.equal(open17.standings.at(-1), {
    cycleId: cycle(A, '04'),
    dueDate: '2026-04-15',
    status: 'open-late',
    daysLate: 2,
    settledOn: null,
  });
  // B: January 15 days late; February paid by the transfer, March and April from credit and alipay, all on time.
  const b = await view.contract(B, { asOf: '2026-05-01' });
  assert.equal(
    b.standings.map((s) => [s.status, s.daysLate, s.settledOn]),
    [
      ['late', 15, '2026-01-30'],
      ['on-time', 0, '2026-02-10'],
      ['on-time', 0, '2026-03-01'],
      ['on-time', 0, '2026-04-15'],
    ],
  );
  assert.equal({ rate: b.onTimeRate, avg: b.averageDaysLate, streak: b.currentStreak }, { rate: 0.75, avg: 3.75, streak: 3 });
  const none = await view.contract('unit-0999', { asOf: '2026-05-01' });
  assert.equal(
    { cycles: none.cycles, rate: none.onTimeRate, avg: none.averageDaysLate, streak: none.currentStreak },
    { cycles: 0, rate: null, avg: null, streak: 0 },
  );
});

test('per reminder channel and level: the share of what was chased that was paid within 7 days', async () => {
  const { view } = await build(await scenario());
  assert.equal(await view.reminderEffectiveness(), [
    // A's March app reminder: 315.20 chased, paid six days later.
    { channel: 'app', level: 1, currency: 'CNY', reminders: 1, remindedMinor: 31520n, paidWithinMinor: 31520n, share: 1 },
    // B's January phone call: 215.20 chased, paid an hour later.
    { channel: 'phone', level: 3, currency: 'CNY', reminders: 1, remindedMinor: 21520n, paidWithinMinor: 21520n, share: 1 },
    // B's January sms: 100.00 of 315.20 within the week (the rest came on day 14); A's April sms: all 315.20.
    { channel: 'sms', level: 2, currency: 'CNY', reminders: 2, remindedMinor: 63040n, paidWithinMinor: 41520n, share: 41520 / 63040 },
  ]);
});

test("a contract's reminders as of an instant: followed by a payment only once the payment has come", async () => {
  const { view } = await build(await scenario());
  // A's app reminder of 8 March was paid on 14 March: on 10 March it was not followed (yet).
  assert.equal(await view.contractReminders(A, { until: '2026-03-10T00:00:00Z' }), {
    contractId: A,
    reminders: 1,
    remindedCycles: 1,
    followedByPayment: 0,
    paidAfterShare: 0,
  });
  assert.is((await view.contractReminders(A, { until: '2026-03-14T19:00:00Z' })).followedByPayment, 1);
  // With April's sms of the 16th, paid on the 18th: two reminders, both followed.
  const may = await view.contractReminders(A, { until: '2026-05-01T00:00:00Z' });
  assert.equal([may.reminders, may.followedByPayment, may.paidAfterShare], [2, 2, 1]);
});

test('per billing period: what was collected of what is due', async () => {
  const { view } = await build(await scenario());
  assert.equal(
    (await view.collectionRates()).map((p) => [p.billingMonth, p.cycles, p.dueMinor, p.collectedMinor, p.collectionRate]),
    [
      ['2026-01', 2, 63040n, 63040n, 1],
      ['2026-02', 2, 63040n, 63040n, 1],
      ['2026-03', 2, 63040n, 63040n, 1],
      // The 20.00 refund on A's April is owed again.
      ['2026-04', 2, 63040n, 61040n, 61040 / 63040],
    ],
  );
});

test('per channel: new money taken and refunded; payments from credit are not counted again', async () => {
  const { view } = await build(await scenario());
  const takings = (await view.takings({ from: '2026-01-01', to: '2026-04-30' })).channels;
  assert.equal(
    takings.map((t) => [t.channel, t.payments, t.takenMinor, t.refundedMinor, t.netMinor]),
    [
      ['alipay', 2, 56080n, 0n, 56080n],
      // The transfer: 315.20 paid on February, 384.80 credited.
      ['bank-transfer', 2, 70000n, 0n, 70000n],
      ['card', 1, 31520n, 2000n, 29520n],
      ['cash', 2, 41520n, 0n, 41520n],
      ['wechat-pay', 2, 53040n, 0n, 53040n],
    ],
  );
  // Everything both flats paid, less the refund: 1,240.80 + 1,260.80.
  assert.is(
    takings.reduce((s, t) => s + t.netMinor, 0n),
    124080n + 126080n,
  );
  assert.equal(
    (await view.takings({ from: '2026-02-10', to: '2026-02-10' })).channels.map((t) => [t.channel, t.takenMinor]),
    [['bank-transfer', 70000n]],
  );
});

const snapshot = async (v: ReturnType<typeof getBehaviourView>) => ({
  a: await v.contract(A, { asOf: '2026-05-01' }),
  b: await v.contract(B, { asOf: '2026-05-01' }),
  reminders: await v.reminderEffectiveness(),
  rates: await v.collectionRates(),
  takings: await v.takings({ from: '2026-01-01', to: '2026-12-31' }),
});

test('built in small batches or in one, stopped half-way and resumed: the same figures', async () => {
  const store = await scenario();
  const whole = await build(store, 500);
  const small = await build(store, 2);
  assert.equal(await snapshot(small.view), await snapshot(whole.view));
  // Half the log first, then the rest.
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const head = await store.headPosition();
  const half: EventStore = {
    ...store,
    readAll: (o) =>
      store.readAll({
        ...o,
        limit: Math.min(o?.limit ?? Number.MAX_SAFE_INTEGER, Math.max(0, Number(head / 2n) - Number(o?.after ?? 0n))),
      }),
    headPosition: async () => head / 2n,
  };
  const [first] = await getProjectionRunner({ store: half, database: db, projections: [behaviourProjection], batchSize: 3 }).catchUp();
  assert.is(first!.position, head / 2n);
  await getProjectionRunner({ store, database: db, projections: [behaviourProjection], batchSize: 3 }).catchUp();
  assert.equal(await snapshot(getBehaviourView(db)), await snapshot(whole.view));
});

pgTest(test)('the same figures with the view in PostgreSQL', async () => {
  const store = await scenario();
  const schema = uniqueSchema('behaviour');
  const db: ViewDatabase = await getPostgresViewDatabase({ connectionString: requirePostgresUrl(), schema });
  try {
    const [r] = await getProjectionRunner({ store, database: db, projections: [behaviourProjection], batchSize: 4 }).catchUp();
    assert.is(r!.status, 'caught-up', r!.status === 'failed' ? r!.error.message : '');
    assert.equal(await snapshot(getBehaviourView(db)), await snapshot((await build(store)).view));
  } finally {
    await db.close();
    await dropSchemas(schema);
  }
});

test.run();
