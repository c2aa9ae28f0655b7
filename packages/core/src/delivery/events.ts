// The outcomes of delivering a message, one stream per message (`delivery-<messageId>`): sent
// (the provider took it), delivered (the provider reported it arrived), bounced (refused for
// good: a rejected address) and failed (given up after the retries). Loose, like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { oneOf, shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';

export const DELIVERY_CHANNELS = ['email', 'sms', 'app', 'letter'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DeliveryChannelC = oneOf(DELIVERY_CHANNELS);

const AttemptsC = new t.Type<number, number, unknown>(
  'a number of attempts (1 or more)',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

const base = { messageId: StoredIdC, channel: DeliveryChannelC, commandId: StoredIdC, actor: StoredIdC, at: InstantC, attempts: AttemptsC };
const event = <T extends string>(type: T) =>
  shape(
    `${type} event`,
    {
      type: t.literal(type),
      // providerId: the id the provider knows the message by (the e-mail's Message-ID, which is
      // also the idempotency key sent); to: the address used; reason: the provider's answer.
      data: shape(`${type} data`, base, { providerId: StoredTextC, to: StoredTextC, reason: StoredTextC }, false),
    },
    {},
    false,
  );

export const MessageSent = event('MessageSent');
export const MessageDelivered = event('MessageDelivered');
export const MessageBounced = event('MessageBounced');
export const MessageFailed = event('MessageFailed');

export const DeliveryEventC = tagged('DeliveryEvent', 'type', { MessageSent, MessageDelivered, MessageBounced, MessageFailed });
export type DeliveryEvent = t.TypeOf<typeof DeliveryEventC>;
export type DeliveryEventType = DeliveryEvent['type'];
export type DeliveryEventData = DeliveryEvent['data'];

export const DELIVERY_EVENT_TYPES: readonly DeliveryEventType[] = ['MessageSent', 'MessageDelivered', 'MessageBounced', 'MessageFailed'];
export const DELIVERY_SCHEMA_VERSION: Readonly<Record<DeliveryEventType, number>> = {
  MessageSent: 1,
  MessageDelivered: 1,
  MessageBounced: 1,
  MessageFailed: 1,
};

export const decodeDeliveryEvent: (input: unknown) => E.Either<InvalidInput, DeliveryEvent> = decodeOwnedWith(
  DeliveryEventC,
  'delivery event',
);

export const deliveryEvents = eventCodec<DeliveryEvent>({
  name: 'delivery',
  schemaVersions: DELIVERY_SCHEMA_VERSION,
  decode: decodeDeliveryEvent,
});
