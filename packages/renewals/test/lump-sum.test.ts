// Lump sums through the handlers: allocated oldest due first, the rest credited; finished, never
// doubled, after a crash anywhere; re-planned when a cycle is paid in between.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renewalCycle, cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, type AppendRequest, type EventStore } from '@renewal-ledger/eventstore';
import { finishLumpSum, loadContract, loadCycle, receiveLumpSum, renewDue, settleContract } from '../src/index.js';
import { allEvents, crashingStore, cycleCommand, engineOn, flatInArrears, lumpSum } from '@renewal-ledger/testing/engine';

const JAN = 'unit-0301/2026-01-01';
const FEB = 'unit-0301/2026-02-01';
const MAR = 'unit-0301/2026-03-01';
const APR = 'unit-0301/2026-04-01';

const arrears = flatInArrears;

const TRANSFER = lumpSum('pay-77', 100000, { reference: 'TRF-77' });

/** What the lump sum did: its parts on the cycles, and the contract's credit. */
const outcome = async (store: EventStore) => {
  const events = await allEvents(store);
  const parts = events
    .filter((e) => e.type === 'Paid' && (e.data as { lumpSumId?: string }).lumpSumId === 'pay-77')
    .map((e) => [(e.data as { cycleId: string }).cycleId, (e.data as { amountMinor: number }).amountMinor])
    .sort();
  const { state } = await loadContract(store, 'unit-0301');
  return { parts, creditMinor: state.creditBalanceMinor, allocated: state.lumpSums.map((l) => l.allocation !== null) };
};
const EXPECTED = {
  parts: [
    [JAN, 31520],
    [FEB, 31520],
    [MAR, 21520],
  ],
  creditMinor: 15440,
  allocated: [true],
};

const test = suite('lump sums');

test('1,000.00 by transfer: January, February (disputed part last), March, 154.40 credit', async () => {
  const e = await arrears();
  const r = await receiveLumpSum({ ...e, command: TRANSFER });
  assert.is(r.status, 'allocated');
  assert.is(r.received?.status, 'applied');
  assert.equal(await outcome(e.store), EXPECTED);
  assert.equal(r.allocation?.status === 'applied' && r.allocation.events.map((x) => x.type), ['LumpSumAllocated', 'CreditReceived']);
  const jan = await loadCycle(e.store, JAN);
  assert.equal(
    jan.payments.map((p) => [p.paymentId, p.channel, p.reference, p.lumpSumId, p.at]),
    [['pay-77/2026-01-01', 'bank-transfer', 'TRF-77', 'pay-77', '2026-03-10T10:00:00Z']],
  );
  for (const id of [JAN, FEB, MAR]) assert.is(cycleFigures(await loadCycle(e.store, id)).outstandingMinor, 0);
  // The credit goes to April's bill when it comes: 315.20 - 154.40 = 160.80 left.
  await renewDue({ ...e, asOf: '2026-04-01' as BusinessDate });
  assert.is(cycleFigures(await loadCycle(e.store, APR)).outstandingMinor, 16080);
  assert.is((await loadContract(e.store, 'unit-0301')).state.creditBalanceMinor, 0);
});

test('the same lump sum again changes nothing; the same transfer under another id is refused', async () => {
  const e = await arrears();
  await receiveLumpSum({ ...e, command: TRANSFER });
  const head = await e.store.headPosition();
  const again = await receiveLumpSum({ ...e, command: lumpSum('pay-77', 100000, { reference: 'TRF-77', commandId: 'keyed-again' }) });
  assert.equal([again.status, again.received?.status, again.plan?.payments.length], ['allocated', 'duplicate', 0]);
  const other = await receiveLumpSum({ ...e, command: lumpSum('pay-78', 100000, { reference: 'TRF-77' }) });
  assert.equal([other.status, other.received?.status === 'rejected' && other.received.error.code], ['refused', 'DUPLICATE_REFERENCE']);
  assert.is(await e.store.headPosition(), head);
});

for (const [name, plan] of [
  ['inside the parts, on a store that appends them one by one', { after: 2, lose: 'after', oneByOne: true }],
  ['after the parts, before the allocation is closed', { after: 2, lose: 'before' }],
  ['with the allocation written but its answer lost', { after: 2, lose: 'after' }],
] as const) {
  test(`a crash ${name}: running again finishes it, nothing doubled`, async () => {
    const e = await arrears();
    const dying = crashingStore(e.store, plan);
    const crashed = await receiveLumpSum({ ...engineOn(dying, e.now), command: TRANSFER }).catch((err: unknown) => err);
    assert.ok(dying.crashed(), 'the run crashed');
    assert.instance(crashed, Error);
    // The cashier presses the button again: the lump sum is a duplicate, its allocation is finished.
    const again = await receiveLumpSum({ ...e, command: TRANSFER });
    assert.equal([again.status, again.received?.status], ['allocated', 'duplicate']);
    assert.equal(await outcome(e.store), EXPECTED);
    const paidTotal = (await allEvents(e.store))
      .filter((x) => x.type === 'Paid')
      .reduce((s, x) => s + (x.data as { amountMinor: number }).amountMinor, 0);
    assert.is(paidTotal, 10000 + 84560);
  });
}

test('a lump sum left pending by a crash is finished by the next renewal run (or settleContract)', async () => {
  const e = await arrears();
  const dying = crashingStore(e.store, { after: 1, lose: 'before' });
  await receiveLumpSum({ ...engineOn(dying, e.now), command: TRANSFER }).catch(() => null);
  assert.equal((await outcome(e.store)).allocated, [false]);
  const run = await renewDue({ ...e, asOf: '2026-03-01' as BusinessDate });
  assert.equal(
    run.settled.map((s) => [s.contractId, s.lumpSums.map((l) => l.status)]),
    [['unit-0301', ['allocated']]],
  );
  assert.equal(await outcome(e.store), EXPECTED);
  const nothing = await settleContract({ ...e, contractId: 'unit-0301', at: '2026-03-10T12:00:00Z' as Instant });
  assert.equal(nothing.lumpSums, []);
  assert.equal(await outcome(e.store), EXPECTED);
});

test('a cycle paid at the counter while the lump sum is being allocated: the plan is made again', async () => {
  const e = await arrears();
  // Just before the parts are appended, a cashier records February's 265.20 at the counter.
  let interfered = false;
  const counter = getCommandHandler(renewalCycle, { store: e.store, clock: () => '2026-03-10T10:00:01Z' as Instant });
  const racing: EventStore = {
    ...e.store,
    appendBatch: async (requests: readonly AppendRequest[]) => {
      if (!interfered && requests.some((r) => r.events.some((x) => x.type === 'Paid'))) {
        interfered = true;
        await counter.handle(
          cycleCommand({
            type: 'RecordPayment',
            commandId: 'counter-1',
            cycleId: FEB,
            actor: 'cashier-chen',
            at: '2026-03-10T10:00:00Z',
            paymentId: 'p-counter',
            amountMinor: 26520,
            channel: 'cash',
          }),
        );
      }
      return e.store.appendBatch(requests);
    },
    readStream: (s, o) => e.store.readStream(s, o),
    readAll: (o) => e.store.readAll(o),
  };
  const r = await receiveLumpSum({ ...engineOn(racing, e.now), command: TRANSFER });
  assert.is(r.status, 'allocated');
  const o = await outcome(e.store);
  // February needed only the disputed 50.00 by then: 265.20 more goes to credit.
  assert.equal(o, {
    parts: [
      [JAN, 31520],
      [FEB, 5000],
      [MAR, 21520],
    ],
    creditMinor: 15440 + 26520,
    allocated: [true],
  });
});

test('finishing a lump sum that is not on the contract says so', async () => {
  const e = await arrears();
  const r = await finishLumpSum({ ...e, contractId: 'unit-0301', lumpSumId: 'pay-404' });
  assert.equal([r.status, r.error?.code], ['refused', 'UNKNOWN_LUMP_SUM']);
});

test.run();
