// The hand-made Alipay bill of 2026-03-10 (fixtures/alipay-2026-03-10.csv, 20 lines after four
// `#` title lines and the header, so statement line n is file line 5 + n) against the ledger
// below, tolerance 1 day, worked by hand:
//   lines 1-14  trades of 110.00 + 10.00 (n - 1) = P1..P14, same reference, same day: matched.
//               Line 1 is 07:30 China time (23:30 UTC the day before) and P1 was recorded at
//               07:40 China time: the same business day in the ledger's zone. 14 x 100.00 +
//               10.00 x (1 + ... + 14) = 1,400.00 + 1,050.00 = 2,450.00.
//   line 15     reference of P15, 300.00 against the ledger's 250.00: an amount difference of +50.00.
//   line 16     reference of P16, 260.00, but P16 was recorded on 03-07: a date difference (3 days > 1).
//   line 17     188.00 nobody recorded: missing in the ledger, with the payment to record proposed.
//   line 18     213.00, a reference the ledger never saw; P17 is 213.00 with no reference on 03-11
//               (one day off): matched by amount and day.
//   line 19     refund refund-1 of 20.00: the ledger's refund-1 of P1, matched.
//   line 20     refund of 15.00 the ledger never recorded: missing in the ledger (no proposal: a refund).
//   P18         99.00 by Alipay on 03-10 that the bill does not show: missing in the statement.
// Fees (服务费): 0.6% of each trade, 60 + 6n fen for lines 1-14 (14.70 in all), then 1.80, 1.56,
// 1.13, 1.28, and 0.12 and 0.09 given back with the refunds: 14.70 + 5.77 - 0.21 = 20.26.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  reconciliationDecider,
  reconciliationStatus,
  fold,
  type Instant,
  type BusinessDate,
  type ReconciliationEvent,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { reconcileStatement, type ProposedPayment } from '../src/index.js';
import { bill, FIXTURES, ledgerWith, pay, refund } from './support.js';

const test = suite('reconciling an Alipay bill');
const ref = (n: number) => `20260310220014${String(n).padStart(8, '0')}`;
const unit = (n: number) => `unit-01${String(n).padStart(2, '0')}`;

const ledger = () =>
  ledgerWith([
    ...Array.from({ length: 18 }, (_, i) => bill(unit(i + 1))),
    pay(unit(1), 'pay-1', 11000, 'alipay', '2026-03-09T23:40:00Z', ref(1)),
    ...Array.from({ length: 13 }, (_, i) =>
      pay(unit(i + 2), `pay-${i + 2}`, 10000 + 1000 * (i + 2), 'alipay', '2026-03-10T02:00:00Z', ref(i + 2)),
    ),
    pay(unit(15), 'pay-15', 25000, 'alipay', '2026-03-10T07:00:00Z', ref(15)),
    pay(unit(16), 'pay-16', 26000, 'alipay', '2026-03-07T03:00:00Z', ref(16)),
    pay(unit(17), 'pay-17', 21300, 'alipay', '2026-03-11T02:00:00Z'),
    pay(unit(18), 'pay-18', 9900, 'alipay', '2026-03-10T08:00:00Z', ref(20)),
    // Cash the same day: another channel, not in an Alipay bill.
    pay(unit(18), 'cash-18', 5000, 'cash', '2026-03-10T08:00:00Z'),
    refund(unit(1), 'refund-1', 'pay-1', 2000, '2026-03-10T09:00:00Z'),
  ]);

const options = (store: Awaited<ReturnType<typeof ledger>>['store']) => ({
  store,
  file: join(FIXTURES, 'alipay-2026-03-10.csv'),
  source: 'alipay' as const,
  from: '2026-03-10' as BusinessDate,
  toleranceDays: 1,
  actor: 'accountant-zhou',
  at: '2026-03-11T02:00:00Z' as Instant,
  // The ledger's out-trade-numbers here are `<contract>-<yyyy>-<mm>`: the cycle it pays.
  cycleOfReference: (r: string) => r.replace(/-(\d{4})-(\d{2})$/, '/$1-$2'),
});

test('every category with its figures, recorded as a reconciliation of the file', async () => {
  const { store, dir } = await ledger();
  try {
    const proposals: ProposedPayment[] = [];
    const r = await reconcileStatement({ ...options(store), onDifference: (_d, p) => p && proposals.push(p) });
    assert.is(r.status, 'recorded');
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    const c = r.reconciliation;
    assert.equal(c.counts, {
      lines: 20,
      matched: 16,
      missingInLedger: 2,
      missingInStatement: 1,
      amountDifferences: 1,
      dateDifferences: 1,
      linesWithFees: 20,
    });
    assert.equal(c.figures, {
      statementPaymentsMinor: 341100, // 2,450.00 + 300.00 + 260.00 + 188.00 + 213.00
      statementRefundsMinor: 3500, // 20.00 + 15.00
      feesMinor: 2026,
      ledgerPaymentsMinor: 279900, // P1..P15 on 03-10 (2,450.00 + 250.00) + P18 99.00
      ledgerRefundsMinor: 2000,
      matchedMinor: 268300, // 2,450.00 + 213.00 + 20.00
      missingInLedgerMinor: 20300, // 188.00 + 15.00
      missingInStatementMinor: 9900,
      amountDifferenceMinor: 5000,
    });
    assert.equal(
      c.differences.map((d) => [
        d.key,
        d.kind,
        d.direction,
        d.amountMinor,
        d.ledgerAmountMinor ?? null,
        d.day ?? null,
        d.ledgerDay ?? null,
      ]),
      [
        ['line-20', 'amount', 'payment', 30000, 25000, '2026-03-10', '2026-03-10'],
        ['line-21', 'date', 'payment', 26000, 26000, '2026-03-10', '2026-03-07'],
        ['line-22', 'missing-in-ledger', 'payment', 18800, null, '2026-03-10', null],
        ['line-25', 'missing-in-ledger', 'refund', 1500, null, '2026-03-10', null],
        ['payment:unit-0118/2026-03/pay-18', 'missing-in-statement', 'payment', 9900, 9900, null, '2026-03-10'],
      ],
    );
    assert.equal(
      { source: c.source, channel: c.channel, fileName: c.fileName, from: c.from, to: c.to, actor: c.actor, sha256: c.sha256 },
      {
        source: 'alipay',
        channel: 'alipay',
        fileName: 'alipay-2026-03-10.csv',
        from: '2026-03-10',
        to: '2026-03-10',
        actor: 'accountant-zhou',
        sha256: r.sha256,
      },
    );
    // The money nobody recorded, as the payment a clerk would record.
    assert.equal(proposals, [
      {
        type: 'RecordPayment',
        commandId: 'statement:alipay:2026031022001499999999',
        cycleId: 'unit-0117/2026-03',
        actor: 'accountant-zhou',
        at: '2026-03-10T08:00:00Z',
        paymentId: 'alipay-2026031022001499999999',
        amountMinor: 18800,
        channel: 'alipay',
        reference: '2026031022001499999999',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same file twice changes nothing; a difference is resolved once, by its own fact', async () => {
  const { store, dir } = await ledger();
  try {
    const first = await reconcileStatement(options(store));
    const head = await store.headPosition();
    const again = await reconcileStatement({ ...options(store), actor: 'someone-else', at: '2026-03-12T02:00:00Z' as Instant });
    assert.is(again.status, 'already-reconciled');
    assert.equal(again.reconciliation, first.reconciliation);
    assert.is(await store.headPosition(), head);

    const handler = getCommandHandler(reconciliationDecider, { store });
    const resolve = {
      type: 'ResolveDifference',
      commandId: 'resolve-line-22',
      sha256: first.sha256,
      actor: 'accountant-zhou',
      at: '2026-03-11T03:00:00Z',
      differenceKey: 'line-22',
      resolution: 'recorded-in-ledger',
      note: 'payment alipay-2026031022001499999999 recorded for unit-0117/2026-03',
    } as never;
    assert.is((await handler.handle(resolve)).status, 'applied');
    assert.is((await handler.handle({ ...(resolve as object), commandId: 'resolve-line-22-again' } as never)).status, 'duplicate');
    const unknown = await handler.handle({ ...(resolve as object), commandId: 'resolve-x', differenceKey: 'line-99' } as never);
    assert.equal(unknown.status === 'rejected' && unknown.error.code, 'UNKNOWN_DIFFERENCE');
    const events: ReconciliationEvent[] = [];
    for await (const e of store.readStream(`reconciliation-${first.sha256}`)) events.push(e as unknown as ReconciliationEvent);
    assert.equal(
      events.map((e) => e.type),
      ['StatementReconciled', 'DifferenceResolved'],
    );
    // 5 differences, 1 resolved: 4 still open.
    assert.equal(reconciliationStatus(fold(reconciliationDecider)(events)), { differences: 5, resolved: 1, open: 4 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
