// The pieces a contract is made of, shared by its commands and events. Built twice, as the
// bill's pieces are: strict for commands (people type them), loose for events (newer writers may
// add fields).
import * as t from 'io-ts';
import { BusinessDateC } from '../calendar.js';
import { DecimalQuantityC, PositiveMinorUnitsC } from '../money.js';
import { CycleIdC, IdC, StoredCycleIdC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { oneOf, shape, tagged } from '../shape.js';
import { PositiveIntC } from '../cycle/shapes.js';

export const intBetween = (min: number, max: number) =>
  new t.Type<number, number, unknown>(
    `an integer from ${min} to ${max}`,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max ? t.success(u) : t.failure(u, c)),
    (a) => a,
  );

/** The day of the month periods start on; 29-31 fall on the month's last day in shorter months. */
export const BillingDayC = intBetween(1, 31);
/** Days from a period's start to its due date. */
export const DueAfterDaysC = intBetween(0, 366);

export const CADENCES = ['monthly', 'quarterly', 'yearly'] as const;
export type Cadence = (typeof CADENCES)[number];
export const CadenceC = oneOf(CADENCES);

export const MANDATE_METHODS = ['card', 'bank-account', 'alipay', 'wechat-pay'] as const;
export type MandateMethod = (typeof MANDATE_METHODS)[number];
export const MandateMethodC = oneOf(MANDATE_METHODS);

export const contractShapes = (strict: boolean) => {
  // Commands are held to the input rules; stored events to the rules they were written under.
  const id = strict ? IdC : StoredIdC;
  const text = strict ? TextC : StoredTextC;
  const cycleId = strict ? CycleIdC : StoredCycleIdC;
  const contact = shape('Contact', {}, { phone: text, email: text, address: text }, strict);
  const customer = shape('Customer', { name: text, contact }, {}, strict);
  const subject = tagged('Subject', 'kind', {
    'property-unit': shape('property-unit subject', { kind: t.literal('property-unit'), unit: text, areaM2: DecimalQuantityC }, {}, strict),
    parking: shape('parking subject', { kind: t.literal('parking'), spaces: PositiveIntC }, { location: text }, strict),
    membership: shape('membership subject', { kind: t.literal('membership'), plan: text }, { members: PositiveIntC }, strict),
  });
  const feeBasis = tagged('FeeBasis', 'kind', {
    fixed: shape('fixed fee', { kind: t.literal('fixed'), rateMinor: PositiveMinorUnitsC }, {}, strict),
    'per-area': shape('per-area fee', { kind: t.literal('per-area'), rateMinor: PositiveMinorUnitsC }, { unit: text }, strict),
    'per-unit': shape(
      'per-unit fee',
      { kind: t.literal('per-unit'), rateMinor: PositiveMinorUnitsC },
      { quantity: DecimalQuantityC, unit: text },
      strict,
    ),
  });
  const feeItem = shape('FeeItem', { code: id, description: text, basis: feeBasis }, {}, strict);
  const discountAmount = tagged('DiscountAmount', 'kind', {
    percent: shape('percent discount', { kind: t.literal('percent'), percent: DecimalQuantityC }, {}, strict),
    fixed: shape('fixed discount', { kind: t.literal('fixed'), amountMinor: PositiveMinorUnitsC }, {}, strict),
  });
  const eligibility = tagged('Eligibility', 'kind', {
    'paid-periods-in-advance': shape(
      'paid-periods-in-advance eligibility',
      { kind: t.literal('paid-periods-in-advance'), periods: PositiveIntC },
      {},
      strict,
    ),
    'tenure-at-least': shape('tenure-at-least eligibility', { kind: t.literal('tenure-at-least'), years: PositiveIntC }, {}, strict),
    'promotion-window': shape(
      'promotion-window eligibility',
      { kind: t.literal('promotion-window'), from: BusinessDateC, to: BusinessDateC },
      {},
      strict,
    ),
  });
  const discount = shape('ContractDiscount', { code: id, description: text, amount: discountAmount, eligibility }, {}, strict);
  const feePlan = shape('FeePlan', { items: t.readonlyArray(feeItem) }, { discounts: t.readonlyArray(discount) }, strict);
  /** A lump sum paid for `periods` scheduled periods starting with the one that starts on `from`. */
  const advance = shape('Advance', { from: BusinessDateC, periods: PositiveIntC }, {}, strict);
  const allocationPart = shape('AllocationPart', { cycleId, paymentId: id, amountMinor: PositiveMinorUnitsC }, {}, strict);
  return { contact, customer, subject, feeBasis, feeItem, discountAmount, eligibility, discount, feePlan, advance, allocationPart };
};

// Strict and loose shapes have the same types; spelt from the factory so the declarations name
// only exported things (api/core.api.md).
export type Contact = t.TypeOf<ReturnType<typeof contractShapes>['contact']>;
export type Customer = t.TypeOf<ReturnType<typeof contractShapes>['customer']>;
export type Subject = t.TypeOf<ReturnType<typeof contractShapes>['subject']>;
export type FeeBasis = t.TypeOf<ReturnType<typeof contractShapes>['feeBasis']>;
export type FeeItem = t.TypeOf<ReturnType<typeof contractShapes>['feeItem']>;
export type DiscountAmount = t.TypeOf<ReturnType<typeof contractShapes>['discountAmount']>;
export type Eligibility = t.TypeOf<ReturnType<typeof contractShapes>['eligibility']>;
export type ContractDiscount = t.TypeOf<ReturnType<typeof contractShapes>['discount']>;
export type FeePlan = t.TypeOf<ReturnType<typeof contractShapes>['feePlan']>;
export type Advance = t.TypeOf<ReturnType<typeof contractShapes>['advance']>;
export type AllocationPart = t.TypeOf<ReturnType<typeof contractShapes>['allocationPart']>;
