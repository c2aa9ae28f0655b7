// WeChat Pay's trade bill (交易账单, bill type ALL, API v3 /v3/bill/tradebill): a header, one row
// per payment (交易状态 SUCCESS) or refund (REFUND), every field prefixed with a backtick, then a
// totals header (总交易单数...) and a totals line. Amounts in yuan, fees padded to five decimals,
// times China time. Columns as documented at pay.weixin.qq.com (format-trade), found by name.
import { amountIn, headedRowBatches, timeIn, type StatementEncoding } from './rows.js';
import type { StatementLine } from './statement-line.js';

export const WECHAT_PAY_ZONE = 'Asia/Shanghai';

const COLUMNS = {
  at: ['交易时间'],
  providerRef: ['微信订单号'],
  merchantRef: ['商户订单号'],
  status: ['交易状态'],
  currency: ['货币种类', ''],
  // The current format has 订单金额; bills of the early format only 总金额.
  orderAmount: ['订单金额', '总金额'],
  refundRef: ['商户退款单号', ''],
  refundAmount: ['申请退款金额', '退款金额', ''],
  fee: ['手续费', ''],
} as const;

export interface WeChatPayStatementOptions {
  readonly encoding?: StatementEncoding;
}

export async function* readWeChatPayStatement(
  input: AsyncIterable<Buffer | string>,
  options: WeChatPayStatementOptions = {},
): AsyncGenerator<StatementLine[]> {
  let totals = false;
  for await (const batch of headedRowBatches('wechat-pay', input, COLUMNS, options.encoding, 'a WeChat Pay trade bill')) {
    const lines: StatementLine[] = [];
    for (const row of batch) {
      if (totals || row.cell('at') === '总交易单数') {
        totals = true;
        continue;
      }
      const status = row.cell('status');
      if (status !== 'SUCCESS' && status !== 'REFUND' && status !== 'REVOKED')
        throw row.bad(`交易状态 ${JSON.stringify(status)}: expected SUCCESS, REFUND or REVOKED`);
      const refund = status !== 'SUCCESS';
      const amount =
        refund && row.cell('refundAmount') !== ''
          ? amountIn(row, 'refundAmount', '退款金额', { nonZero: true })
          : amountIn(row, 'orderAmount', '订单金额', { nonZero: true });
      lines.push({
        line: row.line,
        direction: refund ? 'refund' : 'payment',
        providerRef: row.cell('providerRef') || null,
        merchantRef: row.cell('merchantRef') || null,
        refundRef: refund ? row.cell('refundRef') || null : null,
        at: timeIn(row, 'at', '交易时间', WECHAT_PAY_ZONE),
        amountMinor: Math.abs(amount),
        feeMinor: amountIn(row, 'fee', '手续费', { optional: true }),
        currency: row.cell('currency') || 'CNY',
      });
    }
    yield lines;
  }
}
