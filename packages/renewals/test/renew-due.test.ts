// Scheduled renewals: every period billed exactly once, however often the run is repeated and
// wherever it stops; credit applied to the bills as they come.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { billsDue, cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { loadContract, loadCycle, readPortfolio, receiveLumpSum, renewDue } from '../src/index.js';
import {
  allEvents,
  countBy,
  crashingStore,
  cycleCommand,
  engineOn,
  lumpSum,
  memoryEngine,
  open,
  SimulatedCrash,
} from '@renewal-ledger/testing/engine';

const d = (s: string) => s as BusinessDate;

/** A flat joining mid-January, a quarterly parking pass, a yearly gym membership. */
const portfolio = () => [
  open({ startDate: '2026-01-17' }),
  open({
    commandId: 'open-park-07',
    contractId: 'park-07',
    subject: { kind: 'parking', spaces: 2 },
    cadence: 'quarterly',
    dueAfterDays: 10,
    feePlan: { items: [{ code: 'pass', description: 'Parking pass', basis: { kind: 'per-unit', rateMinor: 45000 } }] },
  }),
  open({
    commandId: 'open-gym-11',
    contractId: 'gym-11',
    subject: { kind: 'membership', plan: 'Gold' },
    cadence: 'yearly',
    startDate: '2025-06-01',
    feePlan: { items: [{ code: 'gym', description: 'Gym membership', basis: { kind: 'fixed', rateMinor: 120000 } }] },
  }),
];
// As of 1 June 2026: the flat's 01-17, 02-01 ... 06-01 (6); the pass's Q1 and Q2 (2); the gym's 2025-06-01 and 2026-06-01 (2).
const EXPECTED = [
  'gym-11/2025-06-01',
  'gym-11/2026-06-01',
  'park-07/2026-01-01',
  'park-07/2026-04-01',
  'unit-0301/2026-01-17',
  'unit-0301/2026-02-01',
  'unit-0301/2026-03-01',
  'unit-0301/2026-04-01',
  'unit-0301/2026-05-01',
  'unit-0301/2026-06-01',
];

const billedOnce = async (store: Parameters<typeof allEvents>[0]) => {
  const counts = countBy(await allEvents(store), 'Billed', 'cycleId');
  assert.equal([...counts.keys()].sort(), EXPECTED);
  assert.ok(
    [...counts.values()].every((n) => n === 1),
    `billed twice: ${JSON.stringify([...counts])}`,
  );
};

const test = suite('renewDue');

test('bills every period due, through the batch path; a second run finds nothing to do', async () => {
  const e = memoryEngine();
  await e.contractHandler.handleBatch(portfolio());
  const first = await renewDue({ ...e, asOf: d('2026-06-01'), batchSize: 4 });
  assert.equal(
    {
      contracts: first.contracts,
      proposed: first.proposed,
      applied: first.bills.applied,
      duplicate: first.bills.duplicate,
      rejected: first.bills.rejected,
    },
    {
      contracts: 3,
      proposed: 10,
      applied: 10,
      duplicate: 0,
      rejected: [],
    },
  );
  await billedOnce(e.store);
  assert.is((await loadCycle(e.store, 'unit-0301/2026-01-17')).bill?.totalMinor, 15252);
  assert.is((await loadCycle(e.store, 'park-07/2026-04-01')).bill?.dueDate, '2026-04-11');
  const head = await e.store.headPosition();
  const second = await renewDue({ ...e, asOf: d('2026-06-01') });
  assert.is(second.proposed, 0);
  assert.is(await e.store.headPosition(), head);
  // Proposed again without knowing what is billed: every bill is recognised, nothing written.
  const { contracts } = await readPortfolio(e.store);
  const again = await e.handler.handleBatch(billsDue(contracts.values(), null, d('2026-06-01')).bills);
  assert.ok(again.every((r) => r.status === 'duplicate'));
  assert.is(await e.store.headPosition(), head);
});

for (const lose of ['before', 'after'] as const) {
  test(`a crash half-way (${lose === 'before' ? 'nothing of the failing batch written' : 'batch written, answer lost'}): running again bills each period once`, async () => {
    const e = memoryEngine();
    await e.contractHandler.handleBatch(portfolio());
    const dying = crashingStore(e.store, { after: 1, lose });
    const crashed = await renewDue({ ...engineOn(dying), asOf: d('2026-06-01'), batchSize: 3 }).then(
      () => null,
      (err: unknown) => err,
    );
    assert.instance(crashed, SimulatedCrash);
    const written = countBy(await allEvents(e.store), 'Billed', 'cycleId').size;
    assert.is(written, lose === 'before' ? 3 : 6);
    const rerun = await renewDue({ ...e, asOf: d('2026-06-01'), batchSize: 3 });
    assert.is(rerun.bills.applied, 10 - written);
    await billedOnce(e.store);
  });
}

test('a store without multi-stream transactions, crashing inside a batch: still once each', async () => {
  const e = memoryEngine();
  await e.contractHandler.handleBatch(portfolio());
  const dying = crashingStore(e.store, { after: 5, lose: 'after', oneByOne: true });
  await renewDue({ ...engineOn(dying), asOf: d('2026-06-01'), batchSize: 4 }).catch(() => null);
  assert.ok(dying.crashed());
  await renewDue({ ...e, asOf: d('2026-06-01'), batchSize: 4 });
  await billedOnce(e.store);
});

const credit = suite('renewDue applies credit to the bills as they come');

test.run();

credit('four quarters paid in advance: each quarter billed with the prepay discount and paid from credit', async () => {
  const e = memoryEngine();
  await e.contractHandler.handle(
    open({
      contractId: 'park-07',
      subject: { kind: 'parking', spaces: 2 },
      cadence: 'quarterly',
      dueAfterDays: 10,
      feePlan: {
        items: [{ code: 'pass', description: 'Parking pass', basis: { kind: 'per-unit', rateMinor: 45000 } }],
        discounts: [
          {
            code: 'prepay',
            description: 'Four quarters in advance',
            amount: { kind: 'percent', percent: '5' },
            eligibility: { kind: 'paid-periods-in-advance', periods: 4 },
          },
        ],
      },
    }),
  );
  e.now.at = '2025-12-20T10:00:00Z' as Instant;
  const paid = await receiveLumpSum({
    ...e,
    command: lumpSum('pay-2026', 342000, {
      contractId: 'park-07',
      at: '2025-12-20T10:00:00Z',
      channel: 'wechat-pay',
      reference: 'WX-2026',
      advance: { from: '2026-01-01', periods: 4 },
    }),
  });
  // Nothing is billed yet: all of it is credit.
  assert.equal(
    { status: paid.status, parts: paid.plan?.parts, credit: paid.plan?.creditMinor },
    { status: 'allocated', parts: [], credit: 342000 },
  );
  const balances: number[] = [];
  for (const asOf of ['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01', '2027-01-01']) {
    e.now.at = `${asOf}T01:00:00Z` as Instant;
    await renewDue({ ...e, asOf: d(asOf) });
    balances.push((await loadContract(e.store, 'park-07')).state.creditBalanceMinor);
  }
  // 855.00 a quarter: 3,420.00 - 4 x 855.00 = 0; the fifth quarter is billed 900.00 in full.
  assert.equal(balances, [256500, 171000, 85500, 0, 0]);
  const q1 = await loadCycle(e.store, 'park-07/2026-01-01');
  assert.equal(
    {
      total: q1.bill?.totalMinor,
      outstanding: cycleFigures(q1).outstandingMinor,
      paidBy: q1.payments.map((p) => [p.paymentId, p.channel, p.creditApplicationId]),
    },
    {
      total: 85500,
      outstanding: 0,
      paidBy: [['park-07/2026-01-01/credit-1', 'other', 'park-07/2026-01-01/credit-1']],
    },
  );
  const fifth = await loadCycle(e.store, 'park-07/2027-01-01');
  assert.equal([fifth.bill?.totalMinor, cycleFigures(fifth).outstandingMinor], [90000, 90000]);
});

credit('a run that stopped between applying credit and paying the cycle is finished by the next', async () => {
  const e = memoryEngine();
  await e.contractHandler.handle(open());
  await receiveLumpSum({ ...e, command: lumpSum('pay-1', 20000, { at: '2025-12-28T10:00:00Z' }) });
  // Bills go in; the ApplyCredit is appended; the crash comes with the cycle's payment.
  const dying = crashingStore(e.store, { after: 2, lose: 'before' });
  await renewDue({ ...engineOn(dying), asOf: d('2026-01-01') }).catch(() => null);
  assert.ok(dying.crashed());
  assert.is((await loadContract(e.store, 'unit-0301')).state.creditBalanceMinor, 0);
  assert.is(cycleFigures(await loadCycle(e.store, 'unit-0301/2026-01-01')).paidMinor, 0);
  const rerun = await renewDue({ ...e, asOf: d('2026-01-01') });
  assert.is(rerun.settled[0]?.credit.finished[0]?.status, 'applied');
  const jan = await loadCycle(e.store, 'unit-0301/2026-01-01');
  assert.equal({ paid: cycleFigures(jan).paidMinor, outstanding: cycleFigures(jan).outstandingMinor }, { paid: 20000, outstanding: 11520 });
  assert.equal([...countBy(await allEvents(e.store), 'CreditApplied', 'applicationId')], [['unit-0301/2026-01-01/credit-1', 1]]);
});

credit('a cycle paid at the counter before its credit payment is recorded: the application is cancelled, the credit returned', async () => {
  const e = memoryEngine();
  await e.contractHandler.handle(open());
  await receiveLumpSum({ ...e, command: lumpSum('pay-1', 20000, { at: '2025-12-28T10:00:00Z' }) });
  const dying = crashingStore(e.store, { after: 2, lose: 'before' });
  await renewDue({ ...engineOn(dying), asOf: d('2026-01-01') }).catch(() => null);
  assert.ok(dying.crashed());
  // The customer pays January in full at the counter before the next run.
  await e.handler.handle(
    cycleCommand({
      type: 'RecordPayment',
      commandId: 'counter-1',
      cycleId: 'unit-0301/2026-01-01',
      actor: 'cashier-chen',
      at: '2026-01-02T09:00:00Z',
      paymentId: 'p-counter',
      amountMinor: 31520,
      channel: 'cash',
    }),
  );
  const rerun = await renewDue({ ...e, asOf: d('2026-01-02') });
  const credit = rerun.settled[0]!.credit;
  assert.equal(
    credit.finished.map((r) => (r.status === 'rejected' ? r.error.code : r.status)),
    ['OVERPAYMENT'],
  );
  assert.equal(
    credit.cancelled.map((r) => r.status),
    ['applied'],
  );
  const { state } = await loadContract(e.store, 'unit-0301');
  assert.equal(
    { balance: state.creditBalanceMinor, cancelled: state.applications.map((a) => a.cancellation?.reason) },
    {
      balance: 20000,
      cancelled: ['the cycle refused the payment: OVERPAYMENT'],
    },
  );
  // February's bill takes the credit.
  await renewDue({ ...e, asOf: d('2026-02-01') });
  assert.is(cycleFigures(await loadCycle(e.store, 'unit-0301/2026-02-01')).outstandingMinor, 11520);
  assert.is((await loadContract(e.store, 'unit-0301')).state.creditBalanceMinor, 0);
});

credit.run();
