// Every refusal of an invoice command: a stable code, a sentence, and the figures as fields.
import { amountText, type AmountText } from '../amount-text.js';

export interface InvoiceRuleDetails {
  INVOICE_ID_CONFLICT: { invoiceId: string; existingCommandId: string };
  UNKNOWN_INVOICE: { invoiceId: string };
  DUPLICATE_INVOICE_LINE: { cycleId: string; feeCode: string };
  CYCLE_NOT_BILLED: { cycleId: string };
  INVOICE_EXCEEDS_BILLED: { cycleId: string; billedMinor: number; invoicedMinor: number; requestedMinor: number };
  INVOICE_ALREADY_ISSUED: { invoiceId: string; officialNumber: string };
  INVOICE_CLOSED: { invoiceId: string; status: 'refused' | 'cancelled' };
  CREDIT_NEEDS_ISSUED_INVOICE: { originalInvoiceId: string; status: string; kind: string };
  UNKNOWN_INVOICE_LINE: { originalInvoiceId: string; cycleId: string; feeCode: string };
  CREDIT_EXCEEDS_INVOICE: {
    originalInvoiceId: string;
    cycleId: string;
    feeCode: string;
    invoicedMinor: number;
    creditedMinor: number;
    requestedMinor: number;
  };
  AMOUNT_OUT_OF_RANGE: { field: string };
  DUPLICATE_TAX_RATE: { feeCode: string };
}

export type InvoiceRuleCode = keyof InvoiceRuleDetails;
export type InvoiceErrorOf<K extends InvoiceRuleCode> = { readonly code: K; readonly message: string } & Readonly<InvoiceRuleDetails[K]>;
export type InvoiceError = { [K in InvoiceRuleCode]: InvoiceErrorOf<K> }[InvoiceRuleCode];

const messages: { [K in InvoiceRuleCode]: (d: InvoiceRuleDetails[K], m: AmountText) => string } = {
  INVOICE_ID_CONFLICT: (d) => `invoice ${d.invoiceId} was already asked for by command ${d.existingCommandId} with other content`,
  UNKNOWN_INVOICE: (d) => `no invoice ${d.invoiceId} on this contract`,
  DUPLICATE_INVOICE_LINE: (d) => `cycle ${d.cycleId}, fee ${d.feeCode} appears more than once: one line per cycle and fee code`,
  CYCLE_NOT_BILLED: (d) => `cycle ${d.cycleId} has no billed amount in the request: what it was billed caps what it may be invoiced`,
  INVOICE_EXCEEDS_BILLED: (d, m) =>
    `invoicing ${m(d.requestedMinor)} on cycle ${d.cycleId} exceeds what was billed net of adjustments: ${m(d.billedMinor)} billed, ${m(d.invoicedMinor)} invoiced already`,
  INVOICE_ALREADY_ISSUED: (d) =>
    `invoice ${d.invoiceId} was issued as ${d.officialNumber}: an issued invoice is never changed or withdrawn; a red invoice corrects it`,
  INVOICE_CLOSED: (d) => `invoice ${d.invoiceId} was ${d.status}: ask for a new one`,
  CREDIT_NEEDS_ISSUED_INVOICE: (d) =>
    `a red invoice corrects an issued blue invoice; ${d.originalInvoiceId} is a ${d.kind} invoice, ${d.status}`,
  UNKNOWN_INVOICE_LINE: (d) => `invoice ${d.originalInvoiceId} has no line for cycle ${d.cycleId}, fee ${d.feeCode}`,
  CREDIT_EXCEEDS_INVOICE: (d, m) =>
    `a red line of ${m(d.requestedMinor)} on invoice ${d.originalInvoiceId} (cycle ${d.cycleId}, fee ${d.feeCode}) exceeds what is left of it: ${m(d.invoicedMinor)} invoiced, ${m(d.creditedMinor)} credited already`,
  AMOUNT_OUT_OF_RANGE: (d) => `${d.field} would leave the safe integer range`,
  DUPLICATE_TAX_RATE: (d) => `fee code ${d.feeCode} is given more than one tax rate`,
};

/** A refusal; `currency` writes its amounts in that currency's decimals. */
export const invoiceError = <K extends InvoiceRuleCode>(code: K, details: InvoiceRuleDetails[K], currency?: string): InvoiceErrorOf<K> =>
  ({ code, message: messages[code](details, amountText(currency)), ...details }) as InvoiceErrorOf<K>;

export const INVOICE_RULE_CODES = Object.keys(messages) as InvoiceRuleCode[];
