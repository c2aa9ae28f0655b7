// @renewal-ledger/projection-invoices: issued invoices (fapiao) and red invoices, numbered
// without gaps per series and year, and a month's tax per rate for the tax return.
//
// The public API, name by name (api/projection-invoices.api.md is its report; CONTRIBUTING.md
// says how to change it).

// The projection for the runner, and the names of its view's tables.
export {
  INVOICES_PROJECTION,
  INVOICES,
  INVOICES_LINES,
  INVOICES_COUNTERS,
  INVOICES_SETTINGS,
  DEFAULT_INVOICE_SERIES,
  type InvoicesTable,
  getInvoicesProjection,
  invoicesProjection,
} from './projection.js';

// The ledger's invoice numbers: `FP-2026-000001`, without gaps.
export { formatInvoiceNumber, parseInvoiceNumber } from './numbering.js';

// Reading the view: one invoice, a contract's, a period's, a month's tax per rate.
export { type InvoiceDocumentLine, type InvoiceDocument, type TaxRateTotals, type InvoicesView, getInvoicesView } from './view.js';
