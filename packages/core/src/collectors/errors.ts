// Every refusal of the collection office: a stable code, a sentence, and the figures as typed fields.
export interface CollectorsRuleDetails {
  /** Assignments are history: a new one starts after the contract's current one. */
  ASSIGNMENT_OUT_OF_ORDER: { contractId: string; from: string; currentFrom: string; currentCollectorId: string };
  /** A target names at least one figure. */
  TARGET_EMPTY: { month: string; scope: string; subjectId: string };
}

export type CollectorsRuleCode = keyof CollectorsRuleDetails;
export type CollectorsError = {
  [K in CollectorsRuleCode]: { readonly code: K; readonly message: string } & Readonly<CollectorsRuleDetails[K]>;
}[CollectorsRuleCode];

const messages: { [K in CollectorsRuleCode]: (d: CollectorsRuleDetails[K]) => string } = {
  ASSIGNMENT_OUT_OF_ORDER: (d) =>
    `contract ${d.contractId} is assigned to ${d.currentCollectorId} from ${d.currentFrom}: a reassignment must start after that, not on ${d.from}`,
  TARGET_EMPTY: (d) => `the ${d.month} target of ${d.scope} ${d.subjectId} names no figure (collected, collection rate or arrears reduced)`,
};

export const collectorsError = <K extends CollectorsRuleCode>(code: K, details: CollectorsRuleDetails[K]): CollectorsError =>
  ({ code, message: messages[code](details), ...details }) as CollectorsError;

export const COLLECTORS_RULE_CODES = Object.keys(messages) as CollectorsRuleCode[];
