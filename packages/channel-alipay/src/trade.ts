// Asking Alipay: creating a payment (当面付 precreate: a QR code the customer scans), querying a
// trade whose notification never came, refunding. Every call goes through the SDK's `exec`, which
// signs the request with the application's key and verifies Alipay's signature on the answer
// (`validateSign`): an answer that does not verify throws, like no answer at all.
import * as E from 'fp-ts/lib/Either.js';
import type { AlipaySdk, AlipaySdkCommonResult } from 'alipay-sdk';
import { decodeChannelCommand, type channelDecider, type Instant, type OutTradeNoCodec, type renewalCycle } from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import { yuanText } from './amount.js';
import { alipayOutTradeNo } from './out-trade-no.js';
import { paymentOfTrade, type TradeRefusal } from './payment.js';

/** Alipay's business failure: the call was answered, and the answer is no. */
export class AlipayRefusal extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly subCode: string,
    readonly subMsg: string,
  ) {
    super(`${method} refused: ${code} ${subCode} ${subMsg}`.trim());
    this.name = 'AlipayRefusal';
  }
}

const call = async (sdk: AlipaySdk, method: string, bizContent: Record<string, unknown>, extra: Record<string, string> = {}) => {
  const answer: AlipaySdkCommonResult = await sdk.exec(method, { ...extra, bizContent }, { validateSign: true });
  if (answer.code !== '10000')
    throw new AlipayRefusal(method, String(answer.code), String(answer.sub_code ?? ''), String(answer.sub_msg ?? answer.msg ?? ''));
  return answer;
};

export interface Precreated {
  readonly outTradeNo: string;
  /** The QR code's content: show it as a QR code for the customer's Alipay app to scan. */
  readonly qrCode: string;
}

/**
 * A payment of `amountMinor` for a cycle: Alipay's precreate. The out_trade_no carries the cycle
 * and the amount, so asking again (a retry, a second click) is the same order and the same code.
 */
export const precreate = async (
  sdk: AlipaySdk,
  o: {
    readonly cycleId: string;
    readonly amountMinor: number;
    readonly subject: string;
    readonly notifyUrl?: string;
    readonly outTradeNo?: OutTradeNoCodec;
  },
): Promise<Precreated> => {
  const outTradeNo = (o.outTradeNo ?? alipayOutTradeNo).encode(o.cycleId, o.amountMinor);
  const answer = await call(
    sdk,
    'alipay.trade.precreate',
    { out_trade_no: outTradeNo, total_amount: yuanText(o.amountMinor), subject: o.subject },
    o.notifyUrl ? { notify_url: o.notifyUrl } : {},
  );
  return { outTradeNo, qrCode: String(answer.qr_code) };
};

export type QueryOutcome =
  | { readonly status: 'recorded' | 'duplicate'; readonly paymentId: string; readonly cycleId: string }
  | { readonly status: 'unpaid'; readonly tradeStatus: string }
  | { readonly status: 'refused'; readonly refusal: TradeRefusal | { readonly reason: 'refused-by-cycle'; readonly detail: string } };

/**
 * For a notification that never came: asks Alipay about the order and records what it paid,
 * under the same ids a notification would use (so both, in either order, are one payment).
 */
export const queryAndRecord = async (
  sdk: AlipaySdk,
  o: {
    readonly outTradeNo: string;
    readonly handler: CommandHandler<typeof renewalCycle>;
    readonly codec?: OutTradeNoCodec;
    readonly actor?: string;
  },
): Promise<QueryOutcome> => {
  let answer: AlipaySdkCommonResult;
  try {
    answer = await call(sdk, 'alipay.trade.query', { out_trade_no: o.outTradeNo });
  } catch (e) {
    // No trade under that number yet (the customer never scanned the code): unpaid, not an error.
    if (e instanceof AlipayRefusal && e.subCode === 'ACQ.TRADE_NOT_EXIST') return { status: 'unpaid', tradeStatus: 'TRADE_NOT_EXIST' };
    throw e;
  }
  const tradeStatus = String(answer.trade_status);
  if (tradeStatus === 'WAIT_BUYER_PAY' || tradeStatus === 'TRADE_CLOSED') return { status: 'unpaid', tradeStatus };
  const payment = paymentOfTrade(
    {
      trade_no: String(answer.trade_no),
      out_trade_no: String(answer.out_trade_no),
      trade_status: tradeStatus,
      total_amount: String(answer.total_amount),
      paid_at: String(answer.send_pay_date ?? ''),
    },
    o.codec ?? alipayOutTradeNo,
    o.actor ?? 'alipay-query',
  );
  if (E.isLeft(payment)) return { status: 'refused', refusal: payment.left };
  const r = await o.handler.handle(payment.right);
  if (r.status === 'rejected')
    return { status: 'refused', refusal: { reason: 'refused-by-cycle', detail: `${r.error.code}: ${r.error.message}` } };
  return { status: r.status === 'applied' ? 'recorded' : 'duplicate', paymentId: payment.right.paymentId, cycleId: payment.right.cycleId };
};

/** A refund the ledger recorded (`Refunded` on the cycle), to be sent to Alipay. */
export interface LedgerRefund {
  readonly refundId: string;
  readonly cycleId: string;
  readonly paymentId: string;
  /** The payment's Alipay trade_no (its reference in the ledger). */
  readonly tradeNo: string;
  readonly amountMinor: number;
  readonly reason: string;
}

export type RefundAnswer = {
  readonly status: 'succeeded' | 'refused';
  readonly providerCode?: string;
  readonly recorded: 'applied' | 'duplicate';
};

/**
 * Sends a ledger refund to Alipay (alipay.trade.refund; out_request_no is the refund id, so a
 * retry is the same refund, never a second one) and records Alipay's answer as
 * `ProviderRefundAnswered`. An Alipay that does not answer throws: nothing is recorded, send it again.
 */
export const refundThroughAlipay = async (
  sdk: AlipaySdk,
  o: {
    readonly refund: LedgerRefund;
    readonly channelHandler: CommandHandler<typeof channelDecider>;
    readonly at: Instant;
    readonly actor?: string;
  },
): Promise<RefundAnswer> => {
  const { refund } = o;
  let answer: { status: 'succeeded' | 'refused'; providerCode?: string; detail?: string };
  try {
    await call(sdk, 'alipay.trade.refund', {
      trade_no: refund.tradeNo,
      refund_amount: yuanText(refund.amountMinor),
      out_request_no: refund.refundId,
      refund_reason: refund.reason,
    });
    answer = { status: 'succeeded' };
  } catch (e) {
    if (!(e instanceof AlipayRefusal)) throw e;
    answer = { status: 'refused', providerCode: e.subCode || e.code, detail: e.subMsg || e.message };
  }
  const command = decodeChannelCommand({
    type: 'RecordProviderRefund',
    commandId: `alipay-refund:${refund.refundId}:${answer.status}`,
    actor: o.actor ?? 'alipay-refund',
    at: o.at,
    provider: 'alipay',
    refundId: refund.refundId,
    cycleId: refund.cycleId,
    paymentId: refund.paymentId,
    amountMinor: refund.amountMinor,
    currency: 'CNY',
    status: answer.status,
    ...(answer.providerCode ? { providerCode: answer.providerCode } : {}),
    ...(answer.detail ? { detail: answer.detail } : {}),
  });
  if (E.isLeft(command)) throw new Error(`Alipay's answer to refund ${refund.refundId} cannot be recorded: ${command.left.message}`);
  const r = await o.channelHandler.handle(command.right);
  if (r.status === 'rejected') throw new Error(`Alipay's answer to refund ${refund.refundId} was not recorded: ${r.error.message}`);
  return {
    status: answer.status,
    ...(answer.providerCode ? { providerCode: answer.providerCode } : {}),
    recorded: r.status === 'applied' ? 'applied' : 'duplicate',
  };
};
