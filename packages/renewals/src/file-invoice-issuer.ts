// The default invoice issuer: it writes each invoice as JSON (the computed invoice and its
// number) and as a printable plain-text document, and numbers them itself, without gaps, per
// series and year of issue: `<dir>/<series>-<year>/<number>.json` and `.txt`. It answers an
// invoice id it has issued before with the same number (the `.json` of that id is found through
// `<dir>/by-id/`), so a retried run never issues twice. One process writes a directory at a time.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMinor, formatTaxRate, currencyExponent } from '@renewal-ledger/core';
import type { InvoiceIssuer, InvoiceToIssue, IssuerAnswer } from './invoice-issuer.js';

export interface FileInvoiceIssuerOptions {
  /** Where invoices are written; created when missing. */
  readonly dir: string;
  /** The seller printed on each document. Default `renewal-ledger`. */
  readonly seller?: string;
}

/** `FP-2026-00000001`: series, year of issue, eight digits. */
export const formatFileInvoiceNumber = (series: string, year: number, sequence: number): string =>
  `${series}-${year}-${String(sequence).padStart(8, '0')}`;

const fileName = (invoiceId: string): string => `${encodeURIComponent(invoiceId)}.json`;

const exists = async (path: string): Promise<string | null> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** The printable document: what a person hands the buyer or files. */
export const printableInvoice = (invoice: InvoiceToIssue, officialNumber: string, seller: string): string => {
  const exponent = currencyExponent(invoice.currency);
  const money = (minor: number) => formatMinor(invoice.kind === 'red' ? -minor : minor, undefined, exponent);
  const b = invoice.buyer;
  const rows = invoice.lines.map(
    (l) =>
      `  ${l.description} (${l.code}, ${l.cycleId})  ${money(l.netMinor)}  ${formatTaxRate(l.taxRateBp)}  ${money(l.taxMinor)}  ${money(l.amountMinor)}`,
  );
  return [
    invoice.kind === 'red' ? 'RED INVOICE (credit)' : 'INVOICE',
    `Number: ${officialNumber}`,
    `Issued on: ${invoice.issuedOn}`,
    ...(invoice.original ? [`Corrects: ${invoice.original.officialNumber}`] : []),
    `Seller: ${seller}`,
    `Buyer: ${b.name}${b.taxId ? `, tax id ${b.taxId}` : ''}`,
    ...(b.address || b.phone ? [`  ${[b.address, b.phone].filter(Boolean).join(', ')}`] : []),
    ...(b.bank || b.bankAccount ? [`  ${[b.bank, b.bankAccount].filter(Boolean).join(' ')}`] : []),
    `Contract: ${invoice.contractId}`,
    '',
    '  item  net  rate  tax  amount with tax',
    ...rows,
    '',
    `Total: ${money(invoice.amountMinor)} ${invoice.currency} (net ${money(invoice.amountMinor - invoice.taxMinor)}, tax ${money(invoice.taxMinor)})`,
    '',
  ].join('\n');
};

export const getFileInvoiceIssuer = (options: FileInvoiceIssuerOptions): InvoiceIssuer => {
  const seller = options.seller ?? 'renewal-ledger';
  // The last number per series directory, counted from the directory once, then kept.
  const last = new Map<string, number>();
  return {
    name: 'file',
    async issue(invoice: InvoiceToIssue): Promise<IssuerAnswer> {
      const byId = join(options.dir, 'by-id');
      await mkdir(byId, { recursive: true });
      const known = await exists(join(byId, fileName(invoice.invoiceId)));
      if (known !== null) return { status: 'issued', officialNumber: (JSON.parse(known) as { officialNumber: string }).officialNumber };
      const year = Number(invoice.issuedOn.slice(0, 4));
      const seriesDir = join(options.dir, `${invoice.series}-${year}`);
      await mkdir(seriesDir, { recursive: true });
      // The next number is one more than the documents of the series and year: gapless.
      const issued = last.get(seriesDir) ?? (await readdir(seriesDir)).filter((f) => f.endsWith('.json')).length;
      const officialNumber = formatFileInvoiceNumber(invoice.series, year, issued + 1);
      const record = JSON.stringify({ officialNumber, ...invoice }, null, 2);
      await writeFile(join(seriesDir, `${officialNumber}.txt`), printableInvoice(invoice, officialNumber, seller));
      await writeFile(join(seriesDir, `${officialNumber}.json`), record);
      await writeFile(join(byId, fileName(invoice.invoiceId)), record);
      last.set(seriesDir, issued + 1);
      return { status: 'issued', officialNumber };
    },
  };
};
