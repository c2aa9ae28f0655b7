// WeChat Pay API v3 notifications, with keys generated here and the body built as documented
// (event TRANSACTION.SUCCESS, resource AEAD_AES_256_GCM with associated data "transaction"),
// signed over `timestamp\nnonce\nbody\n`; the payment recorded on a real SQLite file. March's bill
// of unit-0301 is 315.20; the notification pays it under transaction 4200000001202603100000000001.
import { createCipheriv, createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { cycleFigures, decodeCommand, fold, renewalCycle, type RenewalEvent } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { cycleOutTradeNo, decryptResource, readNotification, receiveNotification } from '../src/index.js';

const test = suite('WeChat Pay notifications');
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const API_V3_KEY = 'a'.repeat(16) + 'B'.repeat(16);
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const keys = { platformKeys: new Map([[SERIAL, platform.publicKey]]), apiV3Key: API_V3_KEY };
const NOW = 1773108000; // 2026-03-10T02:00:00Z
const CYCLE = 'unit-0301/2026-03-01';

const transaction = {
  mchid: '1900000109',
  appid: 'wxd678efh567hg6787',
  out_trade_no: cycleOutTradeNo.encode(CYCLE, 31520),
  transaction_id: '4200000001202603100000000001',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  success_time: '2026-03-10T10:00:00+08:00',
  amount: { total: 31520, payer_total: 31520, currency: 'CNY', payer_currency: 'CNY' },
};

const encrypt = (plain: string, key = API_V3_KEY) => {
  const nonce = 'fdasflkja484';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('transaction'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: 'transaction',
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ct.toString('base64'),
    associated_data: 'transaction',
    nonce,
  };
};

const notification = (o: { body?: string; signer?: typeof platform.privateKey; timestamp?: number; serial?: string } = {}) => {
  const body =
    o.body ??
    JSON.stringify({
      id: 'EV-2018022511223320873',
      create_time: '2026-03-10T10:00:05+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: encrypt(JSON.stringify(transaction)),
    });
  const timestamp = String(o.timestamp ?? NOW);
  const nonce = 'fdasfwiqoeruwoiqur';
  const signature = createSign('RSA-SHA256')
    .update(`${timestamp}\n${nonce}\n${body}\n`)
    .sign(o.signer ?? platform.privateKey, 'base64');
  return {
    headers: {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': o.serial ?? SERIAL,
    },
    body,
  };
};

const ledger = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-wechatpay-'));
  const store = getSQLiteEventStore({ path: join(dir, 'ledger.db') });
  const handler = getCommandHandler(renewalCycle, { store });
  const bill = decodeCommand({
    type: 'Bill',
    commandId: 'bill-0301-03',
    cycleId: CYCLE,
    actor: 'billing-run',
    at: '2026-03-01T01:00:00Z',
    contractId: 'unit-0301',
    period: { start: '2026-03-01', end: '2026-04-01' },
    dueDate: '2026-03-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
  });
  if (E.isLeft(bill)) throw new Error(bill.left.message);
  await handler.handle(bill.right);
  return { dir, store, handler };
};

test('the resource decrypts to the transaction; the payment is recorded once however often it arrives', async () => {
  const { dir, store, handler } = await ledger();
  try {
    const n = notification();
    const read = readNotification(n.headers, n.body, keys, NOW);
    assert.equal(read.ok && read.transaction, transaction);
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await receiveNotification({ ...n, keys, nowSeconds: NOW + i, handler, outTradeNo: cycleOutTradeNo })).status);
    assert.equal(outcomes, ['recorded', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const events: RenewalEvent[] = [];
    for await (const e of store.readStream(`renewal-cycle-${CYCLE}`)) events.push(e as unknown as RenewalEvent);
    const state = fold(renewalCycle)(events);
    assert.equal(
      state.payments.map((p) => [p.paymentId, p.amountMinor, p.channel, p.reference, p.at]),
      [['wechat-pay-4200000001202603100000000001', 31520, 'wechat-pay', '4200000001202603100000000001', '2026-03-10T02:00:00Z']],
    );
    assert.is(cycleFigures(state).outstandingMinor, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tampered body, a wrong signature, an unknown key, a replay and a wrong API v3 key are refused; nothing is recorded', async () => {
  const { dir, store, handler } = await ledger();
  try {
    const head = await store.headPosition();
    const good = notification();
    const cases = [
      { ...good, body: good.body.replace('支付成功', '支付失败') },
      notification({ signer: stranger.privateKey }),
      notification({ serial: 'UNKNOWN' }),
      notification({ timestamp: NOW - 301 }),
      notification({
        body: good.body.replace(
          /"ciphertext":"[^"]+"/,
          `"ciphertext":"${encrypt(JSON.stringify(transaction), 'z'.repeat(32)).ciphertext}"`,
        ),
      }),
    ];
    const problems = [];
    for (const c of cases) {
      const r = await receiveNotification({ ...c, keys, nowSeconds: NOW, handler, outTradeNo: cycleOutTradeNo });
      problems.push(r.status === 'refused' ? r.problem : r.status);
    }
    assert.equal(problems, ['bad-signature', 'bad-signature', 'unknown-serial', 'stale', 'undecryptable']);
    assert.is(await store.headPosition(), head);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('out-trade-no: the cycle and amount, within WeChat Pay’s 32 characters', () => {
  assert.is(cycleOutTradeNo.encode(CYCLE, 31520), 'unit-0301_20260301_31520');
  assert.is(cycleOutTradeNo.cycleOf('unit-0301_20260301_31520'), CYCLE);
  assert.is(cycleOutTradeNo.cycleOf('walk-in-1'), null);
  assert.throws(() => cycleOutTradeNo.encode('a-very-long-contract-identifier/2026-03-01', 31520), /longer than 32/);
  assert.throws(() => decryptResource(API_V3_KEY, 'AAAA', 'n', ''), /too short/);
});

test.run();
