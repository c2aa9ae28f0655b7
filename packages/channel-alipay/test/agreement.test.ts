// Agreement-based auto-debit (商户代扣) through the ledger's own auto-debit run: the contract's
// mandate holds the Alipay agreement number, `collectAutoDebits` asks the Alipay gateway adapter,
// which charges through alipay.trade.pay (GENERAL_WITHHOLDING) on the local server playing Alipay.
// The flat is 98.50 m2 at 3.20 = 315.20 a month, due 15 January.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { collectAutoDebits, loadCycle, renewDue } from '@renewal-ledger/renewals';
import { engineOn, giveMandate, open } from '@renewal-ledger/testing/engine';
import { agreementOutTradeNo, alipayAgreementGateway, alipaySdk } from '../src/index.js';
import { startFakeAlipay, type FakeAlipay } from './support/alipay-gateway.js';

const test = suite('Alipay agreement auto-debit');
const d = (s: string) => s as BusinessDate;
let fake: FakeAlipay;
let dir: string;
test.before.each(async () => {
  fake = await startFakeAlipay();
  dir = mkdtempSync(join(tmpdir(), 'renewal-alipay-agreement-'));
});
test.after.each(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
const gateway = () =>
  alipayAgreementGateway(
    alipaySdk({ appId: fake.appId, privateKey: fake.app.privatePem, alipayPublicKey: fake.alipay.publicPem, gateway: fake.gateway }),
  );

const portfolio = async (agreements: Record<string, string>) => {
  const e = engineOn(getSQLiteEventStore({ path: join(dir, 'ledger.db') }));
  for (const [unit, agreementNo] of Object.entries(agreements))
    await e.contractHandler.handleBatch([
      open({ contractId: unit, commandId: `open-${unit}` }),
      giveMandate(`m-${unit}`, { contractId: unit, commandId: `mandate-${unit}`, accountRef: agreementNo }),
    ]);
  await renewDue({ ...e, asOf: d('2026-01-01') });
  e.now.at = '2026-01-15T02:00:00Z' as Instant;
  return e;
};

test("the run collects through the agreement: one trade, recorded as the cycle's auto-debit payment; a second run charges nothing", async () => {
  fake.agreements.set('20265501000000000102', 50_000);
  const e = await portfolio({ 'unit-0102': '20265501000000000102' });
  const r = await collectAutoDebits({ ...e, gateway: gateway(), asOf: d('2026-01-15') });
  assert.equal([r.gateway, r.attempted, r.collected.count, r.collected.amountMinor], ['alipay', 1, 1, 31520n]);
  const cycle = await loadCycle(e.store, 'unit-0102/2026-01-01');
  const trade = [...fake.orders.values()][0]!;
  // gmt_payment 2026-01-15 10:00:05 Beijing time, as the server answers: 02:00:05 UTC.
  assert.equal(
    cycle.payments.map((p) => [p.paymentId, p.amountMinor, p.channel, p.reference, p.at]),
    [['unit-0102/2026-01-01/auto-debit/2026-01-15/1', 31520, 'auto-debit', trade.tradeNo, '2026-01-15T02:00:05Z']],
  );
  assert.is(cycleFigures(cycle).outstandingMinor, 0);
  // 500.00 - 315.20 = 184.80 left on the customer's account.
  assert.is(fake.agreements.get('20265501000000000102'), 18_480);
  const again = await collectAutoDebits({ ...e, gateway: gateway(), asOf: d('2026-01-15') });
  assert.is(again.attempted, 0);
  assert.is(fake.orders.size, 1);
});

test('asked again for an attempt already charged (the run stopped before recording): the same trade, charged once', async () => {
  fake.agreements.set('A1', 50_000);
  const request = {
    attemptId: 'unit-0102/2026-01-01/auto-debit/2026-01-15/1',
    contractId: 'unit-0102',
    cycleId: 'unit-0102/2026-01-01',
    dueDate: d('2026-01-15'),
    attempt: 1,
    amountMinor: 31520,
    currency: 'CNY',
    mandate: { mandateId: 'm-1', method: 'alipay' as const, accountRef: 'A1' },
    requestedAt: '2026-01-15T02:00:00Z' as Instant,
    description: 'Renewal fee unit-0102 2026-01-01',
  };
  const first = await gateway().collect(request);
  const second = await gateway().collect(request);
  assert.equal(second, first);
  assert.is(first.status === 'collected' && first.transactionId, fake.orders.get(agreementOutTradeNo(request.attemptId))!.tradeNo);
  assert.is(fake.agreements.get('A1'), 50_000 - 31_520);
});

test('a short balance fails retryable, an agreement Alipay does not know fails for good; both recorded as failures', async () => {
  fake.agreements.set('20265501000000000201', 10_000);
  const e = await portfolio({ 'unit-0201': '20265501000000000201', 'unit-0202': '20265501000000009999' });
  const r = await collectAutoDebits({ ...e, gateway: gateway(), asOf: d('2026-01-15') });
  assert.equal([r.attempted, r.collected.count, r.failed.count, r.failed.retryable], [2, 0, 2, 1]);
  assert.equal(r.failed.byCode, { 'ACQ.BUYER_BALANCE_NOT_ENOUGH': 1, 'ACQ.AGREEMENT_NOT_EXIST': 1 });
  assert.is(fake.agreements.get('20265501000000000201'), 10_000);
});

test.run();
