// The events of a payment channel, in the streams `channel-<provider>-notification-<sha256>` and
// `channel-<provider>-refund-<refundId>`. Loose like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { StoredCurrencyC, StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { PositiveMinorUnitsC } from '../money.js';
import { ProviderC, ProviderRefundStatusC, RefusalReasonC } from './shapes.js';

const base = { commandId: StoredIdC, actor: StoredIdC, at: InstantC, provider: ProviderC };
const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const NotificationRefused = event('NotificationRefused', { payloadSha256: StoredIdC, reason: RefusalReasonC, detail: StoredTextC });
export const ProviderRefundAnswered = event(
  'ProviderRefundAnswered',
  {
    refundId: StoredIdC,
    cycleId: StoredIdC,
    paymentId: StoredIdC,
    amountMinor: PositiveMinorUnitsC,
    currency: StoredCurrencyC,
    status: ProviderRefundStatusC,
  },
  { providerRefundId: StoredIdC, providerCode: StoredIdC, detail: StoredTextC },
);

export const ChannelEventC = tagged('ChannelEvent', 'type', {
  NotificationRefused: NotificationRefused.codec,
  ProviderRefundAnswered: ProviderRefundAnswered.codec,
});

export type NotificationRefusedData = t.TypeOf<typeof NotificationRefused.data>;
export type ProviderRefundAnsweredData = t.TypeOf<typeof ProviderRefundAnswered.data>;
export type ChannelEvent = t.TypeOf<typeof ChannelEventC>;
export type ChannelEventType = ChannelEvent['type'];

export const CHANNEL_SCHEMA_VERSION: Readonly<Record<ChannelEventType, number>> = {
  NotificationRefused: 1,
  ProviderRefundAnswered: 1,
};

const decodeChannelEvent: (input: unknown) => E.Either<InvalidInput, ChannelEvent> = decodeOwnedWith(
  ChannelEventC,
  'payment channel event',
);

/** The payment channels' events for stores and handlers. */
export const channelEvents = eventCodec<ChannelEvent>({
  name: 'payment channel',
  schemaVersions: CHANNEL_SCHEMA_VERSION,
  decode: decodeChannelEvent,
});
