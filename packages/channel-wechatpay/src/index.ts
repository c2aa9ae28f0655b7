// @renewal-ledger/channel-wechatpay: WeChat Pay API v3 notifications into the ledger (docs/payment-channels.md).
export {
  type NotificationHeaders,
  type WeChatPayKeys,
  type WeChatPayTransaction,
  type NotificationCheck,
  MAX_SKEW_SECONDS,
  readNotification,
  type SignatureProblem,
  verifySigned,
  decryptResource,
} from './notification.js';
export { type OutTradeNoCodec, cycleOutTradeNo } from '@renewal-ledger/core';
export { type NotificationOutcome, paymentOf, receiveNotification } from './receive.js';
export { payloadSha256, recordRefusal } from './refusal.js';
export { type WeChatPayMerchant, WeChatPayRefusal, authorization, callWeChatPay } from './client.js';
export {
  type NativeOrder,
  nativeOrder,
  type WeChatQueryOutcome,
  queryAndRecordWeChatPay,
  type WeChatLedgerRefund,
  refundThroughWeChatPay,
} from './trade.js';
export { type WeChatPayLinkOptions, wechatPayLink } from './pay-link.js';
export { type WeChatPayEntrustGateway, entrustOutTradeNo, weChatPayEntrustGateway } from './entrust.js';
export { weChatPayRefundSender } from './refund-sender.js';
