// `renewal refunds relay` through the built binary, against the local server playing Alipay's
// gateway (packages/channel-alipay/test/support): March's bill of unit-0301, 315.20, paid by
// Alipay (and April's paid in cash), a cashier's refund of 50.00 on each; the relay sends the
// Alipay one, once, and records Alipay's answer; the cash one is the office's to pay out.
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alipaySdk, precreate } from '@renewal-ledger/channel-alipay';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { startFakeAlipay, type FakeAlipay } from '../../channel-alipay/test/support/alipay-gateway.js';
import { BIN, ok, workspace, type Run } from './support/cli.js';
import { bill, pay } from './support/commands.js';

const test = suite('renewal refunds relay');
const MARCH = 'unit-0301/2026-03-01';
const APRIL = 'unit-0301/2026-04-01';
const OUT_TRADE_NO = 'unit_0301_20260301_31520';

/** The binary run without blocking this process: the fake Alipay answers from its event loop. */
const relay = (dir: string, fake: FakeAlipay, args: readonly string[] = []): Promise<Run> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      RENEWAL_NOW: '2026-03-12T02:00:05Z',
      ALIPAY_APP_ID: fake.appId,
      ALIPAY_PRIVATE_KEY: fake.app.privatePem,
      ALIPAY_PUBLIC_KEY: fake.alipay.publicPem,
      ALIPAY_GATEWAY: fake.gateway,
    };
    delete env.RENEWAL_STORE;
    delete env.RENEWAL_VIEWS;
    const child = spawn(process.execPath, [BIN, 'refunds', 'relay', '--format', 'json', ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) }));
  });

test('a refund of an Alipay payment reaches Alipay once and its answer is recorded; a second run sends nothing; a cash refund is not sent', async () => {
  const fake = await startFakeAlipay();
  const w = workspace();
  try {
    const sdk = alipaySdk({
      appId: fake.appId,
      privateKey: fake.app.privatePem,
      alipayPublicKey: fake.alipay.publicPem,
      gateway: fake.gateway,
    });
    await precreate(sdk, { cycleId: MARCH, amountMinor: 31520, subject: 'Property service fee' });
    fake.pay(OUT_TRADE_NO, '2026-03-10 10:00:00');
    const tradeNo = fake.orders.get(OUT_TRADE_NO)!.tradeNo;
    const refund = (cycleId: string, refundId: string, paymentId: string) => ({
      type: 'Refund',
      commandId: refundId,
      cycleId,
      actor: 'cashier-chen',
      at: '2026-03-12T02:00:00Z',
      refundId,
      paymentId,
      amountMinor: 5000,
      reason: 'parking line billed twice',
    });
    w.writeLines('march.jsonl', [
      bill(MARCH, 'unit-0301', 31520, { start: '2026-03-01', end: '2026-04-01' }, '2026-03-15'),
      pay(MARCH, `alipay-${tradeNo}`, 31520, '2026-03-10T02:00:00Z', 'alipay', { reference: tradeNo }),
      refund(MARCH, 'refund-0301-03-1', `alipay-${tradeNo}`),
      bill(APRIL, 'unit-0301', 31520, { start: '2026-04-01', end: '2026-05-01' }, '2026-04-15'),
      pay(APRIL, 'cash-0301-04', 31520, '2026-03-11T02:00:00Z'),
      refund(APRIL, 'refund-0301-04-1', 'cash-0301-04'),
    ]);
    ok(w.renewal(['apply', 'march.jsonl']));

    const first = await relay(w.dir, fake);
    ok(first);
    assert.equal(first.json().refunds, [
      { refundId: 'refund-0301-03-1', provider: 'alipay', outcome: 'sent', status: 'succeeded' },
      { refundId: 'refund-0301-04-1', outcome: 'not-relayed', why: { reason: 'not-a-provider-payment', channel: 'cash' } },
    ]);
    assert.is(fake.orders.get(OUT_TRADE_NO)!.refunded, 5000);

    const second = await relay(w.dir, fake);
    ok(second);
    assert.equal(second.json().refunds[0], {
      refundId: 'refund-0301-03-1',
      provider: 'alipay',
      outcome: 'already-answered',
      status: 'succeeded',
    });
    // One call to alipay.trade.refund over both runs, one refund at Alipay.
    assert.is(fake.calls.filter((c) => c.method === 'alipay.trade.refund').length, 1);
    assert.equal([...fake.refunds.keys()], ['refund-0301-03-1']);

    // The answer is in the ledger, on the refund's channel stream, stamped with the run's clock.
    const store = getSQLiteEventStore({ path: w.path('renewal.db') });
    try {
      const answers = [];
      for await (const e of store.readAll())
        if (e.streamName.startsWith('channel-'))
          answers.push([e.streamName, e.type, (e.data as { status: string; at: string }).status, (e.data as { at: string }).at]);
      assert.equal(answers, [['channel-alipay-refund-refund-0301-03-1', 'ProviderRefundAnswered', 'succeeded', '2026-03-12T02:00:05Z']]);
    } finally {
      await store.close();
    }
  } finally {
    w.cleanup();
    await fake.close();
  }
});

test('without any provider configured the Alipay refund is left open and listed, and the table says so', async () => {
  const w = workspace();
  try {
    w.writeLines('m.jsonl', [
      bill(MARCH, 'unit-0301', 31520, { start: '2026-03-01', end: '2026-04-01' }, '2026-03-15'),
      pay(MARCH, 'alipay-2026031022001', 31520, '2026-03-10T02:00:00Z', 'alipay', { reference: '2026031022001' }),
    ]);
    ok(w.renewal(['apply', 'm.jsonl']));
    w.writeLines('r.jsonl', [
      {
        type: 'Refund',
        commandId: 'r-1',
        cycleId: MARCH,
        actor: 'cashier-chen',
        at: '2026-03-12T02:00:00Z',
        refundId: 'r-1',
        paymentId: 'alipay-2026031022001',
        amountMinor: 5000,
        reason: 'x',
      },
    ]);
    ok(w.renewal(['apply', 'r.jsonl']));
    const out = ok(w.renewal(['refunds', 'relay']));
    assert.match(out, /r-1\s+alipay\s+no-sender\s+alipay is not configured/);
    assert.match(out, /1 refunds read, 0 sent, 0 failed/);
  } finally {
    w.cleanup();
  }
});

test.run();
