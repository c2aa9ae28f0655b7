// The refund relay run by the service (docs/payment-channels.md, "The refund relay"): after each
// refund the service records, the ledger's refunds of Alipay payments are sent to Alipay and its
// answers recorded, as the `system` role. In the background: the cashier's answer (201) does not
// wait for Alipay. One run at a time, each from the checkpoint the last one left (just before the
// first refund still open), so a refund Alipay did not answer is sent again after the next refund,
// under the same out_request_no; `renewal refunds relay` does the same on a schedule.
import { channelDecider, type AccessPolicy, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { alipayRefundSender, alipaySdk } from '@renewal-ledger/channel-alipay';
import { relayRefunds } from '@renewal-ledger/renewals';
import type { NotificationChannels } from './notify.js';

export const getRefundRelay = (o: {
  readonly store: EventStore;
  readonly policy: AccessPolicy;
  readonly clock: () => Instant;
  readonly channels: NotificationChannels;
  readonly log: (line: string) => void;
}) => {
  const channelHandler = getCommandHandler(channelDecider, { store: o.store, access: o.policy, role: 'system' });
  const alipay = o.channels.alipay ? alipayRefundSender(alipaySdk(o.channels.alipay), { channelHandler, now: o.clock }) : null;
  let checkpoint: bigint | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    /** Starts a run after the one in progress; resolves when it ends (never rejects: failures are logged). */
    run(): Promise<void> {
      if (!alipay) return running;
      running = running.then(async () => {
        try {
          const report = await relayRefunds({
            store: o.store,
            senders: { alipay },
            ...(checkpoint === undefined ? {} : { after: checkpoint }),
          });
          checkpoint = report.checkpoint;
          for (const r of report.refunds)
            if (r.outcome === 'failed') o.log(`refund relay: refund ${r.refundId} not sent to ${r.provider}: ${r.error}`);
        } catch (e) {
          o.log(`refund relay: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      return running;
    },
    /** Resolves when the run in progress (if any) has ended. */
    idle: (): Promise<void> => running,
  };
};
