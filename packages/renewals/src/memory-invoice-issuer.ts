// An issuer that keeps its invoices in memory, numbered without gaps per series and year like the
// file issuer and answering an id it knows with its number: for tests, and for `renewal demo`,
// which issues tens of thousands of invoices and keeps them in its store rather than in files.
import { formatFileInvoiceNumber } from './file-invoice-issuer.js';
import type { InvoiceIssuer, InvoiceToIssue } from './invoice-issuer.js';

export interface MemoryInvoiceIssuer extends InvoiceIssuer {
  /** What it issued, by official number, in the order it issued them (less what it was told to forget). */
  readonly issued: ReadonlyMap<string, InvoiceToIssue>;
  /**
   * The answers for these invoices are recorded in the ledger, which never asks for them again:
   * the issuer stops keeping them (it keeps its numbering), so a long run (`renewal demo`) holds
   * only the invoices whose answers are still to be recorded.
   */
  forget(invoiceIds: Iterable<string>): void;
}

export const getMemoryInvoiceIssuer = (options: { readonly name?: string } = {}): MemoryInvoiceIssuer => {
  const issued = new Map<string, InvoiceToIssue>();
  const byId = new Map<string, string>();
  const last = new Map<string, number>();
  return {
    name: options.name ?? 'memory',
    issued,
    async issue(invoice) {
      const known = byId.get(invoice.invoiceId);
      if (known) return { status: 'issued', officialNumber: known };
      const year = Number(invoice.issuedOn.slice(0, 4));
      const key = `${invoice.series}-${year}`;
      const sequence = (last.get(key) ?? 0) + 1;
      last.set(key, sequence);
      const officialNumber = formatFileInvoiceNumber(invoice.series, year, sequence);
      byId.set(invoice.invoiceId, officialNumber);
      issued.set(officialNumber, invoice);
      return { status: 'issued', officialNumber };
    },
    forget(invoiceIds) {
      for (const id of invoiceIds) {
        const number = byId.get(id);
        if (number === undefined) continue;
        byId.delete(id);
        issued.delete(number);
      }
    },
  };
};
