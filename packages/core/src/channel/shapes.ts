// The shapes a payment channel's commands and events share.
import { oneOf } from '../shape.js';

/** The providers whose notifications and refunds the ledger keeps facts of. */
export const PROVIDERS = ['alipay', 'wechat-pay'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const ProviderC = oneOf(PROVIDERS);

/**
 * Why a notification was refused (docs/payment-channels.md): a signature that does not verify, a
 * replay outside the time window, a body that is not the documented shape or does not decrypt, a
 * transaction that names no cycle of the ledger, or a payment the cycle refused (its rule code is
 * in `detail`).
 */
export const REFUSAL_REASONS = [
  'missing-header',
  'stale',
  'unknown-serial',
  'bad-signature',
  'bad-body',
  'undecryptable',
  'unknown-app',
  'not-a-payment',
  'amount-mismatch',
  'refused-by-cycle',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export const RefusalReasonC = oneOf(REFUSAL_REASONS);

/** The provider's answer to a refund: done, still processing, or refused (with its code). */
export const PROVIDER_REFUND_STATUSES = ['succeeded', 'processing', 'refused'] as const;
export type ProviderRefundStatus = (typeof PROVIDER_REFUND_STATUSES)[number];
export const ProviderRefundStatusC = oneOf(PROVIDER_REFUND_STATUSES);
