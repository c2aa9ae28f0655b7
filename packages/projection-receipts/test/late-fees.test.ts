// A receipt and a refund note say how much of them was late fee (packages/testing's
// late-fee-portfolio.ts works the figures): the 470.00 payment paid 4.80 of late fee and left a
// principal balance of 0.00; the refund of 466.00 gave back 465.20 of principal and 0.80 of late fee.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { getReceiptsView, receiptsProjection } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { lateFeePortfolio } from '@renewal-ledger/testing/late-fee-portfolio';

test('the late-fee part of a payment and of a refund, apart from the principal balance', async () => {
  const store = getInMemoryEventStore();
  await feed(store, lateFeePortfolio(), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const [r] = await getProjectionRunner({ store, database: db, projections: [receiptsProjection] }).catchUp();
  assert.is(r!.status, 'caught-up');
  const docs = await getReceiptsView(db).byCycle('jan-a');
  assert.equal(
    docs.map((d) => [
      d.number,
      d.amountMinor,
      d.balanceAfterMinor,
      d.lines.map((l) => [l.amountMinor, l.lateFeeMinor ?? 0, l.balanceAfterMinor]),
    ]),
    [
      ['R-2026-000001', 47000, 0, [[47000, 480, 0]]],
      ['RN-2026-000001', 46600, 46520, [[46600, 80, 46520]]],
    ],
  );
  await db.close();
});

test.run();
