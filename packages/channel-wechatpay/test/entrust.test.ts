// Agreement-based auto-debit (委托代扣) through the ledger's own auto-debit run: the contract's
// mandate holds the WeChat Pay contract_id, `collectAutoDebits` asks the WeChat Pay gateway
// adapter, which applies for the deduction and reads the order back, against the local server
// playing WeChat Pay. The flat is 98.50 m2 at 3.20 = 315.20 a month, due 15 January.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { collectAutoDebits, loadCycle, renewDue } from '@renewal-ledger/renewals';
import { engineOn, giveMandate, open } from '@renewal-ledger/testing/engine';
import { entrustOutTradeNo, weChatPayEntrustGateway } from '../src/index.js';
import { PLATFORM_SERIAL, startFakeWeChatPay, type FakeWeChatPay } from './support/wechatpay-server.js';

const test = suite('WeChat Pay entrusted deduction');
const d = (s: string) => s as BusinessDate;
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1768442400; // 2026-01-15T02:00:00Z
let fake: FakeWeChatPay;
let dir: string;
test.before.each(async () => {
  fake = await startFakeWeChatPay(platform.privateKey, NOW);
  dir = mkdtempSync(join(tmpdir(), 'renewal-wechat-entrust-'));
});
test.after.each(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
const gateway = () =>
  weChatPayEntrustGateway({
    mchid: '1900000109',
    appid: 'wxd678efh567hg6787',
    serialNo: '3775B6A45ACD588826D15E583A95F5DD',
    privateKey: fake.merchant.privateKey,
    keys: { platformKeys: new Map([[PLATFORM_SERIAL, platform.publicKey]]), apiV3Key: 'x'.repeat(32) },
    baseUrl: fake.baseUrl,
    nowSeconds: () => NOW,
  });

const portfolio = async (contracts: Record<string, string>) => {
  const e = engineOn(getSQLiteEventStore({ path: join(dir, 'ledger.db') }));
  for (const [unit, contractId] of Object.entries(contracts))
    await e.contractHandler.handleBatch([
      open({ contractId: unit, commandId: `open-${unit}` }),
      giveMandate(`m-${unit}`, { contractId: unit, commandId: `mandate-${unit}`, method: 'wechat-pay', accountRef: contractId }),
    ]);
  await renewDue({ ...e, asOf: d('2026-01-01') });
  e.now.at = '2026-01-15T02:00:00Z' as Instant;
  return e;
};

test('the run deducts through the contract: one order, recorded as the auto-debit payment; asked again, charged once', async () => {
  fake.contracts.set('Wx15463511252015071056489715', 50_000);
  const e = await portfolio({ 'unit-0102': 'Wx15463511252015071056489715' });
  const r = await collectAutoDebits({ ...e, gateway: gateway(), asOf: d('2026-01-15') });
  assert.equal([r.gateway, r.attempted, r.collected.count, r.collected.amountMinor], ['wechat-pay', 1, 1, 31520n]);
  const attemptId = 'unit-0102/2026-01-01/auto-debit/2026-01-15/1';
  const order = fake.orders.get(entrustOutTradeNo(attemptId))!;
  const cycle = await loadCycle(e.store, 'unit-0102/2026-01-01');
  // success_time 10:00:05 Beijing time is 02:00:05 UTC.
  assert.equal(
    cycle.payments.map((p) => [p.paymentId, p.amountMinor, p.channel, p.reference, p.at]),
    [[attemptId, 31520, 'auto-debit', order.transactionId, '2026-01-15T02:00:05Z']],
  );
  assert.is(cycleFigures(cycle).outstandingMinor, 0);
  // Asked again for the same attempt (a run that stopped before recording): the same order, no second deduction.
  const again = await gateway().collect({
    attemptId,
    dueDate: d('2026-01-15'),
    amountMinor: 31520,
    currency: 'CNY',
    mandate: { mandateId: 'm-unit-0102', method: 'wechat-pay', accountRef: 'Wx15463511252015071056489715' },
    requestedAt: '2026-01-15T02:00:00Z' as Instant,
    description: 'Renewal fee unit-0102 2026-01-01',
  });
  assert.equal(again.status === 'collected' && [again.transactionId, again.amountMinor], [order.transactionId, 31520]);
  // 500.00 - 315.20 = 184.80 left.
  assert.is(fake.contracts.get('Wx15463511252015071056489715'), 18_480);
  assert.ok(fake.calls.every((c) => c.signed));
});

test('a short balance fails retryable (PAYERROR), a contract WeChat Pay does not know fails for good', async () => {
  fake.contracts.set('Wx-short', 10_000);
  const e = await portfolio({ 'unit-0201': 'Wx-short', 'unit-0202': 'Wx-unknown' });
  const r = await collectAutoDebits({ ...e, gateway: gateway(), asOf: d('2026-01-15') });
  assert.equal([r.attempted, r.collected.count, r.failed.count, r.failed.retryable], [2, 0, 2, 1]);
  assert.equal(r.failed.byCode, { PAYERROR: 1, CONTRACT_NOT_EXIST: 1 });
  assert.is(fake.contracts.get('Wx-short'), 10_000);
});

test.run();
