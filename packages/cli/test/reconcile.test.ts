// Through the CLI: renewal reconcile on a WeChat Pay trade bill and renewal reconcile resolve,
// on a SQLite ledger in China time. Worked by hand: three March bills of 315.20; WeChat Pay
// payments p1 (unit-0301, 4200000001) and p2 (unit-0302, 4200000002) on 03-10. The bill shows
// 4200000001 (315.20, fee 1.89) and 4200000003 for unit-0303 (315.20, fee 1.89): one match, one
// payment nobody recorded, p2 not in the bill; fees 3.78.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';

const test = suite('renewal reconcile');
const march = { start: '2026-03-01', end: '2026-04-01' };
const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const row = (time: string, id: string, outTradeNo: string) =>
  [
    time,
    'wx2421b1c4370ec43b',
    '1900000109',
    '0',
    '',
    id,
    outTradeNo,
    'oUpF8uMuAJO',
    'NATIVE',
    'SUCCESS',
    'OTHERS',
    'CNY',
    '315.20',
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    '物业服务费',
    '',
    '1.89000',
    '0.60%',
    '315.20',
    '0.00',
    '',
  ]
    .map((c) => `\`${c}`)
    .join(',');
const BILL = `${[
  HEADER,
  row('2026-03-10 10:00:00', '4200000001', 'unit-0301-2026-03'),
  row('2026-03-10 11:00:00', '4200000003', 'unit-0303-2026-03'),
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  '`2,`630.40,`0.00,`0.00,`3.78000,`630.40,`0.00',
].join('\r\n')}\r\n`;

test('a WeChat Pay bill: the report, the record, the same file again, a resolution', async () => {
  const w = workspace();
  try {
    assert.is(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY']).status, 0);
    w.writeLines('march.jsonl', [
      ...['unit-0301', 'unit-0302', 'unit-0303'].map((u) => bill(`${u}/2026-03`, u, 31520, march, '2026-03-15')),
      pay('unit-0301/2026-03', 'p1', 31520, '2026-03-10T02:00:00Z', 'wechat-pay', { reference: '4200000001' }),
      pay('unit-0302/2026-03', 'p2', 31520, '2026-03-10T03:00:00Z', 'wechat-pay', { reference: '4200000002' }),
    ]);
    assert.is(w.renewal(['apply', 'march.jsonl']).status, 0);
    w.write('wechat-2026-03-10.csv', BILL);

    const args = ['reconcile', 'wechat-2026-03-10.csv', '--source', 'wechat-pay', '--date', '2026-03-10', '--actor', 'accountant-zhou'];
    const r = w.renewal([...args, '--differences', 'differences.jsonl']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /matched\s+1\s+315\.20/);
    assert.match(r.stdout, /in the statement, not in the ledger\s+1\s+315\.20/);
    assert.match(r.stdout, /in the ledger, not in the statement\s+1\s+315\.20/);
    assert.match(r.stdout, /provider fees\s+2\s+3\.78/);
    assert.match(r.stdout, /line-3\s+missing-in-ledger\s+unit-0303-2026-03/);
    assert.match(r.stdout, /payment:unit-0302\/2026-03\/p2\s+missing-in-statement/);
    const sha = /sha256 ([0-9a-f]{64})/.exec(r.stdout)![1]!;

    // Every difference, with the payment a clerk would record for the unrecorded one.
    const lines = readFileSync(w.path('differences.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(
      lines.map((l) => [l.difference.key, l.proposal?.amountMinor ?? null, l.proposal?.reference ?? null, l.proposal?.channel ?? null]),
      [
        ['line-3', 31520, '4200000003', 'wechat-pay'],
        ['payment:unit-0302/2026-03/p2', null, null, null],
      ],
    );

    const events = await w.eventCount();
    const again = w.renewal([...args, '--actor', 'someone-else', '--format', 'json']);
    assert.is(again.status, 0, again.stderr);
    assert.is(again.json().status, 'already-reconciled');
    assert.is(again.json().reconciliation.actor, 'accountant-zhou');
    assert.equal(again.json().reconciliation.counts, {
      lines: 2,
      matched: 1,
      missingInLedger: 1,
      missingInStatement: 1,
      amountDifferences: 0,
      dateDifferences: 0,
      linesWithFees: 2,
    });
    assert.is(await w.eventCount(), events);

    const resolve = w.renewal([
      'reconcile',
      'resolve',
      sha,
      'line-3',
      '--resolution',
      'recorded-in-ledger',
      '--note',
      'p3 recorded for unit-0303',
    ]);
    assert.is(resolve.status, 0, resolve.stderr);
    assert.match(resolve.stdout, 'Open differences: 1 of 2');
    const unknown = w.renewal(['reconcile', 'resolve', sha, 'line-9', '--resolution', 'timing', '--note', 'x']);
    assert.is(unknown.status, 1);
    assert.match(unknown.stderr, 'UNKNOWN_DIFFERENCE');

    const bad = w.renewal(['reconcile', 'wechat-2026-03-10.csv', '--source', 'paypal', '--date', '2026-03-10']);
    assert.is(bad.status, 2);
    assert.match(bad.stderr, '--source takes alipay, wechat-pay, bank');
  } finally {
    w.cleanup();
  }
});

test.run();
