// An Alipay trade that succeeded, as the cycle's payment: the same command whether it came by
// notification or by a query, because the ids derive from Alipay's trade_no. So a notification
// that arrives after the query found the trade (or five times) is a duplicate, never a second payment.
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, type Instant, type OutTradeNoCodec, type RecordPayment } from '@renewal-ledger/core';
import { fenOf } from './amount.js';
import { amountOfOutTradeNo } from './out-trade-no.js';

/** The fields of a trade used here, as Alipay names them in notifications and query answers. */
export interface AlipayTrade {
  readonly trade_no: string;
  readonly out_trade_no: string;
  readonly trade_status: string;
  readonly total_amount: string;
  /** When it was paid, Beijing time: `2026-03-10 10:00:00` (gmt_payment, or send_pay_date in a query). */
  readonly paid_at: string;
}

export type TradeRefusal = { readonly reason: 'not-a-payment' | 'amount-mismatch'; readonly detail: string };

/** Alipay's times are Beijing time (UTC+8) without a zone: `2026-03-10 10:00:00` -> 2026-03-10T02:00:00Z. */
export const instantOfBeijingTime = (text: string): Instant | null => {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return null;
  const at = new Date(`${text.replace(' ', 'T')}+08:00`);
  return Number.isNaN(at.getTime()) ? null : (at.toISOString().replace('.000Z', 'Z') as Instant);
};

/** The ids a trade's payment is recorded under. */
export const alipayPaymentId = (tradeNo: string): string => `alipay-${tradeNo}`;

export const paymentOfTrade = (trade: AlipayTrade, outTradeNo: OutTradeNoCodec, actor: string): E.Either<TradeRefusal, RecordPayment> => {
  if (trade.trade_status !== 'TRADE_SUCCESS' && trade.trade_status !== 'TRADE_FINISHED')
    return E.left({ reason: 'not-a-payment', detail: `trade_status ${trade.trade_status}: not a payment` });
  const cycleId = outTradeNo.cycleOf(trade.out_trade_no);
  if (!cycleId) return E.left({ reason: 'not-a-payment', detail: `out_trade_no ${trade.out_trade_no} names no cycle of the ledger` });
  const paid = fenOf(trade.total_amount);
  const asked = amountOfOutTradeNo(trade.out_trade_no);
  // Alipay's advice: check the amount against the order. Signed or not, a trade for another
  // amount than its out_trade_no asked is not this order's payment.
  if (paid === null || paid !== asked)
    return E.left({
      reason: 'amount-mismatch',
      detail: `total_amount ${trade.total_amount} is not the ${asked} fen out_trade_no ${trade.out_trade_no} asked`,
    });
  const at = instantOfBeijingTime(trade.paid_at);
  if (!at) return E.left({ reason: 'not-a-payment', detail: `payment time ${JSON.stringify(trade.paid_at)} is not yyyy-MM-dd HH:mm:ss` });
  const command = decodeCommand({
    type: 'RecordPayment',
    commandId: `alipay:${trade.trade_no}`,
    cycleId,
    actor,
    at,
    paymentId: alipayPaymentId(trade.trade_no),
    amountMinor: paid,
    channel: 'alipay',
    reference: trade.trade_no,
    currency: 'CNY',
  });
  return E.isLeft(command) ? E.left({ reason: 'not-a-payment', detail: command.left.message }) : E.right(command.right as RecordPayment);
};
