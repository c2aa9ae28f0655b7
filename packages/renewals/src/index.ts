// @renewal-ledger/renewals: the renewal engine's services. Everything that decides is pure and
// lives in @renewal-ledger/core (bill calculation, allocation, credit, reminders, auto-debit
// schedule); these run it against a store through the command handlers.
//
// The public API, name by name (api/renewals.api.md is its report; CONTRIBUTING.md says how to
// change it). How the services batch, tally and derive their command ids is internal.

// The command handlers of the two renewal aggregates, as the services use them.
export type { CycleHandler, CycleHandleResult, ContractHandler, ContractHandleResult } from './handlers.js';

// What every service is given (store, clock, actor, zones), and the tally of what it did.
export type { EngineOptions, Tally } from './engine.js';

// Reading contracts and their cycles from the store.
export {
  type Portfolio,
  type ReadPortfolioOptions,
  readPortfolio,
  type PortfolioReader,
  type PortfolioReaderOptions,
  getPortfolioReader,
  loadCycle,
  type LoadedContract,
  loadContract,
  readContractCycles,
} from './ledger.js';

// The services: bill what is due, take and settle lump sums, apply credit, send reminders.
export { type RenewDueOptions, type RenewDueReport, renewDue } from './renew-due.js';
export { type LumpSumReport, type FinishLumpSumOptions, finishLumpSum, type ReceiveLumpSumOptions, receiveLumpSum } from './lump-sum.js';
export { type SettleCreditOptions, type CreditReport, settleCredit } from './credit.js';
export { type SettleContractOptions, type SettleReport, settleContract } from './settle.js';
export { type SendRemindersOptions, type RemindersReport, sendReminders } from './reminders.js';
// Complaint cases: a compensation as an adjustment of the bill (through the access check), and every case as of a day.
export {
  type CompensateComplaintOptions,
  type CompensationOutcome,
  compensationIdOf,
  compensateComplaint,
  type ComplaintAsOf,
  readComplaints,
} from './complaints.js';
// The collection office: collectors' and teams' performance for a month as of a day.
export { type CollectorsPerformanceOptions, readCollectorsPerformance } from './collectors.js';
// Customer types: the disputes and complaints per contract the "demanding" type counts.
export { type CustomerCases, readCustomerCases } from './customer-cases.js';
export { type ChargeLateFeesOptions, type LateFeesReport, chargeLateFees, readLateFeePolicy } from './late-fees.js';
// Requests for approval closed when their window has passed (docs/roles-and-approvals.md).
export { type ExpireRequestsOptions, type RequestExpiryReport, expireRequests } from './request-expiry.js';

// Auto-debit: collecting through a payment gateway, and a simulated gateway for demos and tests.
export type { CollectionRequest, PaymentGateway } from './gateway.js';
export {
  type SimulatedPaymentGatewayOptions,
  type SimulatedPaymentGateway,
  SIMULATED_FAILURES,
  getSimulatedPaymentGateway,
} from './simulated-gateway.js';
export { type CollectAutoDebitsOptions, type AutoDebitReport, collectAutoDebits, overCollectionCommandId } from './auto-debit.js';

// Invoices (fapiao): the issuing port, the file-based issuer, and the invoicing run.
export type { InvoiceToIssue, IssuerAnswer, InvoiceIssuer } from './invoice-issuer.js';
export { type FileInvoiceIssuerOptions, formatFileInvoiceNumber, printableInvoice, getFileInvoiceIssuer } from './file-invoice-issuer.js';
export { type MemoryInvoiceIssuer, getMemoryInvoiceIssuer } from './memory-invoice-issuer.js';
export {
  type InvoiceHandler,
  readInvoicingRules,
  loadInvoices,
  type InvoicesReader,
  type InvoicesReaderOptions,
  getInvoicesReader,
  type IssueInvoicesOptions,
  type IssuedInvoice,
  type RedInvoiceTask,
  type InvoicesReport,
  issueInvoices,
} from './invoices.js';

// The refund relay: ledger refunds of provider payments sent to their provider (docs/payment-channels.md).
export { type RelayRefundsOptions, type RelayedRefundOutcome, type RefundRelayReport, relayRefunds } from './refund-relay.js';
