// The reminder and auto-debit runs over a small portfolio, day by day, with the simulated gateway.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { collectAutoDebits, getSimulatedPaymentGateway, loadCycle, renewDue, sendReminders, type PaymentGateway } from '../src/index.js';
import { allEvents, countBy, crashingStore, cycleCommand, engineOn, giveMandate, memoryEngine, open } from '@renewal-ledger/testing/engine';

const d = (s: string) => s as BusinessDate;
const JAN = (c: string) => `${c}/2026-01-01`;

/** Three flats billed for January (due the 15th): one pays early, one with a mandate, one not at all. */
const january = async () => {
  const e = memoryEngine();
  await e.contractHandler.handleBatch([
    open({ contractId: 'unit-0101', commandId: 'open-0101' }),
    open({ contractId: 'unit-0102', commandId: 'open-0102' }),
    open({ contractId: 'unit-0103', commandId: 'open-0103' }),
    giveMandate('m-0102', { contractId: 'unit-0102', commandId: 'mandate-0102' }),
  ]);
  await renewDue({ ...e, asOf: d('2026-01-01') });
  e.now.at = '2026-01-05T10:00:00Z' as Instant;
  await e.handler.handle(
    cycleCommand({
      type: 'RecordPayment',
      commandId: 'pay-0101',
      cycleId: JAN('unit-0101'),
      actor: 'cashier-chen',
      at: '2026-01-05T10:00:00Z',
      paymentId: 'p1',
      amountMinor: 31520,
      channel: 'wechat-pay',
    }),
  );
  return e;
};

const reminders = suite('reminder run');

reminders('each unpaid cycle gets the step it is at, once', async () => {
  const e = await january();
  const sent: string[][] = [];
  for (const day of ['2026-01-07', '2026-01-08', '2026-01-08', '2026-01-16', '2026-01-30', '2026-02-14', '2026-02-20']) {
    const r = await sendReminders({ ...e, asOf: d(day) });
    sent.push([day, ...r.sent.map((s) => `${s.channel}/${s.level} x${s.count}`)]);
  }
  assert.equal(sent, [
    ['2026-01-07'],
    ['2026-01-08', 'app/1 x2'],
    ['2026-01-08'],
    ['2026-01-16', 'sms/2 x2'],
    ['2026-01-30', 'phone/3 x2'],
    ['2026-02-14', 'letter/4 x2'],
    ['2026-02-20'],
  ]);
  const events = await allEvents(e.store);
  assert.equal([...countBy(events, 'ReminderSent', 'cycleId')].sort(), [
    [JAN('unit-0102'), 4],
    [JAN('unit-0103'), 4],
  ]);
  const first = events.find((x) => x.type === 'ReminderSent')!;
  assert.equal(first.data, {
    cycleId: JAN('unit-0102'),
    commandId: `remind:${JAN('unit-0102')}/reminder/2026-01-15/1`,
    actor: 'reminder-policy',
    at: '2026-01-08T09:00:00Z',
    reminderId: `${JAN('unit-0102')}/reminder/2026-01-15/1`,
    channel: 'app',
    level: 1,
  });
});

const debit = suite('auto-debit run');

debit('on the due date the mandated contract is collected; the others are not', async () => {
  const e = await january();
  const gateway = getSimulatedPaymentGateway({ seed: 7, failureRate: 0 });
  assert.is((await collectAutoDebits({ ...e, gateway, asOf: d('2026-01-14') })).attempted, 0);
  const r = await collectAutoDebits({ ...e, gateway, asOf: d('2026-01-15') });
  assert.equal(
    { attempted: r.attempted, collected: r.collected, failed: r.failed.count, applied: r.recorded.applied },
    {
      attempted: 1,
      collected: { count: 1, amountMinor: 31520n, byCurrency: { CNY: 31520n } },
      failed: 0,
      applied: 1,
    },
  );
  assert.equal(
    gateway.requests.map((q) => [q.attemptId, q.amountMinor, q.mandate.mandateId, q.requestedAt]),
    [[`${JAN('unit-0102')}/auto-debit/2026-01-15/1`, 31520, 'm-0102', '2026-01-15T02:00:00Z']],
  );
  const cycle = await loadCycle(e.store, JAN('unit-0102'));
  assert.equal(
    cycle.payments.map((p) => [p.channel, p.paymentId, p.reference?.startsWith('SIM-')]),
    [['auto-debit', `${JAN('unit-0102')}/auto-debit/2026-01-15/1`, true]],
  );
  assert.is(cycleFigures(cycle).outstandingMinor, 0);
  assert.is((await collectAutoDebits({ ...e, gateway, asOf: d('2026-01-16') })).attempted, 0);
});

debit('failures are recorded with their reason and retried on schedule until they succeed or stop', async () => {
  const e = await january();
  // A gateway that fails the first two attempts for lack of funds, then collects.
  let calls = 0;
  const flaky: PaymentGateway = {
    name: 'flaky',
    collect: async (q) =>
      ++calls <= 2
        ? { status: 'failed', code: 'insufficient-funds', reason: 'Insufficient funds', retryable: true, at: q.requestedAt }
        : { status: 'collected', transactionId: `TX-${calls}`, amountMinor: q.amountMinor, at: q.requestedAt },
  };
  const attempts: string[] = [];
  for (const day of ['2026-01-15', '2026-01-16', '2026-01-18', '2026-01-20', '2026-01-22', '2026-01-25']) {
    const r = await collectAutoDebits({ ...e, gateway: flaky, asOf: d(day) });
    if (r.attempted) attempts.push(`${day}: ${r.collected.count ? 'collected' : `failed (${Object.keys(r.failed.byCode).join()})`}`);
  }
  assert.equal(attempts, ['2026-01-15: failed (insufficient-funds)', '2026-01-18: failed (insufficient-funds)', '2026-01-22: collected']);
  const cycle = await loadCycle(e.store, JAN('unit-0102'));
  assert.equal(
    cycle.autoDebitFailures?.map((f) => [f.attempt, f.failureCode, f.reason, f.mandateId]),
    [
      [1, 'insufficient-funds', 'Insufficient funds', 'm-0102'],
      [2, 'insufficient-funds', 'Insufficient funds', 'm-0102'],
    ],
  );
  assert.is(cycleFigures(cycle).outstandingMinor, 0);
});

debit('the simulated gateway answers an attempt the same way every time; a crash after the charge never charges twice', async () => {
  const e = await january();
  const gateway = getSimulatedPaymentGateway({ seed: 7, failureRate: 0 });
  // The charge goes through, then the process dies before recording it.
  const dying = crashingStore(e.store, { after: 0, lose: 'before' });
  await collectAutoDebits({ ...engineOn(dying, e.now), gateway, asOf: d('2026-01-15') }).catch(() => null);
  assert.ok(dying.crashed());
  assert.is(cycleFigures(await loadCycle(e.store, JAN('unit-0102'))).paidMinor, 0);
  const r = await collectAutoDebits({ ...e, gateway, asOf: d('2026-01-16') });
  assert.equal(r.recorded.applied, 1);
  assert.equal([...gateway.charged], [[`${JAN('unit-0102')}/auto-debit/2026-01-15/1`, 31520]]);
  assert.is(gateway.requests.length, 2);
  assert.is(cycleFigures(await loadCycle(e.store, JAN('unit-0102'))).paidMinor, 31520);
  // Same seed, another instance: the same outcomes for the same attempts.
  const a = getSimulatedPaymentGateway({ seed: 42, failureRate: 0.5 });
  const b = getSimulatedPaymentGateway({ seed: 42, failureRate: 0.5 });
  const ask = (g: PaymentGateway, i: number) => g.collect({ ...gateway.requests[0]!, attemptId: `x/${i}` });
  const outcomes = async (g: PaymentGateway) => Promise.all(Array.from({ length: 40 }, (_, i) => ask(g, i)));
  const [oa, ob] = [await outcomes(a), await outcomes(b)];
  assert.equal(oa, ob);
  const failures = oa.filter((o) => o.status === 'failed').length;
  assert.ok(failures > 8 && failures < 32, `about half of 40 fail, got ${failures}`);
});

debit('a gateway that does not answer leaves the attempt for the next run', async () => {
  const e = await january();
  const down: PaymentGateway = { name: 'down', collect: async () => Promise.reject(new Error('connect ETIMEDOUT')) };
  const r = await collectAutoDebits({ ...e, gateway: down, asOf: d('2026-01-15') });
  assert.equal(r.unanswered, [{ attemptId: `${JAN('unit-0102')}/auto-debit/2026-01-15/1`, error: 'connect ETIMEDOUT' }]);
  const later = await collectAutoDebits({ ...e, gateway: getSimulatedPaymentGateway({ seed: 1, failureRate: 0 }), asOf: d('2026-01-16') });
  assert.equal([later.attempted, later.collected.count], [1, 1]);
});

reminders.run();
debit.run();
