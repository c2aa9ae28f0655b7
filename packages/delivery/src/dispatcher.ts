// The dispatcher: brings the outbox up to date with the log, then delivers each pending message
// on its channels in order. On a channel: send, and on a passing failure wait and try again
// (exponential backoff), up to `attempts`; a bounce, or the attempts used up, records that
// outcome and moves to the next channel (the policy's fallback); a send the provider took is
// recorded `sent`. Outcomes go through the generic command handler as RecordDelivery on the
// message's stream, whose decider records at most one final outcome per channel.
//
// What "never twice" means here (docs/reminders-and-notices.md#never-twice): before sending, the
// dispatcher reads the message's delivery stream, and sends only on a channel with no outcome
// recorded. So a message recorded as sent is never sent again. A crash after the provider took a
// message and before its outcome is recorded leaves nothing recorded: the next run sends it
// again, with the same idempotency key (the e-mail's Message-ID), which is the provider's to
// honour. At least once to the provider, at most one recorded outcome per channel.
import {
  type DeliveryChannel,
  type DeliveryOutcome,
  type Instant,
  type OutboxMessage,
  type RecordDelivery,
  type TemplateOptions,
  addressOn,
  decodeDeliveryCommand,
  deliveryCommandId,
  deliveryDecider,
  deliveryEvents,
  deliveryStreamName,
  evolveDelivery,
  howToPayWithLink,
  initialDeliveryState,
  renderMessage,
} from '@renewal-ledger/core';
import * as E from 'fp-ts/lib/Either.js';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, type ViewDatabase } from '@renewal-ledger/projections';
import type { ChannelAdapter, LetterPrinter, OutgoingMessage, SendResult } from './channels.js';
import { getOutboxProjection, getOutboxView, type OutboxRow } from './outbox.js';
import type { AccessPolicy, BusinessDate, DeliveryPolicy } from '@renewal-ledger/core';

export interface RetryPolicy {
  /** Sends tried on one channel before it counts as failed. Default 3. */
  readonly attempts: number;
  /** The wait before the second attempt, doubled before each next one. Default 1,000 ms. */
  readonly baseDelayMs: number;
  /** No wait is longer. Default 60,000 ms. */
  readonly maxDelayMs: number;
}
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** The wait before attempt `attempt` (2, 3, ...): base x 2^(attempt - 2), capped. */
export const backoffDelay = (retry: RetryPolicy, attempt: number): number =>
  Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 2));

export interface DispatchOptions {
  readonly store: EventStore;
  /** Where the outbox view lives (SQLite or PostgreSQL). */
  readonly database: ViewDatabase;
  /** The adapters by channel; a channel without one is passed over (the next is tried). */
  readonly adapters: Partial<Record<Exclude<DeliveryChannel, 'letter'>, ChannelAdapter>>;
  readonly printer?: LetterPrinter;
  /** The language of the messages: the ledger's locale (zh-CN, en, ...). */
  readonly locale: string;
  readonly templates: TemplateOptions;
  /**
   * A payment link or QR code for a payment notice's bill (the cycle and its amount), from a
   * payment channel: `alipayPayLink(sdk)` (an Alipay precreate's qr_code), or any function
   * asking a provider for an order. Asked once per notice per run, before it is sent; null, or
   * an error, leaves the default "how to pay" text, so a provider that is down never holds a
   * notice back. The provider's order is keyed by the cycle and amount, so asking again gives
   * the same code.
   */
  readonly payLink?: PayLinkProvider;
  readonly policy?: DeliveryPolicy;
  readonly retry?: Partial<RetryPolicy>;
  /** Only these kinds (reminder, notice, receipt). Default all. */
  readonly kinds?: readonly string[];
  /** Only messages of facts on or after this business day (older ones stay pending). */
  readonly fromDay?: BusinessDate;
  /** At most this many messages this run. */
  readonly limit?: number;
  readonly actor?: string;
  /** Checks the outcomes against an access policy, as `role` (the CLI's --actor on a ledger with users). */
  readonly access?: { readonly policy: AccessPolicy; readonly role: string };
  readonly clock?: () => Instant;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Names the run's letter document. Default: from the clock. */
  readonly batchId?: string;
  /**
   * Outcomes are recorded in batches of this many (one transaction each). Default 1: each as soon
   * as it is known. More is faster, and widens the window a crash can fall in: up to this many
   * messages taken by their providers but not recorded, each sent again by the next run under its
   * idempotency key.
   */
  readonly recordEvery?: number;
  /** Called as each outcome is recorded. */
  readonly onOutcome?: (outcome: DispatchOutcome) => void;
}

/** The link or QR code content a payment notice carries for paying its bill, or null for none. */
export type PayLinkProvider = (message: OutboxMessage) => Promise<string | null>;

export interface DispatchOutcome {
  readonly messageId: string;
  readonly channel: DeliveryChannel;
  readonly outcome: DeliveryOutcome;
  readonly attempts: number;
  /** recorded now, or found recorded already (another run got there first). */
  readonly recorded: 'now' | 'already';
}

export interface DispatchReport {
  /** Messages looked at. */
  readonly messages: number;
  /** Outcomes recorded, per outcome. */
  readonly outcomes: Readonly<Record<DeliveryOutcome, number>>;
  /** Messages that went out on a fallback channel after the first bounced or failed. */
  readonly fellBack: number;
  /** Messages left with no channel to try (every one bounced or failed, or no adapter). */
  readonly undelivered: number;
  /** The letter document written, if any. */
  readonly letters: string | null;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const dispatchOutbox = async (options: DispatchOptions): Promise<DispatchReport> => {
  const { store, database } = options;
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const clock = options.clock ?? (() => new Date().toISOString() as Instant);
  const sleep = options.sleep ?? realSleep;
  const actor = options.actor ?? 'delivery';
  const recordEvery = Math.max(1, Math.floor(options.recordEvery ?? 1));
  const handler = getCommandHandler(deliveryDecider, {
    store,
    clock,
    ...(options.access ? { access: options.access.policy, role: options.access.role } : {}),
  });
  const projection = getOutboxProjection(options.policy ? { policy: options.policy } : {});
  await getProjectionRunner({ store, database, projections: [projection] }).catchUp();

  const outcomes: Record<DeliveryOutcome, number> = { sent: 0, delivered: 0, bounced: 0, failed: 0 };
  let fellBack = 0;
  let undelivered = 0;
  let messages = 0;
  const letters: { out: OutgoingMessage; attempts: number }[] = [];

  const record = async (
    message: OutboxMessage,
    channel: DeliveryChannel,
    outcome: DeliveryOutcome,
    attempts: number,
    extra: { providerId?: string; to?: string; reason?: string },
  ) => {
    const raw = {
      type: 'RecordDelivery',
      commandId: deliveryCommandId(message.messageId, channel, outcome),
      actor,
      at: clock(),
      messageId: message.messageId,
      channel,
      outcome,
      attempts,
      ...(extra.providerId !== undefined ? { providerId: extra.providerId } : {}),
      ...(extra.to !== undefined ? { to: extra.to } : {}),
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    };
    const decoded = decodeDeliveryCommand(raw);
    if (E.isLeft(decoded)) throw new TypeError(`delivery outcome of ${message.messageId}: ${decoded.left.message}`);
    queued.push(decoded.right);
    if (queued.length >= recordEvery) await flush();
  };
  const queued: RecordDelivery[] = [];
  const flush = async () => {
    if (queued.length === 0) return;
    const batch = queued.splice(0);
    const results = await handler.handleBatch(batch);
    batch.forEach((c, i) => {
      const r = results[i]!;
      if (r.status === 'rejected' && r.error.code === 'NOT_PERMITTED') throw new TypeError(r.error.message);
      // Refused or a duplicate: another run recorded this channel's outcome first; what it recorded stands.
      const recorded = r.status === 'applied' ? 'now' : 'already';
      if (recorded === 'now') outcomes[c.outcome]++;
      options.onOutcome?.({ messageId: c.messageId, channel: c.channel, outcome: c.outcome, attempts: c.attempts, recorded });
    });
  };

  const sendWithRetries = async (out: OutgoingMessage, adapter: ChannelAdapter): Promise<{ result: SendResult; attempts: number }> => {
    let last: SendResult = { status: 'retry', reason: 'not tried' };
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(retry, attempt));
      try {
        last = await adapter.send(out);
      } catch (error) {
        last = { status: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
      if (last.status !== 'retry') return { result: last, attempts: attempt };
    }
    return { result: last, attempts: retry.attempts };
  };

  const deliver = async (row: OutboxRow) => {
    const m = row.message;
    // The log, not the view, says what was recorded: the view may lag behind another run.
    let state = initialDeliveryState();
    for await (const e of store.readStream(deliveryStreamName(m.messageId))) state = evolveDelivery(state, deliveryEvents.of(e));
    if (state.channels.some((c) => c.outcome === 'sent')) return;
    const done = new Set(state.channels.map((c) => c.channel));
    let first = done.size === 0;
    const link = m.kind === 'notice' && options.payLink ? await options.payLink(m).catch(() => null) : null;
    const templates = link ? { ...options.templates, howToPay: howToPayWithLink(link) } : options.templates;
    for (const channel of row.channels) {
      if (done.has(channel)) continue;
      const out: OutgoingMessage = {
        message: m,
        channel,
        to: addressOn(m, channel),
        rendered: renderMessage(m, channel, options.locale, templates),
        idempotencyKey: `${m.messageId}#${channel}`,
      };
      if (channel === 'letter') {
        if (!options.printer) {
          first = false;
          continue;
        }
        letters.push({ out, attempts: 1 });
        if (!first) fellBack++;
        return;
      }
      const adapter = options.adapters[channel];
      if (!adapter) {
        first = false;
        continue;
      }
      const { result, attempts } = await sendWithRetries(out, adapter);
      if (result.status === 'sent') {
        await record(m, channel, 'sent', attempts, { providerId: result.providerId, to: out.to });
        if (!first) fellBack++;
        return;
      }
      await record(m, channel, result.status === 'bounced' ? 'bounced' : 'failed', attempts, { to: out.to, reason: result.reason });
      first = false;
    }
    undelivered++;
  };

  const view = getOutboxView(database);
  let after = -1n;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const page = await view.list({ status: 'pending', after, limit: 500, ...(options.fromDay ? { fromDay: options.fromDay } : {}) });
    if (page.length === 0) break;
    for (const row of page) {
      after = row.position > after ? row.position : after;
      if (options.kinds && !options.kinds.includes(row.message.kind)) continue;
      if (messages >= limit) break;
      messages++;
      await deliver(row);
    }
    if (messages >= limit) break;
  }

  let document: string | null = null;
  if (letters.length > 0 && options.printer) {
    await flush();
    document = await options.printer.print(
      letters.map((l) => l.out),
      options.batchId ??
        clock()
          .replace(/[^0-9]/g, '')
          .slice(0, 14),
    );
    for (const l of letters) await record(l.out.message, 'letter', 'sent', l.attempts, { providerId: document, to: l.out.to });
  }
  await flush();
  // The outcomes just recorded, into the outbox.
  await getProjectionRunner({ store, database, projections: [projection] }).catchUp();
  return { messages, outcomes, fellBack, undelivered, letters: document };
};
