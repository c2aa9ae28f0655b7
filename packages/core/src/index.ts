// @renewal-ledger/core: the pure domain of renewal-fee collection.
//
// The public API, name by name (api/core.api.md is its report; CONTRIBUTING.md says how to change
// it). What is not listed here is internal: tests reach it by path (`../src/money.js`).

// Money: integer minor units, never floats; exact arithmetic that refuses to leave the safe range.
export {
  type MinorUnitsBrand,
  type MinorUnits,
  type PositiveMinorUnitsBrand,
  type PositiveMinorUnits,
  type NonNegativeMinorUnitsBrand,
  type NonNegativeMinorUnits,
  isMinorUnits,
  isPositiveMinorUnits,
  isNonNegativeMinorUnits,
  MinorUnitsC,
  PositiveMinorUnitsC,
  NonNegativeMinorUnitsC,
  type AmountOutOfRange,
  addMinor,
  subtractMinor,
  sumMinor,
  type DecimalQuantityBrand,
  type DecimalQuantity,
  isDecimalQuantity,
  DecimalQuantityC,
  type Proration,
  amountFromRate,
  currencyExponent,
  formatMinor,
  formatGrouped,
  formatMoney,
  parseAmount,
  parseMinor,
  iso4217MinorUnits,
} from './money.js';

// Calendar: business dates, instants, half-open periods, and days in a time zone.
export {
  type BusinessDateBrand,
  type BusinessDate,
  isBusinessDate,
  BusinessDateC,
  type InstantBrand,
  type Instant,
  isInstant,
  normaliseInstant,
  InstantC,
  instantMillis,
  compareInstants,
  type Period,
  PeriodC,
  daysInMonth,
  daysBetween,
  addDaysTo,
  periodDays,
  isPeriodValid,
  compareDates,
  isTimeZone,
  canonicalTimeZone,
  dayInZone,
  localTimeInZone,
  offsetInZone,
  instantAtHourInZone,
  startOfDayInZone,
  endOfDayInZone,
} from './calendar.js';

// Ids, free text and currencies as commands carry them; the cycle's stream name.
export {
  type CycleIdBrand,
  type CycleId,
  CycleIdC,
  type ContractIdBrand,
  type ContractId,
  ContractIdC,
  type IdBrand,
  type Id,
  IdC,
  type TextBrand,
  type Text,
  TextC,
  type CurrencyBrand,
  type Currency,
  isIso4217Currency,
  CurrencyC,
  cycleStreamName,
  cycleIdOfStream,
} from './ids.js';
export { isWellFormedText, illFormedPath, toNfc } from './unicode.js';
export { type Json, canonicalJson } from './canonical-json.js';

// Bad input at a boundary: problems with paths, and decoding with a codec into them.
export { type Problem, type InvalidInput, formatProblem, invalidInput, decodeWith, decodeOwnedWith } from './validation.js';

// Building an aggregate of your own: deciders, codec shapes, event codecs, idempotency, specifications.
export { type Decision, type Decider, fold } from './decider.js';
export type {
  AggregateCommand,
  Aggregate,
  AnyAggregate,
  CommandOf,
  EventOf,
  StateOf,
  ErrorOf,
  DuplicateOf,
  FiguresOf,
} from './aggregate.js';
export { shape, loose, tagged, oneOf, ShapeType, TaggedType, type ShapeOf, type ShapeOutput } from './shape.js';
export { sameFact } from './same-fact.js';
export { type CommandIdConflict, commandIdConflict, sameRecord } from './command-id.js';
export { type RecordedBeforeItHappened, recordedBeforeItHappened } from './recording.js';
export {
  type DomainEvent,
  type StoredEventInput,
  type StoredEventDecoder,
  type StoredEventDecoderOptions,
  type EventCodecSpec,
  type EventCodec,
  eventCodec,
  storedEventDecoder,
} from './event-codec.js';
export { type Upcaster, type Upcasters, upcast } from './upcasting.js';
export { SpecificationError, type Then, DeciderSpecification } from './specification.js';

// The envelope every stored event has (metadata, event ids), and decoding any stored event of the ledger.
export {
  EventMetadataC,
  type EventMetadata,
  NewEventC,
  type NewEvent,
  type RecordedEvent,
  decodeMetadata,
  eventIdFor,
  type EnvelopeOptions,
  envelope,
} from './envelope.js';
export {
  LEDGER_EVENT_CODECS,
  type LedgerEvent,
  type LedgerEventType,
  STORED_EVENT_SCHEMA_VERSION,
  decodeStoredEvent,
} from './ledger-events.js';

// The renewal cycle (one bill and what happens to it): its wire contract (io-ts codecs and their types).
export {
  billShapes,
  type Basis,
  type BillLine,
  type Discount,
  type Installment,
  PAYMENT_CHANNELS,
  type PaymentChannel,
  PaymentChannelC,
  REMINDER_CHANNELS,
  type ReminderChannel,
  ReminderChannelC,
  DISPUTE_OUTCOMES,
  type DisputeOutcome,
  DisputeOutcomeC,
  PLAN_CANCEL_REASONS,
  type PlanCancelReason,
  PlanCancelReasonC,
} from './cycle/shapes.js';
export {
  BillC,
  RecordPaymentC,
  RaiseDisputeC,
  ResolveDisputeC,
  AgreeInstallmentsC,
  CancelInstallmentsC,
  RefundC,
  AdjustC,
  SendReminderC,
  WriteOffC,
  RecordAutoDebitFailureC,
  ReversePaymentC,
  MoneyOutKindC,
  RequestApprovalC,
  ApproveRequestC,
  RejectRequestC,
  ExpireRequestC,
  type MoneyOutKind,
  type RequestApproval,
  type ApproveRequest,
  type RejectRequest,
  type ExpireRequest,
  ChargeLateFeeC,
  WaiveLateFeeC,
  RenewalCommandC,
  type Bill,
  type RecordPayment,
  type RaiseDispute,
  type ResolveDispute,
  type AgreeInstallments,
  type CancelInstallments,
  type Refund,
  type Adjust,
  type SendReminder,
  type WriteOff,
  type RecordAutoDebitFailure,
  type ChargeLateFee,
  type WaiveLateFee,
  type ReversePayment,
  type RenewalCommand,
  type RenewalCommandType,
  RENEWAL_COMMAND_TYPES,
  decodeCommand,
  encodeCommand,
} from './cycle/commands.js';
export {
  Billed,
  Paid,
  Disputed,
  DisputeResolved,
  InstallmentAgreed,
  InstallmentPlanCancelled,
  Refunded,
  Adjusted,
  ReminderSent,
  WrittenOff,
  AutoDebitFailed,
  ApprovalRequested,
  RequestApproved,
  RequestRejected,
  RequestExpired,
  type ApprovalRequestedData,
  type RequestApprovedData,
  type RequestRejectedData,
  type RequestExpiredData,
  LateFeeCharged,
  LateFeeWaived,
  RenewalEventC,
  type BilledData,
  type PaidData,
  type DisputedData,
  type DisputeResolvedData,
  type InstallmentAgreedData,
  type InstallmentPlanCancelledData,
  type RefundedData,
  type AdjustedData,
  type ReminderSentData,
  type WrittenOffData,
  type AutoDebitFailedData,
  type LateFeeChargedData,
  type LateFeeWaivedData,
  PaymentReversed,
  type PaymentReversedData,
  type RenewalEvent,
  type RenewalEventType,
  type RenewalEventOf,
  CURRENT_SCHEMA_VERSION,
  decodeEvent,
  encodeEvent,
  cycleEvents,
  isRenewalEventType,
  RENEWAL_EVENT_TYPES,
} from './cycle/events.js';

// The renewal cycle's decider: rules and refusals, state, figures and aging.
export { type RuleDetails, type RuleCode, type RenewalErrorOf, type RenewalError, RULE_CODES } from './cycle/errors.js';
export {
  type DisputeFact,
  type PlanFact,
  type ApprovalFact,
  type CycleTotals,
  type LateFeeFacts,
  type CycleState,
  initialCycleState,
  evolveCycle,
  reversalOf,
  pendingRequests,
  lateFeesOf,
} from './cycle/state.js';
export {
  type CycleFigures,
  cycleFigures,
  AGING_BUCKETS,
  type AgingBucket,
  agingBucketOf,
  type PlanStatus,
  type InstallmentStanding,
  type Aging,
  agingAsOf,
} from './cycle/figures.js';
export {
  type Taking,
  type TakingKind,
  type ChannelTakings,
  type TakingsReport,
  takingOfCycleEvent,
  takingOfCredit,
  takingsTally,
  channelTakings,
  noTakings,
} from './cycle/takings.js';
export { type Duplicate, type CycleDecision, decideCycle, moneyOutOf } from './cycle/decide.js';
export { renewalCycle } from './cycle/decider.js';
export { cycleAccess } from './cycle/access.js';

// Who may do what (docs/roles-and-approvals.md): roles, the policy as data, and the access check.
export {
  type MoneyOutLimit,
  type AccessPolicy,
  MoneyOutLimitC,
  AccessPolicyC,
  ROLES,
  type Role,
  DEFAULT_ACCESS_POLICY,
  mayIssue,
  moneyOutLimit,
  decodeAccessPolicy,
} from './access/policy.js';
export { type NotPermitted, notPermitted, type MoneyOut, type AccessHooks, authorise } from './access/authorise.js';
// Expiry of requests for approval: the window and the commands a scheduled run sends.
export {
  DEFAULT_REQUEST_EXPIRY_DAYS,
  requestExpiryDaysOf,
  requestExpiresOn,
  type RequestsToExpire,
  requestsToExpire,
} from './access/expiry.js';

// The contract (a customer's agreement: fee plan, mandate, lump sums, credit): its wire contract.
export {
  BillingDayC,
  DueAfterDaysC,
  CADENCES,
  type Cadence,
  CadenceC,
  MANDATE_METHODS,
  type MandateMethod,
  MandateMethodC,
  contractShapes,
  type Contact,
  type Customer,
  type Subject,
  type FeeBasis,
  type FeeItem,
  type DiscountAmount,
  type Eligibility,
  type ContractDiscount,
  type FeePlan,
  type Advance,
  type AllocationPart,
} from './contract/shapes.js';
export {
  OpenContractC,
  ChangeFeePlanC,
  GiveMandateC,
  RevokeMandateC,
  ReceiveLumpSumC,
  AllocateLumpSumC,
  ApplyCreditC,
  CancelCreditApplicationC,
  EndContractC,
  CreditOverCollectionC,
  ContractCommandC,
  type OpenContract,
  type ChangeFeePlan,
  type GiveMandate,
  type RevokeMandate,
  type ReceiveLumpSum,
  type AllocateLumpSum,
  type ApplyCredit,
  type CancelCreditApplication,
  type EndContract,
  SetInvoiceBuyerC,
  type SetInvoiceBuyer,
  type CreditOverCollection,
  type ContractCommand,
  type ContractCommandType,
  CONTRACT_COMMAND_TYPES,
  decodeContractCommand,
  encodeContractCommand,
} from './contract/commands.js';
export {
  ContractOpened,
  FeePlanChanged,
  MandateGiven,
  MandateRevoked,
  LumpSumReceived,
  LumpSumAllocated,
  CreditReceived,
  CreditApplied,
  CreditApplicationCancelled,
  ContractEnded,
  InvoiceBuyerSet,
  type InvoiceBuyerSetData,
  OverCollectionCredited,
  ContractEventC,
  type ContractOpenedData,
  type FeePlanChangedData,
  type MandateGivenData,
  type MandateRevokedData,
  type LumpSumReceivedData,
  type LumpSumAllocatedData,
  type CreditReceivedData,
  type CreditAppliedData,
  type CreditApplicationCancelledData,
  type ContractEndedData,
  type OverCollectionCreditedData,
  type ContractEvent,
  type ContractEventType,
  type ContractEventOf,
  CONTRACT_SCHEMA_VERSION,
  decodeContractEvent,
  encodeContractEvent,
  contractEvents,
  isContractEventType,
  CONTRACT_EVENT_TYPES,
} from './contract/events.js';

// The contract's decider: rules and refusals, state and figures, its stream.
export {
  type ContractRuleDetails,
  type ContractRuleCode,
  type ContractErrorOf,
  type ContractError,
  CONTRACT_RULE_CODES,
} from './contract/errors.js';
export {
  type FeePlanVersion,
  type MandateFact,
  type LumpSumFact,
  type CreditApplicationFact,
  type ContractState,
  initialContractState,
  evolveContract,
  pendingLumpSums,
  type ContractFigures,
  contractFigures,
} from './contract/state.js';
export { contractStreamName, contractIdOfStream } from './contract/stream.js';
export { type ContractDuplicate, type ContractDecision, decideContract } from './contract/decide.js';
export { contractDecider } from './contract/decider.js';

// The ledger's settings (time zone, locale): commands, events, state, decider, and business days in its zone.
export { LEDGER_SETTINGS_STREAM } from './ledger/stream.js';
export {
  OpenLedgerC,
  ChangeTimeZoneC,
  SetLateFeePolicyC,
  ClosePeriodC,
  LedgerSettingsCommandC,
  type OpenLedger,
  type ChangeTimeZone,
  type SetLateFeePolicy,
  type ClosePeriod,
  type LedgerSettingsCommand,
  decodeLedgerSettingsCommand,
} from './ledger/commands.js';
export {
  LedgerOpened,
  TimeZoneChanged,
  LateFeePolicySet,
  PeriodClosed,
  LedgerSettingsEventC,
  type LedgerOpenedData,
  type TimeZoneChangedData,
  type LateFeePolicySetData,
  type PeriodClosedData,
  type LedgerSettingsEvent,
  type LedgerSettingsEventType,
  LEDGER_SETTINGS_EVENT_TYPES,
  LEDGER_SETTINGS_SCHEMA_VERSION,
  decodeLedgerSettingsEvent,
  ledgerSettingsEvents,
  isLedgerSettingsEventType,
} from './ledger/events.js';
export { type LedgerRuleDetails, type LedgerRuleCode, type LedgerErrorOf, type LedgerError, LEDGER_RULE_CODES } from './ledger/errors.js';
export { type LedgerSettingsState, type ClosedPeriod, initialLedgerSettings, evolveLedgerSettings } from './ledger/state.js';
export {
  ClosingPeriodC,
  ClosingFiguresC,
  ClosingSealC,
  MinorSumC,
  type ClosingFigures,
  type ClosingSeal,
  closingPeriodDays,
} from './ledger/closing.js';
export type { LedgerDuplicate, LedgerDecision } from './ledger/decide.js';
export { ledgerSettingsDecider } from './ledger/decider.js';
export {
  type ZoneSpan,
  type LedgerZones,
  type ZoneChange,
  DEFAULT_TIME_ZONE,
  ledgerZones,
  fixedZone,
  UTC_ZONES,
  ledgerZonesOf,
  zoneAt,
  zoneOn,
  currentZone,
  businessDayOf,
  businessTimeOf,
  businessTimeWithOffsetOf,
  startOfBusinessDay,
  endOfBusinessDay,
  businessHourOf,
  type LedgerDefaults,
  ledgerDefaultsAt,
} from './ledger/business-days.js';

// The renewal engine's pure planning: what to bill and when, allocation, credit, reminders, auto-debit.
export { type PolicyRuleDetails, type PolicyRuleCode, type PolicyErrorOf, type PolicyError, POLICY_RULE_CODES } from './policy-errors.js';
export {
  type ScheduleTerms,
  type ScheduledPeriod,
  scheduledPeriodOn,
  scheduledPeriodStarting,
  nextScheduledPeriod,
  scheduledPeriodsUntil,
  scheduledPeriodsFrom,
  prorationOf,
} from './billing/schedule.js';
export { termsOf } from './billing/terms.js';
export { type BillOptions, billCycleId, billForScheduledPeriod, calculateBill } from './billing/calculate.js';
export { type AdvanceQuote, quoteAdvance } from './billing/quote.js';
export { type BillRefused, type BillsDue, billsDue } from './billing/due.js';
export { type LumpSumPlan, allocateLumpSum } from './allocation/lump-sum.js';
export { type CreditApplicationPlan, type CreditOptions, planCreditApplications } from './allocation/credit.js';
export { type ReminderStep, DEFAULT_REMINDER_POLICY, type ReminderOptions, type RemindersDue, remindersDue } from './reminders/policy.js';
export {
  LATE_FEE_PLAN_RULES,
  type LateFeePlanRule,
  LATE_FEE_DISPUTE_RULES,
  type LateFeeDisputeRule,
  LATE_FEE_ALLOCATIONS,
  type LateFeeAllocation,
  lateFeePolicyShapes,
  type LateFeeRate,
  type LateFeeCap,
  type LateFeePolicy,
  LateFeePolicyC,
  StoredLateFeePolicyC,
  lateFeeDefaults,
} from './late-fees/policy.js';
export {
  type LateFeeAccrual,
  lateFeeAccrual,
  lateFeeChargeId,
  lateFeeCommandId,
  type LateFeesDue,
  lateFeesDue,
} from './late-fees/accrual.js';
export {
  DEFAULT_RETRY_AFTER_DAYS,
  type CollectionDue,
  type CollectionResult,
  collectionsDue,
  collectionOutcome,
} from './auto-debit/policy.js';

// Statement reconciliation (one per statement file, named by its sha256): its wire contract and decider.
export {
  STATEMENT_SOURCES,
  type StatementSource,
  StatementSourceC,
  DIFFERENCE_KINDS,
  type DifferenceKind,
  RESOLUTIONS,
  type Resolution,
  type Difference,
  type ReconciliationCounts,
  type ReconciliationFigures,
  reconciliationShapes,
} from './reconciliation/shapes.js';
export {
  ReconcileStatementC,
  ResolveDifferenceC,
  ReconciliationCommandC,
  type ReconcileStatement,
  type ResolveDifference,
  type ReconciliationCommand,
  decodeReconciliationCommand,
} from './reconciliation/commands.js';
export {
  StatementReconciled,
  DifferenceResolved,
  ReconciliationEventC,
  type StatementReconciledData,
  type DifferenceResolvedData,
  type ReconciliationEvent,
  type ReconciliationEventType,
  RECONCILIATION_SCHEMA_VERSION,
  reconciliationEvents,
} from './reconciliation/events.js';
export {
  type ReconciliationRuleDetails,
  type ReconciliationRuleCode,
  type ReconciliationError,
  RECONCILIATION_RULE_CODES,
} from './reconciliation/errors.js';
export {
  type ReconciliationState,
  initialReconciliationState,
  evolveReconciliation,
  type ReconciliationStatus,
  reconciliationStatus,
} from './reconciliation/state.js';
export { RECONCILIATION_STREAM_PREFIX, reconciliationStreamName, MAX_LISTED_DIFFERENCES } from './reconciliation/stream.js';
export { type ReconciliationDuplicate, type ReconciliationDecision, decideReconciliation } from './reconciliation/decide.js';
export { reconciliationDecider } from './reconciliation/decider.js';
// Payment channels (docs/payment-channels.md): refused notifications and providers' refund answers as facts.
export {
  PROVIDERS,
  type Provider,
  ProviderC,
  REFUSAL_REASONS,
  type RefusalReason,
  RefusalReasonC,
  PROVIDER_REFUND_STATUSES,
  type ProviderRefundStatus,
  ProviderRefundStatusC,
} from './channel/shapes.js';
export {
  RecordRefusedNotificationC,
  RecordProviderRefundC,
  ChannelCommandC,
  type RecordRefusedNotification,
  type RecordProviderRefund,
  type ChannelCommand,
  decodeChannelCommand,
} from './channel/commands.js';
export {
  NotificationRefused,
  ProviderRefundAnswered,
  ChannelEventC,
  type NotificationRefusedData,
  type ProviderRefundAnsweredData,
  type ChannelEvent,
  type ChannelEventType,
  CHANNEL_SCHEMA_VERSION,
  channelEvents,
} from './channel/events.js';
export { type ChannelRuleDetails, type ChannelRuleCode, type ChannelError, channelError, CHANNEL_RULE_CODES } from './channel/errors.js';
export { type ChannelState, initialChannelState, evolveChannel, type ChannelStatus, channelStatus } from './channel/state.js';
export { CHANNEL_STREAM_PREFIX, refusedNotificationStreamName, providerRefundStreamName } from './channel/stream.js';
export { type ChannelDuplicate, type ChannelDecision, decideChannel } from './channel/decide.js';
export { channelDecider } from './channel/decider.js';
export { type OutTradeNoCodec, cycleOutTradeNo } from './channel/out-trade-no.js';
export { refusedNotification } from './channel/refusal.js';
export type { ChannelCollection, ChannelGateway } from './channel/gateway.js';
export { type RelayedRefund, type RefundSender, type NotRelayed, relayedRefundOf, isFinalRefundStatus } from './channel/refund-relay.js';
// The ledger's users and their roles (docs/roles-and-approvals.md): commands, events, the aggregate.
export {
  PasswordHashC,
  AddUserC,
  DisableUserC,
  UserCommandC,
  type AddUser,
  type DisableUser,
  type UserCommand,
  decodeUserCommand,
} from './users/commands.js';
export {
  UserAdded,
  UserDisabled,
  UserEventC,
  type UserEvent,
  type UserAddedData,
  type UserEventType,
  USER_SCHEMA_VERSION,
  decodeUserEvent,
  userEvents,
} from './users/events.js';
export {
  USERS_STREAM,
  type User,
  type UsersState,
  type UserRuleDetails,
  type UserRuleCode,
  type UserError,
  type UserDuplicate,
  initialUsers,
  evolveUsers,
  usersDecider,
} from './users/decider.js';
// Signed-in sessions as facts, one stream each (a service restart keeps them; the id is a token's hash).
export {
  SESSION_STREAM_PREFIX,
  StartSessionC,
  EndSessionC,
  SessionCommandC,
  type SessionCommand,
  decodeSessionCommand,
  SessionStarted,
  SessionEnded,
  SessionEventC,
  type SessionEvent,
  type SessionEventType,
  type SessionStartedData,
  type SessionEndedData,
  SESSION_SCHEMA_VERSION,
  decodeSessionEvent,
  sessionEvents,
  type SessionState,
  type SessionRuleDetails,
  type SessionRuleCode,
  type SessionError,
  type SessionDuplicate,
  initialSession,
  evolveSession,
  sessionIsLive,
  sessionDecider,
} from './users/sessions.js';
// Invoices (fapiao): the tax split, the ledger's invoicing rules, a contract's invoices as an aggregate.
export { MAX_TAX_RATE_BP, type TaxSplit, taxPartOf, splitTax, creditTaxOf, formatTaxRate } from './invoice/tax.js';
export {
  TaxRateBpC,
  INVOICE_TRIGGERS,
  type InvoiceTrigger,
  REFUND_CREDIT_MODES,
  type RefundCreditMode,
  CREDIT_REASONS,
  type CreditReason,
  invoiceShapes,
  type InvoiceBuyer,
  type InvoiceTaxRate,
  type InvoicingRules,
  type InvoiceRequestLine,
  type InvoiceBilledCycle,
  type InvoiceCreditLine,
  type InvoiceLine,
} from './invoice/shapes.js';
export {
  RequestInvoiceC,
  RecordInvoiceIssuedC,
  RecordInvoiceRefusedC,
  CancelInvoiceC,
  CreditInvoiceC,
  InvoiceCommandC,
  type RequestInvoice,
  type RecordInvoiceIssued,
  type RecordInvoiceRefused,
  type CancelInvoice,
  type CreditInvoice,
  type InvoiceCommand,
  type InvoiceCommandType,
  decodeInvoiceCommand,
} from './invoice/commands.js';
export {
  INVOICE_KINDS,
  type InvoiceKind,
  InvoiceRequested,
  InvoiceCredited,
  InvoiceIssued,
  InvoiceRefused,
  InvoiceCancelled,
  InvoiceEventC,
  type InvoiceRequestedData,
  type InvoiceCreditedData,
  type InvoiceIssuedData,
  type InvoiceRefusedData,
  type InvoiceCancelledData,
  type InvoiceEvent,
  type InvoiceEventType,
  INVOICE_SCHEMA_VERSION,
  decodeInvoiceEvent,
  invoiceEvents,
  INVOICE_EVENT_TYPES,
} from './invoice/events.js';
export {
  type InvoiceRuleDetails,
  type InvoiceRuleCode,
  type InvoiceErrorOf,
  type InvoiceError,
  INVOICE_RULE_CODES,
} from './invoice/errors.js';
export {
  type InvoiceStatus,
  type InvoiceFact,
  type InvoiceState,
  initialInvoiceState,
  evolveInvoice,
  invoicedOnCycle,
  creditedOnLine,
  invoiceOf,
  type InvoiceFigures,
  invoiceFigures,
} from './invoice/state.js';
export { type InvoiceDuplicate, type InvoiceDecision, decideInvoice } from './invoice/decide.js';
export { invoiceDecider } from './invoice/decider.js';
export { INVOICE_STREAM_PREFIX, invoiceStreamName, contractIdOfInvoiceStream } from './invoice/stream.js';
export {
  INVOICING_RULES_STREAM,
  SetInvoicingRulesC,
  type SetInvoicingRules,
  InvoicingRulesCommandC,
  type InvoicingRulesCommand,
  decodeInvoicingRulesCommand,
  InvoicingRulesEventC,
  InvoicingRulesSetDataC,
  type InvoicingRulesSetData,
  type InvoicingRulesEvent,
  invoicingRulesEvents,
  type InvoicingRulesState,
  type InvoicingRulesDuplicate,
  invoicingRulesDecider,
  taxRateOf,
} from './invoice/rules.js';

// Delivery (docs/reminders-and-notices.md): the messages the ledger's facts ask for, their words
// per channel and language, and what became of each message, one stream per message.
export {
  DELIVERY_CHANNELS,
  type DeliveryChannel,
  DeliveryChannelC,
  MessageSent,
  MessageDelivered,
  MessageBounced,
  MessageFailed,
  DeliveryEventC,
  type DeliveryEvent,
  type DeliveryEventType,
  type DeliveryEventData,
  DELIVERY_EVENT_TYPES,
  DELIVERY_SCHEMA_VERSION,
  decodeDeliveryEvent,
  deliveryEvents,
} from './delivery/events.js';
export {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  RecordDeliveryC,
  type RecordDelivery,
  decodeDeliveryCommand,
  deliveryCommandId,
} from './delivery/commands.js';
export {
  DELIVERY_STREAM_PREFIX,
  deliveryStreamName,
  type ChannelDelivery,
  type DeliveryState,
  type DeliveryRuleDetails,
  type DeliveryRuleCode,
  type DeliveryError,
  type DeliveryDuplicate,
  initialDeliveryState,
  evolveDelivery,
  decideDelivery,
  type DeliveryStatus,
  deliveryStatus,
  deliveryDecider,
} from './delivery/decider.js';
export {
  type MessageKind,
  type Recipient,
  type OutboxMessage,
  type MessageContext,
  type DeliveryPolicy,
  DEFAULT_DELIVERY_POLICY,
  canReceive,
  addressOn,
  deliveryChannels,
  recipientOf,
  reminderMessage,
  noticeMessage,
  receiptMessage,
  type LumpSumReceipt,
  lumpSumReceiptMessage,
} from './delivery/messages.js';
export {
  type MessageLanguage,
  MESSAGE_LANGUAGES,
  messageLanguageOf,
  type RenderedMessage,
  type TemplateOptions,
  formatDateFor,
  billForPayLink,
  howToPayWithLink,
  renderMessage,
} from './delivery/templates.js';
export { shareOut, type InvoiceableCycle, invoiceableLinesOf, overInvoicedMinor, redLinesForRefund } from './invoice/figures.js';
// Complaint cases (docs/complaints.md): one case per stream, opened, owned, followed up, resolved, closed.
export {
  COMPLAINT_SUBJECTS,
  type ComplaintSubject,
  COMPLAINT_OUTCOMES,
  type ComplaintOutcome,
  SATISFACTION_LEVELS,
  type Satisfaction,
  complaintShapes,
  type ComplaintAbout,
  type ComplaintCompensation,
} from './complaint/shapes.js';
export {
  OpenComplaintC,
  AssignComplaintC,
  FollowUpComplaintC,
  ResolveComplaintC,
  CloseComplaintC,
  ComplaintCommandC,
  type OpenComplaint,
  type AssignComplaint,
  type FollowUpComplaint,
  type ResolveComplaint,
  type CloseComplaint,
  type ComplaintCommand,
  decodeComplaintCommand,
} from './complaint/commands.js';
export {
  ComplaintOpened,
  ComplaintAssigned,
  ComplaintFollowedUp,
  ComplaintResolved,
  ComplaintClosed,
  ComplaintEventC,
  type ComplaintOpenedData,
  type ComplaintAssignedData,
  type ComplaintFollowedUpData,
  type ComplaintResolvedData,
  type ComplaintClosedData,
  type ComplaintEvent,
  type ComplaintEventType,
  COMPLAINT_SCHEMA_VERSION,
  complaintEvents,
} from './complaint/events.js';
export {
  type ComplaintRuleDetails,
  type ComplaintRuleCode,
  type ComplaintError,
  complaintError,
  COMPLAINT_RULE_CODES,
} from './complaint/errors.js';
export {
  type ComplaintState,
  initialComplaintState,
  evolveComplaint,
  type ComplaintStatus,
  type ComplaintFigures,
  complaintStatusOf,
  complaintFigures,
  type OverdueFollowUp,
  overdueFollowUp,
} from './complaint/state.js';
export { COMPLAINT_STREAM_PREFIX, complaintStreamName, caseIdOfComplaintStream } from './complaint/stream.js';
export { type ComplaintDuplicate, type ComplaintDecision, decideComplaint } from './complaint/decide.js';
export { complaintDecider } from './complaint/decider.js';
// The collection office (docs/collectors-and-targets.md): contracts assigned to collectors and teams, monthly targets, performance.
export { MonthC, TARGET_SCOPES, type TargetScope, TargetScopeC, RateBpC } from './collectors/shapes.js';
export {
  AssignCollectorC,
  SetCollectionTargetC,
  CollectorsCommandC,
  type AssignCollector,
  type SetCollectionTarget,
  type CollectorsCommand,
  decodeCollectorsCommand,
} from './collectors/commands.js';
export {
  CollectorAssigned,
  CollectionTargetSet,
  CollectorsEventC,
  type CollectorAssignedData,
  type CollectionTargetSetData,
  type CollectorsEvent,
  type CollectorsEventType,
  COLLECTORS_SCHEMA_VERSION,
  collectorsEvents,
} from './collectors/events.js';
export {
  type CollectorsRuleDetails,
  type CollectorsRuleCode,
  type CollectorsError,
  collectorsError,
  COLLECTORS_RULE_CODES,
} from './collectors/errors.js';
export {
  type CollectorsState,
  targetKey,
  initialCollectorsState,
  evolveCollectors,
  assignmentOn,
  teamOf,
  type CollectorsFigures,
  collectorsFigures,
} from './collectors/state.js';
export { COLLECTORS_STREAM } from './collectors/stream.js';
export { type CollectorsDuplicate, type CollectorsDecision, decideCollectors } from './collectors/decide.js';
export { collectorsDecider } from './collectors/decider.js';
export {
  type CyclePosition,
  type CollectorTaking,
  type TargetFigures,
  type Performance,
  type PerformanceReport,
  monthWindow,
  basisPoints,
  collectorsPerformance,
} from './collectors/performance.js';
// Customer types from behaviour (docs/customer-types.md): thresholds, the course's approach per type, the classification.
export {
  CustomerTypeThresholdsC,
  type CustomerTypeThresholds,
  DEFAULT_CUSTOMER_TYPE_THRESHOLDS,
  decodeCustomerTypeThresholds,
} from './customer-types/thresholds.js';
export { CUSTOMER_TYPES, type CustomerType, type CustomerApproach, CUSTOMER_APPROACHES } from './customer-types/approaches.js';
export {
  type CustomerFigures,
  type TypeMatch,
  type CustomerClassification,
  burstCyclesOf,
  classifyCustomer,
} from './customer-types/classify.js';
