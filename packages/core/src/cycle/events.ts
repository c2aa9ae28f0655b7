// The events of a renewal cycle: `{ type, data }`. Stored events live forever, so these shapes
// only ever grow by optional fields; a change of meaning gets a new schema version and an
// upcaster (see ../upcasting.ts). Decoding is loose: fields a newer writer added are ignored.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { StoredContractIdC, StoredCurrencyC, StoredCycleIdC, StoredIdC, StoredTextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { eventCodec } from '../event-codec.js';
import { billShapes, DisputeOutcomeC, PaymentChannelC, PlanCancelReasonC, PositiveIntC, ReminderChannelC } from './shapes.js';

const s = billShapes(false);
const base = { cycleId: StoredCycleIdC, commandId: StoredIdC, actor: StoredIdC, at: InstantC };

const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const Billed = event('Billed', {
  contractId: StoredContractIdC,
  period: s.period,
  dueDate: BusinessDateC,
  currency: StoredCurrencyC,
  lines: t.readonlyArray(s.line),
  discounts: t.readonlyArray(s.discount),
  totalMinor: NonNegativeMinorUnitsC,
});
export const Paid = event(
  'Paid',
  { paymentId: StoredIdC, amountMinor: PositiveMinorUnitsC, channel: PaymentChannelC },
  // lateFeeMinor (added with late fees): the part of the payment that paid the cycle's late fee.
  {
    reference: StoredIdC,
    offline: t.boolean,
    currency: StoredCurrencyC,
    lumpSumId: StoredIdC,
    creditApplicationId: StoredIdC,
    lateFeeMinor: PositiveMinorUnitsC,
  },
);
export const Disputed = event(
  'Disputed',
  { disputeId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC },
  { lineCode: StoredIdC },
);
export const DisputeResolved = event(
  'DisputeResolved',
  { disputeId: StoredIdC, outcome: DisputeOutcomeC, adjustmentMinor: NonNegativeMinorUnitsC },
  { note: StoredTextC },
);
export const InstallmentAgreed = event('InstallmentAgreed', {
  planId: StoredIdC,
  installments: t.readonlyArray(s.installment),
});
export const InstallmentPlanCancelled = event('InstallmentPlanCancelled', { planId: StoredIdC, reason: PlanCancelReasonC });
export const Refunded = event(
  'Refunded',
  { refundId: StoredIdC, paymentId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC },
  // lateFeeMinor (added with late fees): the part of the refund that gives back a late fee paid.
  { lateFeeMinor: PositiveMinorUnitsC },
);
export const Adjusted = event('Adjusted', { adjustmentId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC });
export const ReminderSent = event('ReminderSent', { reminderId: StoredIdC, channel: ReminderChannelC }, { level: PositiveIntC });
export const WrittenOff = event('WrittenOff', { writeOffId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC });
/** Added with the renewal engine: a new type, so no earlier event changes meaning. */
export const AutoDebitFailed = event(
  'AutoDebitFailed',
  {
    attemptId: StoredIdC,
    amountMinor: PositiveMinorUnitsC,
    dueDate: BusinessDateC,
    attempt: PositiveIntC,
    failureCode: StoredIdC,
    reason: StoredTextC,
    retryable: t.boolean,
  },
  { mandateId: StoredIdC },
);

/** Added with reconciliation: a payment that bounced or was charged back (see ReversePayment). */
export const PaymentReversed = event(
  'PaymentReversed',
  { reversalId: StoredIdC, paymentId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC },
  // lateFeeMinor (set by the decider, like Refunded's): the part that reverses a late-fee payment.
  { reference: StoredIdC, lateFeeMinor: PositiveMinorUnitsC },
);
/** Added with approvals (docs/roles-and-approvals.md): new types, no earlier event changes meaning. */
export const ApprovalRequested = event(
  'ApprovalRequested',
  {
    requestId: StoredIdC,
    role: StoredIdC,
    kind: t.union([t.literal('Refund'), t.literal('Adjust'), t.literal('WriteOff')]),
    amountMinor: PositiveMinorUnitsC,
    reason: StoredTextC,
  },
  { paymentId: StoredIdC },
);
export const RequestApproved = event('RequestApproved', { requestId: StoredIdC }, { note: StoredTextC });
export const RequestRejected = event('RequestRejected', { requestId: StoredIdC, reason: StoredTextC });
export const RequestExpired = event('RequestExpired', { requestId: StoredIdC });
/** Added with late fees (docs/late-fees.md): the late fee accrued as of `asOf`, beyond what was charged before. */
export const LateFeeCharged = event('LateFeeCharged', {
  chargeId: StoredIdC,
  asOf: BusinessDateC,
  amountMinor: PositiveMinorUnitsC,
  overdueMinor: NonNegativeMinorUnitsC,
  chargeableDays: PositiveIntC,
});
export const LateFeeWaived = event('LateFeeWaived', { waiverId: StoredIdC, amountMinor: PositiveMinorUnitsC, reason: StoredTextC });

export const RenewalEventC = tagged('RenewalEvent', 'type', {
  Billed: Billed.codec,
  Paid: Paid.codec,
  Disputed: Disputed.codec,
  DisputeResolved: DisputeResolved.codec,
  InstallmentAgreed: InstallmentAgreed.codec,
  InstallmentPlanCancelled: InstallmentPlanCancelled.codec,
  Refunded: Refunded.codec,
  Adjusted: Adjusted.codec,
  ReminderSent: ReminderSent.codec,
  WrittenOff: WrittenOff.codec,
  AutoDebitFailed: AutoDebitFailed.codec,
  PaymentReversed: PaymentReversed.codec,
  ApprovalRequested: ApprovalRequested.codec,
  RequestApproved: RequestApproved.codec,
  RequestRejected: RequestRejected.codec,
  RequestExpired: RequestExpired.codec,
  LateFeeCharged: LateFeeCharged.codec,
  LateFeeWaived: LateFeeWaived.codec,
});

export type BilledData = t.TypeOf<typeof Billed.data>;
export type PaidData = t.TypeOf<typeof Paid.data>;
export type DisputedData = t.TypeOf<typeof Disputed.data>;
export type DisputeResolvedData = t.TypeOf<typeof DisputeResolved.data>;
export type InstallmentAgreedData = t.TypeOf<typeof InstallmentAgreed.data>;
export type InstallmentPlanCancelledData = t.TypeOf<typeof InstallmentPlanCancelled.data>;
export type RefundedData = t.TypeOf<typeof Refunded.data>;
export type AdjustedData = t.TypeOf<typeof Adjusted.data>;
export type ReminderSentData = t.TypeOf<typeof ReminderSent.data>;
export type WrittenOffData = t.TypeOf<typeof WrittenOff.data>;
export type AutoDebitFailedData = t.TypeOf<typeof AutoDebitFailed.data>;
export type PaymentReversedData = t.TypeOf<typeof PaymentReversed.data>;
export type ApprovalRequestedData = t.TypeOf<typeof ApprovalRequested.data>;
export type RequestApprovedData = t.TypeOf<typeof RequestApproved.data>;
export type RequestRejectedData = t.TypeOf<typeof RequestRejected.data>;
export type RequestExpiredData = t.TypeOf<typeof RequestExpired.data>;
export type LateFeeChargedData = t.TypeOf<typeof LateFeeCharged.data>;
export type LateFeeWaivedData = t.TypeOf<typeof LateFeeWaived.data>;

export type RenewalEvent = t.TypeOf<typeof RenewalEventC>;
export type RenewalEventType = RenewalEvent['type'];
export type RenewalEventOf<T extends RenewalEventType> = Extract<RenewalEvent, { type: T }>;

/** The schema version every event is written with today. Bump per type, with an upcaster. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<RenewalEventType, number>> = {
  Billed: 1,
  Paid: 1,
  Disputed: 1,
  DisputeResolved: 1,
  InstallmentAgreed: 1,
  InstallmentPlanCancelled: 1,
  Refunded: 1,
  Adjusted: 1,
  ReminderSent: 1,
  WrittenOff: 1,
  AutoDebitFailed: 1,
  PaymentReversed: 1,
  ApprovalRequested: 1,
  RequestApproved: 1,
  RequestRejected: 1,
  RequestExpired: 1,
  LateFeeCharged: 1,
  LateFeeWaived: 1,
};

/** Decodes an event the caller owns (e.g. just parsed from storage): it may be returned as is. */
export const decodeEvent: (input: unknown) => E.Either<InvalidInput, RenewalEvent> = decodeOwnedWith(RenewalEventC, 'renewal event');

export const encodeEvent = (e: RenewalEvent): t.OutputOf<typeof RenewalEventC> => RenewalEventC.encode(e);

/** The cycle's events for stores and handlers: versions, validation, and `of` for events read. */
export const cycleEvents = eventCodec<RenewalEvent>({ name: 'renewal cycle', schemaVersions: CURRENT_SCHEMA_VERSION, decode: decodeEvent });

export const isRenewalEventType = cycleEvents.owns;

export const RENEWAL_EVENT_TYPES = cycleEvents.types;
