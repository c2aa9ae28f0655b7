// Reading invoices: one by number, a contract's, a period's, and the tax of a month per rate for
// the tax return (red invoices net against blue ones: their amounts are negative).
import type { BusinessDate, InvoiceBuyer, InvoiceKind } from '@renewal-ledger/core';
import {
  asBigInt,
  asExactSum,
  asNumber,
  asOptionalText,
  asText,
  exactSumSql,
  placeholders,
  requireLiveView,
  type SqlExecutor,
  type SqlRow,
} from '@renewal-ledger/projections';
import { INVOICES, INVOICES_LINES, INVOICES_PROJECTION } from './projection.js';

export interface InvoiceDocumentLine {
  readonly cycleId: string;
  readonly code: string;
  readonly description: string;
  /** With tax; negative on a red invoice. */
  readonly amountMinor: number;
  readonly taxRateBp: number;
  readonly taxMinor: number;
  readonly netMinor: number;
}

export interface InvoiceDocument {
  /** The ledger's number: `FP-2026-000001`, gapless per series and year. */
  readonly number: string;
  readonly series: string;
  readonly year: number;
  readonly sequence: number;
  /** The issuer's number (the tax authority's). */
  readonly officialNumber: string;
  readonly kind: InvoiceKind;
  readonly invoiceId: string;
  readonly contractId: string;
  /** A red invoice: the blue one it corrects, by id and ledger number. */
  readonly originalInvoiceId: string | null;
  readonly originalNumber: string | null;
  readonly currency: string;
  readonly buyer: InvoiceBuyer;
  /** With tax; negative on a red invoice. */
  readonly amountMinor: number;
  readonly taxMinor: number;
  /** The day of issue, in the ledger's zone. */
  readonly issuedOn: BusinessDate;
  readonly issuer: string;
  readonly lines: readonly InvoiceDocumentLine[];
  readonly globalPosition: bigint;
}

/** A month's invoiced amounts at one tax rate in one currency: sums over lines, so bigints. */
export interface TaxRateTotals {
  readonly currency: string;
  readonly taxRateBp: number;
  /** Lines on blue invoices and on red ones. */
  readonly blueLines: number;
  readonly redLines: number;
  /** Blue minus red, with tax. */
  readonly amountMinor: bigint;
  readonly taxMinor: bigint;
  readonly netMinor: bigint;
}

export interface InvoicesView {
  byNumber(number: string): Promise<InvoiceDocument | null>;
  /** A contract's invoices in the order they were issued. */
  byContract(contractId: string): Promise<readonly InvoiceDocument[]>;
  /** Invoices issued from `from` to `to`, both included (business days), in issue order. */
  byPeriod(from: string, to: string): Promise<readonly InvoiceDocument[]>;
  /** A page of every invoice in issue order, after a global position. */
  list(options?: { readonly after?: bigint; readonly limit?: number }): Promise<readonly InvoiceDocument[]>;
  /** The month's (`2026-03`) amounts and tax per currency and rate, red invoices netted. */
  taxTotals(month: string): Promise<readonly TaxRateTotals[]>;
}

const lineOf = (r: SqlRow): InvoiceDocumentLine => ({
  cycleId: asText(r.cycle_id),
  code: asText(r.code),
  description: asText(r.description),
  amountMinor: asNumber(r.amount_minor),
  taxRateBp: asNumber(r.tax_rate_bp),
  taxMinor: asNumber(r.tax_minor),
  netMinor: asNumber(r.net_minor),
});

/** Documents with their lines, read in one query per 500 documents. */
const documentsOf = async (db: SqlExecutor, rows: readonly SqlRow[]): Promise<InvoiceDocument[]> => {
  const lines = new Map<string, InvoiceDocumentLine[]>();
  const numbers = rows.map((r) => asText(r.number));
  for (let i = 0; i < numbers.length; i += 500) {
    const chunk = numbers.slice(i, i + 500);
    for (const l of await db.query(
      `SELECT * FROM ${INVOICES_LINES} WHERE number IN (${placeholders(chunk.length)}) ORDER BY number, line`,
      chunk,
    )) {
      const number = asText(l.number);
      const list = lines.get(number);
      if (list) list.push(lineOf(l));
      else lines.set(number, [lineOf(l)]);
    }
  }
  return rows.map((r) => ({
    number: asText(r.number),
    series: asText(r.series),
    year: asNumber(r.year),
    sequence: asNumber(r.sequence),
    officialNumber: asText(r.official_number),
    kind: asText(r.kind) as InvoiceKind,
    invoiceId: asText(r.invoice_id),
    contractId: asText(r.contract_id),
    originalInvoiceId: asOptionalText(r.original_invoice_id),
    originalNumber: asOptionalText(r.original_number),
    currency: asText(r.currency),
    buyer: JSON.parse(asText(r.buyer_json)) as InvoiceBuyer,
    amountMinor: asNumber(r.amount_minor),
    taxMinor: asNumber(r.tax_minor),
    issuedOn: asText(r.issued_on) as BusinessDate,
    issuer: asText(r.issuer),
    lines: lines.get(asText(r.number)) ?? [],
    globalPosition: asBigInt(r.global_position),
  }));
};

export const getInvoicesView = (db: SqlExecutor): InvoicesView => {
  const ready = () => requireLiveView(db, INVOICES_PROJECTION);
  const select = async (where: string, params: readonly (string | bigint)[], tail = '') => {
    await ready();
    return documentsOf(db, await db.query(`SELECT * FROM ${INVOICES} WHERE ${where} ORDER BY global_position${tail}`, [...params]));
  };
  return {
    async byNumber(number) {
      return (await select('number = ?', [number]))[0] ?? null;
    },
    byContract: (contractId) => select('contract_id = ?', [contractId]),
    byPeriod: (from, to) => select('issued_on >= ? AND issued_on <= ?', [from, to]),
    list: (options = {}) =>
      select('global_position > ?', [options.after ?? -1n], ` LIMIT ${Math.max(1, Math.floor(options.limit ?? 1000))}`),
    async taxTotals(month) {
      await ready();
      const rows = await db.query(
        `SELECT currency, tax_rate_bp,
                SUM(CASE WHEN amount_minor > 0 THEN 1 ELSE 0 END) AS blue, SUM(CASE WHEN amount_minor < 0 THEN 1 ELSE 0 END) AS red,
                ${exactSumSql('amount_minor', 'amount')}, ${exactSumSql('tax_minor', 'tax')}, ${exactSumSql('net_minor', 'net')}
           FROM ${INVOICES_LINES} WHERE issued_month = ? GROUP BY currency, tax_rate_bp ORDER BY currency, tax_rate_bp`,
        [month],
      );
      return rows.map((r) => ({
        currency: asText(r.currency),
        taxRateBp: asNumber(r.tax_rate_bp),
        blueLines: asNumber(r.blue),
        redLines: asNumber(r.red),
        amountMinor: asExactSum(r, 'amount'),
        taxMinor: asExactSum(r, 'tax'),
        netMinor: asExactSum(r, 'net'),
      }));
    },
  };
};
