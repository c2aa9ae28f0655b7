// The rules of the ledger's settings, in the cycle's fixed order: idempotency first, then whether
// the ledger is open, then the input, then the rules. Pure: the day a change is recorded on is the
// day of its `at` in the zone in force then.
import * as E from 'fp-ts/lib/Either.js';
import { isTimeZone } from '../calendar.js';
import { sameFact } from '../same-fact.js';
import type { Decision } from '../decider.js';
import type { ChangeTimeZone, LedgerSettingsCommand, OpenLedger } from './commands.js';
import { businessDayOf, ledgerZonesOf, zoneOn } from './business-days.js';
import { ledgerError, type LedgerError } from './errors.js';
import type { LedgerOpenedData, LedgerSettingsEvent } from './events.js';
import type { LedgerSettingsState } from './state.js';

/** Why a ledger command emitted nothing: the fact it repeats. */
export interface LedgerDuplicate {
  readonly key: 'commandId' | 'ledger';
  readonly id: string;
}

export type LedgerDecision = Decision<LedgerSettingsEvent, LedgerDuplicate>;

type Result = E.Either<LedgerError, LedgerDecision>;

/** A BCP 47 tag Intl knows, in its canonical spelling (`zh-cn` -> `zh-CN`), or null. */
export const canonicalLocale = (locale: string): string | null => {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    return canonical && Intl.NumberFormat.supportedLocalesOf(canonical).length > 0 ? canonical : null;
  } catch {
    return null;
  }
};

const decideOpen = (c: OpenLedger, state: LedgerSettingsState): Result => {
  if (!isTimeZone(c.timeZone)) return E.left(ledgerError('UNKNOWN_TIME_ZONE', { timeZone: c.timeZone }));
  const locale = canonicalLocale(c.locale ?? 'en');
  if (locale === null) return E.left(ledgerError('UNKNOWN_LOCALE', { locale: c.locale ?? '' }));
  const data = { commandId: c.commandId, actor: c.actor, at: c.at, timeZone: c.timeZone, currency: c.currency, locale } as LedgerOpenedData;
  const opened = state.opened;
  if (opened) {
    const { at: _a, ...was } = opened;
    const { at: _b, ...now } = data;
    return sameFact(was, now)
      ? E.right({ events: [], duplicate: { key: 'ledger', id: opened.commandId } })
      : E.left(ledgerError('LEDGER_ALREADY_OPENED', { timeZone: opened.timeZone, currency: opened.currency, locale: opened.locale, openedByCommandId: opened.commandId }));
  }
  return E.right({ events: [{ type: 'LedgerOpened', data }], duplicate: null });
};

const decideChangeZone = (c: ChangeTimeZone, state: LedgerSettingsState): Result => {
  if (!isTimeZone(c.timeZone)) return E.left(ledgerError('UNKNOWN_TIME_ZONE', { timeZone: c.timeZone }));
  const zones = ledgerZonesOf(state);
  // A change reaching back would recount days already reported (takings printed, receipts
  // numbered, reminders sent on them) in another zone than the one they were counted in.
  const recordedOn = businessDayOf(zones, c.at);
  if (c.effectiveFrom < recordedOn)
    return E.left(ledgerError('ZONE_CHANGE_IN_THE_PAST', { effectiveFrom: c.effectiveFrom, recordedOn, timeZone: zoneOn(zones, recordedOn) }));
  const last = state.zoneChanges[state.zoneChanges.length - 1];
  if (last && c.effectiveFrom <= last.effectiveFrom)
    return E.left(ledgerError('ZONE_CHANGE_NOT_AFTER_PREVIOUS', { effectiveFrom: c.effectiveFrom, previousEffectiveFrom: last.effectiveFrom }));
  const previousTimeZone = zoneOn(zones, c.effectiveFrom);
  if (previousTimeZone === c.timeZone) return E.left(ledgerError('ZONE_UNCHANGED', { timeZone: c.timeZone }));
  return E.right({
    events: [
      {
        type: 'TimeZoneChanged',
        data: {
          commandId: c.commandId,
          actor: c.actor,
          at: c.at,
          timeZone: c.timeZone,
          effectiveFrom: c.effectiveFrom,
          previousTimeZone,
          ...(c.reason !== undefined ? { reason: c.reason } : {}),
        },
      } as LedgerSettingsEvent,
    ],
    duplicate: null,
  });
};

export const decideLedgerSettings = (command: LedgerSettingsCommand, state: LedgerSettingsState): E.Either<LedgerError, LedgerDecision> => {
  if (state.commandIds.includes(command.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: command.commandId } });
  if (command.type === 'OpenLedger') return decideOpen(command, state);
  if (!state.opened) return E.left(ledgerError('LEDGER_NOT_OPENED', { commandType: command.type }));
  return decideChangeZone(command, state);
};
