// The refund relay: every refund the ledger records of a payment that came in through a provider
// is sent to that provider, and the provider's answer is recorded (by the sender, in the refund's
// channel stream `channel-<provider>-refund-<refundId>`). Exactly once in effect, with no state of
// its own beyond an optional checkpoint: the log says what is still to send (a `Refunded` without
// a final `ProviderRefundAnswered`), and the refund id is the provider's idempotency key (Alipay's
// out_request_no, WeChat Pay's out_refund_no), so a relay stopped after sending and before
// recording sends again under the same key and the provider moves no money twice.
import {
  cycleIdOfStream,
  isFinalRefundStatus,
  providerRefundStreamName,
  relayedRefundOf,
  type NotRelayed,
  type Provider,
  type ProviderRefundAnsweredData,
  type ProviderRefundStatus,
  type RefundedData,
  type RefundSender,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { loadCycle } from './ledger.js';

export interface RelayRefundsOptions {
  readonly store: EventStore;
  /** One sender per provider (the channel packages' alipayRefundSender, weChatPayRefundSender). */
  readonly senders: Partial<Readonly<Record<Provider, RefundSender>>>;
  /** Read the log strictly after this position (a previous report's `checkpoint`). Default: from the beginning. */
  readonly after?: bigint;
  /** How many events are read per page: memory stays flat in the size of the log. */
  readonly pageSize?: number;
}

export type RelayedRefundOutcome =
  | { readonly refundId: string; readonly provider: Provider; readonly outcome: 'sent'; readonly status: ProviderRefundStatus }
  | { readonly refundId: string; readonly provider: Provider; readonly outcome: 'already-answered'; readonly status: ProviderRefundStatus }
  | { readonly refundId: string; readonly provider: Provider; readonly outcome: 'no-sender' }
  | { readonly refundId: string; readonly provider: Provider; readonly outcome: 'failed'; readonly error: string }
  | { readonly refundId: string; readonly outcome: 'not-relayed'; readonly why: NotRelayed };

export interface RefundRelayReport {
  /** Every `Refunded` read, in log order, and what the relay did with it. */
  readonly refunds: readonly RelayedRefundOutcome[];
  /**
   * Where the next run may start (`after`): just before the first refund still open (sent and
   * `processing`, failed, or without a sender), or the last position read when none is.
   */
  readonly checkpoint: bigint;
}

const latestAnswer = async (store: EventStore, provider: Provider, refundId: string): Promise<ProviderRefundStatus | null> => {
  let status: ProviderRefundStatus | null = null;
  for await (const e of store.readStream(providerRefundStreamName(provider, refundId)))
    if (e.type === 'ProviderRefundAnswered') status = (e.data as ProviderRefundAnsweredData).status;
  return status;
};

const isOpen = (o: RelayedRefundOutcome) =>
  o.outcome === 'failed' ||
  o.outcome === 'no-sender' ||
  ((o.outcome === 'sent' || o.outcome === 'already-answered') && !isFinalRefundStatus(o.status));

/** Sends every ledger refund not yet answered finally to its provider; one refund's failure does not stop the others. */
export const relayRefunds = async (o: RelayRefundsOptions): Promise<RefundRelayReport> => {
  const pageSize = o.pageSize ?? 500;
  const refunds: RelayedRefundOutcome[] = [];
  let position = o.after ?? -1n;
  let firstOpen: bigint | null = null;
  for (;;) {
    // A page read to its end before anything is sent: a store's cursor is not held open across the appends.
    const page: { cycleId: string; data: RefundedData; position: bigint }[] = [];
    let read = 0;
    for await (const e of o.store.readAll({ after: position, limit: pageSize })) {
      read += 1;
      position = e.globalPosition;
      const cycleId = cycleIdOfStream(e.streamName);
      if (e.type === 'Refunded' && cycleId !== null) page.push({ cycleId, data: e.data as RefundedData, position: e.globalPosition });
    }
    for (const r of page) {
      const outcome = await relayOne(o, r.cycleId, r.data);
      refunds.push(outcome);
      if (firstOpen === null && isOpen(outcome)) firstOpen = r.position;
    }
    if (read < pageSize) break;
  }
  return { refunds, checkpoint: firstOpen === null ? position : firstOpen - 1n };
};

const relayOne = async (o: RelayRefundsOptions, cycleId: string, data: RefundedData): Promise<RelayedRefundOutcome> => {
  const which = relayedRefundOf(cycleId, data, await loadCycle(o.store, cycleId));
  if ('skip' in which) return { refundId: data.refundId, outcome: 'not-relayed', why: which.skip };
  const { relay } = which;
  const answered = await latestAnswer(o.store, relay.provider, relay.refundId);
  if (answered !== null && isFinalRefundStatus(answered))
    return { refundId: relay.refundId, provider: relay.provider, outcome: 'already-answered', status: answered };
  const send = o.senders[relay.provider];
  if (!send) return { refundId: relay.refundId, provider: relay.provider, outcome: 'no-sender' };
  try {
    const { status } = await send(relay);
    return { refundId: relay.refundId, provider: relay.provider, outcome: 'sent', status };
  } catch (e) {
    return { refundId: relay.refundId, provider: relay.provider, outcome: 'failed', error: e instanceof Error ? e.message : String(e) };
  }
};
