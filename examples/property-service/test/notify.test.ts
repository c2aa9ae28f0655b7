// The providers' notification endpoints of the service, over HTTP: an Alipay notification signed
// RSA2 with a key made here (as Alipay signs: every parameter but sign and sign_type, sorted, k=v
// joined by &) and a WeChat Pay one encrypted with the API v3 key and signed with a platform key.
// Each pays March's bill of unit-0301 (315.20) once however often it arrives; a tampered one is
// answered no and kept as a NotificationRefused.
import { createCipheriv, createSign, generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { bill, startOnSQLite } from './support.js';

const test = suite('notification endpoints');
const alipayKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = '2021000000000001';
const API_V3_KEY = 'e'.repeat(16) + 'F'.repeat(16);
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const NOW = '2026-03-10T02:00:30Z' as Instant;

const start = () =>
  startOnSQLite({
    clock: () => NOW,
    channels: {
      alipay: {
        appId: APP_ID,
        privateKey: appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        alipayPublicKey: alipayKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      wechatPay: { platformKeys: new Map([[SERIAL, platform.publicKey]]), apiV3Key: API_V3_KEY },
    },
  });

const alipayNotification = (params: Record<string, string>) => {
  const text = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(alipayKey.privateKey, 'base64');
  return new URLSearchParams({ ...params, sign_type: 'RSA2', sign }).toString();
};

const postRaw = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

/** The payments recorded (their amounts) and the refusals kept, read from the store. */
const facts = async (s: Awaited<ReturnType<typeof start>>) => {
  const paid: number[] = [];
  let refused = 0;
  for await (const e of s.service.store.readAll()) {
    if (e.type === 'Paid') paid.push((e.data as { amountMinor: number }).amountMinor);
    if (e.type === 'NotificationRefused') refused++;
  }
  return { paid, refused };
};

test('Alipay: a notification pays once however often it arrives; a tampered one is answered fail and kept as refused', async () => {
  const s = await start();
  try {
    const billed = await s.post('/api/commands', {
      ...bill('unit-0301/2026-03-01', 'unit-0301', 31520, '2026-03-15'),
      at: '2026-03-01T01:00:00Z',
      period: { start: '2026-03-01', end: '2026-04-01' },
    });
    assert.is(billed.status, 201, JSON.stringify(billed.body));
    const body = alipayNotification({
      notify_time: '2026-03-10 10:00:05',
      notify_type: 'trade_status_sync',
      notify_id: 'ac05099524730693a8b330c5ecf72da9786',
      app_id: APP_ID,
      trade_no: '2026031022001488',
      out_trade_no: 'unit_0301_20260301_31520',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '315.20',
      gmt_payment: '2026-03-10 10:00:00',
    });
    const form = { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await postRaw(`${s.url}/notify/alipay`, body, form)).text);
    assert.equal(answers, ['success', 'success', 'success']);
    const tampered = body.replace('total_amount=315.20', 'total_amount=31.52');
    assert.equal(await postRaw(`${s.url}/notify/alipay`, tampered, form), { status: 200, text: 'fail' });
    assert.equal(await facts(s), { paid: [31520], refused: 1 });
    // The endpoint answers POST only, and nothing else without signing in.
    assert.is((await fetch(`${s.url}/notify/alipay`)).status, 405);
  } finally {
    await s.stop();
  }
});

test('WeChat Pay: a signed, encrypted notification pays (204, once); a forged one is a 400 and kept as refused', async () => {
  const s = await start();
  try {
    await s.post('/api/commands', {
      ...bill('unit-0301/2026-03-01', 'unit-0301', 31520, '2026-03-15'),
      at: '2026-03-01T01:00:00Z',
      period: { start: '2026-03-01', end: '2026-04-01' },
    });
    const transaction = {
      mchid: '1900000109',
      out_trade_no: 'unit-0301_20260301_31520',
      transaction_id: '4200000001202603100000000001',
      trade_state: 'SUCCESS',
      success_time: '2026-03-10T10:00:00+08:00',
      amount: { total: 31520, currency: 'CNY' },
    };
    const nonce = 'fdasflkja484';
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce));
    cipher.setAAD(Buffer.from('transaction'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()]).toString('base64');
    const body = JSON.stringify({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce, original_type: 'transaction' },
    });
    // 02:00:30Z, the service's clock.
    const timestamp = '1773108030';
    const headers = (signer = platform.privateKey) => ({
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': 'n-1',
      'wechatpay-serial': SERIAL,
      'wechatpay-signature': createSign('RSA-SHA256').update(`${timestamp}\nn-1\n${body}\n`).sign(signer, 'base64'),
    });
    assert.is((await postRaw(`${s.url}/notify/wechat-pay`, body, headers())).status, 204);
    assert.is((await postRaw(`${s.url}/notify/wechat-pay`, body, headers())).status, 204);
    const forged = await postRaw(`${s.url}/notify/wechat-pay`, body, headers(alipayKey.privateKey));
    assert.is(forged.status, 400);
    assert.match(forged.text, 'bad-signature');
    assert.equal(await facts(s), { paid: [31520], refused: 1 });
  } finally {
    await s.stop();
  }
});

test.run();
