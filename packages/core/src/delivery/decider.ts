// A message's deliveries as an aggregate, through the generic command handler like every other.
// The rule that makes "never twice" checkable: on each channel at most one outcome of the attempt
// (sent, bounced or failed) is ever recorded, and after `sent` at most one provider's report of
// what became of it: `delivered`, or `bounced` (a late bounce: an e-mail DSN, an SMS receipt
// saying the number is dead). A late bounce ends the channel as bounced, so the dispatcher falls
// back to the next; a report cannot be undone by another (delivered then bounced is refused, and
// the reverse). The same outcome again is a duplicate; another outcome is refused with what was
// recorded.
import * as E from 'fp-ts/lib/Either.js';
import type { Aggregate } from '../aggregate.js';
import type { Decision } from '../decider.js';
import type { DeliveryOutcome, RecordDelivery } from './commands.js';
import { deliveryEvents, type DeliveryChannel, type DeliveryEvent, type DeliveryEventData, type DeliveryEventType } from './events.js';

export const DELIVERY_STREAM_PREFIX = 'delivery-';
export const deliveryStreamName = (messageId: string): string => `${DELIVERY_STREAM_PREFIX}${messageId}`;

const OUTCOME_OF: Readonly<Record<DeliveryEventType, DeliveryOutcome>> = {
  MessageSent: 'sent',
  MessageDelivered: 'delivered',
  MessageBounced: 'bounced',
  MessageFailed: 'failed',
};
const EVENT_OF: Readonly<Record<DeliveryOutcome, DeliveryEventType>> = {
  sent: 'MessageSent',
  delivered: 'MessageDelivered',
  bounced: 'MessageBounced',
  failed: 'MessageFailed',
};

export interface ChannelDelivery {
  readonly channel: DeliveryChannel;
  /** sent, bounced or failed: the one final outcome on this channel (bounced after sent for a late bounce). */
  readonly outcome: Exclude<DeliveryOutcome, 'delivered'>;
  readonly delivered: boolean;
  /** A provider reported a bounce after the channel was recorded sent. */
  readonly bouncedAfterSent: boolean;
  readonly recorded: DeliveryEventData;
}

export interface DeliveryState {
  readonly messageId: string | null;
  /** In the order the channels were tried. */
  readonly channels: readonly ChannelDelivery[];
  readonly commandIds: readonly string[];
}

export interface DeliveryRuleDetails {
  OUTCOME_RECORDED: { messageId: string; channel: string; recorded: string; asked: string };
  NOT_SENT: { messageId: string; channel: string };
}
export type DeliveryRuleCode = keyof DeliveryRuleDetails;
export type DeliveryError = {
  [K in DeliveryRuleCode]: { readonly code: K; readonly message: string } & Readonly<DeliveryRuleDetails[K]>;
}[DeliveryRuleCode];

const messages: { [K in DeliveryRuleCode]: (d: DeliveryRuleDetails[K]) => string } = {
  OUTCOME_RECORDED: (d) => `message ${d.messageId} on ${d.channel}: ${d.recorded} is recorded already, not ${d.asked}`,
  NOT_SENT: (d) => `message ${d.messageId} on ${d.channel} was not recorded as sent: it cannot be delivered`,
};
const deliveryError = <K extends DeliveryRuleCode>(code: K, details: DeliveryRuleDetails[K]): DeliveryError =>
  ({ code, message: messages[code](details), ...details }) as DeliveryError;

export interface DeliveryDuplicate {
  readonly key: 'commandId' | 'outcome';
  readonly id: string;
}

export const initialDeliveryState = (): DeliveryState => ({ messageId: null, channels: [], commandIds: [] });

export const evolveDelivery = (state: DeliveryState, event: DeliveryEvent): DeliveryState => {
  const d = event.data;
  const outcome = OUTCOME_OF[event.type];
  const found = state.channels.find((c) => c.channel === d.channel);
  const channels =
    outcome === 'delivered'
      ? state.channels.map((c) => (c.channel === d.channel ? { ...c, delivered: true } : c))
      : found?.outcome === 'sent' && outcome === 'bounced'
        ? state.channels.map((c) => (c.channel === d.channel ? { ...c, outcome, bouncedAfterSent: true, recorded: d } : c))
        : [...state.channels, { channel: d.channel, outcome, delivered: false, bouncedAfterSent: false, recorded: d }];
  return { messageId: d.messageId, channels, commandIds: [...state.commandIds, d.commandId] };
};

export const decideDelivery = (
  c: RecordDelivery,
  state: DeliveryState,
): E.Either<DeliveryError, Decision<DeliveryEvent, DeliveryDuplicate>> => {
  if (state.commandIds.includes(c.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: c.commandId } });
  const { type: _type, outcome, ...data } = c;
  const found = state.channels.find((x) => x.channel === c.channel);
  const event = { type: EVENT_OF[outcome], data } as DeliveryEvent;
  if (outcome === 'delivered') {
    if (found?.outcome !== 'sent') return E.left(deliveryError('NOT_SENT', { messageId: c.messageId, channel: c.channel }));
    return found.delivered
      ? E.right({ events: [], duplicate: { key: 'outcome', id: c.messageId } })
      : E.right({ events: [event], duplicate: null });
  }
  // A late bounce: the provider took the message, then reported it could not deliver it.
  if (outcome === 'bounced' && found?.outcome === 'sent') {
    if (found.delivered)
      return E.left(
        deliveryError('OUTCOME_RECORDED', { messageId: c.messageId, channel: c.channel, recorded: 'delivered', asked: outcome }),
      );
    return E.right({ events: [event], duplicate: null });
  }
  if (found)
    return found.outcome === outcome
      ? E.right({ events: [], duplicate: { key: 'outcome', id: c.messageId } })
      : E.left(deliveryError('OUTCOME_RECORDED', { messageId: c.messageId, channel: c.channel, recorded: found.outcome, asked: outcome }));
  return E.right({ events: [event], duplicate: null });
};

/** Where a message stands: sent on a channel, or every channel tried bounced or failed, or nothing recorded. */
export interface DeliveryStatus {
  readonly messageId: string | null;
  readonly channels: readonly ChannelDelivery[];
  /** The channel it went out on, if any. */
  readonly sentOn: DeliveryChannel | null;
}
export const deliveryStatus = (state: DeliveryState): DeliveryStatus => ({
  messageId: state.messageId,
  channels: state.channels,
  sentOn: state.channels.find((c) => c.outcome === 'sent')?.channel ?? null,
});

export const deliveryDecider: Aggregate<RecordDelivery, DeliveryEvent, DeliveryState, DeliveryError, DeliveryDuplicate, DeliveryStatus> = {
  decide: decideDelivery,
  evolve: evolveDelivery,
  initialState: initialDeliveryState,
  streamName: (command) => deliveryStreamName(command.messageId),
  events: deliveryEvents,
  figures: deliveryStatus,
};
