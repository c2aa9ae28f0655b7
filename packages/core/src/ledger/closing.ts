// Closing a business period (docs/as-known-at.md, "Year-end closing"): the period a label names,
// and the shapes of what a closing records. The figures are computed outside the core (from the
// books as they stood at the period's end, as known when closing) and arrive with the command;
// the core only checks their shape and the rules of closing. Amounts summed over cycles are
// decimal strings: a portfolio's sum may pass 2^53, JSON numbers cannot hold it exactly.
import * as t from 'io-ts';
import { daysInMonth, type BusinessDate } from '../calendar.js';
import { AGING_BUCKETS, type AgingBucket } from '../cycle/figures.js';
import { shape } from '../shape.js';

const PERIOD = /^(\d{4})(?:-(0[1-9]|1[0-2]))?$/;

/** A year (`2026`) or a month (`2026-12`). */
export const ClosingPeriodC = new t.Type<string, string, unknown>(
  'a period: a year YYYY or a month YYYY-MM',
  (u): u is string => typeof u === 'string' && PERIOD.test(u),
  (u, c) => (typeof u === 'string' && PERIOD.test(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** A sum in minor units as decimal text (may be negative). */
export const MinorSumC = new t.Type<string, string, unknown>(
  'an integer amount in minor units, as decimal text',
  (u): u is string => typeof u === 'string' && /^-?\d{1,30}$/.test(u),
  (u, c) => (typeof u === 'string' && /^-?\d{1,30}$/.test(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

const bucketProps = Object.fromEntries(AGING_BUCKETS.map((b) => [b, MinorSumC])) as Record<AgingBucket, typeof MinorSumC>;

/** One currency's books at the period's end: what was owed, how old, and what customers were owed. */
export const ClosingFiguresC = shape(
  'ClosingFigures',
  {
    currency: t.string,
    cycles: t.number,
    dueMinor: MinorSumC,
    netPaidMinor: MinorSumC,
    outstandingMinor: MinorSumC,
    collectibleMinor: MinorSumC,
    overdueMinor: MinorSumC,
    creditMinor: MinorSumC,
    buckets: shape('ClosingBuckets', bucketProps, {}, false),
  },
  {},
  false,
);

/** The audit chain's head when the period was closed (projection-audit's seal): what the figures were computed from. */
export const ClosingSealC = shape('ClosingSeal', { position: t.string, hash: t.string, entries: t.number }, {}, false);

export type ClosingFigures = t.TypeOf<typeof ClosingFiguresC>;
export type ClosingSeal = t.TypeOf<typeof ClosingSealC>;

/** The first and last business day of a period label (both inclusive), or null when it names none. */
export const closingPeriodDays = (period: string): { readonly first: BusinessDate; readonly last: BusinessDate } | null => {
  const m = PERIOD.exec(period);
  if (!m) return null;
  const year = m[1]!;
  if (m[2] === undefined) return { first: `${year}-01-01` as BusinessDate, last: `${year}-12-31` as BusinessDate };
  const month = Number(m[2]);
  return {
    first: `${year}-${m[2]}-01` as BusinessDate,
    last: `${year}-${m[2]}-${String(daysInMonth(Number(year), month)).padStart(2, '0')}` as BusinessDate,
  };
};
