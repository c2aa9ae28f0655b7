// The demo's closing of the last days: for each of them, the Alipay bill and the WeChat Pay trade
// bill the providers would send, simulated from what the ledger recorded through each channel,
// with a few planted differences (one payment the provider never settled, one payment nobody
// recorded, one amount off by 1.00), and each reconciled by `reconcileStatement` as an
// accountant would with `renewal reconcile`. The files are derived from the ledger and the seed,
// so running the demo again finds each reconciled already and records nothing twice.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDaysTo, businessHourOf, reconciliationDecider, type BusinessDate, type StatementReconciledData } from '@renewal-ledger/core';
import { getCommandHandler, readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import {
  LOOKAROUND_DAYS,
  readLedgerEntries,
  reconcileStatement,
  type LedgerEntry,
  type ReconciliationReport,
} from '@renewal-ledger/reconciliation';
import { amount, table } from './output.js';

export interface DemoReconciliation {
  readonly day: BusinessDate;
  readonly channel: 'alipay' | 'wechat-pay';
  readonly status: ReconciliationReport['status'];
  readonly reconciliation: StatementReconciledData;
}

const yuan = (minor: number) =>
  `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;
/** 0.6%, rounded to the fen: what both providers charge a property manager here. */
const feeOf = (minor: number) => Math.round((minor * 6) / 1000);

interface Line {
  readonly refund?: string;
  readonly ref: string;
  readonly outTradeNo: string;
  readonly time: string;
  readonly amountMinor: number;
}

/** The day's lines as the provider would send them, with the planted differences. */
const linesOf = (entries: readonly LedgerEntry[], day: BusinessDate, channel: string): Line[] => {
  const paid = entries.filter((e) => e.direction === 'payment' && e.day === day).sort((a, b) => (a.key < b.key ? -1 : 1));
  const lines = paid.map((e, i) => ({
    ref: e.reference ?? `${channel === 'alipay' ? '2026' : '4200'}${day.replace(/-/g, '')}${String(i).padStart(10, '0')}`,
    outTradeNo: e.id,
    time: `${day} 12:00:00`,
    amountMinor: e.amountMinor,
  }));
  // Planted: the first payment never settled by the provider (missing in the statement), the
  // second 1.00 more in the statement than in the ledger, and one payment nobody recorded.
  const planted: Line[] = lines.slice(1).map((l, i) => (i === 0 ? { ...l, amountMinor: l.amountMinor + 100 } : l));
  planted.push({ ref: `UNRECORDED-${channel}-${day}`, outTradeNo: `walk-in-${day}`, time: `${day} 18:30:00`, amountMinor: 31520 });
  // The day's refunds, as the provider shows them: under the refund's own number.
  for (const e of entries)
    if (e.direction === 'refund' && e.day === day)
      planted.push({ refund: e.id, ref: `RF-${e.id}`, outTradeNo: e.key, time: `${day} 15:00:00`, amountMinor: e.amountMinor });
  return planted;
};

const ALIPAY_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

const alipayRow = (l: Line): string => {
  // A refund is written negative, its fee given back positive: as Alipay's bill shows them.
  const amount = yuan(l.refund ? -l.amountMinor : l.amountMinor);
  const fee = yuan(l.refund ? feeOf(l.amountMinor) : -feeOf(l.amountMinor));
  const kind = l.refund ? '退款' : '交易';
  const cells = [l.ref, l.outTradeNo, kind, '物业服务费', l.time, l.time, '', '', '', '', 'demo***@example.com', amount, amount];
  return [...cells, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', l.refund ?? '', fee, '0.00', ''].join(',');
};

const alipayBill = (day: BusinessDate, lines: readonly Line[]): string =>
  ['#支付宝业务明细查询', `#起始日期：[${day} 00:00:00]`, ALIPAY_HEADER, ...lines.map(alipayRow), '#业务明细列表结束', ''].join('\n');

const wechatRow = (l: Line): string => {
  const amount = yuan(l.amountMinor);
  const fee = `${yuan(l.refund ? -feeOf(l.amountMinor) : feeOf(l.amountMinor))}000`;
  const order = [
    l.time,
    'wxdemo00000000000',
    '1900000109',
    '0',
    '',
    l.ref,
    l.outTradeNo,
    'odemo',
    'NATIVE',
    l.refund ? 'REFUND' : 'SUCCESS',
    'OTHERS',
    'CNY',
    amount,
    '0.00',
  ];
  const refund = l.refund ? [`50000${l.ref}`, l.refund, amount, '0.00', 'ORIGINAL', 'SUCCESS'] : ['0', '0', '0.00', '0.00', '', ''];
  return [...order, ...refund, '物业服务费', '', fee, '0.60%', amount, l.refund ? amount : '0.00', ''].map((c) => `\`${c}`).join(',');
};

const wechatBill = (lines: readonly Line[]): string =>
  [
    WECHAT_HEADER,
    ...lines.map(wechatRow),
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    '',
  ].join('\r\n');

/** Simulates and reconciles the statements of the `days` days ending `asOf`, in `dir`. */
export const reconcileDemoDays = async (
  store: EventStore,
  asOf: BusinessDate,
  days: number,
  dir: string,
  actor: string,
): Promise<DemoReconciliation[]> => {
  mkdirSync(dir, { recursive: true });
  const zones = await readLedgerZones(store);
  const first = addDaysTo(-(days - 1))(asOf);
  const out: DemoReconciliation[] = [];
  for (const channel of ['alipay', 'wechat-pay'] as const) {
    // The channel's payments around the days, read once for all its statements.
    const entries = await readLedgerEntries(store, zones, { channel, from: first, to: asOf, lookaroundDays: LOOKAROUND_DAYS });
    for (let d = first; d <= asOf; d = addDaysTo(1)(d)) {
      const lines = linesOf(entries, d, channel);
      const file = join(dir, `${channel}-${d}.csv`);
      writeFileSync(file, channel === 'alipay' ? alipayBill(d, lines) : wechatBill(lines));
      // Closed the next morning at 09:00 in the ledger's zone.
      const at = businessHourOf(zones, addDaysTo(1)(d), 9);
      const r = await reconcileStatement({
        store,
        handler: getCommandHandler(reconciliationDecider, { store, clock: () => at }),
        file,
        source: channel,
        from: d,
        actor,
        at,
        entries,
      });
      out.push({ day: d, channel, status: r.status, reconciliation: r.reconciliation });
    }
  }
  return out;
};

export const renderDemoReconciliations = (rs: readonly DemoReconciliation[]): string =>
  `Reconciliation of the providers' statements (planted: one unsettled, one unrecorded, one amount off by 1.00 a day)\n${table(
    ['day', 'channel', 'lines', 'matched', 'not in ledger', 'not in statement', 'amount diff', 'fees', 'open'],
    rs.map(({ day, channel, reconciliation: r }) => [
      day,
      channel,
      r.counts.lines,
      r.counts.matched,
      r.counts.missingInLedger,
      r.counts.missingInStatement,
      amount(r.figures.amountDifferenceMinor, r.currency),
      amount(r.figures.feesMinor, r.currency),
      r.counts.missingInLedger + r.counts.missingInStatement + r.counts.amountDifferences + r.counts.dateDifferences,
    ]),
  )}`;
