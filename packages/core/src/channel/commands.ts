// The commands of a payment channel, as they travel as JSON: a refused notification kept as a
// fact, and a provider's answer to a refund the ledger sent it.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { CurrencyC, IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { PositiveMinorUnitsC } from '../money.js';
import { ProviderC, ProviderRefundStatusC, RefusalReasonC } from './shapes.js';

const base = { commandId: IdC, actor: IdC, at: InstantC, provider: ProviderC };
const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

export const RecordRefusedNotificationC = command('RecordRefusedNotification', {
  /** sha256 of the raw payload as it arrived (64 lowercase hex digits): its identity. */
  payloadSha256: IdC,
  reason: RefusalReasonC,
  detail: TextC,
});
export const RecordProviderRefundC = command(
  'RecordProviderRefund',
  {
    refundId: IdC,
    cycleId: IdC,
    paymentId: IdC,
    amountMinor: PositiveMinorUnitsC,
    currency: CurrencyC,
    status: ProviderRefundStatusC,
  },
  {
    /** The provider's own number for the refund, when it gave one. */
    providerRefundId: IdC,
    /** The provider's error code of a refused refund (`ACQ.TRADE_NOT_EXIST`, `NOT_ENOUGH`). */
    providerCode: IdC,
    detail: TextC,
  },
);

export const ChannelCommandC = tagged('ChannelCommand', 'type', {
  RecordRefusedNotification: RecordRefusedNotificationC,
  RecordProviderRefund: RecordProviderRefundC,
});

export type RecordRefusedNotification = t.TypeOf<typeof RecordRefusedNotificationC>;
export type RecordProviderRefund = t.TypeOf<typeof RecordProviderRefundC>;
export type ChannelCommand = t.TypeOf<typeof ChannelCommandC>;

export const decodeChannelCommand: (input: unknown) => E.Either<InvalidInput, ChannelCommand> = decodeWith(
  ChannelCommandC,
  'payment channel command',
);
