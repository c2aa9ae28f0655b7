// Every refusal of a renewal cycle: a stable code, a sentence for people, and the figures that
// explain it as typed fields (an OVERPAYMENT says what was outstanding and what was attempted).
import { amountText, type AmountText as Amount } from '../amount-text.js';

export interface RuleDetails {
  NOT_BILLED: { commandType: string };
  ALREADY_BILLED: { billedByCommandId: string; totalMinor: number };
  CYCLE_MISMATCH: { cycleId: string; commandCycleId: string };
  INVALID_AMOUNT: { field: string; value: unknown };
  AMOUNT_OUT_OF_RANGE: { field: string; operands: readonly number[] };
  INVALID_PERIOD: { start: string; end: string };
  NO_BILL_LINES: { lineCount: 0 };
  DUPLICATE_LINE_CODE: { lineCode: string };
  BASIS_MISMATCH: { lineCode: string; amountMinor: number; computedMinor: number };
  DISCOUNTS_EXCEED_LINES: { linesMinor: number; discountsMinor: number };
  CURRENCY_MISMATCH: { billCurrency: string; paymentCurrency: string };
  OVERPAYMENT: { outstandingMinor: number; attemptedMinor: number };
  DUPLICATE_REFERENCE: { reference: string; channel: string; paymentId: string };
  ID_CONFLICT: { idField: string; id: string; existingCommandId: string };
  UNKNOWN_PAYMENT: { paymentId: string };
  REFUND_EXCEEDS_PAYMENT: { paymentId: string; paymentMinor: number; refundedMinor: number; attemptedMinor: number };
  UNKNOWN_LINE: { lineCode: string; lineCodes: readonly string[] };
  UNKNOWN_DISPUTE: { disputeId: string };
  DISPUTE_ALREADY_RESOLVED: { disputeId: string; outcome: string; adjustmentMinor: number };
  DISPUTE_EXCEEDS_DUE: { dueMinor: number; openDisputedMinor: number; attemptedMinor: number };
  ADJUSTMENT_EXCEEDS_DISPUTE: { disputeId: string; disputedMinor: number; attemptedMinor: number };
  OUTCOME_MISMATCH: { disputeId: string; outcome: string; disputedMinor: number; adjustmentMinor: number };
  PLAN_ALREADY_ACTIVE: { activePlanId: string };
  UNKNOWN_PLAN: { planId: string };
  PLAN_NOT_ACTIVE: { planId: string; cancelReason: string };
  PLAN_INVALID: {
    problem: 'fewer-than-two' | 'dates-not-increasing' | 'sum-mismatch';
    installmentCount: number;
    installmentsMinor: number;
    outstandingMinor: number;
  };
  ADJUSTMENT_EXCEEDS_DUE: { dueMinor: number; attemptedMinor: number };
  WRITE_OFF_EXCEEDS_OUTSTANDING: { outstandingMinor: number; attemptedMinor: number };
  NOTHING_OUTSTANDING: { outstandingMinor: number };
  DATE_OUT_OF_RANGE: { field: string; value: string; earliest: string; latest: string; periodStart: string; periodEnd: string };
  DATED_BEFORE_ORIGIN: { origin: 'payment' | 'dispute' | 'plan' | 'request'; originId: string; originAt: string; at: string };
  UNKNOWN_REQUEST: { requestId: string };
  REQUEST_CLOSED: { requestId: string; status: 'approved' | 'rejected' | 'expired' };
  SELF_APPROVAL: { requestId: string; requester: string };
  LATE_FEE_OVERPAYMENT: { lateFeeOutstandingMinor: number; attemptedMinor: number };
  LATE_FEE_BEFORE_DUE: { asOf: string; dueDate: string };
  WAIVER_EXCEEDS_LATE_FEE: { chargedMinor: number; waivedMinor: number; paidMinor: number; attemptedMinor: number };
  PAYMENT_ALREADY_REVERSED: { paymentId: string; reversalId: string; reversedMinor: number };
  REVERSAL_EXCEEDS_PAYMENT: { paymentId: string; paymentMinor: number; refundedMinor: number; attemptedMinor: number };
}

export type RuleCode = keyof RuleDetails;
export type RenewalErrorOf<K extends RuleCode> = { readonly code: K; readonly message: string } & Readonly<RuleDetails[K]>;
export type RenewalError = { [K in RuleCode]: RenewalErrorOf<K> }[RuleCode];

// Amounts in messages with the decimals of the cycle's currency when it is known (JPY 0, KWD 3).

const messages: { [K in RuleCode]: (d: RuleDetails[K], m: Amount) => string } = {
  NOT_BILLED: (d) => `${d.commandType} refused: the cycle has not been billed yet`,
  ALREADY_BILLED: (d, m) => `the cycle is already billed (total ${m(d.totalMinor)}, command ${d.billedByCommandId})`,
  CYCLE_MISMATCH: (d) => `the command is for cycle ${d.commandCycleId} but was sent to cycle ${d.cycleId}`,
  INVALID_AMOUNT: (d) => `${d.field} must be a positive safe integer of minor units, got ${JSON.stringify(d.value)}`,
  AMOUNT_OUT_OF_RANGE: (d) => `${d.field} would leave the safe integer range (${d.operands.join(' + ')})`,
  INVALID_PERIOD: (d) => `the period must end after it starts, got [${d.start}, ${d.end})`,
  NO_BILL_LINES: () => 'a bill needs at least one line',
  DUPLICATE_LINE_CODE: (d) => `line code ${d.lineCode} appears more than once on the bill`,
  BASIS_MISMATCH: (d, m) => `line ${d.lineCode}: amount ${m(d.amountMinor)} does not match its basis, which computes ${m(d.computedMinor)}`,
  DISCOUNTS_EXCEED_LINES: (d, m) => `discounts ${m(d.discountsMinor)} exceed the lines ${m(d.linesMinor)}`,
  CURRENCY_MISMATCH: (d) => `the bill is in ${d.billCurrency}, the payment in ${d.paymentCurrency}`,
  OVERPAYMENT: (d, m) => `payment of ${m(d.attemptedMinor)} exceeds the outstanding ${m(d.outstandingMinor)}`,
  DUPLICATE_REFERENCE: (d) =>
    `reference ${d.reference} (${d.channel}) was already recorded as payment ${d.paymentId}: the same payment must not count twice`,
  ID_CONFLICT: (d) => `${d.idField} ${d.id} was already used by command ${d.existingCommandId} with different data`,
  UNKNOWN_PAYMENT: (d) => `no payment ${d.paymentId} on this cycle`,
  REFUND_EXCEEDS_PAYMENT: (d, m) =>
    `refund of ${m(d.attemptedMinor)} on payment ${d.paymentId} of ${m(d.paymentMinor)} exceeds what is left (${m(d.paymentMinor - d.refundedMinor)} after ${m(d.refundedMinor)} refunded)`,
  UNKNOWN_LINE: (d) => `no bill line ${d.lineCode} (lines: ${d.lineCodes.join(', ')})`,
  UNKNOWN_DISPUTE: (d) => `no dispute ${d.disputeId} on this cycle`,
  DISPUTE_ALREADY_RESOLVED: (d, m) => `dispute ${d.disputeId} was already resolved (${d.outcome}, adjustment ${m(d.adjustmentMinor)})`,
  DISPUTE_EXCEEDS_DUE: (d, m) =>
    `disputing ${m(d.attemptedMinor)} with ${m(d.openDisputedMinor)} already open exceeds the due ${m(d.dueMinor)}`,
  ADJUSTMENT_EXCEEDS_DISPUTE: (d, m) => `adjustment ${m(d.attemptedMinor)} exceeds dispute ${d.disputeId} of ${m(d.disputedMinor)}`,
  OUTCOME_MISMATCH: (d, m) =>
    `outcome ${d.outcome} of dispute ${d.disputeId} (${m(d.disputedMinor)}) does not fit an adjustment of ${m(d.adjustmentMinor)}: upheld adjusts the whole disputed amount, partially-upheld less than it and more than zero, rejected zero`,
  PLAN_ALREADY_ACTIVE: (d) => `instalment plan ${d.activePlanId} is still active`,
  UNKNOWN_PLAN: (d) => `no instalment plan ${d.planId} on this cycle`,
  PLAN_NOT_ACTIVE: (d) => `instalment plan ${d.planId} was already cancelled (${d.cancelReason})`,
  PLAN_INVALID: (d, m) =>
    d.problem === 'fewer-than-two'
      ? `an instalment plan needs at least 2 instalments, got ${d.installmentCount}`
      : d.problem === 'dates-not-increasing'
        ? 'instalment due dates must be strictly increasing'
        : `instalments add up to ${m(d.installmentsMinor)} but ${m(d.outstandingMinor)} is outstanding`,
  ADJUSTMENT_EXCEEDS_DUE: (d, m) => `adjustment of ${m(d.attemptedMinor)} exceeds the due ${m(d.dueMinor)}`,
  WRITE_OFF_EXCEEDS_OUTSTANDING: (d, m) => `write-off of ${m(d.attemptedMinor)} exceeds the outstanding ${m(d.outstandingMinor)}`,
  NOTHING_OUTSTANDING: (d, m) => `nothing is outstanding on this cycle (${m(d.outstandingMinor)})`,
  DATE_OUT_OF_RANGE: (d) =>
    `${d.field} ${d.value} is implausible for the period [${d.periodStart}, ${d.periodEnd}): expected a date from ${d.earliest} to ${d.latest}`,
  DATED_BEFORE_ORIGIN: (d) =>
    d.origin === 'payment'
      ? `a refund dated ${d.at} is before the payment ${d.originId} it refunds (${d.originAt})`
      : d.origin === 'dispute'
        ? `a resolution dated ${d.at} is before dispute ${d.originId} was raised (${d.originAt})`
        : d.origin === 'plan'
          ? `a cancellation dated ${d.at} is before plan ${d.originId} was agreed (${d.originAt})`
          : `an approval dated ${d.at} is before request ${d.originId} was made (${d.originAt})`,
  PAYMENT_ALREADY_REVERSED: (d, m) => `payment ${d.paymentId} was already reversed (${m(d.reversedMinor)}, reversal ${d.reversalId})`,
  REVERSAL_EXCEEDS_PAYMENT: (d, m) =>
    `reversing ${m(d.attemptedMinor)} of payment ${d.paymentId} of ${m(d.paymentMinor)} exceeds what is left (${m(d.paymentMinor - d.refundedMinor)} after ${m(d.refundedMinor)} refunded)`,
  UNKNOWN_REQUEST: (d) => `no request ${d.requestId} on this cycle`,
  REQUEST_CLOSED: (d) => `request ${d.requestId} is already closed (${d.status})`,
  SELF_APPROVAL: (d) => `${d.requester} asked for request ${d.requestId} and cannot approve it: a second person must (four eyes)`,
  LATE_FEE_OVERPAYMENT: (d, m) =>
    `a late-fee part of ${m(d.attemptedMinor)} exceeds the late fee outstanding ${m(d.lateFeeOutstandingMinor)}`,
  LATE_FEE_BEFORE_DUE: (d) => `a late fee as of ${d.asOf} is not due: the cycle is due ${d.dueDate}`,
  WAIVER_EXCEEDS_LATE_FEE: (d, m) =>
    `waiving ${m(d.attemptedMinor)} exceeds the late fee open: ${m(d.chargedMinor - d.waivedMinor - d.paidMinor)} (charged ${m(d.chargedMinor)}, waived ${m(d.waivedMinor)}, paid ${m(d.paidMinor)})`,
};

export const ruleError = <K extends RuleCode>(code: K, details: RuleDetails[K], currency?: string): RenewalErrorOf<K> => {
  return { code, message: messages[code](details, amountText(currency)), ...details } as RenewalErrorOf<K>;
};

/** The same refusal with its amounts written in the cycle's currency's decimals. */
export const inCurrency = (error: RenewalError, currency: string): RenewalError => {
  const { code, message: _message, ...details } = error;
  return ruleError(code, details as never, currency) as RenewalError;
};

export const RULE_CODES = Object.keys(messages) as RuleCode[];
