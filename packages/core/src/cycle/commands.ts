// The twelve commands of a renewal cycle, exactly as they travel as JSON (see docs/events.md).
// The commands of a renewal cycle, exactly as they travel as JSON (see docs/events.md).
// Strict: an unknown field is an error, so a typo is reported instead of silently dropped.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { ContractIdC, CurrencyC, CycleIdC, IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { billShapes, DisputeOutcomeC, PaymentChannelC, PlanCancelReasonC, PositiveIntC, ReminderChannelC } from './shapes.js';

const s = billShapes(true);

const base = { commandId: IdC, cycleId: CycleIdC, actor: IdC, at: InstantC };

const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

export const BillC = command(
  'Bill',
  {
    contractId: ContractIdC,
    period: s.period,
    dueDate: BusinessDateC,
    currency: CurrencyC,
    lines: t.readonlyArray(s.line),
  },
  { discounts: t.readonlyArray(s.discount) },
);
export const RecordPaymentC = command(
  'RecordPayment',
  { paymentId: IdC, amountMinor: PositiveMinorUnitsC, channel: PaymentChannelC },
  // lumpSumId: a part of a lump sum received for the contract; creditApplicationId: paid from
  // the contract's credit (not new money). Both set by the renewal engine (docs/renewals.md).
  // lateFeeMinor: the part that pays the cycle's late fee (absent: what exceeds the principal
  // outstanding, principal first); the lump-sum allocation sets it by the late-fee policy.
  {
    reference: IdC,
    offline: t.boolean,
    currency: CurrencyC,
    lumpSumId: IdC,
    creditApplicationId: IdC,
    lateFeeMinor: NonNegativeMinorUnitsC,
  },
);
export const RaiseDisputeC = command(
  'RaiseDispute',
  { disputeId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC },
  { lineCode: IdC },
);
export const ResolveDisputeC = command(
  'ResolveDispute',
  { disputeId: IdC, outcome: DisputeOutcomeC, adjustmentMinor: NonNegativeMinorUnitsC },
  { note: TextC },
);
export const AgreeInstallmentsC = command('AgreeInstallments', {
  planId: IdC,
  installments: t.readonlyArray(s.installment),
});
export const CancelInstallmentsC = command('CancelInstallments', { planId: IdC, reason: PlanCancelReasonC });
export const RefundC = command('Refund', {
  refundId: IdC,
  paymentId: IdC,
  amountMinor: PositiveMinorUnitsC,
  reason: TextC,
});
export const AdjustC = command('Adjust', { adjustmentId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC });
export const SendReminderC = command('SendReminder', { reminderId: IdC, channel: ReminderChannelC }, { level: PositiveIntC });
export const WriteOffC = command('WriteOff', { writeOffId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC });
/** A payment gateway could not collect an auto-debit: the failure and whether to try again. */
export const RecordAutoDebitFailureC = command(
  'RecordAutoDebitFailure',
  {
    attemptId: IdC,
    amountMinor: PositiveMinorUnitsC,
    dueDate: BusinessDateC,
    attempt: PositiveIntC,
    failureCode: IdC,
    reason: TextC,
    retryable: t.boolean,
  },
  { mandateId: IdC },
);
/**
 * A recorded payment that did not hold (a bounced transfer, a card chargeback, a provider's
 * reversal): not a refund (the business returned nothing), so it reopens what it paid.
 */
export const ReversePaymentC = command(
  'ReversePayment',
  { reversalId: IdC, paymentId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC },
  { reference: IdC },
);

// Approvals (docs/roles-and-approvals.md): money going out over the actor's limit is first asked
// for; the generic command handler turns an over-limit Refund, Adjust or WriteOff into a
// RequestApproval. `requestId` is the money-out id (refundId, adjustmentId or writeOffId).
export const MoneyOutKindC = t.union([t.literal('Refund'), t.literal('Adjust'), t.literal('WriteOff')], 'MoneyOutKind');
export const RequestApprovalC = command(
  'RequestApproval',
  { requestId: IdC, role: IdC, kind: MoneyOutKindC, amountMinor: PositiveMinorUnitsC, reason: TextC },
  { paymentId: IdC },
);
export const ApproveRequestC = command('ApproveRequest', { requestId: IdC }, { note: TextC });
export const RejectRequestC = command('RejectRequest', { requestId: IdC, reason: TextC });
export const ExpireRequestC = command('ExpireRequest', { requestId: IdC });
/** The late-fee run's charge (docs/late-fees.md): chargeId and commandId derive from the cycle and `asOf`. */
export const ChargeLateFeeC = command('ChargeLateFee', {
  chargeId: IdC,
  asOf: BusinessDateC,
  amountMinor: PositiveMinorUnitsC,
  overdueMinor: NonNegativeMinorUnitsC,
  chargeableDays: PositiveIntC,
});
/** Waives all or part of the late fee still open on the cycle, with a reason. */
export const WaiveLateFeeC = command('WaiveLateFee', { waiverId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC });

export const RenewalCommandC = tagged('RenewalCommand', 'type', {
  Bill: BillC,
  RecordPayment: RecordPaymentC,
  RaiseDispute: RaiseDisputeC,
  ResolveDispute: ResolveDisputeC,
  AgreeInstallments: AgreeInstallmentsC,
  CancelInstallments: CancelInstallmentsC,
  Refund: RefundC,
  Adjust: AdjustC,
  SendReminder: SendReminderC,
  WriteOff: WriteOffC,
  RecordAutoDebitFailure: RecordAutoDebitFailureC,
  ReversePayment: ReversePaymentC,
  RequestApproval: RequestApprovalC,
  ApproveRequest: ApproveRequestC,
  RejectRequest: RejectRequestC,
  ExpireRequest: ExpireRequestC,
  ChargeLateFee: ChargeLateFeeC,
  WaiveLateFee: WaiveLateFeeC,
});

export type Bill = t.TypeOf<typeof BillC>;
export type RecordPayment = t.TypeOf<typeof RecordPaymentC>;
export type RaiseDispute = t.TypeOf<typeof RaiseDisputeC>;
export type ResolveDispute = t.TypeOf<typeof ResolveDisputeC>;
export type AgreeInstallments = t.TypeOf<typeof AgreeInstallmentsC>;
export type CancelInstallments = t.TypeOf<typeof CancelInstallmentsC>;
export type Refund = t.TypeOf<typeof RefundC>;
export type Adjust = t.TypeOf<typeof AdjustC>;
export type SendReminder = t.TypeOf<typeof SendReminderC>;
export type WriteOff = t.TypeOf<typeof WriteOffC>;
export type RecordAutoDebitFailure = t.TypeOf<typeof RecordAutoDebitFailureC>;
export type ReversePayment = t.TypeOf<typeof ReversePaymentC>;
export type MoneyOutKind = t.TypeOf<typeof MoneyOutKindC>;
export type RequestApproval = t.TypeOf<typeof RequestApprovalC>;
export type ApproveRequest = t.TypeOf<typeof ApproveRequestC>;
export type RejectRequest = t.TypeOf<typeof RejectRequestC>;
export type ExpireRequest = t.TypeOf<typeof ExpireRequestC>;
export type ChargeLateFee = t.TypeOf<typeof ChargeLateFeeC>;
export type WaiveLateFee = t.TypeOf<typeof WaiveLateFeeC>;
export type RenewalCommand = t.TypeOf<typeof RenewalCommandC>;
export type RenewalCommandType = RenewalCommand['type'];
export const RENEWAL_COMMAND_TYPES = Object.keys(RenewalCommandC.members) as RenewalCommandType[];

/** Decode a command from untrusted JSON (an HTTP body, a JSONL line): every problem with its path. */
export const decodeCommand: (input: unknown) => E.Either<InvalidInput, RenewalCommand> = (input) =>
  decodeWith(RenewalCommandC, `${commandName(input)} command`)(input);

const commandName = (input: unknown): string => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type in RenewalCommandC.members ? type : 'renewal';
};

/** The JSON form of a command (brands dropped). */
export const encodeCommand = (c: RenewalCommand): t.OutputOf<typeof RenewalCommandC> => RenewalCommandC.encode(c);
