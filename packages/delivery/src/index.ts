// @renewal-ledger/delivery: reminders, payment notices and receipts delivered from the ledger's
// facts (docs/reminders-and-notices.md). The outbox is a view of the log (its checkpoint
// committed with its rows), the dispatcher sends through channel adapters with retries, backoff
// and fallback, and every outcome is recorded as a fact on the message's delivery stream.
export {
  OUTBOX_PROJECTION,
  type OutboxTable,
  type OutboxStatus,
  getOutboxProjection,
  type OutboxRow,
  type OutboxQuery,
  getOutboxView,
  type OutboxView,
} from './outbox.js';
export type { OutgoingMessage, SendResult, ChannelAdapter, LetterPrinter } from './channels.js';
export { getFileChannel, getLetterPrinter } from './file-channels.js';
export { type SmtpSettings, messageIdFor, getSmtpChannel } from './smtp-channel.js';
export {
  type RetryPolicy,
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  type DispatchOptions,
  type DispatchOutcome,
  type DispatchReport,
  type PayLinkProvider,
  dispatchOutbox,
} from './dispatcher.js';
export {
  DELIVERY_REPORT_STATUSES,
  type DeliveryReportStatus,
  type DeliveryReport,
  DeliveryReportError,
  parseDeliveryReport,
  type ReportOutcome,
  type ReportIntakeOptions,
  type ReportIntakeSummary,
  recordDeliveryReports,
} from './reports.js';
