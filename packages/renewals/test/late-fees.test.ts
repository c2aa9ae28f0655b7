// The late-fee run on a real SQLite file: five flats billed 315.20 for January (due the 15th); one
// pays, one keeps an instalment plan, three do not pay. The ledger's policy: 0.05% a day after 15
// days' grace, capped at 10% of what is overdue. On 1 March January is 45 days overdue: 30 days
// are charged, 31520 x 5 x 30 / 10000 = 472.8, 4.73 on each of the three.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures, ledgerSettingsDecider, type BusinessDate, type Instant, type LedgerSettingsCommand } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { chargeLateFees, loadCycle, receiveLumpSum, renewDue } from '../src/index.js';
import { allEvents, countBy, crashingStore, cycleCommand, engineOn, lumpSum, open } from '@renewal-ledger/testing/engine';
import { openEnvironment } from '@renewal-ledger/testing/environments';

const d = (s: string) => s as BusinessDate;
const JAN = (c: string) => `${c}/2026-01-01`;
const FLATS = ['unit-0101', 'unit-0102', 'unit-0103', 'unit-0104', 'unit-0105'];
const UNPAID = ['unit-0103', 'unit-0104', 'unit-0105'].map(JAN);

const settings = (store: EventStore, allocation = 'principal-first') =>
  getCommandHandler(ledgerSettingsDecider, { store, clock: () => '2026-01-01T00:00:00Z' as Instant }).handleBatch([
    {
      type: 'OpenLedger',
      commandId: 'open-ledger',
      actor: 'admin',
      at: '2025-12-01T00:00:00Z',
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
    },
    {
      type: 'SetLateFeePolicy',
      commandId: 'late-fee-policy',
      actor: 'admin',
      at: '2025-12-01T00:00:00Z',
      policy: {
        rate: { kind: 'daily-rate', basisPoints: 5 },
        graceDays: 15,
        cap: { kind: 'percent-of-overdue', basisPoints: 1000 },
        allocation,
      },
    } as LedgerSettingsCommand,
  ] as LedgerSettingsCommand[]);

const january = async (store: EventStore, allocation?: string) => {
  await settings(store, allocation);
  const e = engineOn(store);
  await e.contractHandler.handleBatch(FLATS.map((contractId) => open({ contractId, commandId: `open-${contractId}` })));
  await renewDue({ ...e, asOf: d('2026-01-01') });
  e.now.at = '2026-01-20T10:00:00Z' as Instant;
  const on = (cycleId: string, json: Record<string, unknown>) =>
    cycleCommand({ cycleId, actor: 'clerk-li', at: '2026-01-20T10:00:00Z', ...json });
  await e.handler.handleBatch([
    on(JAN('unit-0101'), { type: 'RecordPayment', commandId: 'pay-0101', paymentId: 'p1', amountMinor: 31520, channel: 'cash' }),
    on(JAN('unit-0102'), {
      type: 'AgreeInstallments',
      commandId: 'plan-0102',
      planId: 'plan-1',
      installments: [
        { dueDate: '2026-02-15', amountMinor: 15760 },
        { dueDate: '2026-03-15', amountMinor: 15760 },
      ],
    }),
  ]);
  e.now.at = '2026-02-14T10:00:00Z' as Instant;
  await e.handler.handle(
    on(JAN('unit-0102'), {
      type: 'RecordPayment',
      commandId: 'pay-0102',
      paymentId: 'p2',
      amountMinor: 15760,
      channel: 'alipay',
      at: '2026-02-14T10:00:00Z',
    }),
  );
  e.now.at = '2026-03-01T08:00:00Z' as Instant;
  return e;
};

// The process dies at the second charge (batches of one): before writing it, or after writing it
// and before hearing so.
for (const [lose, written] of [
  ['before', 1],
  ['after', 2],
] as const)
  test(`a crash mid-run (${lose} the second append), then a rerun on the same SQLite file: each overdue cycle charged once, 4.73`, async () => {
    const env = await openEnvironment('sqlite');
    try {
      const e = await january(env.store);
      const dying = crashingStore(env.store, { after: 1, lose });
      const crashed = await chargeLateFees({ ...engineOn(dying, e.now), asOf: d('2026-03-01'), batchSize: 1 }).catch((err: unknown) => err);
      assert.ok(dying.crashed(), 'the run crashed');
      assert.instance(crashed, Error);
      assert.equal(
        [...countBy(await allEvents(env.store), 'LateFeeCharged', 'cycleId')].sort(),
        UNPAID.slice(0, written).map((c) => [c, 1]),
      );

      // Another process on the same file runs it again: the two left are charged, the first is not again.
      const reopened = await env.openStore();
      try {
        const again = await chargeLateFees({ ...engineOn(reopened, e.now), asOf: d('2026-03-01') });
        const left = 3 - written;
        assert.equal(
          [again.proposed, again.charges.applied, again.charged],
          [left, left, [{ currency: 'CNY', cycles: left, amountMinor: 473 * left }]],
        );
        const events = await allEvents(reopened);
        assert.equal(
          [...countBy(events, 'LateFeeCharged', 'cycleId')].sort(),
          UNPAID.map((c) => [c, 1]),
        );
        // 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC: the charge's `at` is the start of the day in the ledger's zone.
        const first = events.find((x) => x.type === 'LateFeeCharged')!;
        assert.equal(first.data, {
          cycleId: UNPAID[0],
          commandId: `late-fee:${UNPAID[0]}:2026-03-01`,
          actor: 'late-fee-run',
          at: '2026-02-28T16:00:00Z',
          chargeId: `late-fee/${UNPAID[0]}/2026-03-01`,
          asOf: '2026-03-01',
          amountMinor: 473,
          overdueMinor: 31520,
          chargeableDays: 30,
        });
        // Paid and kept-plan cycles carry no late fee.
        for (const c of [JAN('unit-0101'), JAN('unit-0102')])
          assert.is(cycleFigures(await loadCycle(reopened, c)).lateFeeChargedMinor, 0, c);
        // Running a third time charges nothing.
        const third = await chargeLateFees({ ...engineOn(reopened, e.now), asOf: d('2026-03-01') });
        assert.equal([third.proposed, third.charges.applied], [0, 0]);
      } finally {
        await reopened.close();
      }
    } finally {
      await env.close();
    }
  });

test('a waiver, then a lump sum pays the late fee before the principal when the policy says late-fee-first', async () => {
  const env = await openEnvironment('sqlite');
  try {
    const e = await january(env.store, 'late-fee-first');
    await chargeLateFees({ ...e, asOf: d('2026-03-01') });
    const cycleId = UNPAID[0]!;
    const waived = await e.handler.handle(
      cycleCommand({
        type: 'WaiveLateFee',
        commandId: 'waive-1',
        cycleId,
        actor: 'manager-zhao',
        at: '2026-03-01T08:00:00Z',
        waiverId: 'w1',
        amountMinor: 73,
        reason: 'first time late',
      }),
    );
    assert.is(waived.status, 'applied');
    // 100.00 received: the late fee left (4.73 - 0.73 = 4.00) first, then 96.00 of the principal.
    e.now.at = '2026-03-10T10:00:05Z' as Instant;
    const contractId = 'unit-0103';
    const r = await receiveLumpSum({ ...e, command: lumpSum('pay-5', 10000, { contractId, commandId: 'lump-5' }) });
    assert.is(r.status, 'allocated');
    const f = cycleFigures(await loadCycle(env.store, cycleId));
    assert.equal(
      [f.lateFeeChargedMinor, f.lateFeeWaivedMinor, f.lateFeePaidMinor, f.lateFeeOutstandingMinor, f.netPaidMinor, f.outstandingMinor],
      [473, 73, 400, 0, 9600, 31520 - 9600],
    );
  } finally {
    await env.close();
  }
});

test.run();
