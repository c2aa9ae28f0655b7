// The pieces a bill is made of, shared by the `Bill` command and the `Billed` event. Built twice:
// strict for commands (people type them), loose for events (newer writers may add fields).
import * as t from 'io-ts';
import { BusinessDateC } from '../calendar.js';
import { DecimalQuantityC, NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { IdC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { oneOf, shape, tagged } from '../shape.js';

const PositiveIntC = new t.Type<number, number, unknown>(
  'a positive integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u > 0 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);
export { PositiveIntC };

export const billShapes = (strict: boolean) => {
  // Commands are held to the input rules; stored events to the rules they were written under.
  const id = strict ? IdC : StoredIdC;
  const text = strict ? TextC : StoredTextC;
  const prorated = shape('Proration', { days: PositiveIntC, ofDays: PositiveIntC }, {}, strict);
  const basis = tagged('Basis', 'kind', {
    fixed: shape('fixed basis', { kind: t.literal('fixed') }, { rateMinor: NonNegativeMinorUnitsC, prorated }, strict),
    'per-area': shape(
      'per-area basis',
      { kind: t.literal('per-area'), quantity: DecimalQuantityC, rateMinor: NonNegativeMinorUnitsC },
      { prorated, unit: text },
      strict,
    ),
    'per-unit': shape(
      'per-unit basis',
      { kind: t.literal('per-unit'), quantity: DecimalQuantityC, rateMinor: NonNegativeMinorUnitsC },
      { prorated, unit: text },
      strict,
    ),
  });
  const line = shape('BillLine', { code: id, description: text, amountMinor: PositiveMinorUnitsC }, { basis }, strict);
  const discount = shape('Discount', { code: id, description: text, amountMinor: PositiveMinorUnitsC }, { eligibility: text }, strict);
  const installment = shape('Installment', { dueDate: BusinessDateC, amountMinor: PositiveMinorUnitsC }, {}, strict);
  // A shape rather than calendar's PeriodC (t.type, which lets unknown keys through into the
  // stored event): a typo inside `period` is reported like one anywhere else in a command.
  const period = shape('Period', { start: BusinessDateC, end: BusinessDateC }, {}, strict);
  return { prorated, basis, line, discount, installment, period };
};

// Strict and loose shapes have the same types; spelt from the factory so the declarations name
// only exported things (api/core.api.md).
export type Basis = t.TypeOf<ReturnType<typeof billShapes>['basis']>;
export type BillLine = t.TypeOf<ReturnType<typeof billShapes>['line']>;
export type Discount = t.TypeOf<ReturnType<typeof billShapes>['discount']>;
export type Installment = t.TypeOf<ReturnType<typeof billShapes>['installment']>;

export const PAYMENT_CHANNELS = ['cash', 'card', 'bank-transfer', 'alipay', 'wechat-pay', 'auto-debit', 'other'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
export const PaymentChannelC = oneOf(PAYMENT_CHANNELS);

export const REMINDER_CHANNELS = ['sms', 'email', 'app', 'letter', 'phone'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];
export const ReminderChannelC = oneOf(REMINDER_CHANNELS);

export const DISPUTE_OUTCOMES = ['upheld', 'partially-upheld', 'rejected'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];
export const DisputeOutcomeC = oneOf(DISPUTE_OUTCOMES);

export const PLAN_CANCEL_REASONS = ['defaulted', 'customer-request', 'renegotiated'] as const;
export type PlanCancelReason = (typeof PLAN_CANCEL_REASONS)[number];
export const PlanCancelReasonC = oneOf(PLAN_CANCEL_REASONS);
