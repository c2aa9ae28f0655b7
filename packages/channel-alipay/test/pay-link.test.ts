// A payment notice carrying Alipay's QR code for its bill: the dispatcher asks `alipayPayLink`
// (a precreate on the local server playing Alipay's gateway, test/support) and the e-mail that
// reaches a real SMTP server carries the code made for the cycle. January's bill of unit-0301 is
// 98.50 m2 x 3.20 = 315.20, so the order is unit_0301_20260101_31520 for 315.20 yuan.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { dispatchOutbox, getSmtpChannel } from '@renewal-ledger/delivery';
import { billedFlats } from '@renewal-ledger/testing/delivery';
import { openEnvironment } from '@renewal-ledger/testing/environments';
import { startSmtp } from '@renewal-ledger/testing/smtp';
import { alipayPayLink, alipaySdk } from '../src/index.js';
import { startFakeAlipay } from './support/alipay-gateway.js';

const test = suite('pay link');
const FROM = 'Property office <office@estate.example>';

const deliverNotices = async (payLink: boolean) => {
  const fake = await startFakeAlipay();
  const env = await openEnvironment('sqlite');
  const smtp = await startSmtp();
  const email = getSmtpChannel({ host: '127.0.0.1', port: smtp.port, from: FROM });
  try {
    await billedFlats(env.store, [{ contractId: 'unit-0301', contact: { email: 'wang.fang@example.com' } }]);
    const sdk = alipaySdk({
      appId: fake.appId,
      privateKey: fake.app.privatePem,
      alipayPublicKey: fake.alipay.publicPem,
      gateway: fake.gateway,
    });
    const report = await dispatchOutbox({
      store: env.store,
      database: env.views,
      adapters: { email },
      locale: 'en',
      templates: { sender: 'Property office' },
      kinds: ['notice'],
      clock: () => '2026-01-01T02:00:00Z' as Instant,
      ...(payLink ? { payLink: alipayPayLink(sdk) } : {}),
    });
    return { report, mails: smtp.received.map((m) => m.text ?? ''), orders: new Map(fake.orders) };
  } finally {
    email.close();
    await smtp.close();
    await env.close();
    await fake.close();
  }
};

test('a Billed notice carries the QR code precreated for its cycle and amount', async () => {
  const { report, mails, orders } = await deliverNotices(true);
  assert.equal(report.outcomes.sent, 1);
  assert.equal([...orders.keys()], ['unit_0301_20260101_31520']);
  assert.equal(orders.get('unit_0301_20260101_31520')!.totalAmount, '315.20');
  // The fake's code: https://qr.alipay.com/bax0 and the first 20 hex digits of the out_trade_no.
  const qr = `https://qr.alipay.com/bax0${Buffer.from('unit_0301_20260101_31520').toString('hex').slice(0, 20)}`;
  assert.equal(mails.length, 1);
  assert.ok(mails[0]!.includes(`Pay by scanning the QR code or opening ${qr} (reference unit-0301/2026-01-01).`), mails[0]);
});

test('without a pay link the notice keeps the default way to pay, and no order is made', async () => {
  const { mails, orders } = await deliverNotices(false);
  assert.equal(orders.size, 0);
  assert.ok(
    mails[0]!.includes('Pay by Alipay, WeChat Pay, bank transfer or at the service office, quoting unit-0301/2026-01-01.'),
    mails[0],
  );
});

test.run();
