// The refund relay's sender for Alipay (@renewal-ledger/renewals relayRefunds): a ledger refund
// sent with its refund id as out_request_no, and Alipay's answer recorded.
import type { AlipaySdk } from 'alipay-sdk';
import type { channelDecider, Instant, RefundSender } from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import { refundThroughAlipay } from './trade.js';

export const alipayRefundSender =
  (
    sdk: AlipaySdk,
    o: { readonly channelHandler: CommandHandler<typeof channelDecider>; readonly now: () => Instant; readonly actor?: string },
  ): RefundSender =>
  (refund) =>
    refundThroughAlipay(sdk, {
      refund: { ...refund, tradeNo: refund.reference },
      channelHandler: o.channelHandler,
      at: o.now(),
      ...(o.actor ? { actor: o.actor } : {}),
    });
