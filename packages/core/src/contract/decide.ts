// The rules of a contract. Pure, like the cycle's: everything arrives with the command. Checks
// run in the cycle's fixed order: idempotency first (a retry is never refused by a rule its first
// attempt changed), then whether the contract is open, then the input, then the rules.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import { contractWindow, outsideWindow } from '../timing.js';
import { currencyExponent, isPositiveMinorUnits, parseQuantity } from '../money.js';
import { quoteAdvance } from '../billing/quote.js';
import { nextScheduledPeriod, scheduledPeriodStarting } from '../billing/schedule.js';
import { termsOf } from '../billing/terms.js';
import type {
  AllocateLumpSum,
  ApplyCredit,
  CancelCreditApplication,
  ChangeFeePlan,
  ContractCommand,
  CreditOverCollection,
  EndContract,
  GiveMandate,
  OpenContract,
  ReceiveLumpSum,
  RevokeMandate,
  SetInvoiceBuyer,
} from './commands.js';
import { contractError, type ContractError } from './errors.js';
import type { ContractEvent, ContractOpenedData, LumpSumAllocatedData, LumpSumReceivedData } from './events.js';
import type { FeePlan, Subject } from './shapes.js';
import { activeMandate, type ContractState } from './state.js';
import { MAX_CONTRACT_ID_LENGTH } from './stream.js';

/** Why a contract command emitted nothing: the fact it repeats. */
export interface ContractDuplicate {
  readonly key: 'commandId' | 'contractId' | 'changeId' | 'mandateId' | 'lumpSumId' | 'applicationId' | 'collectionId';
  readonly id: string;
}

export type ContractDecision = Decision<ContractEvent, ContractDuplicate>;

type Result = E.Either<ContractError, ContractDecision>;

const emit = (...events: ContractEvent[]): Result => E.right({ events, duplicate: null });
const duplicate = (key: ContractDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

const baseOf = (c: ContractCommand) => ({ contractId: c.contractId, commandId: c.commandId, actor: c.actor, at: c.at });

const earlier = <F extends { readonly commandId: string }>(
  key: ContractDuplicate['key'],
  id: string,
  found: F | undefined | null,
  candidate: object,
): Result | null => {
  if (!found) return null;
  return sameFact(found, candidate)
    ? duplicate(key, id)
    : E.left(contractError('ID_CONFLICT', { idField: key, id, existingCommandId: found.commandId }));
};

const positive = (field: string, value: unknown): ContractError | null =>
  isPositiveMinorUnits(value) ? null : contractError('INVALID_AMOUNT', { field, value });

/** A fee plan's own rules: items present with unique codes and a computable basis, sound discounts. */
const checkPlan = (plan: FeePlan, subject: Subject): ContractError | null => {
  if (plan.items.length === 0) return contractError('NO_FEE_ITEMS', { itemCount: 0 });
  const codes = new Set<string>();
  for (const item of plan.items) {
    if (codes.has(item.code)) return contractError('DUPLICATE_FEE_CODE', { feeCode: item.code });
    codes.add(item.code);
    const bad = positive(`feePlan/items/${item.code}/basis/rateMinor`, item.basis.rateMinor);
    if (bad) return bad;
    if (item.basis.kind === 'per-area' && subject.kind !== 'property-unit')
      return contractError('AREA_REQUIRED', { feeCode: item.code, subjectKind: subject.kind });
    if (item.basis.kind === 'per-unit' && item.basis.quantity === undefined && subject.kind === 'property-unit')
      return contractError('QUANTITY_REQUIRED', { feeCode: item.code, subjectKind: subject.kind });
  }
  const discountCodes = new Set<string>();
  for (const d of plan.discounts ?? []) {
    if (discountCodes.has(d.code)) return contractError('DUPLICATE_DISCOUNT_CODE', { discountCode: d.code });
    discountCodes.add(d.code);
    if (d.amount.kind === 'percent') {
      const { digits, scale } = parseQuantity(d.amount.percent);
      if (digits === 0n || digits > 100n * 10n ** BigInt(scale))
        return contractError('INVALID_PERCENT', { discountCode: d.code, percent: d.amount.percent });
    } else {
      const bad = positive(`feePlan/discounts/${d.code}/amount/amountMinor`, d.amount.amountMinor);
      if (bad) return bad;
    }
    if (d.eligibility.kind === 'promotion-window' && d.eligibility.to < d.eligibility.from)
      return contractError('INVALID_PROMOTION_WINDOW', { discountCode: d.code, from: d.eligibility.from, to: d.eligibility.to });
  }
  return null;
};

const decideOpen = (c: OpenContract, state: ContractState): Result => {
  const data: ContractOpenedData = {
    ...baseOf(c),
    customer: c.customer,
    subject: c.subject,
    currency: c.currency,
    cadence: c.cadence,
    startDate: c.startDate,
    billingDay: c.billingDay,
    dueAfterDays: c.dueAfterDays,
    feePlan: c.feePlan,
  };
  if (state.opened)
    return sameFact(state.opened, data)
      ? duplicate('contractId', c.contractId)
      : E.left(contractError('ALREADY_OPENED', { openedByCommandId: state.opened.commandId }));
  if (c.contractId.length > MAX_CONTRACT_ID_LENGTH)
    return E.left(
      contractError('CONTRACT_ID_TOO_LONG', { contractId: c.contractId, length: c.contractId.length, maxLength: MAX_CONTRACT_ID_LENGTH }),
    );
  const contact = c.customer.contact;
  if (contact.phone === undefined && contact.email === undefined && contact.address === undefined)
    return E.left(contractError('NO_CONTACT', { customer: c.customer.name }));
  const bad = checkPlan(c.feePlan, c.subject);
  if (bad) return E.left(bad);
  return emit({ type: 'ContractOpened', data });
};

const decideChangeFeePlan = (c: ChangeFeePlan, state: ContractState, opened: ContractOpenedData): Result => {
  const data = {
    ...baseOf(c),
    changeId: c.changeId,
    effectiveFrom: c.effectiveFrom,
    feePlan: c.feePlan,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
  const found = state.feePlans.find((v) => v.change?.changeId === c.changeId)?.change;
  const seen = earlier('changeId', c.changeId, found, data);
  if (seen) return seen;
  if (c.effectiveFrom <= opened.startDate)
    return E.left(
      contractError('EFFECTIVE_DATE_INVALID', { problem: 'not-after-start', effectiveFrom: c.effectiveFrom, limit: opened.startDate }),
    );
  const last = state.feePlans[state.feePlans.length - 1];
  if (last?.change && c.effectiveFrom <= last.effectiveFrom)
    return E.left(
      contractError('EFFECTIVE_DATE_INVALID', { problem: 'not-after-previous', effectiveFrom: c.effectiveFrom, limit: last.effectiveFrom }),
    );
  if (state.ended && c.effectiveFrom >= state.ended.endDate)
    return E.left(
      contractError('EFFECTIVE_DATE_INVALID', { problem: 'not-before-end', effectiveFrom: c.effectiveFrom, limit: state.ended.endDate }),
    );
  const bad = checkPlan(c.feePlan, opened.subject);
  if (bad) return E.left(bad);
  return emit({ type: 'FeePlanChanged', data });
};

const decideGiveMandate = (c: GiveMandate, state: ContractState): Result => {
  const data = { ...baseOf(c), mandateId: c.mandateId, method: c.method, accountRef: c.accountRef };
  const seen = earlier('mandateId', c.mandateId, state.mandates.find((x) => x.given.mandateId === c.mandateId)?.given, data);
  if (seen) return seen;
  if (state.ended) return E.left(contractError('CONTRACT_ENDED', { commandType: c.type, endDate: state.ended.endDate }));
  const active = activeMandate(state);
  if (active) return E.left(contractError('MANDATE_ALREADY_ACTIVE', { activeMandateId: active.given.mandateId }));
  return emit({ type: 'MandateGiven', data });
};

const decideRevokeMandate = (c: RevokeMandate, state: ContractState): Result => {
  const data = { ...baseOf(c), mandateId: c.mandateId, ...(c.reason !== undefined ? { reason: c.reason } : {}) };
  const found = state.mandates.find((x) => x.given.mandateId === c.mandateId);
  if (!found) return E.left(contractError('UNKNOWN_MANDATE', { mandateId: c.mandateId }));
  if (found.revocation)
    return sameFact(found.revocation, data)
      ? duplicate('mandateId', c.mandateId)
      : E.left(contractError('MANDATE_NOT_ACTIVE', { mandateId: c.mandateId }));
  return emit({ type: 'MandateRevoked', data });
};

const decideReceiveLumpSum = (c: ReceiveLumpSum, state: ContractState, opened: ContractOpenedData): Result => {
  const data: LumpSumReceivedData = {
    ...baseOf(c),
    lumpSumId: c.lumpSumId,
    amountMinor: c.amountMinor,
    channel: c.channel,
    // Always the contract's: a retry that leaves the optional currency out is the same fact.
    currency: opened.currency,
    ...(c.reference !== undefined ? { reference: c.reference } : {}),
    ...(c.offline !== undefined ? { offline: c.offline } : {}),
    ...(c.advance !== undefined ? { advance: c.advance } : {}),
  };
  const seen = earlier('lumpSumId', c.lumpSumId, state.lumpSums.find((l) => l.received.lumpSumId === c.lumpSumId)?.received, data);
  if (seen) return seen;
  // Its parts become payments on the contract's cycles, which refuse an implausible date: the
  // lump sum is refused first, rather than received and then never allocated (../timing.ts).
  const window = contractWindow(opened.startDate);
  if (outsideWindow(c.at, window) !== null)
    return E.left(contractError('DATE_OUT_OF_RANGE', { field: 'at', value: c.at, earliest: window.earliest, startDate: opened.startDate }));
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  if (c.currency !== undefined && c.currency !== opened.currency)
    return E.left(contractError('CURRENCY_MISMATCH', { contractCurrency: opened.currency, paymentCurrency: c.currency }));
  if (c.reference !== undefined) {
    const same = state.lumpSums.find((l) => l.received.reference === c.reference && l.received.channel === c.channel);
    if (same)
      return E.left(
        contractError('DUPLICATE_REFERENCE', { reference: c.reference, channel: c.channel, lumpSumId: same.received.lumpSumId }),
      );
  }
  if (c.advance) {
    const terms = termsOf(state)!;
    if (!scheduledPeriodStarting(terms, c.advance.from))
      return E.left(
        contractError('ADVANCE_NOT_ON_SCHEDULE', {
          from: c.advance.from,
          nextPeriodStart: nextScheduledPeriod(terms, c.advance.from)?.period.start ?? null,
        }),
      );
    const quote = quoteAdvance(state, c.advance);
    if (E.isLeft(quote)) return E.left(contractError('ADVANCE_NOT_ON_SCHEDULE', { from: c.advance.from, nextPeriodStart: null }));
    if (c.amountMinor < quote.right.totalMinor)
      return E.left(
        contractError('ADVANCE_SHORT', { periods: c.advance.periods, amountMinor: c.amountMinor, quotedMinor: quote.right.totalMinor }),
      );
  }
  return emit({ type: 'LumpSumReceived', data });
};

const decideAllocate = (c: AllocateLumpSum, state: ContractState): Result => {
  const data: LumpSumAllocatedData = { ...baseOf(c), lumpSumId: c.lumpSumId, parts: c.parts, creditMinor: c.creditMinor };
  const lump = state.lumpSums.find((l) => l.received.lumpSumId === c.lumpSumId);
  if (!lump) return E.left(contractError('UNKNOWN_LUMP_SUM', { lumpSumId: c.lumpSumId }));
  if (lump.allocation)
    return sameFact(lump.allocation, data)
      ? duplicate('lumpSumId', c.lumpSumId)
      : E.left(contractError('ALREADY_ALLOCATED', { lumpSumId: c.lumpSumId, allocatedByCommandId: lump.allocation.commandId }));
  const cycles = new Set<string>();
  let partsMinor = 0;
  for (let i = 0; i < c.parts.length; i++) {
    const part = c.parts[i]!;
    const bad = positive(`parts/${i}/amountMinor`, part.amountMinor);
    if (bad) return E.left(bad);
    if (cycles.has(part.cycleId))
      return E.left(contractError('DUPLICATE_ALLOCATION_CYCLE', { lumpSumId: c.lumpSumId, cycleId: part.cycleId }));
    cycles.add(part.cycleId);
    partsMinor += part.amountMinor;
  }
  if (!Number.isSafeInteger(c.creditMinor) || c.creditMinor < 0)
    return E.left(contractError('INVALID_AMOUNT', { field: 'creditMinor', value: c.creditMinor }));
  if (partsMinor + c.creditMinor !== lump.received.amountMinor)
    return E.left(
      contractError('ALLOCATION_MISMATCH', {
        lumpSumId: c.lumpSumId,
        lumpSumMinor: lump.received.amountMinor,
        partsMinor,
        creditMinor: c.creditMinor,
      }),
    );
  const events: ContractEvent[] = [{ type: 'LumpSumAllocated', data }];
  if (c.creditMinor > 0)
    events.push({
      type: 'CreditReceived',
      data: {
        ...baseOf(c),
        lumpSumId: c.lumpSumId,
        amountMinor: c.creditMinor as number as LumpSumReceivedData['amountMinor'],
        channel: lump.received.channel,
        currency: lump.received.currency,
      },
    });
  return emit(...events);
};

const decideApplyCredit = (c: ApplyCredit, state: ContractState): Result => {
  const data = { ...baseOf(c), applicationId: c.applicationId, cycleId: c.cycleId, amountMinor: c.amountMinor };
  const found = state.applications.find((a) => a.applied.applicationId === c.applicationId);
  const seen = earlier('applicationId', c.applicationId, found?.applied, data);
  if (seen) return seen;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  if (c.amountMinor > state.creditBalanceMinor)
    return E.left(contractError('CREDIT_EXCEEDS_BALANCE', { balanceMinor: state.creditBalanceMinor, attemptedMinor: c.amountMinor }));
  return emit({ type: 'CreditApplied', data });
};

const decideCancelApplication = (c: CancelCreditApplication, state: ContractState): Result => {
  const data = { ...baseOf(c), applicationId: c.applicationId, reason: c.reason };
  const found = state.applications.find((a) => a.applied.applicationId === c.applicationId);
  if (!found) return E.left(contractError('UNKNOWN_CREDIT_APPLICATION', { applicationId: c.applicationId }));
  if (found.cancellation)
    return sameFact(found.cancellation, data)
      ? duplicate('applicationId', c.applicationId)
      : E.left(contractError('CREDIT_APPLICATION_CANCELLED', { applicationId: c.applicationId, reason: found.cancellation.reason }));
  return emit({ type: 'CreditApplicationCancelled', data });
};

// Whatever the cycle's refusal, the money arrived: it is credited even after the contract ended
// (it is the customer's until applied or refunded).
const decideOverCollection = (c: CreditOverCollection, state: ContractState, opened: ContractOpenedData): Result => {
  const data = {
    ...baseOf(c),
    collectionId: c.collectionId,
    cycleId: c.cycleId,
    amountMinor: c.amountMinor,
    channel: c.channel,
    currency: opened.currency,
    reason: c.reason,
    ...(c.reference !== undefined ? { reference: c.reference } : {}),
  };
  const seen = earlier(
    'collectionId',
    c.collectionId,
    state.overCollections?.find((o) => o.collectionId === c.collectionId),
    data,
  );
  if (seen) return seen;
  const bad = positive('amountMinor', c.amountMinor);
  if (bad) return E.left(bad);
  return emit({ type: 'OverCollectionCredited', data });
};

const decideEnd = (c: EndContract, state: ContractState, opened: ContractOpenedData): Result => {
  const data = { ...baseOf(c), endDate: c.endDate, ...(c.reason !== undefined ? { reason: c.reason } : {}) };
  if (state.ended)
    return sameFact(state.ended, data)
      ? duplicate('contractId', c.contractId)
      : E.left(contractError('ALREADY_ENDED', { endDate: state.ended.endDate }));
  if (c.endDate <= opened.startDate)
    return E.left(contractError('END_NOT_AFTER_START', { startDate: opened.startDate, endDate: c.endDate }));
  return emit({ type: 'ContractEnded', data });
};

const decideSetInvoiceBuyer = (c: SetInvoiceBuyer, state: ContractState): Result => {
  // The buyer decides, not who sets it: the same buyer again changes nothing.
  if (state.invoiceBuyer && sameFact({ b: state.invoiceBuyer.buyer }, { b: c.buyer })) return duplicate('contractId', c.contractId);
  if (state.ended) return E.left(contractError('CONTRACT_ENDED', { commandType: c.type, endDate: state.ended.endDate }));
  return emit({ type: 'InvoiceBuyerSet', data: { ...baseOf(c), buyer: c.buyer, ...(c.reason !== undefined ? { reason: c.reason } : {}) } });
};

/**
 * Decide a command against a contract's state, saying whether it was a duplicate; a refusal's
 * amounts in the decimals of the contract's currency (JPY 0, KWD 3).
 */
export const decideContract = (command: ContractCommand, state: ContractState): E.Either<ContractError, ContractDecision> => {
  const r = decideInOrder(command, state);
  const currency = state.opened?.currency;
  if (E.isRight(r) || currency === undefined || currencyExponent(currency) === 2) return r;
  const { code, message: _message, ...details } = r.left;
  return E.left(contractError(code, details as never, currency) as ContractError);
};

const decideInOrder = (command: ContractCommand, state: ContractState): Result => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  if (state.opened && state.opened.contractId !== command.contractId)
    return E.left(contractError('CONTRACT_MISMATCH', { contractId: state.opened.contractId, commandContractId: command.contractId }));
  if (command.type === 'OpenContract') return decideOpen(command, state);
  const opened = state.opened;
  if (!opened) return E.left(contractError('NOT_OPENED', { commandType: command.type }));
  switch (command.type) {
    case 'ChangeFeePlan':
      return decideChangeFeePlan(command, state, opened);
    case 'GiveMandate':
      return decideGiveMandate(command, state);
    case 'RevokeMandate':
      return decideRevokeMandate(command, state);
    case 'ReceiveLumpSum':
      return decideReceiveLumpSum(command, state, opened);
    case 'AllocateLumpSum':
      return decideAllocate(command, state);
    case 'ApplyCredit':
      return decideApplyCredit(command, state);
    case 'CancelCreditApplication':
      return decideCancelApplication(command, state);
    case 'EndContract':
      return decideEnd(command, state, opened);
    case 'SetInvoiceBuyer':
      return decideSetInvoiceBuyer(command, state);
    case 'CreditOverCollection':
      return decideOverCollection(command, state, opened);
  }
};
