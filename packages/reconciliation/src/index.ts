// @renewal-ledger/reconciliation: a provider's or bank's statement against the ledger's payments
// and refunds, streamed line by line, recorded as a reconciliation (docs/reconciliation.md).
export { type StatementLine, StatementFormatError } from './statement-line.js';
export { type StatementEncoding, type Row, csvRowBatches, oneByOne } from './rows.js';
export { decimalToMinor } from './amounts.js';
export { instantOfLocal } from './local-time.js';
export { ALIPAY_ZONE, type AlipayStatementOptions, readAlipayStatement } from './alipay-statement.js';
export { WECHAT_PAY_ZONE, type WeChatPayStatementOptions, readWeChatPayStatement } from './wechat-pay-statement.js';
export { type BankColumnMapping, type BankStatementOptions, parseBankMapping, readBankStatement } from './bank-statement.js';
export { type LedgerEntry, type LedgerWindow, LOOKAROUND_DAYS, readLedgerEntries } from './ledger-entries.js';
export { type LineOutcome, type Matcher, type MatcherOptions, createMatcher } from './matcher.js';
export {
  type ReconciliationHandler,
  type ReconcileOptions,
  type ProposedPayment,
  type ReconciliationReport,
  sha256OfFile,
  findReconciliation,
  reconcileStatement,
} from './reconcile.js';
