// Business dates are calendar dates with no time zone (`2026-01-31`); instants are UTC
// timestamps (`2026-01-31T09:30:00Z`). The core never reads a clock: both come in with commands.
import * as t from 'io-ts';
import { addDays, differenceInCalendarDays, formatISO, isValid, parseISO } from 'date-fns';

export interface BusinessDateBrand {
  readonly BusinessDate: unique symbol;
}
/** A real calendar date `YYYY-MM-DD` (`2026-02-30` is refused). */
export type BusinessDate = string & BusinessDateBrand;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isBusinessDate = (u: unknown): u is BusinessDate => {
  if (typeof u !== 'string' || !DATE.test(u)) return false;
  const d = parseISO(u);
  // parseISO rolls nothing over, but a round trip is the simplest proof that the day exists.
  return isValid(d) && formatISO(d, { representation: 'date' }) === u;
};
export const BusinessDateC = new t.Type<BusinessDate, string, unknown>(
  'a calendar date YYYY-MM-DD',
  isBusinessDate,
  (u, c) => (isBusinessDate(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export interface InstantBrand {
  readonly Instant: unique symbol;
}
/** A UTC ISO-8601 timestamp: `2026-01-31T09:30:00Z` or with milliseconds `...:00.123Z`. */
export type Instant = string & InstantBrand;

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
export const isInstant = (u: unknown): u is Instant => {
  if (typeof u !== 'string') return false;
  const m = INSTANT.exec(u);
  return m !== null && isBusinessDate(m[1]);
};
export const InstantC = new t.Type<Instant, string, unknown>(
  'a UTC timestamp YYYY-MM-DDTHH:mm:ss[.sss]Z',
  isInstant,
  (u, c) => (isInstant(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** Milliseconds since the epoch of an instant: for ordering, never for money. */
export const instantMillis = (i: Instant): number => Date.parse(i);
export const compareInstants = (a: Instant, b: Instant): number => instantMillis(a) - instantMillis(b);

/** The UTC calendar date an instant falls on. */
export const dateOfInstant = (i: Instant): BusinessDate => i.slice(0, 10) as BusinessDate;

/** A half-open billing period `[start, end)`. */
export interface Period {
  readonly start: BusinessDate;
  readonly end: BusinessDate;
}
export const PeriodC = t.type({ start: BusinessDateC, end: BusinessDateC }, 'Period');

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: BusinessDate, to: BusinessDate): number =>
  differenceInCalendarDays(parseISO(to), parseISO(from));

export const addDaysTo =
  (days: number) =>
  (date: BusinessDate): BusinessDate =>
    formatISO(addDays(parseISO(date), days), { representation: 'date' }) as BusinessDate;

/** Number of days a half-open period covers. */
export const periodDays = (p: Period): number => daysBetween(p.start, p.end);

export const isPeriodValid = (p: Period): boolean => p.end > p.start;

/** `YYYY-MM-DD` strings order as dates, so plain comparison is exact. */
export const compareDates = (a: BusinessDate, b: BusinessDate): number => (a < b ? -1 : a > b ? 1 : 0);
