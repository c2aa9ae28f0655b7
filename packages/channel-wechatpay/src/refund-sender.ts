// The refund relay's sender for WeChat Pay (@renewal-ledger/renewals relayRefunds): a ledger
// refund sent with its refund id as out_refund_no, and WeChat Pay's answer recorded (PROCESSING
// is asked again on the relay's next run, under the same out_refund_no).
import type { channelDecider, Instant, RefundSender } from '@renewal-ledger/core';
import type { CommandHandler } from '@renewal-ledger/eventstore';
import type { WeChatPayMerchant } from './client.js';
import { refundThroughWeChatPay } from './trade.js';

export const weChatPayRefundSender =
  (
    m: WeChatPayMerchant,
    o: { readonly channelHandler: CommandHandler<typeof channelDecider>; readonly now: () => Instant; readonly actor?: string },
  ): RefundSender =>
  (refund) =>
    refundThroughWeChatPay(m, {
      refund: { ...refund, transactionId: refund.reference },
      channelHandler: o.channelHandler,
      at: o.now(),
      ...(o.actor ? { actor: o.actor } : {}),
    });
