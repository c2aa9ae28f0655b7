// A notification turned into the payment command exactly once, or refused and the refusal kept.
// What to answer Alipay: `success` for recorded and duplicate, and for a refusal of a genuine
// notification (`acknowledge`: the signature verified, so asking again cannot change the answer;
// the money is in the refusal's record for a clerk), `fail` otherwise so a damaged one is retried.
import * as E from 'fp-ts/lib/Either.js';
import type { channelDecider, Instant, OutTradeNoCodec, RefusalReason, renewalCycle } from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import type { AlipaySdk } from 'alipay-sdk';
import { readAlipayNotification } from './notification.js';
import { alipayOutTradeNo } from './out-trade-no.js';
import { paymentOfTrade } from './payment.js';
import { recordRefusal } from './refusal.js';

export type AlipayNotificationOutcome =
  | { readonly status: 'recorded' | 'duplicate'; readonly paymentId: string; readonly cycleId: string }
  | {
      readonly status: 'refused';
      readonly reason: RefusalReason;
      readonly detail: string;
      /** Whether to answer Alipay `success` (stop sending it): the signature verified. */
      readonly acknowledge: boolean;
      /** The NotificationRefused fact: written now, or already there. */
      readonly refusal: 'applied' | 'duplicate';
    };

export const receiveAlipayNotification = async (o: {
  /** The raw form-encoded body, as received. */
  readonly body: string;
  readonly sdk: AlipaySdk;
  readonly appId: string;
  readonly handler: CommandHandler<typeof renewalCycle>;
  readonly channelHandler: CommandHandler<typeof channelDecider>;
  /** When it arrived (the server's clock): the time of a refusal's record. */
  readonly receivedAt: Instant;
  readonly outTradeNo?: OutTradeNoCodec;
  readonly actor?: string;
}): Promise<AlipayNotificationOutcome> => {
  const actor = o.actor ?? 'alipay-notify';
  const refuse = async (reason: RefusalReason, detail: string, acknowledge: boolean): Promise<AlipayNotificationOutcome> => ({
    status: 'refused',
    reason,
    detail,
    acknowledge,
    refusal: await recordRefusal(o.channelHandler, { payload: o.body, reason, detail, at: o.receivedAt, actor }),
  });
  const check = readAlipayNotification(o.body, o.sdk, o.appId);
  if (!check.ok) return refuse(check.problem, check.detail, false);
  const payment = paymentOfTrade(check.trade, o.outTradeNo ?? alipayOutTradeNo, actor);
  if (E.isLeft(payment)) return refuse(payment.left.reason, payment.left.detail, true);
  const r = await o.handler.handle(payment.right);
  if (r.status === 'rejected') return refuse('refused-by-cycle', `${r.error.code}: ${r.error.message}`, true);
  return { status: r.status === 'applied' ? 'recorded' : 'duplicate', paymentId: payment.right.paymentId, cycleId: payment.right.cycleId };
};
