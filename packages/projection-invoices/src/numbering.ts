// The ledger's own invoice numbers: `FP-2026-000001`, one gapless sequence per series and year,
// blue and red invoices alike. The series is the invoicing rules' in force when the invoice is
// issued; the year is the year of its day of issue (a business day, recorded in the event in the
// ledger's zone). Numbers are handed out in global event order as the view reads `InvoiceIssued`,
// so every rebuild on every store gives each invoice the same number. The issuer's official
// number is kept beside it.
export const formatInvoiceNumber = (series: string, year: number, sequence: number): string =>
  `${series}-${year}-${String(sequence).padStart(6, '0')}`;

const NUMBER = /^(.+)-(\d{4})-(\d{6,})$/;

export const parseInvoiceNumber = (n: string): { series: string; year: number; sequence: number } | null => {
  const m = NUMBER.exec(n);
  return m ? { series: m[1]!, year: Number(m[2]), sequence: Number(m[3]) } : null;
};
