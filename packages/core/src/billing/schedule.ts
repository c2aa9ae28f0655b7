// When a contract's periods start and end. Periods follow the cadence (1, 3 or 12 months) and
// start on the billing day, counted in months from the month the contract starts; a billing day
// the month does not have (31 in February, 30 in February, 31 in April) falls on its last day, so
// billing day 31 gives [01-31, 02-28), [02-28, 03-31), [03-31, 04-30) ... The first period runs
// from the start date to the next billing day and the last one to the end date: both are
// prorated against the whole period they are part of. The month stepping and the clamping to a
// month's last day are date-fns' (calendar.ts clampedDayOfMonth).
import { clampedDayOfMonth, daysBetween, monthIndexOf, type BusinessDate, type Period } from '../calendar.js';
import type { Cadence } from '../contract/shapes.js';

export interface ScheduleTerms {
  readonly startDate: BusinessDate;
  readonly billingDay: number;
  readonly cadence: Cadence;
  /** The contract's end date (exclusive: the last day billed is the day before), if it ends. */
  readonly endDate?: BusinessDate | null;
}

/** One period of the schedule: what is billed, and the whole period it is part of. */
export interface ScheduledPeriod {
  /** `[start, end)` billed: the whole period, or its part after the start date / before the end date. */
  readonly period: Period;
  /** The whole period on the billing days that contains it: what proration divides by. */
  readonly full: Period;
  /** Number of the whole period counted from the month the contract starts (0 or -1 for the first). */
  readonly index: number;
}

export const MONTHS_PER_PERIOD: Readonly<Record<Cadence, number>> = { monthly: 1, quarterly: 3, yearly: 12 };

/** Start of whole period `index` (period 0 starts on the billing day of the start month). */
export const periodBoundary = (terms: ScheduleTerms, index: number): BusinessDate =>
  clampedDayOfMonth(monthIndexOf(terms.startDate) + index * MONTHS_PER_PERIOD[terms.cadence], terms.billingDay);

/** Index of the whole period that contains a date: boundary(index) <= date < boundary(index + 1). */
export const periodIndexOf = (terms: ScheduleTerms, date: BusinessDate): number => {
  const months = MONTHS_PER_PERIOD[terms.cadence];
  let index = Math.floor((monthIndexOf(date) - monthIndexOf(terms.startDate)) / months);
  while (periodBoundary(terms, index) > date) index--;
  while (periodBoundary(terms, index + 1) <= date) index++;
  return index;
};

const scheduledAt = (terms: ScheduleTerms, index: number): ScheduledPeriod | null => {
  const full = { start: periodBoundary(terms, index), end: periodBoundary(terms, index + 1) };
  const start = full.start < terms.startDate ? terms.startDate : full.start;
  const end = terms.endDate && terms.endDate < full.end ? terms.endDate : full.end;
  if (end <= start) return null;
  return { period: { start, end }, full, index };
};

/** The scheduled period that contains a date; null before the start date or on/after the end date. */
export const scheduledPeriodOn = (terms: ScheduleTerms, date: BusinessDate): ScheduledPeriod | null => {
  if (date < terms.startDate || (terms.endDate && date >= terms.endDate)) return null;
  return scheduledAt(terms, periodIndexOf(terms, date));
};

/** The scheduled period starting exactly on `start`, or null when no period starts that day. */
export const scheduledPeriodStarting = (terms: ScheduleTerms, start: BusinessDate): ScheduledPeriod | null => {
  const p = scheduledPeriodOn(terms, start);
  return p && p.period.start === start ? p : null;
};

/** The first scheduled period starting on or after a date, or null when the contract has ended by then. */
export const nextScheduledPeriod = (terms: ScheduleTerms, date: BusinessDate): ScheduledPeriod | null => {
  if (date <= terms.startDate) return scheduledPeriodOn(terms, terms.startDate);
  const on = scheduledPeriodOn(terms, date);
  if (on && on.period.start === date) return on;
  const next = scheduledAt(terms, periodIndexOf(terms, date) + 1);
  return next && (!terms.endDate || next.period.start < terms.endDate) ? next : null;
};

/** Every scheduled period starting on or before `until`, oldest first (none past the end date). */
export const scheduledPeriodsUntil = (terms: ScheduleTerms, until: BusinessDate): ScheduledPeriod[] => {
  const out: ScheduledPeriod[] = [];
  if (until < terms.startDate) return out;
  for (let index = periodIndexOf(terms, terms.startDate); ; index++) {
    const p = scheduledAt(terms, index);
    if (!p || p.period.start > until) return out;
    out.push(p);
  }
};

/** `count` consecutive scheduled periods starting with the one that starts on `from` (fewer when the contract ends). */
export const scheduledPeriodsFrom = (terms: ScheduleTerms, from: ScheduledPeriod, count: number): ScheduledPeriod[] => {
  const out: ScheduledPeriod[] = [];
  for (let index = from.index; out.length < count; index++) {
    const p = scheduledAt(terms, index);
    if (!p) break;
    out.push(p);
  }
  return out;
};

/** The fraction of its whole period a scheduled period covers, or undefined when it is whole. */
export const prorationOf = (p: { readonly period: Period; readonly full: Period }): { days: number; ofDays: number } | undefined => {
  const days = daysBetween(p.period.start, p.period.end);
  const ofDays = daysBetween(p.full.start, p.full.end);
  return days === ofDays ? undefined : { days, ofDays };
};
