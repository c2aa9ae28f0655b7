// What the refund relay sends a provider, and which of the ledger's refunds it sends: a refund
// (`Refunded` on a cycle) of a payment that came in through a provider goes back through that
// provider; a refund of cash, card or a transfer is paid out by the office and is no provider's
// business. Pure, so the relay (@renewal-ledger/renewals) and the channel packages share it.
import type { RefundedData } from '../cycle/events.js';
import type { CycleState } from '../cycle/state.js';
import { PROVIDERS, type Provider, type ProviderRefundStatus } from './shapes.js';

/** A ledger refund as a provider needs it. The refund id is the provider's idempotency key. */
export interface RelayedRefund {
  readonly provider: Provider;
  readonly refundId: string;
  readonly cycleId: string;
  readonly paymentId: string;
  /** The payment's reference in the ledger: Alipay's trade_no, WeChat Pay's transaction_id. */
  readonly reference: string;
  /** What the payment was (WeChat Pay asks for the order's total with every refund). */
  readonly paymentMinor: number;
  readonly amountMinor: number;
  readonly reason: string;
}

/** Sends one refund to its provider and records the provider's answer; throws for no answer. */
export type RefundSender = (refund: RelayedRefund) => Promise<{ readonly status: ProviderRefundStatus }>;

/** Why a ledger refund is not a provider's: its payment came in another way, or carries no provider reference. */
export type NotRelayed =
  | { readonly reason: 'not-a-provider-payment'; readonly channel: string }
  | { readonly reason: 'unknown-payment' }
  | { readonly reason: 'no-reference'; readonly provider: Provider };

/** The refund as its provider needs it, or why no provider takes it. */
export const relayedRefundOf = (
  cycleId: string,
  refund: RefundedData,
  cycle: CycleState,
): { readonly relay: RelayedRefund } | { readonly skip: NotRelayed } => {
  const payment = cycle.payments.find((p) => p.paymentId === refund.paymentId);
  if (!payment) return { skip: { reason: 'unknown-payment' } };
  const provider = PROVIDERS.find((p) => p === payment.channel);
  if (!provider) return { skip: { reason: 'not-a-provider-payment', channel: payment.channel } };
  if (!payment.reference) return { skip: { reason: 'no-reference', provider } };
  return {
    relay: {
      provider,
      refundId: refund.refundId,
      cycleId,
      paymentId: refund.paymentId,
      reference: payment.reference,
      paymentMinor: payment.amountMinor,
      amountMinor: refund.amountMinor,
      reason: refund.reason,
    },
  };
};

/** An answer the provider will not change: asked again only while it is `processing`. */
export const isFinalRefundStatus = (status: ProviderRefundStatus): boolean => status !== 'processing';
