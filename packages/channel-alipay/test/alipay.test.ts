// Alipay through its own SDK against a local server playing its gateway (test/support): keys made
// here, requests signed by the SDK and checked by the server, answers and notifications signed by
// "Alipay" as documented. The ledger is a real SQLite file holding March's bill of unit-0301,
// 315.20 (31520 fen); the customer pays it by scanning the precreated code.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { cycleFigures, decodeCommand, type Instant } from '@renewal-ledger/core';
import { alipayOutTradeNo, alipaySdk, precreate, queryAndRecord, receiveAlipayNotification, refundThroughAlipay } from '../src/index.js';
import { keyPair, startFakeAlipay, type FakeAlipay } from './support/alipay-gateway.js';
import { CYCLE, ledger } from '@renewal-ledger/testing/channel-ledger';

const test = suite('Alipay');
const stranger = keyPair();
let fake: FakeAlipay;
const sdk = () =>
  alipaySdk({ appId: fake.appId, privateKey: fake.app.privatePem, alipayPublicKey: fake.alipay.publicPem, gateway: fake.gateway });
const RECEIVED = '2026-03-10T02:00:01Z' as Instant;
const OUT_TRADE_NO = 'unit_0301_20260301_31520';

test.before.each(async () => {
  fake = await startFakeAlipay();
});
test.after.each(async () => {
  await fake.close();
});

const receive = (l: Awaited<ReturnType<typeof ledger>>, body: string) =>
  receiveAlipayNotification({
    body,
    sdk: sdk(),
    appId: fake.appId,
    handler: l.handler,
    channelHandler: l.channelHandler,
    receivedAt: RECEIVED,
  });

test('the out_trade_no carries the cycle and the amount in the characters Alipay takes, and reads back', () => {
  assert.is(alipayOutTradeNo.encode(CYCLE, 31520), OUT_TRADE_NO);
  assert.is(alipayOutTradeNo.cycleOf(OUT_TRADE_NO), CYCLE);
  assert.is(alipayOutTradeNo.cycleOf('someone_elses'), null);
});

test('precreate: a QR code for the cycle; asking again is the same order and the same code', async () => {
  const first = await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee unit-0301 2026-03' });
  const again = await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee unit-0301 2026-03' });
  assert.is(first.outTradeNo, OUT_TRADE_NO);
  assert.match(first.qrCode, /^https:\/\/qr\.alipay\.com\//);
  assert.equal(again, first);
  assert.equal([...fake.orders.keys()], [OUT_TRADE_NO]);
  assert.is(fake.orders.get(OUT_TRADE_NO)!.totalAmount, '315.20');
  // The server checked the SDK's RSA2 signature with the application's public key on each call.
  assert.ok(fake.calls.every((c) => c.signed));
});

test('an answer not signed by Alipay is refused by the SDK (it throws, nothing is believed)', async () => {
  fake.forgeAnswersWith = stranger.privateKey;
  try {
    const error = await precreate(sdk(), { cycleId: 'unit-0302/2026-03-01', amountMinor: 100, subject: 'x' }).then(
      () => null,
      (e: Error) => e,
    );
    assert.match(error?.message ?? 'no error', /验签失败/);
  } finally {
    fake.forgeAnswersWith = null;
  }
});

test('a valid notification becomes one payment; the same notification five times is still one', async () => {
  const l = await ledger();
  try {
    await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
    const body = fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00');
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await receive(l, body)).status);
    assert.equal(outcomes, ['recorded', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const state = await l.cycle();
    const tradeNo = fake.orders.get(OUT_TRADE_NO)!.tradeNo;
    // gmt_payment 10:00 Beijing time is 02:00 UTC.
    assert.equal(
      state.payments.map((p) => [p.paymentId, p.amountMinor, p.channel, p.reference, p.at]),
      [[`alipay-${tradeNo}`, 31520, 'alipay', tradeNo, '2026-03-10T02:00:00Z']],
    );
    assert.is(cycleFigures(state).outstandingMinor, 0);
    assert.equal(await l.channelEvents(), []);
  } finally {
    l.close();
  }
});

test('a tampered amount or a wrong signature is refused, nothing is paid, and the refusal is recorded once per payload', async () => {
  const l = await ledger();
  try {
    await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
    const genuine = fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00');
    // Someone lowers what was paid after Alipay signed it.
    const tampered = genuine.replace('total_amount=315.20', 'total_amount=3152.00');
    assert.is.not(tampered, genuine);
    const params = Object.fromEntries(new URLSearchParams(genuine));
    delete params.sign;
    delete params.sign_type;
    const forged = fake.notification(params, stranger.privateKey);
    const outcomes = [];
    for (const body of [tampered, tampered, tampered, forged]) {
      const o = await receive(l, body);
      outcomes.push(o.status === 'refused' ? [o.reason, o.acknowledge, o.refusal] : o.status);
    }
    assert.equal(outcomes, [
      ['bad-signature', false, 'applied'],
      ['bad-signature', false, 'duplicate'],
      ['bad-signature', false, 'duplicate'],
      ['bad-signature', false, 'applied'],
    ]);
    assert.equal((await l.cycle()).payments, []);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    assert.equal(
      (await l.channelEvents()).map((e) => [
        e.streamName,
        e.type,
        e.data.provider,
        e.type === 'NotificationRefused' && e.data.reason,
        e.data.at,
      ]),
      [
        [`channel-alipay-notification-${sha(tampered)}`, 'NotificationRefused', 'alipay', 'bad-signature', RECEIVED],
        [`channel-alipay-notification-${sha(forged)}`, 'NotificationRefused', 'alipay', 'bad-signature', RECEIVED],
      ],
    );
    // The genuine one still pays.
    assert.is((await receive(l, genuine)).status, 'recorded');
  } finally {
    l.close();
  }
});

test('a genuinely signed trade for another amount than its order asked is refused as amount-mismatch (acknowledged, recorded)', async () => {
  const l = await ledger();
  try {
    const body = fake.notification({
      notify_time: '2026-03-10 10:00:00',
      notify_type: 'trade_status_sync',
      notify_id: 'n-mismatch',
      app_id: fake.appId,
      trade_no: '2026031022001999',
      out_trade_no: OUT_TRADE_NO,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '31.52',
      gmt_payment: '2026-03-10 10:00:00',
    });
    const o = await receive(l, body);
    assert.equal(o.status === 'refused' && [o.reason, o.acknowledge, o.refusal], ['amount-mismatch', true, 'applied']);
    assert.equal((await l.cycle()).payments, []);
    assert.equal(
      (await l.channelEvents()).map((e) => e.type === 'NotificationRefused' && e.data.detail),
      [`total_amount 31.52 is not the 31520 fen out_trade_no ${OUT_TRADE_NO} asked`],
    );
  } finally {
    l.close();
  }
});

test('a notification that never came: the trade query records the payment, and the late notification is a duplicate', async () => {
  const l = await ledger();
  try {
    const q = (outTradeNo: string) => queryAndRecord(sdk(), { outTradeNo, handler: l.handler });
    await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
    assert.equal(await q(OUT_TRADE_NO), { status: 'unpaid', tradeStatus: 'TRADE_NOT_EXIST' });
    const late = fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00');
    const found = await q(OUT_TRADE_NO);
    const tradeNo = fake.orders.get(OUT_TRADE_NO)!.tradeNo;
    assert.equal(found, { status: 'recorded', paymentId: `alipay-${tradeNo}`, cycleId: CYCLE });
    assert.is((await q(OUT_TRADE_NO)).status, 'duplicate');
    assert.is((await receive(l, late)).status, 'duplicate');
    assert.is((await l.cycle()).payments.length, 1);
  } finally {
    l.close();
  }
});

test("a refund round-trips: recorded in the ledger, sent to Alipay once however often, and Alipay's answer recorded", async () => {
  const l = await ledger();
  try {
    await precreate(sdk(), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
    assert.is((await receive(l, fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00'))).status, 'recorded');
    const tradeNo = fake.orders.get(OUT_TRADE_NO)!.tradeNo;
    const refund = decodeCommand({
      type: 'Refund',
      commandId: 'refund-0301-03-1',
      cycleId: CYCLE,
      actor: 'manager-wu',
      at: '2026-03-12T02:00:00Z',
      refundId: 'refund-0301-03-1',
      paymentId: `alipay-${tradeNo}`,
      amountMinor: 5000,
      reason: 'parking line billed twice',
    });
    if (E.isLeft(refund)) throw new Error(refund.left.message);
    assert.is((await l.handler.handle(refund.right)).status, 'applied');
    const send = (amountMinor = 5000, refundId = 'refund-0301-03-1') =>
      refundThroughAlipay(sdk(), {
        refund: { refundId, cycleId: CYCLE, paymentId: `alipay-${tradeNo}`, tradeNo, amountMinor, reason: 'parking line billed twice' },
        channelHandler: l.channelHandler,
        at: '2026-03-12T02:00:05Z' as Instant,
      });
    assert.equal(await send(), { status: 'succeeded', recorded: 'applied' });
    // Sent again (a retry after a timeout): Alipay knows the out_request_no, no money moves twice.
    assert.equal(await send(), { status: 'succeeded', recorded: 'duplicate' });
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);
    // More than is left of the payment (315.20 - 50.00 = 265.20 < 300.00): Alipay refuses, and that answer is recorded too.
    assert.equal(await send(30000, 'refund-0301-03-2'), {
      status: 'refused',
      providerCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
      recorded: 'applied',
    });
    assert.equal(
      (await l.channelEvents()).map(
        (e) =>
          e.type === 'ProviderRefundAnswered' && [
            e.streamName,
            e.data.refundId,
            e.data.amountMinor,
            e.data.status,
            e.data.providerCode ?? null,
          ],
      ),
      [
        ['channel-alipay-refund-refund-0301-03-1', 'refund-0301-03-1', 5000, 'succeeded', null],
        ['channel-alipay-refund-refund-0301-03-2', 'refund-0301-03-2', 30000, 'refused', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL'],
      ],
    );
  } finally {
    l.close();
  }
});

test.run();
