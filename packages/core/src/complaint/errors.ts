// Every refusal of a complaint case: a stable code, a sentence, and the figures as typed fields.
export interface ComplaintRuleDetails {
  /** A command other than OpenComplaint for a case never opened. */
  COMPLAINT_NOT_OPEN: { caseId: string; commandType: string };
  /** The case id was opened with other details. */
  COMPLAINT_EXISTS: { caseId: string; contractId: string };
  /** Nothing happens to a closed case (a new complaint is a new case). */
  COMPLAINT_CLOSED: { caseId: string; commandType: string; closedAt: string };
  /** A case is followed up and resolved by its owner: assign it first. */
  COMPLAINT_NOT_ASSIGNED: { caseId: string; commandType: string };
  /** Closing asks the customer about a resolution: resolve first. */
  COMPLAINT_NOT_RESOLVED: { caseId: string };
  /** Resolved once with another outcome: follow up instead, or open a new case. */
  COMPLAINT_ALREADY_RESOLVED: { caseId: string; outcome: string; resolvedByCommandId: string };
  /** A follow-up id used before for another note. */
  FOLLOW_UP_EXISTS: { caseId: string; followUpId: string };
  /** A follow-up cannot be due before the customer complained. */
  FOLLOW_UP_DUE_TOO_EARLY: { caseId: string; dueOn: string; receivedOn: string };
  /** outcome compensation needs a compensation, a solution none. */
  COMPENSATION_MISMATCH: { caseId: string; outcome: string; compensated: boolean };
}

export type ComplaintRuleCode = keyof ComplaintRuleDetails;
export type ComplaintError = {
  [K in ComplaintRuleCode]: { readonly code: K; readonly message: string } & Readonly<ComplaintRuleDetails[K]>;
}[ComplaintRuleCode];

const messages: { [K in ComplaintRuleCode]: (d: ComplaintRuleDetails[K]) => string } = {
  COMPLAINT_NOT_OPEN: (d) => `${d.commandType} refused: no complaint ${d.caseId} was opened`,
  COMPLAINT_EXISTS: (d) => `complaint ${d.caseId} was already opened (contract ${d.contractId}) with other details`,
  COMPLAINT_CLOSED: (d) => `${d.commandType} refused: complaint ${d.caseId} was closed at ${d.closedAt}`,
  COMPLAINT_NOT_ASSIGNED: (d) => `${d.commandType} refused: complaint ${d.caseId} has no owner yet (assign it first)`,
  COMPLAINT_NOT_RESOLVED: (d) => `complaint ${d.caseId} cannot be closed before it is resolved`,
  COMPLAINT_ALREADY_RESOLVED: (d) =>
    `complaint ${d.caseId} was already resolved (${d.outcome}, command ${d.resolvedByCommandId}); follow it up instead`,
  FOLLOW_UP_EXISTS: (d) => `follow-up ${d.followUpId} of complaint ${d.caseId} was recorded with another note`,
  FOLLOW_UP_DUE_TOO_EARLY: (d) =>
    `a follow-up of complaint ${d.caseId} cannot be due on ${d.dueOn}, before it was received (${d.receivedOn})`,
  COMPENSATION_MISMATCH: (d) =>
    d.compensated
      ? `complaint ${d.caseId}: outcome ${d.outcome} takes no compensation (use outcome compensation)`
      : `complaint ${d.caseId}: outcome compensation needs the compensation (cycle, adjustment, amount)`,
};

export const complaintError = <K extends ComplaintRuleCode>(code: K, details: ComplaintRuleDetails[K]): ComplaintError =>
  ({ code, message: messages[code](details), ...details }) as ComplaintError;

export const COMPLAINT_RULE_CODES = Object.keys(messages) as ComplaintRuleCode[];
