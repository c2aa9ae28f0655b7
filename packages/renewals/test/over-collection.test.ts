// An auto-debit that collected for a cycle the customer paid at the counter in between: the cycle
// refuses the payment (OVERPAYMENT) and the money is kept as the contract's credit, on a real
// SQLite file, then settles the next month. Figures: the flat is billed 315.20 a month.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { collectAutoDebits, loadContract, loadCycle, renewDue, settleCredit, type PaymentGateway } from '../src/index.js';
import { allEvents, cycleCommand, engineOn, giveMandate, open } from '@renewal-ledger/testing/engine';

const d = (s: string) => s as BusinessDate;
const JAN = 'unit-0102/2026-01-01';
const FEB = 'unit-0102/2026-02-01';
const test = suite('over-collection');

test('collected for a cycle paid at the counter meanwhile: kept as credit with an event, once, then applied to February', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-over-collection-'));
  const path = join(dir, 'ledger.db');
  try {
    const e = engineOn(getSQLiteEventStore({ path }));
    await e.contractHandler.handleBatch([
      open({ contractId: 'unit-0102', commandId: 'open-0102' }),
      giveMandate('m-0102', { contractId: 'unit-0102', commandId: 'mandate-0102' }),
    ]);
    await renewDue({ ...e, asOf: d('2026-01-01') });
    // The provider charges the account; before the answer is recorded, the customer pays the
    // whole bill at the counter.
    let charged = 0;
    const racing: PaymentGateway = {
      name: 'racing',
      collect: async (q) => {
        charged++;
        await e.handler.handle(
          cycleCommand({
            type: 'RecordPayment',
            commandId: 'counter-0102',
            cycleId: JAN,
            actor: 'cashier-chen',
            at: '2026-01-15T01:30:00Z',
            paymentId: 'counter-1',
            amountMinor: 31520,
            channel: 'cash',
          }),
        );
        return { status: 'collected', transactionId: 'ALI-2026011522001', amountMinor: q.amountMinor, at: q.requestedAt };
      },
    };
    e.now.at = '2026-01-15T02:00:00Z' as Instant;
    const r = await collectAutoDebits({ ...e, gateway: racing, asOf: d('2026-01-15') });
    const attemptId = `${JAN}/auto-debit/2026-01-15/1`;
    assert.equal(
      r.recorded.rejected.map((x) => x.error.code),
      ['OVERPAYMENT'],
    );
    assert.equal(
      r.overCollected.map((o) => [o.attemptId, o.amountMinor, o.refusal, o.credited.status]),
      [[attemptId, 31520, 'OVERPAYMENT', 'applied']],
    );
    assert.is(charged, 1);

    // Reopened from the file: the fact is there, the cycle is paid once, the contract holds 315.20.
    const reopened = getSQLiteEventStore({ path });
    const kept = (await allEvents(reopened)).filter((x) => x.type === 'OverCollectionCredited');
    assert.equal(
      kept.map((x) => x.data),
      [
        {
          contractId: 'unit-0102',
          commandId: `over-collection:${attemptId}`,
          actor: 'auto-debit',
          at: '2026-01-15T02:00:00Z',
          collectionId: attemptId,
          cycleId: JAN,
          amountMinor: 31520,
          channel: 'auto-debit',
          currency: 'CNY',
          reason: `collected for ${JAN}, which refused it: OVERPAYMENT`,
          reference: 'ALI-2026011522001',
        },
      ],
    );
    assert.is(cycleFigures(await loadCycle(reopened, JAN)).netPaidMinor, 31520);
    assert.is((await loadContract(reopened, 'unit-0102')).state.creditBalanceMinor, 31520);

    // The next run attempts nothing (the cycle is paid): nothing is charged or credited twice.
    const again = await collectAutoDebits({ ...engineOn(reopened, e.now), gateway: racing, asOf: d('2026-01-16') });
    assert.equal([again.attempted, again.overCollected.length, charged], [0, 0, 1]);

    // February is billed; the credit pays it: 315.20 - 315.20 = 0 left on either side.
    const feb = engineOn(reopened, { at: '2026-02-01T00:00:00Z' as Instant });
    await renewDue({ ...feb, asOf: d('2026-02-01') });
    await settleCredit({ ...feb, contractId: 'unit-0102', at: '2026-02-02T09:00:00Z' as Instant });
    assert.is(cycleFigures(await loadCycle(reopened, FEB)).outstandingMinor, 0);
    assert.is((await loadContract(reopened, 'unit-0102')).state.creditBalanceMinor, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
