// The invoice issuing port: how the engine hands an invoice to the tax authority's system (in
// China, the VAT invoice platform, directly or through a provider such as Baiwang or Aisino), the
// way auto-debit hands a collection to a PaymentGateway. The library computes everything (lines,
// tax per line, totals, buyer, day of issue); the issuer only answers with the official number,
// or with a refusal. The default is the file-based issuer (file-invoice-issuer.ts); an adapter
// for a provider implements `InvoiceIssuer` (docs/invoices.md, "Writing an issuer").
import type { BusinessDate, InvoiceBuyer, InvoiceKind, InvoiceLine } from '@renewal-ledger/core';

/** A fully computed invoice, as an issuer receives it. */
export interface InvoiceToIssue {
  /**
   * The idempotency key. An issuer must answer the same id with the same answer and issue it at
   * most once, so a run that stopped after issuing and before recording asks again and records
   * the original number.
   */
  readonly invoiceId: string;
  readonly contractId: string;
  /** blue: an invoice; red: a credit invoice taking back all or part of `original`. */
  readonly kind: InvoiceKind;
  /** For a red invoice: the blue one it corrects, with its official number. */
  readonly original: { readonly invoiceId: string; readonly officialNumber: string } | null;
  /** The series of the ledger's invoicing rules (`FP`). */
  readonly series: string;
  /** The day of issue in the ledger's zone. */
  readonly issuedOn: BusinessDate;
  readonly currency: string;
  readonly buyer: InvoiceBuyer;
  /** Tax-inclusive amounts; tax and net computed by core's `splitTax` (red lines by `creditTaxOf`). */
  readonly lines: readonly InvoiceLine[];
  readonly amountMinor: number;
  readonly taxMinor: number;
}

/** The issuer's answer: issued with its official number, or refused with its code and words. */
export type IssuerAnswer =
  | { readonly status: 'issued'; readonly officialNumber: string }
  | { readonly status: 'refused'; readonly code: string; readonly reason: string };

export interface InvoiceIssuer {
  /** Recorded with every answer: `file`, `baiwang`... */
  readonly name: string;
  /**
   * Issues, or says why not. A thrown error means "no answer" (timeout, network): nothing is
   * recorded and the same invoice is asked again on the next run.
   */
  issue(invoice: InvoiceToIssue): Promise<IssuerAnswer>;
}
