// Recording what became of a message on one channel. Strict, like every command.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { IdC, TextC } from '../ids.js';
import { oneOf, shape } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { DeliveryChannelC } from './events.js';

export const DELIVERY_OUTCOMES = ['sent', 'delivered', 'bounced', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

const AttemptsC = new t.Type<number, number, unknown>(
  'a number of attempts (1 or more)',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export const RecordDeliveryC = shape(
  'RecordDelivery command',
  {
    type: t.literal('RecordDelivery'),
    commandId: IdC,
    actor: IdC,
    at: InstantC,
    messageId: IdC,
    channel: DeliveryChannelC,
    outcome: oneOf(DELIVERY_OUTCOMES),
    attempts: AttemptsC,
  },
  { providerId: TextC, to: TextC, reason: TextC },
);
export type RecordDelivery = t.TypeOf<typeof RecordDeliveryC>;

export const decodeDeliveryCommand = (input: unknown): E.Either<InvalidInput, RecordDelivery> =>
  decodeWith(RecordDeliveryC, 'delivery command')(input);

/** The command id of an outcome: one per message, channel and outcome, so a retried record is a duplicate. */
export const deliveryCommandId = (messageId: string, channel: string, outcome: DeliveryOutcome): string =>
  `deliver:${messageId}:${channel}:${outcome}`;
