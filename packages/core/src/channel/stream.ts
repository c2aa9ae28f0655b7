// What a payment provider told the ledger that is not a payment: notifications refused (one stream
// per provider and payload, named by the payload's sha256) and the provider's answers to the
// ledger's refunds (one stream per provider and refund).
export const CHANNEL_STREAM_PREFIX = 'channel-';
export const refusedNotificationStreamName = (provider: string, payloadSha256: string): string =>
  `${CHANNEL_STREAM_PREFIX}${provider}-notification-${payloadSha256}`;
export const providerRefundStreamName = (provider: string, refundId: string): string =>
  `${CHANNEL_STREAM_PREFIX}${provider}-refund-${refundId}`;
