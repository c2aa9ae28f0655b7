// The thresholds that put a contract in a customer type (docs/customer-types.md): configuration,
// decoded from JSON like the access policy, with the defaults the documentation explains.
import type * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { PositiveIntC } from '../cycle/shapes.js';
import { shape } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { RateBpC } from '../collectors/shapes.js';

export const CustomerTypeThresholdsC = shape('CustomerTypeThresholds', {
  /** How many of the most recent decided cycles are judged. */
  lastCycles: PositiveIntC,
  /** Fewer decided cycles than this: too little history for loyal, hesitant or impulsive. */
  minCycles: PositiveIntC,
  /** Loyal: on time in at least this share of the cycles judged (basis points). */
  loyalOnTimeBp: RateBpC,
  /** Hesitant: at least this many reminders sent ... */
  hesitantMinReminders: PositiveIntC,
  /** ... and at least this share of them followed by a payment within the reminder window. */
  hesitantPaidAfterBp: RateBpC,
  /** Demanding: at least this many disputes and complaints together ... */
  demandingMinCases: PositiveIntC,
  /** ... raised or received in the days up to the date asked. */
  demandingWithinDays: PositiveIntC,
  /** Impulsive: at least this share of the settled cycles judged settled in bursts (two or more cycles settled the same day). */
  impulsiveBurstBp: RateBpC,
});
export type CustomerTypeThresholds = t.TypeOf<typeof CustomerTypeThresholdsC>;

export const DEFAULT_CUSTOMER_TYPE_THRESHOLDS: CustomerTypeThresholds = {
  lastCycles: 12,
  minCycles: 3,
  loyalOnTimeBp: 9000,
  hesitantMinReminders: 2,
  hesitantPaidAfterBp: 5000,
  demandingMinCases: 2,
  demandingWithinDays: 365,
  impulsiveBurstBp: 5000,
};

export const decodeCustomerTypeThresholds = (input: unknown): E.Either<InvalidInput, CustomerTypeThresholds> =>
  decodeWith(CustomerTypeThresholdsC, 'customer type thresholds')(input);
