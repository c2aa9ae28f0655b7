// Every refusal of a ledger settings command: a stable code, a sentence, and the figures as fields.
export interface LedgerRuleDetails {
  LEDGER_NOT_OPENED: { commandType: string };
  LEDGER_ALREADY_OPENED: { timeZone: string; currency: string; locale: string; openedByCommandId: string };
  UNKNOWN_TIME_ZONE: { timeZone: string };
  UNKNOWN_LOCALE: { locale: string };
  ZONE_CHANGE_IN_THE_PAST: {
    effectiveFrom: string;
    recordedOn: string;
    timeZone: string;
    recordedOnInNewZone: string;
    newTimeZone: string;
  };
  ZONE_CHANGE_NOT_AFTER_PREVIOUS: { effectiveFrom: string; previousEffectiveFrom: string };
  ZONE_UNCHANGED: { timeZone: string };
  PERIOD_NOT_ENDED: { period: string; lastDay: string; recordedOn: string };
  PERIOD_ALREADY_CLOSED: { period: string; closedAt: string; closedByCommandId: string };
}

export type LedgerRuleCode = keyof LedgerRuleDetails;
export type LedgerErrorOf<K extends LedgerRuleCode> = { readonly code: K; readonly message: string } & Readonly<LedgerRuleDetails[K]>;
export type LedgerError = { [K in LedgerRuleCode]: LedgerErrorOf<K> }[LedgerRuleCode];

const messages: { [K in LedgerRuleCode]: (d: LedgerRuleDetails[K]) => string } = {
  LEDGER_NOT_OPENED: (d) => `${d.commandType} refused: the ledger has no settings yet (renewal init --tz ZONE --currency CODE)`,
  LEDGER_ALREADY_OPENED: (d) =>
    `the ledger is already open in ${d.timeZone}, ${d.currency}, ${d.locale} (command ${d.openedByCommandId}): its currency and locale stay as opened; change its zone with renewal ledger set-zone ZONE --effective DATE`,
  UNKNOWN_TIME_ZONE: (d) =>
    `${JSON.stringify(d.timeZone)} is not an IANA time zone name this runtime knows, such as Asia/Shanghai or Europe/Berlin`,
  UNKNOWN_LOCALE: (d) => `${JSON.stringify(d.locale)} is not a locale (a BCP 47 tag such as zh-CN or en-US)`,
  ZONE_CHANGE_IN_THE_PAST: (d) =>
    `a time zone change takes effect on or after the day it is recorded, in the zone in force and in the new one (${d.recordedOn} in ${d.timeZone}, ${d.recordedOnInNewZone} in ${d.newTimeZone}), got ${d.effectiveFrom}: days already counted keep their zone`,
  ZONE_CHANGE_NOT_AFTER_PREVIOUS: (d) =>
    `a time zone change must take effect after the previous one (${d.previousEffectiveFrom}), got ${d.effectiveFrom}`,
  ZONE_UNCHANGED: (d) => `the ledger is already in ${d.timeZone} from that day`,
  PERIOD_NOT_ENDED: (d) =>
    `period ${d.period} cannot be closed on ${d.recordedOn}: it runs to ${d.lastDay}, and a period is closed after its last day`,
  PERIOD_ALREADY_CLOSED: (d) =>
    `period ${d.period} was closed at ${d.closedAt} (command ${d.closedByCommandId}): a closing stands; entries dated in it since are flagged (renewal close --check)`,
};

export const ledgerError = <K extends LedgerRuleCode>(code: K, details: LedgerRuleDetails[K]): LedgerErrorOf<K> =>
  ({ code, message: messages[code](details), ...details }) as LedgerErrorOf<K>;

export const LEDGER_RULE_CODES = Object.keys(messages) as LedgerRuleCode[];
