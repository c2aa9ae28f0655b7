// Every refusal of a reconciliation: a stable code, a sentence, and the figures as typed fields.
export interface ReconciliationRuleDetails {
  INVALID_SHA256: { sha256: string };
  INVALID_PERIOD: { from: string; to: string };
  TOO_MANY_DIFFERENCES_LISTED: { listed: number; maxListed: number };
  NOT_RECONCILED: { sha256: string; commandType: string };
  UNKNOWN_DIFFERENCE: { sha256: string; differenceKey: string };
  DIFFERENCE_ALREADY_RESOLVED: { differenceKey: string; resolution: string; resolvedByCommandId: string };
}

export type ReconciliationRuleCode = keyof ReconciliationRuleDetails;
export type ReconciliationError = {
  [K in ReconciliationRuleCode]: { readonly code: K; readonly message: string } & Readonly<ReconciliationRuleDetails[K]>;
}[ReconciliationRuleCode];

const messages: { [K in ReconciliationRuleCode]: (d: ReconciliationRuleDetails[K]) => string } = {
  INVALID_SHA256: (d) => `sha256 must be 64 lowercase hex digits, got ${JSON.stringify(d.sha256)}`,
  INVALID_PERIOD: (d) => `the statement's days must not end before they start, got ${d.from} to ${d.to}`,
  TOO_MANY_DIFFERENCES_LISTED: (d) => `${d.listed} differences listed: at most ${d.maxListed} are recorded (the counts carry the rest)`,
  NOT_RECONCILED: (d) => `${d.commandType} refused: no statement with sha256 ${d.sha256} was reconciled`,
  UNKNOWN_DIFFERENCE: (d) => `the reconciliation of ${d.sha256} lists no difference ${d.differenceKey}`,
  DIFFERENCE_ALREADY_RESOLVED: (d) =>
    `difference ${d.differenceKey} was already resolved (${d.resolution}, command ${d.resolvedByCommandId})`,
};

export const reconciliationError = <K extends ReconciliationRuleCode>(
  code: K,
  details: ReconciliationRuleDetails[K],
): ReconciliationError => ({ code, message: messages[code](details), ...details }) as ReconciliationError;

export const RECONCILIATION_RULE_CODES = Object.keys(messages) as ReconciliationRuleCode[];
