// Every refusal of a contract: a stable code, a sentence for people, and the figures that explain
// it as typed fields, as the cycle's rules do (see ../cycle/errors.ts).
import { amountText, type AmountText } from '../amount-text.js';

export interface ContractRuleDetails {
  NOT_OPENED: { commandType: string };
  ALREADY_OPENED: { openedByCommandId: string };
  CONTRACT_MISMATCH: { contractId: string; commandContractId: string };
  CONTRACT_ID_TOO_LONG: { contractId: string; length: number; maxLength: number };
  NO_CONTACT: { customer: string };
  NO_FEE_ITEMS: { itemCount: 0 };
  DUPLICATE_FEE_CODE: { feeCode: string };
  DUPLICATE_DISCOUNT_CODE: { discountCode: string };
  AREA_REQUIRED: { feeCode: string; subjectKind: string };
  QUANTITY_REQUIRED: { feeCode: string; subjectKind: string };
  INVALID_PERCENT: { discountCode: string; percent: string };
  INVALID_PROMOTION_WINDOW: { discountCode: string; from: string; to: string };
  EFFECTIVE_DATE_INVALID: {
    problem: 'not-after-start' | 'not-after-previous' | 'not-before-end';
    effectiveFrom: string;
    limit: string;
  };
  CONTRACT_ENDED: { commandType: string; endDate: string };
  ID_CONFLICT: { idField: string; id: string; existingCommandId: string };
  INVALID_AMOUNT: { field: string; value: unknown };
  AMOUNT_OUT_OF_RANGE: { field: string; operands: readonly number[] };
  MANDATE_ALREADY_ACTIVE: { activeMandateId: string };
  UNKNOWN_MANDATE: { mandateId: string };
  MANDATE_NOT_ACTIVE: { mandateId: string };
  CURRENCY_MISMATCH: { contractCurrency: string; paymentCurrency: string };
  DUPLICATE_REFERENCE: { reference: string; channel: string; lumpSumId: string };
  ADVANCE_NOT_ON_SCHEDULE: { from: string; nextPeriodStart: string | null };
  ADVANCE_SHORT: { periods: number; amountMinor: number; quotedMinor: number };
  UNKNOWN_LUMP_SUM: { lumpSumId: string };
  ALREADY_ALLOCATED: { lumpSumId: string; allocatedByCommandId: string };
  ALLOCATION_MISMATCH: { lumpSumId: string; lumpSumMinor: number; partsMinor: number; creditMinor: number };
  DUPLICATE_ALLOCATION_CYCLE: { lumpSumId: string; cycleId: string };
  CREDIT_EXCEEDS_BALANCE: { balanceMinor: number; attemptedMinor: number };
  UNKNOWN_CREDIT_APPLICATION: { applicationId: string };
  CREDIT_APPLICATION_CANCELLED: { applicationId: string; reason: string };
  END_NOT_AFTER_START: { startDate: string; endDate: string };
  ALREADY_ENDED: { endDate: string };
  DATE_OUT_OF_RANGE: { field: string; value: string; earliest: string; startDate: string };
}

export type ContractRuleCode = keyof ContractRuleDetails;
export type ContractErrorOf<K extends ContractRuleCode> = { readonly code: K; readonly message: string } & Readonly<ContractRuleDetails[K]>;
export type ContractError = { [K in ContractRuleCode]: ContractErrorOf<K> }[ContractRuleCode];

// Amounts in messages with the decimals of the contract's currency when it is known (JPY 0, KWD 3).
const messages: { [K in ContractRuleCode]: (d: ContractRuleDetails[K], m: AmountText) => string } = {
  NOT_OPENED: (d) => `${d.commandType} refused: the contract has not been opened`,
  ALREADY_OPENED: (d) => `the contract is already open (command ${d.openedByCommandId})`,
  CONTRACT_MISMATCH: (d) => `the command is for contract ${d.commandContractId} but was sent to contract ${d.contractId}`,
  CONTRACT_ID_TOO_LONG: (d) =>
    `contract id ${d.contractId} has ${d.length} characters; at most ${d.maxLength}, so that the ids derived from it (cycles, bills) fit`,
  NO_CONTACT: (d) => `customer ${d.customer} needs at least one contact: phone, email or address`,
  NO_FEE_ITEMS: () => 'a fee plan needs at least one fee item',
  DUPLICATE_FEE_CODE: (d) => `fee code ${d.feeCode} appears more than once in the plan`,
  DUPLICATE_DISCOUNT_CODE: (d) => `discount code ${d.discountCode} appears more than once in the plan`,
  AREA_REQUIRED: (d) => `fee ${d.feeCode} is charged per area, but a ${d.subjectKind} subject has no area`,
  QUANTITY_REQUIRED: (d) => `fee ${d.feeCode} is charged per unit: give its quantity (a ${d.subjectKind} subject has no unit count)`,
  INVALID_PERCENT: (d) => `discount ${d.discountCode}: a percentage must be more than 0 and at most 100, got ${d.percent}`,
  INVALID_PROMOTION_WINDOW: (d) => `discount ${d.discountCode}: the promotion window ends (${d.to}) before it starts (${d.from})`,
  EFFECTIVE_DATE_INVALID: (d) =>
    d.problem === 'not-after-start'
      ? `a fee plan change must take effect after the contract starts (${d.limit}), got ${d.effectiveFrom}`
      : d.problem === 'not-after-previous'
        ? `a fee plan change must take effect after the previous change (${d.limit}), got ${d.effectiveFrom}`
        : `a fee plan change must take effect before the contract ends (${d.limit}), got ${d.effectiveFrom}`,
  CONTRACT_ENDED: (d) => `${d.commandType} refused: the contract ends on ${d.endDate}`,
  ID_CONFLICT: (d) => `${d.idField} ${d.id} was already used by command ${d.existingCommandId} with different data`,
  INVALID_AMOUNT: (d) => `${d.field} must be a positive safe integer of minor units, got ${JSON.stringify(d.value)}`,
  AMOUNT_OUT_OF_RANGE: (d) => `${d.field} would leave the safe integer range (${d.operands.join(' + ')})`,
  MANDATE_ALREADY_ACTIVE: (d) => `auto-debit mandate ${d.activeMandateId} is still active: revoke it first`,
  UNKNOWN_MANDATE: (d) => `no auto-debit mandate ${d.mandateId} on this contract`,
  MANDATE_NOT_ACTIVE: (d) => `auto-debit mandate ${d.mandateId} was already revoked`,
  CURRENCY_MISMATCH: (d) => `the contract is in ${d.contractCurrency}, the payment in ${d.paymentCurrency}`,
  DUPLICATE_REFERENCE: (d) =>
    `reference ${d.reference} (${d.channel}) was already recorded as lump sum ${d.lumpSumId}: the same payment must not count twice`,
  ADVANCE_NOT_ON_SCHEDULE: (d) =>
    `an advance must start on a period start of the contract; ${d.from} is not one${d.nextPeriodStart ? ` (the next is ${d.nextPeriodStart})` : ''}`,
  ADVANCE_SHORT: (d, m) => `${m(d.amountMinor)} does not pay ${d.periods} periods in advance: they come to ${m(d.quotedMinor)}`,
  UNKNOWN_LUMP_SUM: (d) => `no lump sum ${d.lumpSumId} on this contract`,
  ALREADY_ALLOCATED: (d) => `lump sum ${d.lumpSumId} was already allocated differently (command ${d.allocatedByCommandId})`,
  ALLOCATION_MISMATCH: (d, m) =>
    `lump sum ${d.lumpSumId} of ${m(d.lumpSumMinor)} is not what its parts (${m(d.partsMinor)}) and credit (${m(d.creditMinor)}) add up to`,
  DUPLICATE_ALLOCATION_CYCLE: (d) => `lump sum ${d.lumpSumId} has more than one part for cycle ${d.cycleId}`,
  CREDIT_EXCEEDS_BALANCE: (d, m) => `applying ${m(d.attemptedMinor)} of credit exceeds the balance of ${m(d.balanceMinor)}`,
  UNKNOWN_CREDIT_APPLICATION: (d) => `no credit application ${d.applicationId} on this contract`,
  CREDIT_APPLICATION_CANCELLED: (d) => `credit application ${d.applicationId} was already cancelled (${d.reason})`,
  END_NOT_AFTER_START: (d) => `the contract must end after it starts (${d.startDate}), got ${d.endDate}`,
  ALREADY_ENDED: (d) => `the contract already ends on ${d.endDate}`,
  DATE_OUT_OF_RANGE: (d) =>
    `${d.field} ${d.value} is implausible for a contract that starts on ${d.startDate}: expected a date from ${d.earliest} on`,
};

/** A refusal; `currency` (the contract's) writes its amounts in that currency's decimals. */
export const contractError = <K extends ContractRuleCode>(
  code: K,
  details: ContractRuleDetails[K],
  currency?: string,
): ContractErrorOf<K> => ({ code, message: messages[code](details, amountText(currency)), ...details }) as ContractErrorOf<K>;

export const CONTRACT_RULE_CODES = Object.keys(messages) as ContractRuleCode[];
