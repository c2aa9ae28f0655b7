// Business dates are calendar dates with no time zone (`2026-01-31`); instants are UTC
// timestamps (`2026-01-31T09:30:00Z`). The core never reads a clock: both come in with commands.
import * as t from 'io-ts';

export interface BusinessDateBrand {
  readonly BusinessDate: unique symbol;
}
/** A real calendar date `YYYY-MM-DD` (`2026-02-30` is refused). */
export type BusinessDate = string & BusinessDateBrand;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
/** The ASCII digit at `i` as a number, or -1 (what `\d` matches without the `u` flag). */
const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};
// Plain arithmetic rather than a Date round trip, and character codes rather than a regular
// expression (`YYYY-MM-DD` exactly): every stored event carries dates, and this check runs on
// each of them when a store is read.
export const isBusinessDate = (u: unknown): u is BusinessDate => {
  if (typeof u !== 'string' || u.length !== 10 || u.charCodeAt(4) !== 45 || u.charCodeAt(7) !== 45) return false;
  const y0 = digitAt(u, 0), y1 = digitAt(u, 1), y2 = digitAt(u, 2), y3 = digitAt(u, 3);
  const m0 = digitAt(u, 5), m1 = digitAt(u, 6), d0 = digitAt(u, 8), d1 = digitAt(u, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
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
export const isInstant = (u: unknown): u is Instant =>
  // The pattern anchors the date at the start: it is the first 10 characters.
  typeof u === 'string' && INSTANT.test(u) && isBusinessDate(u.slice(0, 10));
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

// Day arithmetic in whole days on the proleptic Gregorian calendar, with no Date object: a
// business date has no time zone, so the host's zone must not change the count (date-fns works
// in local time, and Samoa skipped 2011-12-30: there 2011-12-29 + 1 day was 2011-12-31).
// After H. Hinnant's days_from_civil / civil_from_days.
const dayNumber = (date: BusinessDate): number => {
  const month = Number(date.slice(5, 7));
  const y = Number(date.slice(0, 4)) - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + Number(date.slice(8, 10)) - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
};

const dateOfDayNumber = (n: number): BusinessDate => {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` as BusinessDate;
};

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: BusinessDate, to: BusinessDate): number => dayNumber(to) - dayNumber(from);

export const addDaysTo =
  (days: number) =>
  (date: BusinessDate): BusinessDate =>
    dateOfDayNumber(dayNumber(date) + days);

/** Number of days a half-open period covers. */
export const periodDays = (p: Period): number => daysBetween(p.start, p.end);

export const isPeriodValid = (p: Period): boolean => p.end > p.start;

/** `YYYY-MM-DD` strings order as dates, so plain comparison is exact. */
export const compareDates = (a: BusinessDate, b: BusinessDate): number => (a < b ? -1 : a > b ? 1 : 0);
