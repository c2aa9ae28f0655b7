// WeChat Pay API v3 calls against a local server playing WeChat Pay (test/support): requests
// signed with the merchant's key and checked by the server, answers signed with the platform key
// and checked by the client. The ledger is a real SQLite file holding March's bill of unit-0301,
// 315.20 (31520 fen).
import { createCipheriv, createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { cycleFigures, cycleOutTradeNo, decodeCommand, type Instant } from '@renewal-ledger/core';
import { CYCLE, ledger } from '@renewal-ledger/testing/channel-ledger';
import { nativeOrder, queryAndRecordWeChatPay, receiveNotification, refundThroughWeChatPay, type WeChatPayMerchant } from '../src/index.js';
import { PLATFORM_SERIAL, startFakeWeChatPay, type FakeWeChatPay } from './support/wechatpay-server.js';

const test = suite('WeChat Pay API v3');
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const API_V3_KEY = 'c'.repeat(16) + 'D'.repeat(16);
const NOW = 1773108000; // 2026-03-10T02:00:00Z
const OUT_TRADE_NO = 'unit-0301_20260301_31520';
let fake: FakeWeChatPay;
const merchant = (): WeChatPayMerchant => ({
  mchid: '1900000109',
  appid: 'wxd678efh567hg6787',
  serialNo: '3775B6A45ACD588826D15E583A95F5DD',
  privateKey: fake.merchant.privateKey,
  keys: { platformKeys: new Map([[PLATFORM_SERIAL, platform.publicKey]]), apiV3Key: API_V3_KEY },
  baseUrl: fake.baseUrl,
  nowSeconds: () => NOW,
});
test.before.each(async () => {
  fake = await startFakeWeChatPay(platform.privateKey, NOW);
});
test.after.each(() => fake.close());

/** The TRADE.SUCCESS notification WeChat Pay sends for a transaction: encrypted with the API v3 key, signed with the platform key. */
const notificationOf = (transaction: unknown, signer = platform.privateKey) => {
  const nonce = 'fdasflkja484';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('transaction'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  );
  const body = JSON.stringify({
    id: 'EV-2018022511223320873',
    event_type: 'TRANSACTION.SUCCESS',
    resource_type: 'encrypt-resource',
    resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce },
  });
  const headers = { 'wechatpay-timestamp': String(NOW), 'wechatpay-nonce': 'n-1', 'wechatpay-serial': PLATFORM_SERIAL };
  const signature = createSign('RSA-SHA256').update(`${NOW}\nn-1\n${body}\n`).sign(signer, 'base64');
  return { headers: { ...headers, 'wechatpay-signature': signature }, body };
};

test('a Native order: the code_url for the cycle; asking again is the same order; every request was signed', async () => {
  const first = await nativeOrder(merchant(), {
    cycleId: CYCLE,
    amountMinor: 31520,
    description: 'Property service fee unit-0301 2026-03',
  });
  const again = await nativeOrder(merchant(), {
    cycleId: CYCLE,
    amountMinor: 31520,
    description: 'Property service fee unit-0301 2026-03',
  });
  assert.is(first.outTradeNo, OUT_TRADE_NO);
  assert.match(first.codeUrl, /^weixin:\/\/wxpay\/bizpayurl\?pr=/);
  assert.equal(again, first);
  assert.is(fake.orders.size, 1);
  assert.equal(fake.orders.get(OUT_TRADE_NO)!.body.amount, { total: 31520, currency: 'CNY' });
  assert.ok(fake.calls.every((c) => c.signed));
});

test('an answer not signed by the platform key is not believed', async () => {
  fake.forgeAnswersWith = stranger.privateKey;
  const error = await nativeOrder(merchant(), { cycleId: CYCLE, amountMinor: 31520, description: 'x' }).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(error?.message ?? 'no error', /not believed: bad-signature/);
});

test('the order query records a payment whose notification never came; the late notification is then a duplicate', async () => {
  const l = await ledger();
  try {
    await nativeOrder(merchant(), { cycleId: CYCLE, amountMinor: 31520, description: 'Property service fee' });
    const q = () => queryAndRecordWeChatPay(merchant(), { outTradeNo: OUT_TRADE_NO, handler: l.handler });
    assert.equal(await q(), { status: 'unpaid', tradeState: 'NOTPAY' });
    assert.equal(await queryAndRecordWeChatPay(merchant(), { outTradeNo: 'nobody_20260301_1', handler: l.handler }), {
      status: 'unpaid',
      tradeState: 'ORDER_NOT_EXIST',
    });
    const transaction = fake.pay(OUT_TRADE_NO, '2026-03-10T10:00:00+08:00');
    const id = String(transaction.transaction_id);
    assert.equal(await q(), { status: 'recorded', paymentId: `wechat-pay-${id}`, cycleId: CYCLE });
    const n = notificationOf(transaction);
    const late = await receiveNotification({
      ...n,
      keys: merchant().keys,
      nowSeconds: NOW,
      handler: l.handler,
      outTradeNo: cycleOutTradeNo,
    });
    assert.is(late.status, 'duplicate');
    const state = await l.cycle();
    assert.equal(
      state.payments.map((p) => [p.amountMinor, p.at]),
      [[31520, '2026-03-10T02:00:00Z']],
    );
    assert.is(cycleFigures(state).outstandingMinor, 0);
  } finally {
    l.close();
  }
});

test('a tampered or forged notification is refused and recorded as refused, once per signed message', async () => {
  const l = await ledger();
  try {
    await nativeOrder(merchant(), { cycleId: CYCLE, amountMinor: 31520, description: 'Property service fee' });
    const n = notificationOf(fake.pay(OUT_TRADE_NO, '2026-03-10T10:00:00+08:00'));
    const tampered = { ...n, body: n.body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS ') };
    const forged = notificationOf({ out_trade_no: OUT_TRADE_NO }, stranger.privateKey);
    const receive = (x: typeof n) =>
      receiveNotification({
        ...x,
        keys: merchant().keys,
        nowSeconds: NOW,
        handler: l.handler,
        outTradeNo: cycleOutTradeNo,
        channelHandler: l.channelHandler,
      });
    const outcomes = [];
    for (const x of [tampered, tampered, forged]) {
      const o = await receive(x);
      outcomes.push(o.status === 'refused' ? [o.problem, o.refusal] : o.status);
    }
    assert.equal(outcomes, [
      ['bad-signature', 'applied'],
      ['bad-signature', 'duplicate'],
      ['bad-signature', 'applied'],
    ]);
    const sha = (x: typeof n) => createHash('sha256').update(`${NOW}\nn-1\n${x.body}\n`).digest('hex');
    assert.equal(
      (await l.channelEvents()).map((e) => [e.streamName, e.type === 'NotificationRefused' && e.data.reason, e.data.at]),
      [
        [`channel-wechat-pay-notification-${sha(tampered)}`, 'bad-signature', '2026-03-10T02:00:00Z'],
        [`channel-wechat-pay-notification-${sha(forged)}`, 'bad-signature', '2026-03-10T02:00:00Z'],
      ],
    );
    assert.equal((await l.cycle()).payments, []);
  } finally {
    l.close();
  }
});

test("a refund round-trips: recorded in the ledger, sent once however often, WeChat Pay's answer recorded; a refund beyond the payment is refused and recorded", async () => {
  const l = await ledger();
  try {
    await nativeOrder(merchant(), { cycleId: CYCLE, amountMinor: 31520, description: 'Property service fee' });
    const transaction = fake.pay(OUT_TRADE_NO, '2026-03-10T10:00:00+08:00');
    const id = String(transaction.transaction_id);
    await queryAndRecordWeChatPay(merchant(), { outTradeNo: OUT_TRADE_NO, handler: l.handler });
    const refund = decodeCommand({
      type: 'Refund',
      commandId: 'refund-0301-03-1',
      cycleId: CYCLE,
      actor: 'manager-wu',
      at: '2026-03-12T02:00:00Z',
      refundId: 'refund-0301-03-1',
      paymentId: `wechat-pay-${id}`,
      amountMinor: 5000,
      reason: 'parking line billed twice',
    });
    if (E.isLeft(refund)) throw new Error(refund.left.message);
    assert.is((await l.handler.handle(refund.right)).status, 'applied');
    const send = (amountMinor = 5000, refundId = 'refund-0301-03-1') =>
      refundThroughWeChatPay(merchant(), {
        refund: {
          refundId,
          cycleId: CYCLE,
          paymentId: `wechat-pay-${id}`,
          transactionId: id,
          paymentMinor: 31520,
          amountMinor,
          reason: 'parking line billed twice',
        },
        channelHandler: l.channelHandler,
        at: '2026-03-12T02:00:05Z' as Instant,
      });
    assert.equal(await send(), { status: 'succeeded', recorded: 'applied' });
    assert.equal(await send(), { status: 'succeeded', recorded: 'duplicate' });
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    // 315.20 - 50.00 = 265.20 is left: 300.00 is more than that.
    assert.equal(await send(30000, 'refund-0301-03-2'), { status: 'refused', providerCode: 'NOT_ENOUGH', recorded: 'applied' });
    assert.equal(
      (await l.channelEvents()).map(
        (e) => e.type === 'ProviderRefundAnswered' && [e.data.refundId, e.data.status, e.data.providerRefundId ?? e.data.providerCode],
      ),
      [
        ['refund-0301-03-1', 'succeeded', '503000000120260312000000001'],
        ['refund-0301-03-2', 'refused', 'NOT_ENOUGH'],
      ],
    );
  } finally {
    l.close();
  }
});

test.run();
