// @renewal-ledger/channel-alipay: Alipay into the ledger, on Alipay's own SDK (docs/payment-channels.md).
export { type AlipayChannelConfig, alipaySdk } from './config.js';
export { yuanText, fenOf } from './amount.js';
export { alipayOutTradeNo, amountOfOutTradeNo } from './out-trade-no.js';
export { type AlipayTrade, type TradeRefusal, instantOfBeijingTime, alipayPaymentId, paymentOfTrade } from './payment.js';
export { type AlipayNotificationCheck, readAlipayNotification } from './notification.js';
export { payloadSha256, recordRefusal } from './refusal.js';
export { type AlipayNotificationOutcome, receiveAlipayNotification } from './receive.js';
export {
  AlipayRefusal,
  type Precreated,
  precreate,
  type QueryOutcome,
  queryAndRecord,
  type LedgerRefund,
  type RefundAnswer,
  refundThroughAlipay,
} from './trade.js';
export { type AlipayPayLinkOptions, alipayPayLink } from './pay-link.js';
export { type AlipayAgreementGateway, agreementOutTradeNo, alipayAgreementGateway } from './agreement.js';
export { alipayRefundSender } from './refund-sender.js';
