// The hand-made bank statement of 2026-03-10 (fixtures/bank-2026-03-10.csv: a header, then 20
// lines, so statement line n is file line n + 1), columns mapped by name, China time, CNY,
// tolerance 1 day, worked by hand:
//   lines 1-15  transfers of 300.00 + 1.00 n with memo TRF-00n = B1..B15: matched by reference.
//               15 x 300.00 + 1.00 x (1 + ... + 15) = 4,500.00 + 120.00 = 4,620.00.
//   line 16     450.00 with the memo 物业费 301室 (free text): B16 is 450.00 on the same day under
//               TRF-016: matched by amount and day (a bank memo proves nothing either way).
//   line 17     TRF-017, 500.00 against the ledger's 490.00: an amount difference of +10.00.
//   line 18     TRF-018, 318.00, recorded on 03-05: a date difference (5 days > 1).
//   line 19     TRF-099, 123.45 nobody recorded (a 2.00 fee): missing in the ledger.
//   line 20     -200.00 to refund-b1: the ledger's refund of B1, matched (a 5.00 fee).
//   B19         333.00 by transfer on 03-10 the bank never received: missing in the statement.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate, Instant } from '@renewal-ledger/core';
import { parseBankMapping, reconcileStatement, StatementFormatError } from '../src/index.js';
import { bill, FIXTURES, ledgerWith, pay, refund } from './support.js';

const test = suite('reconciling a bank statement');
const unit = (n: number) => `unit-02${String(n).padStart(2, '0')}`;
const trf = (n: number) => `TRF-${String(n).padStart(3, '0')}`;
const ON_10 = '2026-03-10T03:00:00Z';

const ledger = () =>
  ledgerWith([
    ...Array.from({ length: 19 }, (_, i) => bill(unit(i + 1))),
    ...Array.from({ length: 15 }, (_, i) => pay(unit(i + 1), `bpay-${i + 1}`, 30000 + 100 * (i + 1), 'bank-transfer', ON_10, trf(i + 1))),
    pay(unit(16), 'bpay-16', 45000, 'bank-transfer', ON_10, trf(16)),
    pay(unit(17), 'bpay-17', 49000, 'bank-transfer', ON_10, trf(17)),
    pay(unit(18), 'bpay-18', 31800, 'bank-transfer', '2026-03-05T03:00:00Z', trf(18)),
    pay(unit(19), 'bpay-19', 33300, 'bank-transfer', ON_10, trf(19)),
    refund(unit(1), 'refund-b1', 'bpay-1', 20000, '2026-03-10T05:00:00Z'),
  ]);

const options = (store: Awaited<ReturnType<typeof ledger>>['store'], file = 'bank-2026-03-10.csv') => ({
  store,
  file: join(FIXTURES, file),
  source: 'bank' as const,
  bank: {
    mapping: parseBankMapping('date=Booking date,amount=Amount,reference=Payer memo,bankRef=Bank ref,fee=Fee'),
    zone: 'Asia/Shanghai',
    currency: 'CNY',
  },
  from: '2026-03-10' as BusinessDate,
  actor: 'accountant-zhou',
  at: '2026-03-11T02:00:00Z' as Instant,
});

test('every category with its figures', async () => {
  const { store, dir } = await ledger();
  try {
    const r = await reconcileStatement(options(store));
    const c = r.reconciliation;
    assert.equal([c.channel, c.toleranceDays, c.currency], ['bank-transfer', 1, 'CNY']);
    assert.equal(c.counts, {
      lines: 20,
      matched: 17,
      missingInLedger: 1,
      missingInStatement: 1,
      amountDifferences: 1,
      dateDifferences: 1,
      linesWithFees: 2,
    });
    assert.equal(c.figures, {
      statementPaymentsMinor: 601145, // 4,620.00 + 450.00 + 500.00 + 318.00 + 123.45
      statementRefundsMinor: 20000,
      feesMinor: 700,
      ledgerPaymentsMinor: 589300, // B1..B17 and B19 on 03-10: 4,620.00 + 450.00 + 490.00 + 333.00
      ledgerRefundsMinor: 20000,
      matchedMinor: 527000, // 4,620.00 + 450.00 + 200.00
      missingInLedgerMinor: 12345,
      missingInStatementMinor: 33300,
      amountDifferenceMinor: 1000,
    });
    assert.equal(
      c.differences.map((d) => [d.key, d.kind, d.amountMinor, d.reference ?? null, d.ledgerId ?? null]),
      [
        ['line-18', 'amount', 50000, 'TRF-017', 'unit-0217/2026-03/bpay-17'],
        ['line-19', 'date', 31800, 'TRF-018', 'unit-0218/2026-03/bpay-18'],
        ['line-20', 'missing-in-ledger', 12345, 'TRF-099', null],
        ['payment:unit-0219/2026-03/bpay-19', 'missing-in-statement', 33300, 'TRF-019', 'unit-0219/2026-03/bpay-19'],
      ],
    );
    assert.is((await reconcileStatement(options(store))).status, 'already-reconciled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mapping naming a column the file lacks, or a bad amount, is refused with the line; nothing is recorded', async () => {
  const { store, dir } = await ledger();
  try {
    const head = await store.headPosition();
    const wrong = {
      ...options(store),
      bank: { ...options(store).bank, mapping: parseBankMapping('date=Date,amount=Amount,reference=Payer memo') },
    };
    const err = await reconcileStatement(wrong).catch((e: unknown) => e);
    assert.ok(err instanceof StatementFormatError);
    assert.match((err as Error).message, 'bank statement, line 1: no column Date in the header');
    assert.throws(() => parseBankMapping('date=D,amount=A'), /reference=<column> is required/);
    assert.is(await store.headPosition(), head);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
