// A payment notice's "how to pay" from WeChat Pay: the Native order's code_url for the bill's
// cycle and amount, for the delivery dispatcher's `payLink` (docs/reminders-and-notices.md#how-to-pay).
// The out_trade_no carries the cycle and the amount, so the notice sent again carries the same
// order, and paying it settles that bill.
import { billForPayLink, type OutboxMessage, type OutTradeNoCodec } from '@renewal-ledger/core';
import type { WeChatPayMerchant } from './client.js';
import { nativeOrder } from './trade.js';

export interface WeChatPayLinkOptions {
  /** The order's description, as the customer sees it in WeChat. Default: "Property service fee <cycleId>". */
  readonly description?: (message: OutboxMessage) => string;
  readonly outTradeNo?: OutTradeNoCodec;
}

/** The code_url (weixin://wxpay/bizpayurl?pr=...) for a notice's bill, shown as a QR code; null for no cycle, nothing to pay, or not in CNY. */
export const wechatPayLink =
  (merchant: WeChatPayMerchant, options: WeChatPayLinkOptions = {}) =>
  async (message: OutboxMessage): Promise<string | null> => {
    const bill = billForPayLink(message, 'CNY');
    if (!bill) return null;
    const order = await nativeOrder(merchant, {
      ...bill,
      description: options.description?.(message) ?? `Property service fee ${bill.cycleId}`,
      ...(options.outTradeNo ? { outTradeNo: options.outTradeNo } : {}),
    });
    return order.codeUrl;
  };
