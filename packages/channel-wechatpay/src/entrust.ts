// Agreement-based auto-debit (委托代扣, API v3): with the customer's signed contract (its
// contract_id is the mandate's accountRef), the merchant asks WeChat Pay to deduct
// (POST /v3/papay/pay/transactions/apply). WeChat Pay only accepts the request and deducts
// asynchronously; the result is the order's state (GET /v3/pay/transactions/out-trade-no/{no}).
// So `collect` applies (the same out_trade_no for the same attempt: WeChat Pay deducts one order
// once), then reads the order: SUCCESS is collected, PAYERROR failed, anything else no answer yet,
// which the auto-debit run asks again next time under the same attempt id. A payment gateway as
// @renewal-ledger/renewals' run takes it (`{ name, collect(request) }`, the port's shape written
// here because a channel package sits on core alone).
import { createHash } from 'node:crypto';
import type { ChannelGateway, CollectionResult, Instant } from '@renewal-ledger/core';
import { callWeChatPay, WeChatPayRefusal, type WeChatPayMerchant } from './client.js';

export type WeChatPayEntrustGateway = ChannelGateway<'wechat-pay'>;

/** `AD` and 30 hex digits of the attempt id's sha256: at most 32 characters, and the attempt id has '/'. */
export const entrustOutTradeNo = (attemptId: string): string => `AD${createHash('sha256').update(attemptId).digest('hex').slice(0, 30)}`;

// Refusals of the request itself after which a later attempt may pass; every other one is final.
const RETRYABLE = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NOT_ENOUGH']);

export const weChatPayEntrustGateway = (
  m: WeChatPayMerchant,
  /** The documented path for a direct merchant; partners and other variants use their own. */
  applyPath = '/v3/papay/pay/transactions/apply',
): WeChatPayEntrustGateway => ({
  name: 'wechat-pay',
  async collect(request) {
    const failed = (code: string, reason: string, retryable: boolean): CollectionResult => ({
      status: 'failed',
      code,
      reason,
      retryable,
      at: request.requestedAt,
    });
    if (request.mandate.method !== 'wechat-pay')
      return failed('wrong-method', `mandate ${request.mandate.mandateId} is ${request.mandate.method}, not wechat-pay`, false);
    if (request.currency !== 'CNY') return failed('wrong-currency', `WeChat Pay deducts CNY, not ${request.currency}`, false);
    const outTradeNo = entrustOutTradeNo(request.attemptId);
    try {
      await callWeChatPay(m, 'POST', applyPath, {
        appid: m.appid,
        out_trade_no: outTradeNo,
        description: request.description.slice(0, 127),
        transaction_notify_url: m.notifyUrl ?? 'https://localhost/notify/wechat-pay',
        contract_id: request.mandate.accountRef,
        amount: { total: request.amountMinor, currency: 'CNY' },
      });
    } catch (e) {
      // A 5xx, or no answer: thrown, asked again next run. A 4xx is WeChat Pay's no.
      if (!(e instanceof WeChatPayRefusal) || e.httpStatus >= 500) throw e;
      if (e.code !== 'ORDERPAID' && e.code !== 'ORDER_ACCEPTED') return failed(e.code, e.detail || e.message, RETRYABLE.has(e.code));
    }
    const order = await callWeChatPay(m, 'GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${m.mchid}`);
    const state = String(order.trade_state);
    if (state === 'SUCCESS') {
      const at = new Date(String(order.success_time));
      return {
        status: 'collected',
        transactionId: String(order.transaction_id),
        amountMinor: Number((order.amount as { total?: unknown } | undefined)?.total),
        at: Number.isNaN(at.getTime()) ? request.requestedAt : (at.toISOString().replace('.000Z', 'Z') as Instant),
      };
    }
    if (state === 'PAYERROR') return failed('PAYERROR', String(order.trade_state_desc ?? 'the deduction failed'), true);
    if (state === 'CLOSED' || state === 'REVOKED') return failed(state, String(order.trade_state_desc ?? state), false);
    // ACCEPT, USERPAYING, NOTPAY: not decided yet.
    throw new Error(`WeChat Pay has not deducted ${outTradeNo} yet (${state}): asked again next run`);
  },
});
