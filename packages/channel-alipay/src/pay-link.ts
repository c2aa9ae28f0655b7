// A payment notice's "how to pay" from Alipay: the precreated QR code for the bill's cycle and
// amount, for the delivery dispatcher's `payLink` (docs/reminders-and-notices.md#how-to-pay).
// The out_trade_no carries the cycle and the amount, so the notice sent again after a crash, or
// by the next channel after a bounce, carries the same code, and paying it settles that bill.
import type { OutboxMessage, OutTradeNoCodec } from '@renewal-ledger/core';
import type { AlipaySdk } from 'alipay-sdk';
import { precreate } from './trade.js';

export interface AlipayPayLinkOptions {
  /** The order's subject, as the customer sees it in Alipay. Default: "Property service fee <cycleId>". */
  readonly subject?: (message: OutboxMessage) => string;
  readonly notifyUrl?: string;
  readonly outTradeNo?: OutTradeNoCodec;
}

/** The QR code content for a notice's bill; null for a message with no cycle or nothing to pay. */
export const alipayPayLink =
  (sdk: AlipaySdk, options: AlipayPayLinkOptions = {}) =>
  async (message: OutboxMessage): Promise<string | null> => {
    if (message.cycleId === null || message.amountMinor <= 0) return null;
    const made = await precreate(sdk, {
      cycleId: message.cycleId,
      amountMinor: message.amountMinor,
      subject: options.subject?.(message) ?? `Property service fee ${message.cycleId}`,
      ...(options.notifyUrl ? { notifyUrl: options.notifyUrl } : {}),
      ...(options.outTradeNo ? { outTradeNo: options.outTradeNo } : {}),
    });
    return made.qrCode;
  };
