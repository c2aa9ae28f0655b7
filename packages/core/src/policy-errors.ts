// Why a policy of the renewal engine (bill calculation, lump-sum allocation, credit, reminders,
// auto-debit) could not produce its commands: a stable code, a sentence, and the figures, as the
// aggregates' rules have. A policy never refuses a command itself (the aggregates do that); these
// say that there is no sound command to propose.
import { amountText, type AmountText } from './amount-text.js';

export interface PolicyRuleDetails {
  NOT_OPENED: { contractId: string };
  PERIOD_NOT_ON_SCHEDULE: { contractId: string; start: string; end: string; scheduledEnd: string | null };
  NOTHING_TO_BILL: { contractId: string; start: string; end: string };
  BASIS_UNAVAILABLE: { contractId: string; feeCode: string; subjectKind: string };
  AMOUNT_OUT_OF_RANGE: { field: string; operands: readonly number[] };
  DERIVED_ID_TOO_LONG: { id: string; length: number; maxLength: number };
  UNKNOWN_LUMP_SUM: { contractId: string; lumpSumId: string };
  ALLOCATION_INCONSISTENT: { lumpSumId: string; lumpSumMinor: number; recordedPartsMinor: number };
}

export type PolicyRuleCode = keyof PolicyRuleDetails;
export type PolicyErrorOf<K extends PolicyRuleCode> = { readonly code: K; readonly message: string } & Readonly<PolicyRuleDetails[K]>;
export type PolicyError = { [K in PolicyRuleCode]: PolicyErrorOf<K> }[PolicyRuleCode];

// Amounts in messages with the decimals of their currency when it is known (JPY 0, KWD 3).
const messages: { [K in PolicyRuleCode]: (d: PolicyRuleDetails[K], m: AmountText) => string } = {
  NOT_OPENED: (d) => `contract ${d.contractId} has not been opened`,
  PERIOD_NOT_ON_SCHEDULE: (d) =>
    `[${d.start}, ${d.end}) is not a period of contract ${d.contractId}${d.scheduledEnd ? ` (the period starting ${d.start} ends ${d.scheduledEnd})` : ''}`,
  NOTHING_TO_BILL: (d) => `contract ${d.contractId} has nothing to bill for [${d.start}, ${d.end}): every line rounds to zero`,
  BASIS_UNAVAILABLE: (d) => `fee ${d.feeCode} of contract ${d.contractId} cannot be computed for a ${d.subjectKind} subject`,
  AMOUNT_OUT_OF_RANGE: (d) => `${d.field} would leave the safe integer range (${d.operands.join(', ')})`,
  DERIVED_ID_TOO_LONG: (d) =>
    `the derived id ${d.id.slice(0, 60)}... has ${d.length} characters, more than ${d.maxLength}: use shorter ids`,
  UNKNOWN_LUMP_SUM: (d) => `no lump sum ${d.lumpSumId} on contract ${d.contractId}`,
  ALLOCATION_INCONSISTENT: (d, m) =>
    `lump sum ${d.lumpSumId} of ${m(d.lumpSumMinor)} already has parts of ${m(d.recordedPartsMinor)} recorded: more than it`,
};

/** Why a policy proposes nothing; `currency` writes its amounts in that currency's decimals. */
export const policyError = <K extends PolicyRuleCode>(code: K, details: PolicyRuleDetails[K], currency?: string): PolicyErrorOf<K> =>
  ({ code, message: messages[code](details, amountText(currency)), ...details }) as PolicyErrorOf<K>;

export const POLICY_RULE_CODES = Object.keys(messages) as PolicyRuleCode[];

/** Ids are at most 200 characters (see ids.ts); ids derived from others must fit too. */
export const MAX_ID_LENGTH = 200;

/** Checks that an id built from others fits; the derived-id rule every policy shares. */
export const derivedId = (id: string): PolicyErrorOf<'DERIVED_ID_TOO_LONG'> | null =>
  id.length > MAX_ID_LENGTH ? policyError('DERIVED_ID_TOO_LONG', { id, length: id.length, maxLength: MAX_ID_LENGTH }) : null;
