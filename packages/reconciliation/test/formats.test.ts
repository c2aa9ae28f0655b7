// Reading the statement formats line by line: WeChat Pay's trade bill as documented (backtick
// before every field, fees padded to five decimals, a totals header and line at the end), amounts
// exactly, China time to instants.
import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decimalToMinor,
  instantOfLocal,
  oneByOne,
  readWeChatPayStatement,
  StatementFormatError,
  type StatementLine,
} from '../src/index.js';

const test = suite('statement formats');
const all = async (batches: AsyncGenerator<StatementLine[]>) => {
  const out: StatementLine[] = [];
  for await (const l of oneByOne(batches)) out.push(l);
  return out;
};

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const row = (cells: string[]) => cells.map((c) => `\`${c}`).join(',');
const WECHAT = [
  HEADER,
  // A Native payment of 315.20 with a 1.89 fee (0.60%, rounded to the fen, padded to five decimals).
  row([
    '2026-03-10 00:15:02',
    'wx2421b1c4370ec43b',
    '1900000109',
    '0',
    '',
    '4200001234202603100000000001',
    'unit-0301-2026-03',
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
  ]),
  // Its partial refund of 15.20, the fee returned in part.
  row([
    '2026-03-10 11:00:00',
    'wx2421b1c4370ec43b',
    '1900000109',
    '0',
    '',
    '4200001234202603100000000001',
    'unit-0301-2026-03',
    'oUpF8uMuAJO',
    'NATIVE',
    'REFUND',
    'OTHERS',
    'CNY',
    '315.20',
    '0.00',
    '50000000000001',
    'refund-7',
    '15.20',
    '0.00',
    'ORIGINAL',
    'SUCCESS',
    '物业服务费',
    '',
    '-0.09000',
    '0.60%',
    '315.20',
    '15.20',
    '',
  ]),
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  row(['2', '315.20', '15.20', '0.00', '1.80000', '315.20', '15.20']),
].join('\r\n');

test('WeChat Pay: a payment and a refund, China time, the totals skipped', async () => {
  const lines = await all(readWeChatPayStatement(Readable.from([Buffer.from(WECHAT)])));
  assert.equal(lines, [
    {
      line: 2,
      direction: 'payment',
      providerRef: '4200001234202603100000000001',
      merchantRef: 'unit-0301-2026-03',
      refundRef: null,
      // 00:15 in Shanghai is 16:15 UTC the day before.
      at: '2026-03-09T16:15:02Z',
      amountMinor: 31520,
      feeMinor: 189,
      currency: 'CNY',
    },
    {
      line: 3,
      direction: 'refund',
      providerRef: '4200001234202603100000000001',
      merchantRef: 'unit-0301-2026-03',
      refundRef: 'refund-7',
      at: '2026-03-10T03:00:00Z',
      amountMinor: 1520,
      feeMinor: -9,
      currency: 'CNY',
    },
  ]);
});

test('WeChat Pay: an unknown status or a fee finer than the fen is refused with its line', async () => {
  const bad = WECHAT.replace('`SUCCESS', '`CLOSED');
  const err = await all(readWeChatPayStatement(Readable.from([Buffer.from(bad)]))).catch((e: unknown) => e);
  assert.ok(err instanceof StatementFormatError);
  assert.is((err as StatementFormatError).line, 2);
  const fine = WECHAT.replace('`1.89000', '`1.89100');
  assert.match(
    String(await all(readWeChatPayStatement(Readable.from([Buffer.from(fine)]))).catch((e: unknown) => e)),
    '手续费 "1.89100" is not an amount of fen',
  );
});

test('amounts exactly, times in a zone', () => {
  assert.equal(
    ['315.20', '315.2', '-12.50', '0.06000', '1,234.56', '1.005', 'abc', '12.'].map((t) => decimalToMinor(t, 2)),
    [31520, 31520, -1250, 6, 123456, null, null, null],
  );
  assert.is(instantOfLocal('2026-03-10', 'Asia/Shanghai'), '2026-03-09T16:00:00Z');
  assert.is(instantOfLocal('2026-02-30 10:00', 'Asia/Shanghai'), null);
});

test.run();
