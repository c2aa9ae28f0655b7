// Asking WeChat Pay: a Native order (a code_url the customer scans), the order's status for a
// notification that never came, and refunds. The out_trade_no carries the cycle and the amount,
// so a retried order is the same order (WeChat Pay answers the same code_url); a refund's
// out_refund_no is the ledger's refund id, so a retried refund is the same refund.
import * as E from 'fp-ts/lib/Either.js';
import {
  cycleOutTradeNo,
  decodeChannelCommand,
  type channelDecider,
  type Instant,
  type OutTradeNoCodec,
  type renewalCycle,
} from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import { callWeChatPay, WeChatPayRefusal, type WeChatPayMerchant } from './client.js';
import type { WeChatPayTransaction } from './notification.js';
import { paymentOf } from './receive.js';

export interface NativeOrder {
  readonly outTradeNo: string;
  /** The QR code's content (`weixin://wxpay/bizpayurl?pr=...`). */
  readonly codeUrl: string;
}

export const nativeOrder = async (
  m: WeChatPayMerchant,
  o: { readonly cycleId: string; readonly amountMinor: number; readonly description: string; readonly outTradeNo?: OutTradeNoCodec },
): Promise<NativeOrder> => {
  const outTradeNo = (o.outTradeNo ?? cycleOutTradeNo).encode(o.cycleId, o.amountMinor);
  const answer = await callWeChatPay(m, 'POST', '/v3/pay/transactions/native', {
    appid: m.appid,
    mchid: m.mchid,
    description: o.description,
    out_trade_no: outTradeNo,
    ...(m.notifyUrl ? { notify_url: m.notifyUrl } : {}),
    amount: { total: o.amountMinor, currency: 'CNY' },
  });
  return { outTradeNo, codeUrl: String(answer.code_url) };
};

export type WeChatQueryOutcome =
  | { readonly status: 'recorded' | 'duplicate'; readonly paymentId: string; readonly cycleId: string }
  | { readonly status: 'unpaid'; readonly tradeState: string }
  | { readonly status: 'refused'; readonly detail: string };

/** For a notification that never came: the order's state, and its payment recorded under the ids a notification would use. */
export const queryAndRecordWeChatPay = async (
  m: WeChatPayMerchant,
  o: { readonly outTradeNo: string; readonly handler: CommandHandler<typeof renewalCycle>; readonly codec?: OutTradeNoCodec },
): Promise<WeChatQueryOutcome> => {
  let t: WeChatPayTransaction;
  try {
    t = (await callWeChatPay(
      m,
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(o.outTradeNo)}?mchid=${m.mchid}`,
    )) as unknown as WeChatPayTransaction;
  } catch (e) {
    if (e instanceof WeChatPayRefusal && e.code === 'ORDER_NOT_EXIST') return { status: 'unpaid', tradeState: 'ORDER_NOT_EXIST' };
    throw e;
  }
  if (t.trade_state !== 'SUCCESS') return { status: 'unpaid', tradeState: t.trade_state };
  const payment = paymentOf(t, o.codec ?? cycleOutTradeNo);
  if (E.isLeft(payment)) return { status: 'refused', detail: payment.left };
  const r = await o.handler.handle(payment.right);
  if (r.status === 'rejected') return { status: 'refused', detail: `${r.error.code}: ${r.error.message}` };
  return { status: r.status === 'applied' ? 'recorded' : 'duplicate', paymentId: payment.right.paymentId, cycleId: payment.right.cycleId };
};

/** A refund the ledger recorded, to be sent to WeChat Pay. */
export interface WeChatLedgerRefund {
  readonly refundId: string;
  readonly cycleId: string;
  readonly paymentId: string;
  /** The payment's transaction_id (its reference in the ledger). */
  readonly transactionId: string;
  /** What the payment was: WeChat Pay asks for the order's total with every refund. */
  readonly paymentMinor: number;
  readonly amountMinor: number;
  readonly reason: string;
}

const STATUS: Record<string, 'succeeded' | 'processing' | 'refused'> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  ABNORMAL: 'refused',
  CLOSED: 'refused',
};

/**
 * Sends a ledger refund to WeChat Pay (/v3/refund/domestic/refunds) and records its answer as
 * `ProviderRefundAnswered` (PROCESSING now, SUCCESS when asked again later). No answer throws:
 * nothing is recorded, send it again (the same out_refund_no).
 */
export const refundThroughWeChatPay = async (
  m: WeChatPayMerchant,
  o: {
    readonly refund: WeChatLedgerRefund;
    readonly channelHandler: CommandHandler<typeof channelDecider>;
    readonly at: Instant;
    readonly actor?: string;
  },
): Promise<{
  readonly status: 'succeeded' | 'processing' | 'refused';
  readonly providerCode?: string;
  readonly recorded: 'applied' | 'duplicate';
}> => {
  const { refund } = o;
  let answer: { status: 'succeeded' | 'processing' | 'refused'; providerRefundId?: string; providerCode?: string; detail?: string };
  try {
    const a = await callWeChatPay(m, 'POST', '/v3/refund/domestic/refunds', {
      transaction_id: refund.transactionId,
      out_refund_no: refund.refundId,
      reason: refund.reason,
      amount: { refund: refund.amountMinor, total: refund.paymentMinor, currency: 'CNY' },
    });
    answer = { status: STATUS[String(a.status)] ?? 'processing', providerRefundId: String(a.refund_id) };
  } catch (e) {
    if (!(e instanceof WeChatPayRefusal) || e.httpStatus >= 500) throw e;
    answer = { status: 'refused', providerCode: e.code, detail: e.detail || e.message };
  }
  const command = decodeChannelCommand({
    type: 'RecordProviderRefund',
    commandId: `wechat-pay-refund:${refund.refundId}:${answer.status}`,
    actor: o.actor ?? 'wechat-pay-refund',
    at: o.at,
    provider: 'wechat-pay',
    refundId: refund.refundId,
    cycleId: refund.cycleId,
    paymentId: refund.paymentId,
    amountMinor: refund.amountMinor,
    currency: 'CNY',
    status: answer.status,
    ...(answer.providerRefundId ? { providerRefundId: answer.providerRefundId } : {}),
    ...(answer.providerCode ? { providerCode: answer.providerCode } : {}),
    ...(answer.detail ? { detail: answer.detail } : {}),
  });
  if (E.isLeft(command)) throw new Error(`WeChat Pay's answer to refund ${refund.refundId} cannot be recorded: ${command.left.message}`);
  const r = await o.channelHandler.handle(command.right);
  if (r.status === 'rejected') throw new Error(`WeChat Pay's answer to refund ${refund.refundId} was not recorded: ${r.error.message}`);
  return {
    status: answer.status,
    ...(answer.providerCode ? { providerCode: answer.providerCode } : {}),
    recorded: r.status === 'applied' ? 'applied' : 'duplicate',
  };
};
