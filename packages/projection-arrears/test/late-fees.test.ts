// The arrears view keeps late fees apart (packages/testing's late-fee-portfolio.ts works the
// figures): principal aging and collection rate as if there were no late fees, and the late
// fees charged, waived, collected and open beside them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate } from '@renewal-ledger/core';
import { getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { lateFeePortfolio } from '@renewal-ledger/testing/late-fee-portfolio';

test('aging and the collection rate count the principal; late fees are figures of their own', async () => {
  const store = getInMemoryEventStore();
  await feed(store, lateFeePortfolio(), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const [r] = await getProjectionRunner({ store, database: db, projections: [arrearsProjection] }).catchUp();
  assert.is(r!.status, 'caught-up');
  const view = getArrearsView(db);
  const a = (await view.cycle('jan-a', { asOf: '2026-03-05' as BusinessDate }))!.figures;
  // 470.00 paid and 466.00 refunded: principal 465.20 - 465.20 refunded = 0 net; late fee 4.80 - 0.80 = 4.00 paid.
  assert.equal(
    [
      a.paidMinor,
      a.refundedMinor,
      a.netPaidMinor,
      a.outstandingMinor,
      a.lateFeeChargedMinor,
      a.lateFeeWaivedMinor,
      a.lateFeePaidMinor,
      a.lateFeeOutstandingMinor,
    ],
    [46520, 46520, 0, 46520, 698, 198, 400, 100],
  );
  const [month] = await view.billingPeriods({ month: '2026-01' });
  assert.equal([month!.dueMinor, month!.collectedMinor, month!.collectionRate], [56520n, 0n, 0]);
  // late fees: charged 6.98 + 1.50 = 8.48, waived 1.98, collected 4.00: 400 / (848 - 198) = 0.615...
  assert.equal(
    [month!.lateFeeChargedMinor, month!.lateFeeWaivedMinor, month!.lateFeeCollectedMinor, month!.lateFeeCollectionRate],
    [848n, 198n, 400n, 400 / 650],
  );
  const [cny] = (await view.portfolio({ asOf: '2026-03-05' as BusinessDate })).currencies;
  // principal: 465.20 + 100.00 overdue 49 days (31-60); late fees open: 1.00 + 1.50
  assert.equal([cny!.collectibleMinor, cny!.buckets['31-60'], cny!.lateFeeOutstandingMinor], [56520n, 56520n, 250n]);
  await db.close();
});

test.run();
