// Lump sums in the receipts view, through the real renewal engine: one receipt for the money the
// customer paid, with a line per cycle it settled and one for the credit it left; no receipt for
// a payment from credit; a refund of a part refunds against the lump sum's receipt. Figures as in
// docs/renewals.md: a 98.50 m2 flat at 3.20/m2 = 315.20 a month, billed January to March;
// February has 50.00 disputed, March 100.00 paid at the counter; then 1,000.00 by transfer TRF-77.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate, Instant } from '@renewal-ledger/core';
import { getProjectionRunner, getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { receiveLumpSum, renewDue } from '@renewal-ledger/renewals';
import { getReceiptsView, receiptsProjection, type ReceiptDocument } from '../src/index.js';
import { crashingStore, cycleCommand, engineOn, flatInArrears, lumpSum } from '@renewal-ledger/testing/engine';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';

const JAN = 'unit-0301/2026-01-01';
const FEB = 'unit-0301/2026-02-01';
const MAR = 'unit-0301/2026-03-01';
const APR = 'unit-0301/2026-04-01';
const TRANSFER = lumpSum('pay-77', 100000, { reference: 'TRF-77', actor: 'cashier-zhao' });
const period = (start: string, end: string) => ({ start, end });

/** The flat's arrears, then the transfer (its allocation crashing, if asked). */
const history = async (options: { crashAllocation?: boolean } = {}) => {
  const e = await flatInArrears();
  const transfer = TRANSFER;
  if (options.crashAllocation) {
    // The lump sum is recorded, then the process dies before any part is written.
    const dying = crashingStore(e.store, { after: 1, lose: 'before' });
    await receiveLumpSum({ ...engineOn(dying, e.now), command: transfer }).catch(() => null);
  } else await receiveLumpSum({ ...e, command: transfer });
  return e;
};

/** April's bill takes the credit; the dispute is upheld and 50.00 of February's part refunded. */
const later = async (e: Awaited<ReturnType<typeof history>>) => {
  e.now.at = '2026-04-01T01:00:00Z' as Instant;
  await renewDue({ ...e, asOf: '2026-04-01' as BusinessDate });
  e.now.at = '2026-04-03T09:00:00Z' as Instant;
  await e.handler.handleBatch([
    cycleCommand({
      type: 'ResolveDispute',
      commandId: 'resolve-1',
      cycleId: FEB,
      actor: 'manager-zhou',
      at: '2026-04-03T09:00:00Z',
      disputeId: 'd1',
      outcome: 'upheld',
      adjustmentMinor: 5000,
    }),
    cycleCommand({
      type: 'Refund',
      commandId: 'refund-1',
      cycleId: FEB,
      actor: 'cashier-zhao',
      at: '2026-04-03T09:30:00Z',
      refundId: 'r1',
      paymentId: 'pay-77/2026-02-01',
      amountMinor: 5000,
      reason: 'dispute upheld',
    }),
  ]);
};

type Views = { db: ViewDatabase; close: () => Promise<void> };
const sqliteViews = async (): Promise<Views> => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  return { db, close: () => db.close() };
};
const postgresViews = async (): Promise<Views> => {
  const schema = uniqueSchema('receipts');
  const db = await getPostgresViewDatabase({ connectionString: requirePostgresUrl(), schema });
  return {
    db,
    close: async () => {
      await db.close();
      await dropSchemas(schema);
    },
  };
};

const catchUp = async (e: { store: Parameters<typeof getProjectionRunner>[0]['store'] }, db: ViewDatabase, batchSize = 500) => {
  const [r] = await getProjectionRunner({ store: e.store, database: db, projections: [receiptsProjection], batchSize }).catchUp();
  assert.is(r!.status, 'caught-up', r!.status === 'failed' ? r!.error.message : r!.status);
};

const summary = (d: ReceiptDocument) => [d.number, d.kind, d.paymentId, d.amountMinor, d.channel, d.cycleId];
const lines = (d: ReceiptDocument) => d.lines.map((l) => [l.kind, l.cycleId, l.paymentId, l.amountMinor, l.balanceAfterMinor]);

const test = suite('lump sums in the receipts view');

const scenario = (open: () => Promise<Views>) => async () => {
  const views = await open();
  try {
    const e = await history();
    await later(e);
    await catchUp(e, views.db);
    const view = getReceiptsView(views.db);
    const all = await view.list();
    assert.equal(all.map(summary), [
      ['R-2026-000001', 'receipt', 'p1', 10000, 'cash', MAR],
      // One receipt for the transfer, for the whole amount: credit included.
      ['R-2026-000002', 'receipt', 'pay-77', 100000, 'bank-transfer', null],
      // April's bill paid from credit moved no money: no receipt. The refund does.
      ['RN-2026-000001', 'refund-note', 'pay-77/2026-02-01', 5000, 'bank-transfer', FEB],
    ]);
    const lump = all[1]!;
    assert.equal(lines(lump), [
      ['cycle', JAN, 'pay-77/2026-01-01', 31520, 0],
      ['cycle', FEB, 'pay-77/2026-02-01', 31520, 0],
      ['cycle', MAR, 'pay-77/2026-03-01', 21520, 0],
      ['credit', null, null, 15440, null],
    ]);
    assert.equal(
      lump.lines.map((l) => l.period),
      [period('2026-01-01', '2026-02-01'), period('2026-02-01', '2026-03-01'), period('2026-03-01', '2026-04-01'), null],
    );
    assert.equal(
      [lump.contractId, lump.reference, lump.cashier, lump.at, lump.recordedAt, lump.period, lump.balanceAfterMinor, lump.unallocatedMinor],
      ['unit-0301', 'TRF-77', 'cashier-zhao', '2026-03-10T10:00:00Z', '2026-03-10T10:00:05Z', null, null, 0],
    );
    const note = all[2]!;
    // Refunded against the transfer's receipt; the upheld 50.00 owed back is now settled.
    assert.equal([note.refundsReceipt, note.balanceAfterMinor, note.lines.length], ['R-2026-000002', 0, 1]);

    assert.equal(
      (await view.byCycle(FEB)).map((d) => d.number),
      ['R-2026-000002', 'RN-2026-000001'],
    );
    assert.equal(
      (await view.byCycle(APR)).map((d) => d.number),
      [],
    );
    assert.equal(
      (await view.byContract('unit-0301')).map((d) => d.number),
      ['R-2026-000001', 'R-2026-000002', 'RN-2026-000001'],
    );
    assert.equal(await view.byNumber('R-2026-000002'), lump);
    // The day's takings count the transfer once, whole.
    assert.equal((await view.receiptsIssued('2026-03-10')).channels, [
      {
        channel: 'bank-transfer',
        currency: 'CNY',
        receipts: 1,
        takenMinor: 100000n,
        refundNotes: 0,
        refundedMinor: 0n,
        reversalNotes: 0,
        reversedMinor: 0n,
        netMinor: 100000n,
      },
    ]);
  } finally {
    await views.close();
  }
};

test('SQLite: one receipt per lump sum with its allocation lines, credit as a line, none for credit payments', scenario(sqliteViews));
pgTest(test)('PostgreSQL: the same documents', scenario(postgresViews));

test('an allocation left pending by a crash: the receipt shows it unallocated, and its lines once finished', async () => {
  const views = await sqliteViews();
  try {
    const e = await history({ crashAllocation: true });
    await catchUp(e, views.db);
    const view = getReceiptsView(views.db);
    const pending = (await view.byNumber('R-2026-000002'))!;
    assert.equal([pending.amountMinor, pending.lines, pending.unallocatedMinor], [100000, [], 100000]);
    // The cashier presses the button again: the lump sum is a duplicate, its allocation is
    // finished, and the lines join the receipt issued before, in a later batch.
    assert.is((await receiveLumpSum({ ...e, command: TRANSFER })).status, 'allocated');
    await catchUp(e, views.db);
    const done = (await view.byNumber('R-2026-000002'))!;
    assert.equal(lines(done), [
      ['cycle', JAN, 'pay-77/2026-01-01', 31520, 0],
      ['cycle', FEB, 'pay-77/2026-02-01', 31520, 0],
      ['cycle', MAR, 'pay-77/2026-03-01', 21520, 0],
      ['credit', null, null, 15440, null],
    ]);
    assert.is(done.unallocatedMinor, 0);
    assert.equal(
      (await view.list()).map((d) => d.number),
      ['R-2026-000001', 'R-2026-000002'],
    );
  } finally {
    await views.close();
  }
});

test('the documents do not depend on the batch size', async () => {
  const e = await history();
  await later(e);
  const docs: ReceiptDocument[][] = [];
  for (const batchSize of [1, 2, 500]) {
    const views = await sqliteViews();
    try {
      await catchUp(e, views.db, batchSize);
      docs.push([...(await getReceiptsView(views.db).list())]);
    } finally {
      await views.close();
    }
  }
  assert.equal(docs[0], docs[2]);
  assert.equal(docs[1], docs[2]);
});

test.run();
