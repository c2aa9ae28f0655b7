// A payment notice's "how to pay" from Alipay: the precreated QR code for the bill's cycle and
// amount, for the delivery dispatcher's `payLink` (docs/reminders-and-notices.md#how-to-pay).
// The out_trade_no carries the cycle and the amount, so the notice sent again after a crash, or
// by the next channel after a bounce, carries the same code, and paying it settles that bill.
import { billForPayLink, type OutboxMessage, type OutTradeNoCodec } from '@renewal-ledger/core';
import type { AlipaySdk } from 'alipay-sdk';
import { precreate } from './trade.js';

export interface AlipayPayLinkOptions {
  /** The order's subject, as the customer sees it in Alipay. Default: "Property service fee <cycleId>". */
  readonly subject?: (message: OutboxMessage) => string;
  readonly notifyUrl?: string;
  readonly outTradeNo?: OutTradeNoCodec;
}

/** The QR code content for a notice's bill; null for a message with no cycle, nothing to pay, or not in yuan (Alipay's orders are CNY). */
export const alipayPayLink =
  (sdk: AlipaySdk, options: AlipayPayLinkOptions = {}) =>
  async (message: OutboxMessage): Promise<string | null> => {
    const bill = billForPayLink(message, 'CNY');
    if (!bill) return null;
    const made = await precreate(sdk, {
      ...bill,
      subject: options.subject?.(message) ?? `Property service fee ${bill.cycleId}`,
      ...(options.notifyUrl ? { notifyUrl: options.notifyUrl } : {}),
      ...(options.outTradeNo ? { outTradeNo: options.outTradeNo } : {}),
    });
    return made.qrCode;
  };
