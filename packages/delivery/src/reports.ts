// Delivery-report intake: what a provider says later about a message it took (an e-mail DSN, an
// SMS gateway's delivery receipt), recorded as RecordDelivery on the message's stream. `delivered`
// becomes MessageDelivered; `bounced` after sent is a late bounce (MessageBounced on the channel
// it was sent on), which puts the message back in the outbox for the next channel by the policy,
// tried on the dispatcher's next run. The command id is the outcome's own
// (`deliver:<messageId>:<channel>:<status>`), so the same report twice records once.
//
// The format (docs/reminders-and-notices.md#delivery-reports), one JSON object a line:
//   { "messageId" | "idempotencyKey", "channel", "status": "delivered" | "bounced", "at", "reason"?, "providerId"? }
// A provider echoes the request id it was given (the idempotency key `<messageId>#<channel>`);
// a providerId, when given, must be the one recorded with MessageSent.
import {
  type DeliveryChannel,
  type Instant,
  type RecordDelivery,
  DELIVERY_CHANNELS,
  decodeDeliveryCommand,
  deliveryCommandId,
  deliveryDecider,
  deliveryEvents,
  deliveryStreamName,
  evolveDelivery,
  initialDeliveryState,
  isInstant,
} from '@renewal-ledger/core';
import type { AccessPolicy } from '@renewal-ledger/core';
import * as E from 'fp-ts/lib/Either.js';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, type ViewDatabase } from '@renewal-ledger/projections';
import { getOutboxProjection } from './outbox.js';

export const DELIVERY_REPORT_STATUSES = ['delivered', 'bounced'] as const;
export type DeliveryReportStatus = (typeof DELIVERY_REPORT_STATUSES)[number];

/** One provider's report about one message on one channel. */
export interface DeliveryReport {
  readonly messageId: string;
  readonly channel: DeliveryChannel;
  readonly status: DeliveryReportStatus;
  /** When the provider says it happened. */
  readonly at: Instant;
  readonly reason?: string;
  readonly providerId?: string;
}

/** A report that could not be read: where, and what was wrong. */
export class DeliveryReportError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`delivery report line ${line}: ${problem}`);
    this.name = 'DeliveryReportError';
  }
}

const text = (o: Record<string, unknown>, key: string): string | undefined =>
  typeof o[key] === 'string' && (o[key] as string) !== '' ? (o[key] as string) : undefined;

/** Reads one report (a parsed JSON value); throws DeliveryReportError naming the field. */
export const parseDeliveryReport = (value: unknown, line: number): DeliveryReport => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DeliveryReportError(line, 'not a JSON object');
  const o = value as Record<string, unknown>;
  const channel = text(o, 'channel');
  if (!channel || !(DELIVERY_CHANNELS as readonly string[]).includes(channel))
    throw new DeliveryReportError(line, `channel ${JSON.stringify(o.channel)}: one of ${DELIVERY_CHANNELS.join(', ')}`);
  const status = text(o, 'status');
  if (!status || !(DELIVERY_REPORT_STATUSES as readonly string[]).includes(status))
    throw new DeliveryReportError(line, `status ${JSON.stringify(o.status)}: one of ${DELIVERY_REPORT_STATUSES.join(', ')}`);
  const at = text(o, 'at');
  if (!at || !isInstant(at)) throw new DeliveryReportError(line, `at ${JSON.stringify(o.at)}: an instant such as 2026-01-16T02:00:00Z`);
  const key = text(o, 'idempotencyKey');
  let messageId = text(o, 'messageId');
  if (key !== undefined) {
    const hash = key.lastIndexOf('#');
    const fromKey = hash > 0 ? key.slice(0, hash) : undefined;
    if (!fromKey || key.slice(hash + 1) !== channel)
      throw new DeliveryReportError(line, `idempotencyKey ${JSON.stringify(key)}: <messageId>#${channel} expected`);
    if (messageId !== undefined && messageId !== fromKey)
      throw new DeliveryReportError(line, `messageId ${JSON.stringify(messageId)} and idempotencyKey ${JSON.stringify(key)} disagree`);
    messageId = fromKey;
  }
  if (!messageId) throw new DeliveryReportError(line, 'no messageId or idempotencyKey: which message is it about?');
  const reason = text(o, 'reason');
  const providerId = text(o, 'providerId');
  return {
    messageId,
    channel: channel as DeliveryChannel,
    status: status as DeliveryReportStatus,
    at: at as Instant,
    ...(reason !== undefined ? { reason } : {}),
    ...(providerId !== undefined ? { providerId } : {}),
  };
};

export interface ReportOutcome {
  readonly line: number;
  readonly messageId: string | null;
  readonly channel: DeliveryChannel | null;
  /** recorded now; a duplicate of what is recorded; refused (by a rule, or unreadable), with why. */
  readonly result: 'recorded' | 'duplicate' | 'refused';
  readonly problem?: string;
}

export interface ReportIntakeOptions {
  readonly store: EventStore;
  /** When given, the outbox view is brought up to date after (a late bounce makes a message pending again). */
  readonly database?: ViewDatabase;
  readonly actor?: string;
  readonly access?: { readonly policy: AccessPolicy; readonly role: string };
  readonly clock?: () => Instant;
  /** Reports from one channel's provider (an HTTP endpoint per channel): a line without a channel takes it, one naming another is refused. */
  readonly channel?: DeliveryChannel;
}

export interface ReportIntakeSummary {
  readonly reports: number;
  readonly delivered: number;
  readonly bounced: number;
  readonly duplicates: number;
  readonly refused: readonly ReportOutcome[];
}

/**
 * Records each report of `lines` (JSON text, one report a line; blank lines skipped), one at a
 * time so memory stays flat in the file's size. A line that cannot be read or that a rule
 * refuses (not sent on that channel, delivered already, another providerId) is listed and
 * changes nothing; the others are recorded.
 */
export const recordDeliveryReports = async (
  lines: AsyncIterable<string> | Iterable<string>,
  options: ReportIntakeOptions,
): Promise<ReportIntakeSummary> => {
  const { store } = options;
  const handler = getCommandHandler(deliveryDecider, {
    store,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.access ? { access: options.access.policy, role: options.access.role } : {}),
  });
  const summary = { reports: 0, delivered: 0, bounced: 0, duplicates: 0, refused: [] as ReportOutcome[] };
  let n = 0;
  for await (const raw of lines) {
    n++;
    if (raw.trim() === '') continue;
    summary.reports++;
    let report: DeliveryReport;
    try {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        throw new DeliveryReportError(n, `not JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      const only = options.channel;
      if (only !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const given = (value as { channel?: unknown }).channel;
        if (given === undefined) value = { ...value, channel: only };
        else if (given !== only)
          throw new DeliveryReportError(n, `channel ${JSON.stringify(given)}: this intake takes ${only} reports only`);
      }
      report = parseDeliveryReport(value, n);
    } catch (error) {
      if (!(error instanceof DeliveryReportError)) throw error;
      summary.refused.push({ line: n, messageId: null, channel: null, result: 'refused', problem: error.problem });
      continue;
    }
    const refuse = (problem: string) =>
      summary.refused.push({ line: n, messageId: report.messageId, channel: report.channel, result: 'refused', problem });
    // The stream says what was sent: a report is about a send the provider took. (The decider
    // alone would take a bounce on a channel never tried as a bounce while sending.)
    let state = initialDeliveryState();
    for await (const e of store.readStream(deliveryStreamName(report.messageId))) state = evolveDelivery(state, deliveryEvents.of(e));
    const found = state.channels.find((c) => c.channel === report.channel);
    if (report.status === 'bounced' && found?.outcome !== 'sent' && found?.outcome !== 'bounced') {
      refuse(`message ${report.messageId} on ${report.channel} was not recorded as sent: a provider cannot report it bounced`);
      continue;
    }
    const recorded = found?.recorded.providerId;
    if (report.providerId !== undefined && recorded !== undefined && recorded !== report.providerId) {
      refuse(`providerId ${JSON.stringify(report.providerId)} is not the one recorded when sent (${JSON.stringify(recorded)})`);
      continue;
    }
    const decoded = decodeDeliveryCommand({
      type: 'RecordDelivery',
      commandId: deliveryCommandId(report.messageId, report.channel, report.status),
      actor: options.actor ?? 'delivery',
      at: report.at,
      messageId: report.messageId,
      channel: report.channel,
      outcome: report.status,
      attempts: 1,
      ...(report.providerId !== undefined ? { providerId: report.providerId } : {}),
      ...(report.reason !== undefined ? { reason: report.reason } : {}),
    });
    if (E.isLeft(decoded)) {
      refuse(decoded.left.message);
      continue;
    }
    const command: RecordDelivery = decoded.right;
    const [result] = await handler.handleBatch([command]);
    if (result!.status === 'rejected') {
      if (result!.error.code === 'NOT_PERMITTED') throw new TypeError(result!.error.message);
      refuse(result!.error.message);
    } else if (result!.status === 'duplicate') summary.duplicates++;
    else summary[report.status]++;
  }
  if (options.database) await getProjectionRunner({ store, database: options.database, projections: [getOutboxProjection()] }).catchUp();
  return summary;
};
