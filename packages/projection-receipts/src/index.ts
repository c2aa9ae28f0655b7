// @renewal-ledger/projection-receipts: receipts and refund notes, numbered without gaps per
// series and year, and the receipts a day issued per channel.
//
// The public API, name by name (api/projection-receipts.api.md is its report; CONTRIBUTING.md
// says how to change it).

// The projection for the runner, and the names of its view's tables.
export {
  RECEIPTS_PROJECTION,
  RECEIPTS,
  RECEIPTS_LINES,
  RECEIPTS_CYCLES,
  RECEIPTS_COUNTERS,
  RECEIPTS_LEDGER,
  RECEIPTS_PENDING,
  type ReceiptsTable,
  receiptsProjection,
} from './projection.js';

// Receipt numbers: `R-2026-000001` (receipts) and `RN-...` (refund notes), without gaps.
export { type ReceiptSeries, formatReceiptNumber, parseReceiptNumber } from './numbering.js';

// Reading the view: one document, a cycle's receipts, the receipts a day issued.
export {
  type ReceiptLine,
  type ReceiptDocument,
  type PendingRefund,
  type ChannelReceipts,
  type DayReceipts,
  type ReceiptsView,
  getReceiptsView,
} from './view.js';
