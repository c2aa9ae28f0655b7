// The service runs the refund relay after each refund it records: a cashier's refund of an Alipay
// payment reaches the local server playing Alipay's gateway (packages/channel-alipay/test/support)
// once, and Alipay's answer is recorded. March's bill of unit-0301 is 315.20 (31520 fen), paid by
// Alipay through the service's notification endpoint; refunds of 50.00 and then 10.00.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { alipaySdk, precreate } from '@renewal-ledger/channel-alipay';
import { startFakeAlipay } from '../../../packages/channel-alipay/test/support/alipay-gateway.js';
import { bill, startOnSQLite } from './support.js';

const test = suite('refund relay in the service');
const CYCLE = 'unit-0301/2026-03-01';
const OUT_TRADE_NO = 'unit_0301_20260301_31520';

test("each refund recorded is sent to Alipay once, under its refund id, and Alipay's answer is recorded", async () => {
  const fake = await startFakeAlipay();
  const config = { appId: fake.appId, privateKey: fake.app.privatePem, alipayPublicKey: fake.alipay.publicPem, gateway: fake.gateway };
  const s = await startOnSQLite({ clock: () => '2026-03-12T02:00:05Z' as Instant, channels: { alipay: config } });
  try {
    const billed = await s.post('/api/commands', {
      ...bill(CYCLE, 'unit-0301', 31520, '2026-03-15'),
      at: '2026-03-01T01:00:00Z',
      period: { start: '2026-03-01', end: '2026-04-01' },
    });
    assert.is(billed.status, 201, JSON.stringify(billed.body));
    await precreate(alipaySdk(config), { cycleId: CYCLE, amountMinor: 31520, subject: 'Property service fee' });
    const notified = await fetch(`${s.url}/notify/alipay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00'),
    });
    assert.is(await notified.text(), 'success');
    const paymentId = `alipay-${fake.orders.get(OUT_TRADE_NO)!.tradeNo}`;

    await s.addUser('li', 'cashier');
    const cashier = await s.as('li');
    const refund = (refundId: string, amountMinor: number) =>
      cashier.post('/api/commands', {
        type: 'Refund',
        commandId: refundId,
        cycleId: CYCLE,
        at: '2026-03-12T02:00:00Z',
        refundId,
        paymentId,
        amountMinor,
        reason: 'parking line billed twice',
      });
    const answered = async (n: number) => {
      // Polled until the answers are in; a minute is a guard against a hang on a loaded machine
      // (it was five seconds), not a speed check.
      for (let i = 0; i < 2400; i++) {
        const out: [string, number, string][] = [];
        for await (const e of s.service.store.readAll())
          if (e.type === 'ProviderRefundAnswered') {
            const d = e.data as { refundId: string; amountMinor: number; status: string };
            out.push([d.refundId, d.amountMinor, d.status]);
          }
        if (out.length >= n) return out;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`fewer than ${n} answers recorded after a minute`);
    };

    assert.is((await refund('refund-0301-03-1', 5000)).status, 201);
    assert.equal(await answered(1), [['refund-0301-03-1', 5000, 'succeeded']]);
    assert.is((await refund('refund-0301-03-2', 1000)).status, 201);
    assert.equal(await answered(2), [
      ['refund-0301-03-1', 5000, 'succeeded'],
      ['refund-0301-03-2', 1000, 'succeeded'],
    ]);
    // Two refunds, two calls: the first was not sent again when the second was recorded.
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 2);
    assert.equal([...fake.refunds.keys()], ['refund-0301-03-1', 'refund-0301-03-2']);
    // 50.00 + 10.00 = 60.00 given back at Alipay.
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 6000);
  } finally {
    await s.stop();
    await fake.close();
  }
});

test("a refund over the cashier's limit reaches Alipay only once the manager approves it", async () => {
  const fake = await startFakeAlipay();
  const config = { appId: fake.appId, privateKey: fake.app.privatePem, alipayPublicKey: fake.alipay.publicPem, gateway: fake.gateway };
  const s = await startOnSQLite({ clock: () => '2026-03-12T02:00:05Z' as Instant, channels: { alipay: config } });
  // 1,000.00 billed and paid by Alipay; 600.00 back is over the cashier's 500.00 (the default policy).
  const outTradeNo = 'unit_0301_20260301_100000';
  try {
    const billed = await s.post('/api/commands', {
      ...bill(CYCLE, 'unit-0301', 100000, '2026-03-15'),
      at: '2026-03-01T01:00:00Z',
      period: { start: '2026-03-01', end: '2026-04-01' },
    });
    assert.is(billed.status, 201, JSON.stringify(billed.body));
    await precreate(alipaySdk(config), { cycleId: CYCLE, amountMinor: 100000, subject: 'Property service fee' });
    const notified = await fetch(`${s.url}/notify/alipay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fake.pay(outTradeNo, '2026-03-10 10:00:00'),
    });
    assert.is(await notified.text(), 'success');
    await s.addUser('li', 'cashier');
    await s.addUser('zhao', 'manager');
    const asked = await (await s.as('li')).post('/api/commands', {
      type: 'Refund',
      commandId: 'refund-0301-03-1',
      cycleId: CYCLE,
      at: '2026-03-12T02:00:00Z',
      refundId: 'refund-0301-03-1',
      paymentId: `alipay-${fake.orders.get(outTradeNo)!.tradeNo}`,
      amountMinor: 60000,
      reason: 'paid twice',
    });
    assert.is(asked.status, 202);
    await new Promise((r) => setTimeout(r, 200));
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 0, 'nothing sent while the request waits');
    const approved = await (await s.as('zhao')).post('/api/commands', {
      type: 'ApproveRequest',
      commandId: 'approve-refund-0301-03-1',
      cycleId: CYCLE,
      at: '2026-03-12T02:00:01Z',
      requestId: 'refund-0301-03-1',
    });
    assert.is(approved.status, 201, JSON.stringify(approved.body));
    // Polled until the refund arrives (a minute: a guard against a hang, not a speed check).
    for (let i = 0; i < 2400 && fake.refunds.size === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal([...fake.refunds.keys()], ['refund-0301-03-1']);
    // Sent once, after the approval: none went while the request waited, however slow the relay.
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 1);
    assert.is(fake.orders.get(outTradeNo)!.refunded, 60000);
  } finally {
    await s.stop();
    await fake.close();
  }
});

test.run();
