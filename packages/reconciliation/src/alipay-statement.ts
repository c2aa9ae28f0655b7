// Alipay's downloadable merchant bill (业务明细, `bill_type=trade` of
// alipay.data.dataservice.bill.downloadurl.query): `#` title lines, a header, one row per trade or
// refund, `#` totals. Times are China time. Columns are found by name, so their order may change.
// Verified against secondary sources and Alipay's SDK docs only (docs/reconciliation.md).
import { amountIn, headedRowBatches, timeIn, type StatementEncoding } from './rows.js';
import type { StatementLine } from './statement-line.js';

export const ALIPAY_ZONE = 'Asia/Shanghai';

const COLUMNS = {
  providerRef: ['支付宝交易号'],
  merchantRef: ['商户订单号'],
  kind: ['业务类型'],
  finishedAt: ['完成时间'],
  amount: ['订单金额'],
  refundRef: ['退款批次号/请求号', ''],
  fee: ['服务费', ''],
} as const;

export interface AlipayStatementOptions {
  /** Alipay's own download is GB18030 (GBK); a file saved again as UTF-8 is `utf-8` (the default). */
  readonly encoding?: StatementEncoding;
}

export async function* readAlipayStatement(
  input: AsyncIterable<Buffer | string>,
  options: AlipayStatementOptions = {},
): AsyncGenerator<StatementLine[]> {
  for await (const batch of headedRowBatches('alipay', input, COLUMNS, options.encoding, 'an Alipay 业务明细 bill')) {
    const lines: StatementLine[] = [];
    for (const row of batch) {
      const kind = row.cell('kind');
      if (kind !== '交易' && kind !== '退款') throw row.bad(`业务类型 ${JSON.stringify(kind)}: expected 交易 or 退款`);
      const amount = amountIn(row, 'amount', '订单金额', { nonZero: true });
      const fee = amountIn(row, 'fee', '服务费', { optional: true });
      const refund = kind === '退款';
      lines.push({
        line: row.line,
        direction: refund ? 'refund' : 'payment',
        providerRef: row.cell('providerRef') || null,
        merchantRef: row.cell('merchantRef') || null,
        refundRef: refund ? row.cell('refundRef') || null : null,
        at: timeIn(row, 'finishedAt', '完成时间', ALIPAY_ZONE),
        amountMinor: Math.abs(amount),
        // A trade's fee is charged, a refund's is given back: whatever sign the file writes.
        feeMinor: refund ? -Math.abs(fee) : Math.abs(fee),
        currency: 'CNY',
      });
    }
    yield lines;
  }
}
