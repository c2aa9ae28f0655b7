// A payment that bounced after it was recorded (PaymentReversed) in the receipts and audit views:
// a reversal note of its own (series RV) pointing at the receipt it reverses, its day's takings
// net of it, and the cycle's balance back up. The property portfolio's def-p1 is 300.00 by Alipay
// on 2026-02-01 (receipt R-2026-000008), after which 600.00 is still outstanding on its cycle.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCommand, renewalCycle } from '@renewal-ledger/core';
import { getCommandHandler, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { cycleHistory } from '@renewal-ledger/projection-audit';
import { behaviourProjection, getBehaviourView } from '@renewal-ledger/projection-behaviour';
import { getReceiptsView, receiptsProjection } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { CYCLES, propertyPortfolio } from '@renewal-ledger/testing/property-portfolio';

const test = suite('reversal notes');

test('a reversal gets an RV note, is netted from its day, reopens the balance and reads in the audit history', async () => {
  const store = getInMemoryEventStore();
  await feed(store, propertyPortfolio(), { strict: true });
  const handler = getCommandHandler(renewalCycle, { store });
  const reverse = decodeCommand({
    type: 'ReversePayment',
    commandId: 'reverse-def-p1',
    cycleId: CYCLES.defaulted,
    actor: 'clerk-li',
    at: '2026-02-05T10:00:00Z',
    reversalId: 'rv-def-p1',
    paymentId: 'def-p1',
    amountMinor: 30000,
    reason: 'Alipay chargeback',
    reference: 'ALI-CB-0205',
  });
  assert.ok(reverse._tag === 'Right');
  if (reverse._tag !== 'Right') return;
  assert.is((await handler.handle(reverse.right)).status, 'applied');
  // Twice: the same fact, nothing new.
  assert.is((await handler.handle(reverse.right)).status, 'duplicate');

  const db = getSQLiteViewDatabase({ path: ':memory:' });
  await getProjectionRunner({ store, database: db, projections: [receiptsProjection, behaviourProjection] }).catchUp();
  const view = getReceiptsView(db);
  const notes = (await view.list()).filter((r) => r.kind === 'reversal-note');
  assert.equal(
    notes.map((r) => [
      r.number,
      r.paymentId,
      r.refundId,
      r.refundsReceipt,
      r.amountMinor,
      r.channel,
      r.reference,
      r.reason,
      r.balanceAfterMinor,
    ]),
    // 60000 outstanding after def-p1 + 30000 reversed = 90000.
    [['RV-2026-000001', 'def-p1', 'rv-def-p1', 'R-2026-000008', 30000, 'alipay', 'ALI-CB-0205', 'Alipay chargeback', 90000]],
  );
  assert.equal((await view.receiptsIssued('2026-02-05')).channels, [
    {
      channel: 'alipay',
      currency: 'CNY',
      receipts: 0,
      takenMinor: 0n,
      refundNotes: 0,
      refundedMinor: 0n,
      reversalNotes: 1,
      reversedMinor: 30000n,
      netMinor: -30000n,
    },
  ]);
  // The takings report (core's, through the behaviour view) nets the same money off the same day:
  // counted as a reversal of a payment, where the receipts view counts a reversal note.
  assert.equal((await getBehaviourView(db).takings({ from: '2026-02-05', to: '2026-02-05' })).channels, [
    {
      channel: 'alipay',
      currency: 'CNY',
      payments: 0,
      takenMinor: 0n,
      refunds: 0,
      refundedMinor: 0n,
      reversals: 1,
      reversedMinor: 30000n,
      netMinor: -30000n,
    },
  ]);
  const history = await cycleHistory(store, CYCLES.defaulted);
  assert.match(history.at(-1)!.text, 'Payment def-p1 reversed, 300.00 CNY no longer paid: Alipay chargeback (reference ALI-CB-0205)');
  assert.is(history.at(-1)!.outstandingAfterMinor, 90000);
});

test.run();
