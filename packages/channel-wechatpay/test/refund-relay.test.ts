// The refund relay against the local server playing WeChat Pay (test/support): a refund recorded
// in the ledger reaches WeChat Pay by itself under out_refund_no = the refund id; a PROCESSING
// answer is asked again on the next run, a final one never. The ledger is a real SQLite file
// holding March's bill of unit-0301, 315.20 (31520 fen), paid in full through a Native order.
import { generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, type Instant } from '@renewal-ledger/core';
import { relayRefunds } from '@renewal-ledger/renewals';
import { CYCLE, ledger } from '@renewal-ledger/testing/channel-ledger';
import { nativeOrder, queryAndRecordWeChatPay, weChatPayRefundSender, type WeChatPayMerchant } from '../src/index.js';
import { PLATFORM_SERIAL, startFakeWeChatPay, type FakeWeChatPay } from './support/wechatpay-server.js';

const test = suite('refund relay (WeChat Pay)');
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1773108000; // 2026-03-10T02:00:00Z
const OUT_TRADE_NO = 'unit-0301_20260301_31520';
let fake: FakeWeChatPay;
const merchant = (): WeChatPayMerchant => ({
  mchid: '1900000109',
  appid: 'wxd678efh567hg6787',
  serialNo: '3775B6A45ACD588826D15E583A95F5DD',
  privateKey: fake.merchant.privateKey,
  keys: { platformKeys: new Map([[PLATFORM_SERIAL, platform.publicKey]]), apiV3Key: 'c'.repeat(16) + 'D'.repeat(16) },
  baseUrl: fake.baseUrl,
  nowSeconds: () => NOW,
});
test.before.each(async () => {
  fake = await startFakeWeChatPay(platform.privateKey, NOW);
});
test.after.each(() => fake.close());

test('a PROCESSING answer is asked again on the next run under the same out_refund_no; once SUCCESS, never again', async () => {
  const l = await ledger();
  try {
    await nativeOrder(merchant(), { cycleId: CYCLE, amountMinor: 31520, description: 'Property service fee' });
    const id = String(fake.pay(OUT_TRADE_NO, '2026-03-10T10:00:00+08:00').transaction_id);
    assert.is((await queryAndRecordWeChatPay(merchant(), { outTradeNo: OUT_TRADE_NO, handler: l.handler })).status, 'recorded');
    const refund = decodeCommand({
      type: 'Refund',
      commandId: 'refund-0301-03-1',
      cycleId: CYCLE,
      actor: 'cashier-li',
      at: '2026-03-12T02:00:00Z',
      refundId: 'refund-0301-03-1',
      paymentId: `wechat-pay-${id}`,
      amountMinor: 5000,
      reason: 'parking line billed twice',
    });
    if (E.isLeft(refund)) throw new Error(refund.left.message);
    assert.is((await l.handler.handle(refund.right)).status, 'applied');
    fake.refundsProcessFirst = true;
    const senders = {
      'wechat-pay': weChatPayRefundSender(merchant(), { channelHandler: l.channelHandler, now: () => '2026-03-12T02:00:05Z' as Instant }),
    };
    const refundCalls = () => fake.calls.filter((c) => c.url.startsWith('/v3/refund/')).length;

    const first = await relayRefunds({ store: l.store, senders });
    assert.equal(first.refunds, [{ refundId: 'refund-0301-03-1', provider: 'wechat-pay', outcome: 'sent', status: 'processing' }]);
    const second = await relayRefunds({ store: l.store, senders, after: first.checkpoint });
    assert.equal(second.refunds, [{ refundId: 'refund-0301-03-1', provider: 'wechat-pay', outcome: 'sent', status: 'succeeded' }]);
    const third = await relayRefunds({ store: l.store, senders });
    assert.equal(third.refunds, [
      { refundId: 'refund-0301-03-1', provider: 'wechat-pay', outcome: 'already-answered', status: 'succeeded' },
    ]);

    assert.is(refundCalls(), 2);
    // One refund of 50.00 at WeChat Pay, answered twice in the ledger: PROCESSING, then SUCCESS.
    assert.equal([...fake.refunds.keys()], ['refund-0301-03-1']);
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    assert.equal(
      (await l.channelEvents()).map((e) => e.type === 'ProviderRefundAnswered' && [e.streamName, e.data.status]),
      [
        ['channel-wechat-pay-refund-refund-0301-03-1', 'processing'],
        ['channel-wechat-pay-refund-refund-0301-03-1', 'succeeded'],
      ],
    );
  } finally {
    l.close();
  }
});

test.run();
