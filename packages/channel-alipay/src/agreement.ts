// Agreement-based auto-debit (商户代扣): with the customer's signed agreement (its agreement_no is
// the mandate's accountRef), the merchant charges through alipay.trade.pay, product
// GENERAL_WITHHOLDING. This is a payment gateway as @renewal-ledger/renewals' auto-debit run takes
// it (`{ name, collect(request) }`; the port's shape, written here because a channel package sits
// on core alone). The out_trade_no derives from the attempt id, so asking again is the same trade:
// Alipay answers a paid one ACQ.TRADE_HAS_SUCCESS, and the trade is then read back by query.
import { createHash } from 'node:crypto';
import type { AlipaySdk, AlipaySdkCommonResult } from 'alipay-sdk';
import type { ChannelGateway, CollectionResult, Instant } from '@renewal-ledger/core';
import { fenOf, yuanText } from './amount.js';
import { instantOfBeijingTime } from './payment.js';
import { AlipayRefusal } from './trade.js';

export type AlipayAgreementGateway = ChannelGateway<'alipay'>;

/** `AD` and 40 hex digits of the attempt id's sha256: Alipay takes letters and digits, and the attempt id has '/'. */
export const agreementOutTradeNo = (attemptId: string): string => `AD${createHash('sha256').update(attemptId).digest('hex').slice(0, 40)}`;

// The sub-codes after which trying again later may succeed; every other refusal is final.
const RETRYABLE = new Set([
  'ACQ.BUYER_BALANCE_NOT_ENOUGH',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH',
  'ACQ.PAYMENT_AUTH_CODE_INVALID',
  'ACQ.SYSTEM_ERROR',
]);

const collected = (answer: AlipaySdkCommonResult, fallbackAt: Instant): CollectionResult => {
  const amountMinor = fenOf(String(answer.total_amount));
  if (amountMinor === null) throw new Error(`Alipay answered total_amount ${answer.total_amount}: not an amount`);
  const at = instantOfBeijingTime(String(answer.gmt_payment ?? answer.send_pay_date ?? '')) ?? fallbackAt;
  return { status: 'collected', transactionId: String(answer.trade_no), amountMinor, at };
};

export const alipayAgreementGateway = (sdk: AlipaySdk): AlipayAgreementGateway => ({
  name: 'alipay',
  async collect(request) {
    if (request.mandate.method !== 'alipay')
      return {
        status: 'failed',
        code: 'wrong-method',
        reason: `mandate ${request.mandate.mandateId} is ${request.mandate.method}, not alipay`,
        retryable: false,
        at: request.requestedAt,
      };
    if (request.currency !== 'CNY')
      return {
        status: 'failed',
        code: 'wrong-currency',
        reason: `Alipay withholds CNY, not ${request.currency}`,
        retryable: false,
        at: request.requestedAt,
      };
    const outTradeNo = agreementOutTradeNo(request.attemptId);
    try {
      const answer = await sdk.exec(
        'alipay.trade.pay',
        {
          bizContent: {
            out_trade_no: outTradeNo,
            total_amount: yuanText(request.amountMinor),
            subject: request.description,
            product_code: 'GENERAL_WITHHOLDING',
            agreement_params: { agreement_no: request.mandate.accountRef },
          },
        },
        { validateSign: true },
      );
      if (answer.code === '10000') return collected(answer, request.requestedAt);
      throw new AlipayRefusal(
        'alipay.trade.pay',
        String(answer.code),
        String(answer.sub_code ?? ''),
        String(answer.sub_msg ?? answer.msg ?? ''),
      );
    } catch (e) {
      if (!(e instanceof AlipayRefusal)) throw e;
      if (e.subCode === 'ACQ.TRADE_HAS_SUCCESS') {
        const paid = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
        if (paid.code === '10000') return collected(paid, request.requestedAt);
      }
      // 10003 (waiting for the customer) or 20000 (Alipay unavailable): no answer yet, asked again next run.
      if (e.code === '10003' || e.code === '20000') throw e;
      return {
        status: 'failed',
        code: e.subCode || e.code,
        reason: e.subMsg || e.message,
        retryable: RETRYABLE.has(e.subCode),
        at: request.requestedAt,
      };
    }
  },
});
