// A notification turned into the payment command, exactly once however often it arrives: the
// command and payment ids are derived from WeChat Pay's transaction id, so a repeat is the same
// fact (a duplicate) and never a second payment.
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, type Instant, type RecordPayment } from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import type { channelDecider, OutTradeNoCodec, RefusalReason, renewalCycle } from '@renewal-ledger/core';
import { recordRefusal } from './refusal.js';
import {
  readNotification,
  type NotificationCheck,
  type NotificationHeaders,
  type WeChatPayKeys,
  type WeChatPayTransaction,
} from './notification.js';

export type NotificationOutcome =
  | { readonly status: 'recorded' | 'duplicate'; readonly paymentId: string; readonly cycleId: string }
  | {
      readonly status: 'refused';
      /** The check that failed (`bad-signature`...), `not-a-payment`, or the cycle's rule code (`OVERPAYMENT`). */
      readonly problem: string;
      readonly detail: string;
      /** With a channelHandler: the NotificationRefused fact, written now or already there. */
      readonly refusal?: 'applied' | 'duplicate';
    };

/** The RecordPayment a successful transaction is, or why it is none. */
export const paymentOf = (t: WeChatPayTransaction, outTradeNo: OutTradeNoCodec): E.Either<string, RecordPayment> => {
  if (t.trade_state !== 'SUCCESS') return E.left(`trade_state ${t.trade_state}: not a payment`);
  const cycleId = outTradeNo.cycleOf(t.out_trade_no);
  if (!cycleId) return E.left(`out_trade_no ${t.out_trade_no} names no cycle of the ledger`);
  const at = new Date(t.success_time);
  if (Number.isNaN(at.getTime())) return E.left(`success_time ${t.success_time} is not a time`);
  const command = decodeCommand({
    type: 'RecordPayment',
    commandId: `wechat-pay:${t.transaction_id}`,
    cycleId,
    actor: 'wechat-pay-notify',
    at: at.toISOString().replace('.000Z', 'Z') as Instant,
    paymentId: `wechat-pay-${t.transaction_id}`,
    amountMinor: t.amount.total,
    channel: 'wechat-pay',
    reference: t.transaction_id,
    ...(t.amount.currency ? { currency: t.amount.currency } : {}),
  });
  return E.isLeft(command) ? E.left(command.left.message) : E.right(command.right as RecordPayment);
};

export const receiveNotification = async (o: {
  readonly headers: NotificationHeaders;
  readonly body: string;
  readonly keys: WeChatPayKeys;
  readonly nowSeconds: number;
  readonly handler: CommandHandler<typeof renewalCycle>;
  readonly outTradeNo: OutTradeNoCodec;
  /** Keeps every refusal as a fact (NotificationRefused, once per signed message and reason). */
  readonly channelHandler?: CommandHandler<typeof channelDecider>;
}): Promise<NotificationOutcome> => {
  const refuse = async (reason: RefusalReason, problem: string, detail: string): Promise<NotificationOutcome> => {
    if (!o.channelHandler) return { status: 'refused', problem, detail };
    // The payload is the signed message: a replay of it is the same payload, however often.
    const payload = `${o.headers['wechatpay-timestamp'] ?? ''}\n${o.headers['wechatpay-nonce'] ?? ''}\n${o.body}\n`;
    const at = new Date(o.nowSeconds * 1000).toISOString().replace('.000Z', 'Z') as Instant;
    const refusal = await recordRefusal(o.channelHandler, { payload, reason, detail, at, actor: 'wechat-pay-notify' });
    return { status: 'refused', problem, detail, refusal };
  };
  const check: NotificationCheck = readNotification(o.headers, o.body, o.keys, o.nowSeconds);
  if (!check.ok) return refuse(check.problem, check.problem, check.detail);
  const payment = paymentOf(check.transaction, o.outTradeNo);
  if (E.isLeft(payment)) return refuse('not-a-payment', 'not-a-payment', payment.left);
  const r = await o.handler.handle(payment.right);
  if (r.status === 'rejected') return refuse('refused-by-cycle', r.error.code, `${r.error.code}: ${r.error.message}`);
  return { status: r.status === 'applied' ? 'recorded' : 'duplicate', paymentId: payment.right.paymentId, cycleId: payment.right.cycleId };
};
