// Receipts and refund notes of the hand-written property portfolio (see
// packages/projections/test/support/property-portfolio.ts), numbers worked out by hand. Its
// "lump sum" is three payments made by hand, with no contract: three receipts (lump-sum.test.ts
// has the engine's lump sums, one receipt each).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { getReceiptsView, parseReceiptNumber, receiptsProjection } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { CYCLES, propertyPortfolio } from '@renewal-ledger/testing/property-portfolio';

const setup = async (projection = receiptsProjection, batchSize = 500) => {
  const store = getInMemoryEventStore();
  await feed(store, propertyPortfolio(), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const [r] = await getProjectionRunner({ store, database: db, projections: [projection], batchSize }).catchUp();
  assert.is(r!.status, 'caught-up');
  return { store, db, view: getReceiptsView(db) };
};

const test = suite('receipts of a property portfolio');

test('every payment gets a receipt, numbered per year of recording in the order recorded', async () => {
  const { view } = await setup();
  const all = await view.list();
  // Recorded order: dec-p1 (2025-12-20); dec-p2 taken offline 2025-12-31 but entered 2026-01-02;
  // ref-p1 01-08; the lump sum 01-10 (jan, feb, mar); part-p1 01-12; disp-p1 01-14; the refund
  // 01-27; def-p1 02-01; plan-p1 02-14; part-p2 entered 02-23.
  assert.equal(
    all.map((r) => [r.number, r.paymentId, r.amountMinor, r.balanceAfterMinor]),
    [
      ['R-2025-000001', 'dec-p1', 10000, 20000],
      ['R-2026-000001', 'dec-p2', 20000, 0],
      ['R-2026-000002', 'ref-p1', 60000, 0],
      ['R-2026-000003', 'lump-jan', 30000, 0],
      ['R-2026-000004', 'lump-feb', 30000, 0],
      ['R-2026-000005', 'lump-mar', 30000, 0],
      ['R-2026-000006', 'part-p1', 20000, 30000],
      ['R-2026-000007', 'disp-p1', 30000, 10000],
      ['RN-2026-000001', 'ref-p1', 8000, 0],
      ['R-2026-000008', 'def-p1', 30000, 60000],
      ['R-2026-000009', 'plan-p1', 20000, 40000],
      ['R-2026-000010', 'part-p2', 10000, 20000],
    ],
  );
});

test('a receipt carries contract, cycle, period, channel, reference, cashier and both times', async () => {
  const { view } = await setup();
  const r = (await view.byNumber('R-2026-000001'))!;
  assert.equal(
    { ...r, globalPosition: undefined },
    {
      kind: 'receipt',
      number: 'R-2026-000001',
      series: 'R',
      year: 2026,
      sequence: 1,
      contractId: 'unit-0109',
      cycleId: CYCLES.dec,
      period: { start: '2025-12-01', end: '2026-01-01' },
      amountMinor: 20000,
      currency: 'CNY',
      channel: 'cash',
      reference: null,
      offline: true,
      cashier: 'cashier-liu',
      paymentId: 'dec-p2',
      refundId: null,
      refundsReceipt: null,
      reason: null,
      at: '2025-12-31T16:00:00Z',
      atDate: '2025-12-31', // no ledger settings in this store: UTC days
      recordedAt: '2026-01-02T09:00:00Z',
      recordedDate: '2026-01-02',
      balanceAfterMinor: 0,
      lines: [
        {
          kind: 'cycle',
          cycleId: CYCLES.dec,
          period: { start: '2025-12-01', end: '2026-01-01' },
          paymentId: 'dec-p2',
          amountMinor: 20000,
          balanceAfterMinor: 0,
        },
      ],
      unallocatedMinor: 0,
      globalPosition: undefined,
    },
  );
  const card = (await view.byNumber('R-2026-000002'))!;
  assert.is(card.reference, 'CARD-5501');
  assert.is(card.offline, false);
  assert.is(card.cashier, 'cashier-zhao');
  assert.is(await view.byNumber('R-2026-999999'), null);
});

test('a refund note names the receipt it refunds; the balance goes through the credit back to zero', async () => {
  const { view } = await setup();
  const docs = await view.byCycle(CYCLES.refunded);
  assert.equal(
    docs.map((x) => x.number),
    ['R-2026-000002', 'RN-2026-000001'],
  );
  const note = docs[1]!;
  assert.is(note.kind, 'refund-note');
  assert.is(note.refundsReceipt, 'R-2026-000002');
  assert.is(note.refundId, 'ref-r1');
  assert.is(note.reason, 'Dispute upheld after full payment');
  assert.is(note.channel, 'card');
  // After the upheld dispute the customer was owed 8000 (-8000); the refund brings it to 0.
  assert.is(note.balanceAfterMinor, 0);
  assert.is(note.at, '2026-01-27T11:00:00Z');
});

test("by contract lists a contract's documents in issue order", async () => {
  const { view } = await setup();
  const lump = await view.byContract('unit-0101');
  assert.equal(
    lump.map((x) => [x.number, x.cycleId, x.reference]),
    [
      ['R-2026-000003', CYCLES.lumpJan, 'BT-778'],
      ['R-2026-000004', CYCLES.lumpFeb, 'BT-778'],
      ['R-2026-000005', CYCLES.lumpMar, 'BT-778'],
    ],
  );
  assert.equal(await view.byContract('unit-9999'), []);
});

test("a day's takings per channel: by the day money moved, or by the day it was entered", async () => {
  const { view } = await setup();
  const lumpDay = await view.receiptsIssued('2026-01-10');
  assert.equal(lumpDay.channels, [
    {
      channel: 'bank-transfer',
      currency: 'CNY',
      receipts: 3,
      takenMinor: 90000n,
      refundNotes: 0,
      refundedMinor: 0n,
      reversalNotes: 0,
      reversedMinor: 0n,
      netMinor: 90000n,
    },
  ]);
  // The offline cash of 2026-02-20 counts that day when paid-at is the basis, on 02-23 when recorded-at.
  assert.equal((await view.receiptsIssued('2026-02-20')).totals, [
    {
      currency: 'CNY',
      receipts: 1,
      takenMinor: 10000n,
      refundNotes: 0,
      refundedMinor: 0n,
      reversalNotes: 0,
      reversedMinor: 0n,
      netMinor: 10000n,
    },
  ]);
  assert.equal((await view.receiptsIssued('2026-02-20', { basis: 'recorded-at' })).channels, []);
  assert.is((await view.receiptsIssued('2026-02-23', { basis: 'recorded-at' })).totals[0]!.takenMinor, 10000n);
  // New Year's Eve cash, numbered in 2026, is takings of 2025-12-31.
  assert.is((await view.receiptsIssued('2025-12-31')).channels[0]!.takenMinor, 20000n);
  const refundDay = await view.receiptsIssued('2026-01-27');
  assert.equal(refundDay.channels, [
    {
      channel: 'card',
      currency: 'CNY',
      receipts: 0,
      takenMinor: 0n,
      refundNotes: 1,
      refundedMinor: 8000n,
      reversalNotes: 0,
      reversedMinor: 0n,
      netMinor: -8000n,
    },
  ]);
  // 01-14: 30000 cash (the dispute that day moves no money).
  assert.equal(
    (await view.receiptsIssued('2026-01-14')).channels.map((c) => [c.channel, c.takenMinor]),
    [['cash', 30000n]],
  );
});

test('numbers have no gaps and do not depend on the batch size', async () => {
  const big = await setup(receiptsProjection, 500);
  const small = await setup(receiptsProjection, 1);
  const a = await big.view.list();
  const b = await small.view.list();
  assert.equal(b, a);
  const bySeries = new Map<string, number[]>();
  for (const r of a) {
    const p = parseReceiptNumber(r.number)!;
    const key = `${p.series}-${p.year}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), p.sequence]);
  }
  for (const [key, seqs] of bySeries)
    assert.equal(
      seqs,
      seqs.map((_, i) => i + 1),
      key,
    );
});

test.run();
