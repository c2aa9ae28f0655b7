// The rules of a renewal cycle. Pure: everything it needs (time, ids, who asked) arrives with
// the command. Checks run in a fixed order: idempotency first (a retry must never be refused by
// a rule that the first attempt changed), then whether the cycle is billed, then the input, then
// the money rules.
import * as E from 'fp-ts/lib/Either.js';
import { isPeriodValid, type BusinessDate, type Instant, type Period } from '../calendar.js';
import type { Decision } from '../decider.js';
import { dueDateWindow, factWindow, isBefore, outsideWindow, type DateWindow } from '../timing.js';
import { sameFact } from '../same-fact.js';
import {
  amountFromRate,
  currencyExponent,
  isNonNegativeMinorUnits,
  isPositiveMinorUnits,
  sumMinor,
  type AmountOutOfRange,
  type DecimalQuantity,
  type NonNegativeMinorUnits,
  type PositiveMinorUnits,
} from '../money.js';
import type {
  Adjust,
  AgreeInstallments,
  ApproveRequest,
  ExpireRequest,
  RejectRequest,
  RequestApproval,
  Bill,
  CancelInstallments,
  ChargeLateFee,
  RaiseDispute,
  RecordAutoDebitFailure,
  RecordPayment,
  Refund,
  RenewalCommand,
  ResolveDispute,
  ReversePayment,
  SendReminder,
  WaiveLateFee,
  WriteOff,
} from './commands.js';
import { inCurrency, ruleError, type RenewalError } from './errors.js';
import type { ApprovalRequestedData, BilledData, RenewalEvent } from './events.js';
import { cycleFigures, type CycleFigures } from './figures.js';
import type { Basis } from './shapes.js';
import { activePlan, lateFeesOf, refundedOf, reversalOf, type ApprovalFact, type CycleState } from './state.js';

/** Why a command emitted nothing: the fact it repeats. */
export interface Duplicate {
  /** `commandId` for a repeated command; otherwise the business id that names the same fact. */
  readonly key:
    | 'commandId'
    | 'cycleId'
    | 'paymentId'
    | 'refundId'
    | 'disputeId'
    | 'planId'
    | 'adjustmentId'
    | 'reminderId'
    | 'writeOffId'
    | 'attemptId'
    | 'requestId'
    | 'chargeId'
    | 'waiverId'
    | 'reversalId';
  readonly id: string;
}

export type CycleDecision = Decision<RenewalEvent, Duplicate>;

type Result = E.Either<RenewalError, CycleDecision>;

const emit = (event: RenewalEvent): Result => E.right({ events: [event], duplicate: null });
const duplicate = (key: Duplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

// Event data is written as one object literal starting with the command's cycleId, commandId,
// actor and at (that order is the stored JSON's), never as `{ ...base, more }`: on Node 20 each
// key added after a spread costs about a microsecond (a Bill's data took 10 us that way, measured
// in benchmarks), which the command and batch paths pay per command.

/**
 * Looks for an earlier fact with the same business id: the same data is a duplicate, other data
 * an ID_CONFLICT; null when the id is new.
 */
const earlier = <F extends { readonly commandId: string }>(
  key: Duplicate['key'],
  id: string,
  found: F | undefined,
  candidate: object,
): Result | null => {
  if (!found) return null;
  return sameFact(found, candidate)
    ? duplicate(key, id)
    : E.left(ruleError('ID_CONFLICT', { idField: key, id, existingCommandId: found.commandId }));
};

/** DATE_OUT_OF_RANGE when `value` lies outside the window of the cycle's period (../timing.ts). */
const outOfRange = (
  field: string,
  value: BusinessDate | Instant,
  period: Period,
  window: DateWindow = factWindow(period),
): Result | null =>
  outsideWindow(value, window) === null
    ? null
    : E.left(
        ruleError('DATE_OUT_OF_RANGE', {
          field,
          value,
          earliest: window.earliest,
          latest: window.latest!,
          periodStart: period.start,
          periodEnd: period.end,
        }),
      );

/** A fact about a billed cycle dated implausibly far from its period. */
const factDated = (c: { readonly at: Instant }, state: CycleState): Result | null => outOfRange('at', c.at, state.bill!.period);

/** DATED_BEFORE_ORIGIN when what follows (a refund, resolution, cancellation) is dated before what it follows. */
const beforeOrigin = (at: Instant, origin: 'payment' | 'dispute' | 'plan', originId: string, originAt: Instant): Result | null =>
  isBefore(at, originAt) ? E.left(ruleError('DATED_BEFORE_ORIGIN', { origin, originId, originAt, at })) : null;

const positive = (field: string, value: unknown): RenewalError | null =>
  isPositiveMinorUnits(value) ? null : ruleError('INVALID_AMOUNT', { field, value });

/** What the basis computes; null when it has no rate to check against (a fixed amount). */
const expectedAmount = (basis: Basis): E.Either<AmountOutOfRange, number> | null => {
  const quantity = (basis.kind === 'fixed' ? '1' : basis.quantity) as DecimalQuantity;
  if (basis.rateMinor === undefined) return null;
  return amountFromRate(quantity, basis.rateMinor as NonNegativeMinorUnits, basis.prorated);
};

const decideBill = (c: Bill, state: CycleState): Result => {
  const discounts = c.discounts ?? [];
  const lines = sumMinor(c.lines.map((l) => l.amountMinor));
  const discounted = sumMinor(discounts.map((d) => d.amountMinor));
  const totalMinor = E.isRight(lines) && E.isRight(discounted) ? lines.right - discounted.right : Number.NaN;
  const billed: BilledData = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    contractId: c.contractId,
    period: c.period,
    dueDate: c.dueDate,
    currency: c.currency,
    lines: c.lines,
    discounts,
    totalMinor: totalMinor as BilledData['totalMinor'],
  };
  if (state.bill) {
    return sameFact(state.bill, billed)
      ? duplicate('cycleId', c.cycleId)
      : E.left(ruleError('ALREADY_BILLED', { billedByCommandId: state.bill.commandId, totalMinor: state.bill.totalMinor }));
  }
  if (!isPeriodValid(c.period)) return E.left(ruleError('INVALID_PERIOD', { start: c.period.start, end: c.period.end }));
  const dated = outOfRange('at', c.at, c.period) ?? outOfRange('dueDate', c.dueDate, c.period, dueDateWindow(c.period));
  if (dated) return dated;
  if (c.lines.length === 0) return E.left(ruleError('NO_BILL_LINES', { lineCount: 0 }));
  const codes = new Set<string>();
  for (let i = 0; i < c.lines.length; i++) {
    const line = c.lines[i]!;
    const bad = positive(`lines/${i}/amountMinor`, line.amountMinor);
    if (bad) return E.left(bad);
    if (codes.has(line.code)) return E.left(ruleError('DUPLICATE_LINE_CODE', { lineCode: line.code }));
    codes.add(line.code);
    if (line.basis) {
      const computed = expectedAmount(line.basis);
      if (computed !== null && E.isLeft(computed))
        return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: `lines/${i}/basis`, operands: computed.left.operands }));
      if (computed !== null && computed.right !== line.amountMinor) {
        return E.left(ruleError('BASIS_MISMATCH', { lineCode: line.code, amountMinor: line.amountMinor, computedMinor: computed.right }));
      }
    }
  }
  for (let i = 0; i < discounts.length; i++) {
    const bad = positive(`discounts/${i}/amountMinor`, discounts[i]!.amountMinor);
    if (bad) return E.left(bad);
  }
  if (E.isLeft(lines)) return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: 'lines', operands: lines.left.operands }));
  if (E.isLeft(discounted)) return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: 'discounts', operands: discounted.left.operands }));
  if (discounted.right > lines.right)
    return E.left(ruleError('DISCOUNTS_EXCEED_LINES', { linesMinor: lines.right, discountsMinor: discounted.right }));
  return emit({ type: 'Billed', data: billed });
};

const decidePayment = (c: RecordPayment, state: CycleState, bill: BilledData): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    paymentId: c.paymentId,
    amountMinor: c.amountMinor,
    channel: c.channel,
    ...(c.reference !== undefined ? { reference: c.reference } : {}),
    ...(c.offline !== undefined ? { offline: c.offline } : {}),
    ...(c.currency !== undefined ? { currency: c.currency } : {}),
    ...(c.lumpSumId !== undefined ? { lumpSumId: c.lumpSumId } : {}),
    ...(c.creditApplicationId !== undefined ? { creditApplicationId: c.creditApplicationId } : {}),
  };
  const found = state.payments.find((p) => p.paymentId === c.paymentId);
  // The split the decider chose is no part of what the caller said: compare without it, unless
  // the caller named a split itself.
  if (found && c.lateFeeMinor !== undefined && (found.lateFeeMinor ?? 0) !== c.lateFeeMinor)
    return E.left(ruleError('ID_CONFLICT', { idField: 'paymentId', id: c.paymentId, existingCommandId: found.commandId }));
  const seen = earlier('paymentId', c.paymentId, found && withoutLateFee(found), data);
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  if (c.currency !== undefined && c.currency !== bill.currency)
    return E.left(ruleError('CURRENCY_MISMATCH', { billCurrency: bill.currency, paymentCurrency: c.currency }));
  if (c.reference !== undefined) {
    const same = state.payments.find((p) => p.reference === c.reference && p.channel === c.channel);
    if (same) return E.left(ruleError('DUPLICATE_REFERENCE', { reference: c.reference, channel: c.channel, paymentId: same.paymentId }));
  }
  const split = lateFeePart(c, cycleFigures(state));
  if (E.isLeft(split)) return split;
  if (!Number.isSafeInteger(state.totals.paidMinor + c.amountMinor))
    return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: 'payments', operands: [state.totals.paidMinor, c.amountMinor] }));
  return emit({ type: 'Paid', data: split.right > 0 ? { ...data, lateFeeMinor: split.right as PositiveMinorUnits } : data });
};

const withoutLateFee = <D extends { readonly lateFeeMinor?: number }>(d: D): Omit<D, 'lateFeeMinor'> => {
  if (d.lateFeeMinor === undefined) return d;
  const { lateFeeMinor: _split, ...rest } = d;
  return rest;
};

/**
 * How much of a payment pays the late fee. Named by the caller (the lump-sum allocation, by the
 * policy's order), or principal first: only what exceeds the principal outstanding. A payment
 * beyond both is an OVERPAYMENT whose outstanding is the principal plus the late fee open.
 */
const lateFeePart = (c: RecordPayment, f: CycleFigures): E.Either<RenewalError, number> => {
  const lateFeeOutstandingMinor = f.lateFeeOutstandingMinor;
  if (c.lateFeeMinor === undefined) {
    const outstandingMinor = f.outstandingMinor + lateFeeOutstandingMinor;
    if (c.amountMinor > outstandingMinor) return E.left(ruleError('OVERPAYMENT', { outstandingMinor, attemptedMinor: c.amountMinor }));
    return E.right(Math.max(0, c.amountMinor - Math.max(0, f.outstandingMinor)));
  }
  if (c.lateFeeMinor > c.amountMinor) return E.left(ruleError('INVALID_AMOUNT', { field: 'lateFeeMinor', value: c.lateFeeMinor }));
  if (c.lateFeeMinor > lateFeeOutstandingMinor)
    return E.left(ruleError('LATE_FEE_OVERPAYMENT', { lateFeeOutstandingMinor, attemptedMinor: c.lateFeeMinor }));
  const principal = c.amountMinor - c.lateFeeMinor;
  if (principal > f.outstandingMinor)
    return E.left(ruleError('OVERPAYMENT', { outstandingMinor: f.outstandingMinor, attemptedMinor: principal }));
  return E.right(c.lateFeeMinor);
};

/**
 * The rules a refund and a reversal share: the payment exists, the fact follows it, it was not
 * reversed (a reversal takes all that is left), and refunds plus this stay within it.
 */
const takenFromPayment = (
  c: Refund | ReversePayment,
  state: CycleState,
  exceeds: 'REFUND_EXCEEDS_PAYMENT' | 'REVERSAL_EXCEEDS_PAYMENT',
): Result | null => {
  const payment = state.payments.find((p) => p.paymentId === c.paymentId);
  if (!payment) return E.left(ruleError('UNKNOWN_PAYMENT', { paymentId: c.paymentId }));
  const dated = factDated(c, state) ?? beforeOrigin(c.at, 'payment', payment.paymentId, payment.at);
  if (dated) return dated;
  const reversed = reversalOf(state, c.paymentId);
  if (reversed)
    return E.left(
      ruleError('PAYMENT_ALREADY_REVERSED', {
        paymentId: c.paymentId,
        reversalId: reversed.reversalId,
        reversedMinor: reversed.amountMinor,
      }),
    );
  const refundedMinor = refundedOf(state, c.paymentId);
  if (refundedMinor + c.amountMinor > payment.amountMinor)
    return E.left(
      ruleError(exceeds, { paymentId: c.paymentId, paymentMinor: payment.amountMinor, refundedMinor, attemptedMinor: c.amountMinor }),
    );
  return null;
};

/**
 * The late-fee part of money taken back from a payment (a refund or a reversal, checked by
 * takenFromPayment): the payment's principal part goes back first, then its late-fee part.
 */
const lateFeePartTaken = (c: Refund | ReversePayment, state: CycleState): number => {
  const payment = state.payments.find((p) => p.paymentId === c.paymentId)!;
  let principalTaken = 0;
  for (const r of state.refunds) if (r.paymentId === c.paymentId) principalTaken += r.amountMinor - (r.lateFeeMinor ?? 0);
  const principalPart = payment.amountMinor - (payment.lateFeeMinor ?? 0);
  return c.amountMinor - Math.min(c.amountMinor, principalPart - principalTaken);
};

const decideRefund = (c: Refund, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    refundId: c.refundId,
    paymentId: c.paymentId,
    amountMinor: c.amountMinor,
    reason: c.reason,
  };
  const found = state.refunds.find((r) => r.refundId === c.refundId);
  const seen = earlier('refundId', c.refundId, found && withoutLateFee(found), data);
  if (seen) return seen;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  const taken = takenFromPayment(c, state, 'REFUND_EXCEEDS_PAYMENT');
  if (taken) return taken;
  const lateFeeMinor = lateFeePartTaken(c, state);
  return emit({ type: 'Refunded', data: lateFeeMinor > 0 ? { ...data, lateFeeMinor: lateFeeMinor as PositiveMinorUnits } : data });
};

const decideDispute = (c: RaiseDispute, state: CycleState, bill: BilledData): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    disputeId: c.disputeId,
    amountMinor: c.amountMinor,
    reason: c.reason,
    ...(c.lineCode !== undefined ? { lineCode: c.lineCode } : {}),
  };
  const found = state.disputes.find((d) => d.raised.disputeId === c.disputeId);
  const seen = earlier('disputeId', c.disputeId, found?.raised, data);
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  if (c.lineCode !== undefined && !bill.lines.some((l) => l.code === c.lineCode))
    return E.left(ruleError('UNKNOWN_LINE', { lineCode: c.lineCode, lineCodes: bill.lines.map((l) => l.code) }));
  const { dueMinor, openDisputedMinor } = cycleFigures(state);
  if (openDisputedMinor + c.amountMinor > dueMinor)
    return E.left(ruleError('DISPUTE_EXCEEDS_DUE', { dueMinor, openDisputedMinor, attemptedMinor: c.amountMinor }));
  return emit({ type: 'Disputed', data });
};

const decideResolution = (c: ResolveDispute, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    disputeId: c.disputeId,
    outcome: c.outcome,
    adjustmentMinor: c.adjustmentMinor,
    ...(c.note !== undefined ? { note: c.note } : {}),
  };
  const found = state.disputes.find((d) => d.raised.disputeId === c.disputeId);
  if (!found) return E.left(ruleError('UNKNOWN_DISPUTE', { disputeId: c.disputeId }));
  if (found.resolution) {
    return sameFact(found.resolution, data)
      ? duplicate('disputeId', c.disputeId)
      : E.left(
          ruleError('DISPUTE_ALREADY_RESOLVED', {
            disputeId: c.disputeId,
            outcome: found.resolution.outcome,
            adjustmentMinor: found.resolution.adjustmentMinor,
          }),
        );
  }
  const dated = factDated(c, state) ?? beforeOrigin(c.at, 'dispute', c.disputeId, found.raised.at);
  if (dated) return dated;
  if (!isNonNegativeMinorUnits(c.adjustmentMinor))
    return E.left(ruleError('INVALID_AMOUNT', { field: 'adjustmentMinor', value: c.adjustmentMinor }));
  const disputedMinor: number = found.raised.amountMinor;
  if (c.adjustmentMinor > disputedMinor)
    return E.left(ruleError('ADJUSTMENT_EXCEEDS_DISPUTE', { disputeId: c.disputeId, disputedMinor, attemptedMinor: c.adjustmentMinor }));
  const fits =
    c.outcome === 'upheld'
      ? c.adjustmentMinor === disputedMinor
      : c.outcome === 'rejected'
        ? c.adjustmentMinor === 0
        : c.adjustmentMinor > 0 && c.adjustmentMinor < disputedMinor;
  if (!fits)
    return E.left(
      ruleError('OUTCOME_MISMATCH', { disputeId: c.disputeId, outcome: c.outcome, disputedMinor, adjustmentMinor: c.adjustmentMinor }),
    );
  const { dueMinor } = cycleFigures(state);
  if (c.adjustmentMinor > dueMinor) return E.left(ruleError('ADJUSTMENT_EXCEEDS_DUE', { dueMinor, attemptedMinor: c.adjustmentMinor }));
  return emit({ type: 'DisputeResolved', data });
};

const decidePlan = (c: AgreeInstallments, state: CycleState): Result => {
  const data = { cycleId: c.cycleId, commandId: c.commandId, actor: c.actor, at: c.at, planId: c.planId, installments: c.installments };
  const found = state.plans.find((p) => p.agreed.planId === c.planId);
  const seen = earlier('planId', c.planId, found?.agreed, data);
  if (seen) return seen;
  const dated =
    factDated(c, state) ??
    c.installments.reduce<Result | null>(
      (bad, i, n) => bad ?? outOfRange(`installments/${n}/dueDate`, i.dueDate, state.bill!.period),
      null,
    );
  if (dated) return dated;
  const active = activePlan(state);
  if (active) return E.left(ruleError('PLAN_ALREADY_ACTIVE', { activePlanId: active.agreed.planId }));
  for (let i = 0; i < c.installments.length; i++) {
    const bad = positive(`installments/${i}/amountMinor`, c.installments[i]!.amountMinor);
    if (bad) return E.left(bad);
  }
  const sum = sumMinor(c.installments.map((i) => i.amountMinor));
  if (E.isLeft(sum)) return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: 'installments', operands: sum.left.operands }));
  const { outstandingMinor } = cycleFigures(state);
  const figures = { installmentCount: c.installments.length, installmentsMinor: sum.right, outstandingMinor };
  if (c.installments.length < 2) return E.left(ruleError('PLAN_INVALID', { problem: 'fewer-than-two', ...figures }));
  for (let i = 1; i < c.installments.length; i++) {
    if (c.installments[i]!.dueDate <= c.installments[i - 1]!.dueDate)
      return E.left(ruleError('PLAN_INVALID', { problem: 'dates-not-increasing', ...figures }));
  }
  if (sum.right !== outstandingMinor) return E.left(ruleError('PLAN_INVALID', { problem: 'sum-mismatch', ...figures }));
  return emit({ type: 'InstallmentAgreed', data });
};

const decidePlanCancellation = (c: CancelInstallments, state: CycleState): Result => {
  const data = { cycleId: c.cycleId, commandId: c.commandId, actor: c.actor, at: c.at, planId: c.planId, reason: c.reason };
  const found = state.plans.find((p) => p.agreed.planId === c.planId);
  if (!found) return E.left(ruleError('UNKNOWN_PLAN', { planId: c.planId }));
  if (found.cancellation) {
    return sameFact(found.cancellation, data)
      ? duplicate('planId', c.planId)
      : E.left(ruleError('PLAN_NOT_ACTIVE', { planId: c.planId, cancelReason: found.cancellation.reason }));
  }
  const dated = factDated(c, state) ?? beforeOrigin(c.at, 'plan', c.planId, found.agreed.at);
  if (dated) return dated;
  return emit({ type: 'InstallmentPlanCancelled', data });
};

const decideAdjustment = (c: Adjust, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    adjustmentId: c.adjustmentId,
    amountMinor: c.amountMinor,
    reason: c.reason,
  };
  const seen = earlier(
    'adjustmentId',
    c.adjustmentId,
    state.adjustments.find((a) => a.adjustmentId === c.adjustmentId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  const { dueMinor } = cycleFigures(state);
  if (c.amountMinor > dueMinor) return E.left(ruleError('ADJUSTMENT_EXCEEDS_DUE', { dueMinor, attemptedMinor: c.amountMinor }));
  return emit({ type: 'Adjusted', data });
};

const decideReminder = (c: SendReminder, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    reminderId: c.reminderId,
    channel: c.channel,
    ...(c.level !== undefined ? { level: c.level } : {}),
  };
  const seen = earlier(
    'reminderId',
    c.reminderId,
    state.reminders.find((r) => r.reminderId === c.reminderId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const { outstandingMinor } = cycleFigures(state);
  if (outstandingMinor <= 0) return E.left(ruleError('NOTHING_OUTSTANDING', { outstandingMinor }));
  return emit({ type: 'ReminderSent', data });
};

const decideWriteOff = (c: WriteOff, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    writeOffId: c.writeOffId,
    amountMinor: c.amountMinor,
    reason: c.reason,
  };
  const seen = earlier(
    'writeOffId',
    c.writeOffId,
    state.writeOffs.find((w) => w.writeOffId === c.writeOffId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  const { outstandingMinor } = cycleFigures(state);
  if (outstandingMinor <= 0) return E.left(ruleError('NOTHING_OUTSTANDING', { outstandingMinor }));
  if (c.amountMinor > outstandingMinor)
    return E.left(ruleError('WRITE_OFF_EXCEEDS_OUTSTANDING', { outstandingMinor, attemptedMinor: c.amountMinor }));
  return emit({ type: 'WrittenOff', data });
};

// A gateway's answer, recorded as it came: no money moves, so the only rules are the id's and the
// amount's. The retry schedule (core's auto-debit policy) reads these to plan the next attempt.
const decideAutoDebitFailure = (c: RecordAutoDebitFailure, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    attemptId: c.attemptId,
    amountMinor: c.amountMinor,
    dueDate: c.dueDate,
    attempt: c.attempt,
    failureCode: c.failureCode,
    reason: c.reason,
    retryable: c.retryable,
    ...(c.mandateId !== undefined ? { mandateId: c.mandateId } : {}),
  };
  const seen = earlier(
    'attemptId',
    c.attemptId,
    state.autoDebitFailures?.find((f) => f.attemptId === c.attemptId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  return emit({ type: 'AutoDebitFailed', data });
};

// Approvals. A request is decided as the money-out command it asks for would be (so a request
// that could never be carried out is refused at once), and that command is decided again, on
// the state of the day, when it is approved: the money moves in the same decision as the
// approval, never before.

/** The money-out command a request asks for, as `base` (a command's id, actor and time) would issue it. */
export const moneyOutOf = (
  r: Pick<RequestApproval, 'requestId' | 'kind' | 'amountMinor' | 'reason' | 'paymentId'>,
  base: {
    readonly cycleId: RenewalCommand['cycleId'];
    readonly commandId: RenewalCommand['commandId'];
    readonly actor: RenewalCommand['actor'];
    readonly at: Instant;
  },
): Refund | Adjust | WriteOff => {
  const common = {
    cycleId: base.cycleId,
    commandId: base.commandId,
    actor: base.actor,
    at: base.at,
    amountMinor: r.amountMinor,
    reason: r.reason,
  };
  switch (r.kind) {
    case 'Refund':
      return { type: 'Refund', ...common, refundId: r.requestId, paymentId: r.paymentId ?? ('' as Refund['paymentId']) };
    case 'Adjust':
      return { type: 'Adjust', ...common, adjustmentId: r.requestId };
    case 'WriteOff':
      return { type: 'WriteOff', ...common, writeOffId: r.requestId };
  }
};

const decideMoneyOut = (c: Refund | Adjust | WriteOff, state: CycleState): Result =>
  c.type === 'Refund' ? decideRefund(c, state) : c.type === 'Adjust' ? decideAdjustment(c, state) : decideWriteOff(c, state);

const requestOf = (state: CycleState, requestId: string): ApprovalFact | undefined =>
  state.requests?.find((r) => r.requested.requestId === requestId);

const decideRequest = (c: RequestApproval, state: CycleState): Result => {
  const data: ApprovalRequestedData = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    requestId: c.requestId,
    role: c.role,
    kind: c.kind,
    amountMinor: c.amountMinor,
    reason: c.reason,
    ...(c.paymentId !== undefined ? { paymentId: c.paymentId } : {}),
  };
  const seen = earlier('requestId', c.requestId, requestOf(state, c.requestId)?.requested, data);
  if (seen) return seen;
  if (c.kind === 'Refund' && c.paymentId === undefined) return E.left(ruleError('UNKNOWN_PAYMENT', { paymentId: '' }));
  const asked = decideMoneyOut(moneyOutOf(c, c), state);
  if (E.isLeft(asked) || asked.right.events.length === 0) return asked;
  return emit({ type: 'ApprovalRequested', data });
};

/** The request `c` closes, or why it cannot: unknown, or closed already (the same closing again is a duplicate). */
const openRequest = (
  c: ApproveRequest | RejectRequest | ExpireRequest,
  state: CycleState,
  status: 'approved' | 'rejected' | 'expired',
  data: object,
): E.Either<Result, ApprovalFact> => {
  const found = requestOf(state, c.requestId);
  if (!found) return E.left(E.left(ruleError('UNKNOWN_REQUEST', { requestId: c.requestId })));
  if (!found.closing) return E.right(found);
  // The same closing by the same person is a retry; anything else comes too late.
  const again = found.closing.status === status && found.closing.data.actor === c.actor && sameFact(found.closing.data, data);
  return E.left(
    again
      ? duplicate('requestId', c.requestId)
      : E.left(ruleError('REQUEST_CLOSED', { requestId: c.requestId, status: found.closing.status })),
  );
};

const decideApproval = (c: ApproveRequest, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    requestId: c.requestId,
    ...(c.note !== undefined ? { note: c.note } : {}),
  };
  const open = openRequest(c, state, 'approved', data);
  if (E.isLeft(open)) return open.left;
  const requested = open.right.requested;
  // Four eyes: whoever asked for the money to go out cannot be the one who lets it.
  if (requested.actor === c.actor) return E.left(ruleError('SELF_APPROVAL', { requestId: c.requestId, requester: requested.actor }));
  const dated =
    factDated(c, state) ??
    (isBefore(c.at, requested.at)
      ? E.left(ruleError('DATED_BEFORE_ORIGIN', { origin: 'request', originId: c.requestId, originAt: requested.at, at: c.at }))
      : null);
  if (dated) return dated;
  const moved = decideMoneyOut(moneyOutOf(requested as RequestApproval, c), state);
  if (E.isLeft(moved)) return moved;
  return E.right({ events: [{ type: 'RequestApproved', data }, ...moved.right.events], duplicate: null });
};

const decideRejection = (c: RejectRequest, state: CycleState): Result => {
  const data = { cycleId: c.cycleId, commandId: c.commandId, actor: c.actor, at: c.at, requestId: c.requestId, reason: c.reason };
  const open = openRequest(c, state, 'rejected', data);
  return E.isLeft(open) ? open.left : emit({ type: 'RequestRejected', data });
};

const decideExpiry = (c: ExpireRequest, state: CycleState): Result => {
  const data = { cycleId: c.cycleId, commandId: c.commandId, actor: c.actor, at: c.at, requestId: c.requestId };
  const open = openRequest(c, state, 'expired', data);
  return E.isLeft(open) ? open.left : emit({ type: 'RequestExpired', data });
};

// The late-fee run's charge: the amount is the policy's (core's lateFeeAccrual), so the cycle
// checks only what it knows: the id, the dates, and that there is something overdue to charge on.
const decideLateFeeCharge = (c: ChargeLateFee, state: CycleState, bill: BilledData): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    chargeId: c.chargeId,
    asOf: c.asOf,
    amountMinor: c.amountMinor,
    overdueMinor: c.overdueMinor,
    chargeableDays: c.chargeableDays,
  };
  const seen = earlier(
    'chargeId',
    c.chargeId,
    lateFeesOf(state).charges.find((x) => x.chargeId === c.chargeId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state) ?? outOfRange('asOf', c.asOf, bill.period);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  if (c.asOf <= bill.dueDate) return E.left(ruleError('LATE_FEE_BEFORE_DUE', { asOf: c.asOf, dueDate: bill.dueDate }));
  const { outstandingMinor } = cycleFigures(state);
  if (outstandingMinor <= 0) return E.left(ruleError('NOTHING_OUTSTANDING', { outstandingMinor }));
  // As payments' running total: the late fee charged so far plus this one must stay a safe integer,
  // or the late fee open (and the figures from it) would be a wrong number.
  const { chargedMinor } = lateFeesOf(state);
  if (!Number.isSafeInteger(chargedMinor + c.amountMinor))
    return E.left(ruleError('AMOUNT_OUT_OF_RANGE', { field: 'lateFees', operands: [chargedMinor, c.amountMinor] }));
  return emit({ type: 'LateFeeCharged', data });
};

const decideLateFeeWaiver = (c: WaiveLateFee, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    waiverId: c.waiverId,
    amountMinor: c.amountMinor,
    reason: c.reason,
  };
  const seen = earlier(
    'waiverId',
    c.waiverId,
    lateFeesOf(state).waivers.find((w) => w.waiverId === c.waiverId),
    data,
  );
  if (seen) return seen;
  const dated = factDated(c, state);
  if (dated) return dated;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  const f = cycleFigures(state);
  if (c.amountMinor > f.lateFeeOutstandingMinor)
    return E.left(
      ruleError('WAIVER_EXCEEDS_LATE_FEE', {
        chargedMinor: f.lateFeeChargedMinor,
        waivedMinor: f.lateFeeWaivedMinor,
        paidMinor: f.lateFeePaidMinor,
        attemptedMinor: c.amountMinor,
      }),
    );
  return emit({ type: 'LateFeeWaived', data });
};

// A reversal takes back at most what is left of the payment after its refunds (the refunded part
// went back to the customer through the business and cannot bounce again), once per payment.
const decideReversal = (c: ReversePayment, state: CycleState): Result => {
  const data = {
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    reversalId: c.reversalId,
    paymentId: c.paymentId,
    amountMinor: c.amountMinor,
    reason: c.reason,
    ...(c.reference !== undefined ? { reference: c.reference } : {}),
  };
  const seen = earlier(
    'reversalId',
    c.reversalId,
    state.reversals?.find((r) => r.reversalId === c.reversalId),
    data,
  );
  if (seen) return seen;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  const taken = takenFromPayment(c, state, 'REVERSAL_EXCEEDS_PAYMENT');
  if (taken) return taken;
  const lateFeeMinor = lateFeePartTaken(c, state);
  return emit({ type: 'PaymentReversed', data: lateFeeMinor > 0 ? { ...data, lateFeeMinor: lateFeeMinor as PositiveMinorUnits } : data });
};

/** Decide a command against a cycle's state, saying whether it was a duplicate. */
/** Every rule, in one fixed order; a refusal's amounts in the decimals of the bill's currency. */
export const decideCycle = (command: RenewalCommand, state: CycleState): E.Either<RenewalError, CycleDecision> => {
  const r = decideInOrder(command, state);
  return E.isLeft(r) && state.bill && currencyExponent(state.bill.currency) !== 2 ? E.left(inCurrency(r.left, state.bill.currency)) : r;
};

const decideInOrder = (command: RenewalCommand, state: CycleState): Result => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  if (state.bill && state.bill.cycleId !== command.cycleId)
    return E.left(ruleError('CYCLE_MISMATCH', { cycleId: state.bill.cycleId, commandCycleId: command.cycleId }));
  if (command.type === 'Bill') return decideBill(command, state);
  const bill = state.bill;
  if (!bill) return E.left(ruleError('NOT_BILLED', { commandType: command.type }));
  switch (command.type) {
    case 'RecordPayment':
      return decidePayment(command, state, bill);
    case 'Refund':
      return decideRefund(command, state);
    case 'RaiseDispute':
      return decideDispute(command, state, bill);
    case 'ResolveDispute':
      return decideResolution(command, state);
    case 'AgreeInstallments':
      return decidePlan(command, state);
    case 'CancelInstallments':
      return decidePlanCancellation(command, state);
    case 'Adjust':
      return decideAdjustment(command, state);
    case 'SendReminder':
      return decideReminder(command, state);
    case 'WriteOff':
      return decideWriteOff(command, state);
    case 'RecordAutoDebitFailure':
      return decideAutoDebitFailure(command, state);
    case 'RequestApproval':
      return decideRequest(command, state);
    case 'ApproveRequest':
      return decideApproval(command, state);
    case 'RejectRequest':
      return decideRejection(command, state);
    case 'ExpireRequest':
      return decideExpiry(command, state);
    case 'ChargeLateFee':
      return decideLateFeeCharge(command, state, bill);
    case 'WaiveLateFee':
      return decideLateFeeWaiver(command, state);
    case 'ReversePayment':
      return decideReversal(command, state);
  }
};
