// @renewal-ledger/projection-arrears: what is owed, how old it is, and how well each billing
// period was collected, as of any date.
//
// The public API, name by name (api/projection-arrears.api.md is its report; CONTRIBUTING.md says
// how to change it).

// The projection for the runner, and the names of its view in the view database.
export { ARREARS_PROJECTION, ARREARS_CYCLES, ARREARS_PENDING_APPROVALS, ARREARS_STATES, arrearsProjection } from './projection.js';

// Reading the view: a cycle, a contract, a bucket, the top debtors, billing periods, the portfolio.
export {
  type OpenDispute,
  type PendingApproval,
  type ArrearsCycle,
  type BucketAmounts,
  type BucketCounts,
  type CurrencyTotals,
  type ContractArrears,
  type BucketEntry,
  type Debtor,
  type BillingPeriodFigures,
  type Portfolio,
  type ArrearsView,
  getArrearsView,
} from './view.js';

// The books as they stood: the portfolio as of a business date, as known at a recorded instant
// (docs/as-known-at.md), replayed from the log.
export type { BooksFromViews } from './books-view.js';
export { ARREARS_HISTORY, ARREARS_LOG, TAKING_CODES, takingKindOfCode } from './history.js';
export {
  type BooksQuery,
  type BooksAsTheyStood,
  booksAsTheyStood,
  knownAtInstant,
} from './as-known-at.js';

// Closing a period: its figures as they stood, recorded with the audit seal (late entries are
// projection-audit's lateEntries).
export { type ClosePeriodOptions, type PeriodClosing, closePeriod, closingFiguresOf } from './closing.js';
