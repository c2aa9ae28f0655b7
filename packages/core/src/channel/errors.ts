// Every refusal of a payment channel command: a stable code, a sentence, and the figures as typed fields.
export interface ChannelRuleDetails {
  INVALID_SHA256: { payloadSha256: string };
  REFUND_ALREADY_SETTLED: { refundId: string; status: string; answeredByCommandId: string };
  REFUND_ANSWER_CHANGED: { refundId: string; field: string; recorded: string; attempted: string };
}

export type ChannelRuleCode = keyof ChannelRuleDetails;
export type ChannelError = {
  [K in ChannelRuleCode]: { readonly code: K; readonly message: string } & Readonly<ChannelRuleDetails[K]>;
}[ChannelRuleCode];

const messages: { [K in ChannelRuleCode]: (d: ChannelRuleDetails[K]) => string } = {
  INVALID_SHA256: (d) => `payloadSha256 must be 64 lowercase hex digits, got ${JSON.stringify(d.payloadSha256)}`,
  REFUND_ALREADY_SETTLED: (d) =>
    `the provider's answer to refund ${d.refundId} is already final (${d.status}, command ${d.answeredByCommandId}): a later answer cannot change it`,
  REFUND_ANSWER_CHANGED: (d) =>
    `refund ${d.refundId} was sent with ${d.field} ${d.recorded}: an answer for ${d.attempted} is another refund`,
};

export const channelError = <K extends ChannelRuleCode>(code: K, details: ChannelRuleDetails[K]): ChannelError =>
  ({ code, message: messages[code](details), ...details }) as ChannelError;

export const CHANNEL_RULE_CODES = Object.keys(messages) as ChannelRuleCode[];
