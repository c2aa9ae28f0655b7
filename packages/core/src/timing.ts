// Business times a person types can be wrong in ways no money rule sees: 1900 for 2026, 2062 for
// 2026, a due date a year before its period, a refund before the payment it refunds. The rule
// (docs/events.md, "Questionable business times") refuses those and nothing real practice needs:
// - A fact about a cycle (its bill, a payment, a dispute, a reminder...) is dated within ten
//   years of its period: from ten years before the period starts (prepayments, advances of many
//   periods) to ten years after it ends (old debt collected late). Payments before the due date,
//   offline payments entered days later (`at` is when the money moved; when it was keyed in is
//   `recordedAt`, which no rule limits) and imports of old history all fall inside.
// - A bill's due date lies within a year (366 days) of its period: before it for billing in
//   advance, after it for billing in arrears.
// - What follows a fact is not dated before it: a refund before its payment, a dispute resolved
//   before it was raised, a plan cancelled before it was agreed.
// Dates are compared as UTC calendar dates (a window of years does not depend on the zone).
import { addDaysTo, dayInZone, type BusinessDate, type Instant, type Period } from './calendar.js';

/** Ten years, in days (3,652.5 rounded up). */
export const PLAUSIBLE_DAYS = 3653;
/** A year, leap year included. */
export const DUE_DATE_SLACK_DAYS = 366;

export interface DateWindow {
  readonly earliest: BusinessDate;
  /** Null: no upper limit. */
  readonly latest: BusinessDate | null;
}

/** When a fact about a cycle of `period` may be dated. */
export const factWindow = (period: Period): DateWindow => ({
  earliest: addDaysTo(-PLAUSIBLE_DAYS)(period.start),
  latest: addDaysTo(PLAUSIBLE_DAYS)(period.end),
});

/** When the bill of `period` may be due. */
export const dueDateWindow = (period: Period): DateWindow => ({
  earliest: addDaysTo(-DUE_DATE_SLACK_DAYS)(period.start),
  latest: addDaysTo(DUE_DATE_SLACK_DAYS)(period.end),
});

/** When a fact about a contract that starts on `startDate` may be dated (no upper limit: a contract has no end of its own). */
export const contractWindow = (startDate: BusinessDate): DateWindow => ({ earliest: addDaysTo(-PLAUSIBLE_DAYS)(startDate), latest: null });

/** The date of a business date or instant, when it falls outside the window; null inside. */
export const outsideWindow = (value: BusinessDate | Instant, window: DateWindow): BusinessDate | null => {
  const date = value.length === 10 ? (value as BusinessDate) : dayInZone(value as Instant, 'UTC');
  return date < window.earliest || (window.latest !== null && date > window.latest) ? date : null;
};

/** Whether instant `at` is strictly before `origin`. */
export const isBefore = (at: Instant, origin: Instant): boolean => Date.parse(at) < Date.parse(origin);
