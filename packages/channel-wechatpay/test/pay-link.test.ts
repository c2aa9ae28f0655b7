// A payment notice by SMS carrying WeChat Pay's Native code for its bill: the dispatcher asks
// `wechatPayLink` (a Native order on the local server playing WeChat Pay, test/support) and the
// SMS line written carries the code_url made for the cycle. January's bill of unit-0301 is
// 98.50 m2 x 3.20 = 315.20, so the order is unit-0301_20260101_31520 for 31520 fen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { dispatchOutbox, getFileChannel } from '@renewal-ledger/delivery';
import { billedFlats } from '@renewal-ledger/testing/delivery';
import { openEnvironment, tempDir } from '@renewal-ledger/testing/environments';
import { wechatPayLink, type WeChatPayMerchant } from '../src/index.js';
import { PLATFORM_SERIAL, startFakeWeChatPay } from './support/wechatpay-server.js';

const test = suite('WeChat Pay link');
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1767232800; // 2026-01-01T02:00:00Z

test('a notice by SMS carries the Native code_url ordered for its cycle and amount', async () => {
  const fake = await startFakeWeChatPay(platform.privateKey, NOW);
  const env = await openEnvironment('sqlite');
  const files = tempDir('wechat-pay-link');
  try {
    const merchant: WeChatPayMerchant = {
      mchid: '1900000109',
      appid: 'wxd678efh567hg6787',
      serialNo: '3775B6A45ACD588826D15E583A95F5DD',
      privateKey: fake.merchant.privateKey,
      keys: { platformKeys: new Map([[PLATFORM_SERIAL, platform.publicKey]]), apiV3Key: 'c'.repeat(16) + 'D'.repeat(16) },
      baseUrl: fake.baseUrl,
      nowSeconds: () => NOW,
    };
    await billedFlats(env.store, [{ contractId: 'unit-0301', contact: { phone: '+86 138 0000 0301' } }], 'zh-CN');
    const report = await dispatchOutbox({
      store: env.store,
      database: env.views,
      adapters: { sms: getFileChannel('sms', files.dir) },
      locale: 'zh-CN',
      templates: { sender: '物业服务中心' },
      kinds: ['notice'],
      clock: () => '2026-01-01T02:00:00Z' as Instant,
      payLink: wechatPayLink(merchant),
    });
    assert.equal(report.outcomes.sent, 1);
    assert.equal([...fake.orders.keys()], ['unit-0301_20260101_31520']);
    assert.equal(fake.orders.get('unit-0301_20260101_31520')!.body.amount, { total: 31520, currency: 'CNY' });
    // The fake's code_url: weixin://wxpay/bizpayurl?pr= and the first 12 hex digits of the out_trade_no.
    const code = `weixin://wxpay/bizpayurl?pr=${Buffer.from('unit-0301_20260101_31520').toString('hex').slice(0, 12)}`;
    const line = JSON.parse(readFileSync(join(files.dir, 'sms.jsonl'), 'utf8')) as { body: string };
    assert.ok(line.body.includes(`请扫码或打开以下链接缴纳：${code}（编号 unit-0301/2026-01-01）。`), line.body);
  } finally {
    await env.close();
    files.remove();
    await fake.close();
  }
});

test.run();
