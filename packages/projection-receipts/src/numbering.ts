// Receipt numbers: `R-2026-000001` (receipts) and `RN-2026-000001` (refund notes), one gapless
// series per year. Numbers are handed out in global event order, the order the store recorded
// the payments, and the year is the year of the recorded-at instant: a receipt is issued when a
// payment is entered, so within a series numbers and issue dates rise together. An offline
// payment taken on 31 December and entered on 2 January gets a number of the new year, and shows
// its paid-at date of the old one. The year is the business year: of the recorded-at instant in
// the ledger's zone (a payment entered at 07:30 on 1 January in Shanghai is 2027's, though it is
// still 31 December in UTC). Orders, instants and the ledger's zone changes are stored facts, so
// every rebuild on every store gives each payment the same number.
export type ReceiptSeries = 'R' | 'RN' | 'RV';

export const formatReceiptNumber = (series: ReceiptSeries, year: number, sequence: number): string =>
  `${series}-${year}-${String(sequence).padStart(6, '0')}`;

const NUMBER = /^(R|RN|RV)-(\d{4})-(\d{6,})$/;

export const parseReceiptNumber = (n: string): { series: ReceiptSeries; year: number; sequence: number } | null => {
  const m = NUMBER.exec(n);
  return m ? { series: m[1] as ReceiptSeries, year: Number(m[2]), sequence: Number(m[3]) } : null;
};
