// The rules of the ledger's settings, in the cycle's fixed order: idempotency first, then whether
// the ledger is open, then the input, then the rules. Pure: the day a change is recorded on is the
// day of its `at` in the zone in force then.
import * as E from 'fp-ts/lib/Either.js';
import { canonicalTimeZone, dayInZone } from '../calendar.js';
import type { Decision } from '../decider.js';
import type { ChangeTimeZone, ClosePeriod, LedgerSettingsCommand, OpenLedger, SetLateFeePolicy } from './commands.js';
import { closingPeriodDays } from './closing.js';
import { sameFact } from '../same-fact.js';
import { businessDayOf, currentZone, ledgerZonesOf, zoneAt } from './business-days.js';
import { ledgerError, type LedgerError } from './errors.js';
import type { LedgerOpenedData, LedgerSettingsEvent } from './events.js';
import type { LedgerSettingsState } from './state.js';

/** Why a ledger command emitted nothing: the fact it repeats. */
export interface LedgerDuplicate {
  /** commandId: the command again; ledger: opened already with these settings; zoneChange: this very change is recorded. */
  readonly key: 'commandId' | 'ledger' | 'zoneChange' | 'lateFeePolicy' | 'period';
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
  const timeZone = canonicalTimeZone(c.timeZone);
  if (timeZone === null) return E.left(ledgerError('UNKNOWN_TIME_ZONE', { timeZone: c.timeZone }));
  const locale = canonicalLocale(c.locale ?? 'en');
  if (locale === null) return E.left(ledgerError('UNKNOWN_LOCALE', { locale: c.locale ?? '' }));
  const opened = state.opened;
  if (opened) {
    // The settings decide, not who asks or when: opening again with the same ones changes nothing.
    const same = opened.timeZone === timeZone && opened.currency === c.currency && opened.locale === locale;
    return same
      ? E.right({ events: [], duplicate: { key: 'ledger', id: opened.commandId } })
      : E.left(
          ledgerError('LEDGER_ALREADY_OPENED', {
            timeZone: currentZone(ledgerZonesOf(state)),
            currency: opened.currency,
            locale: opened.locale,
            openedByCommandId: opened.commandId,
          }),
        );
  }
  const data = {
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    timeZone,
    currency: c.currency,
    locale,
    zoneFrom: c.zoneFrom ?? 'opening',
  } as LedgerOpenedData;
  return E.right({ events: [{ type: 'LedgerOpened', data }], duplicate: null });
};

const decideChangeZone = (c: ChangeTimeZone, state: LedgerSettingsState): Result => {
  const timeZone = canonicalTimeZone(c.timeZone);
  if (timeZone === null) return E.left(ledgerError('UNKNOWN_TIME_ZONE', { timeZone: c.timeZone }));
  const last = state.zoneChanges[state.zoneChanges.length - 1];
  if (last && last.timeZone === timeZone && last.effectiveFrom === c.effectiveFrom)
    return E.right({ events: [], duplicate: { key: 'zoneChange', id: last.commandId } });
  const zones = ledgerZonesOf(state);
  // A change reaching back would recount days already reported (takings printed, receipts
  // numbered, reminders sent on them) in another zone than the one they were counted in. The
  // effective day must not be before the day of recording in the zone in force, nor in the new
  // zone: then every instant up to the recording keeps its day (business-days.ts).
  const recordedOn = businessDayOf(zones, c.at);
  const recordedOnInNewZone = dayInZone(c.at, timeZone);
  if (c.effectiveFrom < recordedOn || c.effectiveFrom < recordedOnInNewZone)
    return E.left(
      ledgerError('ZONE_CHANGE_IN_THE_PAST', {
        effectiveFrom: c.effectiveFrom,
        recordedOn,
        timeZone: zoneAt(zones, c.at),
        recordedOnInNewZone,
        newTimeZone: timeZone,
      }),
    );
  if (last && c.effectiveFrom <= last.effectiveFrom)
    return E.left(
      ledgerError('ZONE_CHANGE_NOT_AFTER_PREVIOUS', { effectiveFrom: c.effectiveFrom, previousEffectiveFrom: last.effectiveFrom }),
    );
  const previousTimeZone = currentZone(zones);
  if (previousTimeZone === timeZone) return E.left(ledgerError('ZONE_UNCHANGED', { timeZone }));
  return E.right({
    events: [
      {
        type: 'TimeZoneChanged',
        data: {
          commandId: c.commandId,
          actor: c.actor,
          at: c.at,
          timeZone,
          effectiveFrom: c.effectiveFrom,
          previousTimeZone,
          ...(c.reason !== undefined ? { reason: c.reason } : {}),
        },
      } as LedgerSettingsEvent,
    ],
    duplicate: null,
  });
};

// The policy in force is the only rule: setting the same one again changes nothing.
const decideLateFeePolicy = (c: SetLateFeePolicy, state: LedgerSettingsState): Result => {
  const current = state.lateFeePolicy;
  if (current && sameFact({ policy: current.policy }, { policy: c.policy }))
    return E.right({ events: [], duplicate: { key: 'lateFeePolicy', id: current.commandId } });
  const data = {
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    policy: c.policy,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
  return E.right({ events: [{ type: 'LateFeePolicySet', data } as LedgerSettingsEvent], duplicate: null });
};

// A period is closed once, after its last business day (in the ledger's zone at the closing). A
// second closing of it is refused, whatever its figures: the first is what the books showed; what
// changed since is found by the late-entry check, not by closing again.
const decideClosePeriod = (c: ClosePeriod, state: LedgerSettingsState): Result => {
  const days = closingPeriodDays(c.period)!;
  const earlier = (state.closedPeriods ?? []).find((p) => p.period === c.period);
  if (earlier)
    return E.left(ledgerError('PERIOD_ALREADY_CLOSED', { period: c.period, closedAt: earlier.at, closedByCommandId: earlier.commandId }));
  const recordedOn = businessDayOf(ledgerZonesOf(state), c.at);
  if (recordedOn <= days.last) return E.left(ledgerError('PERIOD_NOT_ENDED', { period: c.period, lastDay: days.last, recordedOn }));
  const data = {
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    period: c.period,
    firstDay: days.first,
    lastDay: days.last,
    figures: c.figures,
    ...(c.seal !== undefined ? { seal: c.seal } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
  return E.right({ events: [{ type: 'PeriodClosed', data } as LedgerSettingsEvent], duplicate: null });
};

export const decideLedgerSettings = (command: LedgerSettingsCommand, state: LedgerSettingsState): E.Either<LedgerError, LedgerDecision> => {
  if (state.commandIds.includes(command.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: command.commandId } });
  if (command.type === 'OpenLedger') return decideOpen(command, state);
  if (!state.opened) return E.left(ledgerError('LEDGER_NOT_OPENED', { commandType: command.type }));
  if (command.type === 'SetLateFeePolicy') return decideLateFeePolicy(command, state);
  if (command.type === 'ClosePeriod') return decideClosePeriod(command, state);
  return decideChangeZone(command, state);
};
