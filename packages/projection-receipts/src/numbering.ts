// Receipt numbers: `R-2026-000001` (receipts) and `RN-2026-000001` (refund notes), one gapless
// series per year. Numbers are handed out in global event order, the order the store recorded
// the payments, and the year is the year of the recorded-at instant: a receipt is issued when a
// payment is entered, so within a series numbers and issue dates rise together. An offline
// payment taken on 31 December and entered on 2 January gets a number of the new year, and shows
// its paid-at date of the old one. Both orders and instants are stored facts, so every rebuild
// on every store gives each payment the same number.
import type { Instant } from '@renewal-ledger/core';

export type ReceiptSeries = 'R' | 'RN';

/** Year of an instant in the numbering's time zone (a fixed UTC offset, minutes). */
export const localDateOf = (instant: Instant | string, utcOffsetMinutes: number): string =>
  utcOffsetMinutes === 0
    ? instant.slice(0, 10)
    : new Date(Date.parse(instant) + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);

export const formatReceiptNumber = (series: ReceiptSeries, year: number, sequence: number): string =>
  `${series}-${year}-${String(sequence).padStart(6, '0')}`;

const NUMBER = /^(R|RN)-(\d{4})-(\d{6,})$/;

export const parseReceiptNumber = (n: string): { series: ReceiptSeries; year: number; sequence: number } | null => {
  const m = NUMBER.exec(n);
  return m ? { series: m[1] as ReceiptSeries, year: Number(m[2]), sequence: Number(m[3]) } : null;
};
