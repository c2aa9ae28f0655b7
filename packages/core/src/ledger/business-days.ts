// Which zone a day is counted in. A ledger has one IANA zone at a time; a change takes effect at
// the start of its effective day in the NEW zone, and every instant before that keeps the zone it
// had. Pure: given the ledger's settings (or what a view has read of them so far) and an instant,
// the business day. A ledger with no settings counts in UTC, as every store did before zones.
import { dayInZone, endOfDayInZone, instantAtHourInZone, instantMillis, localTimeInZone, startOfDayInZone, type BusinessDate, type Instant } from '../calendar.js';
import type { LedgerSettingsState } from './state.js';

export interface ZoneSpan {
  readonly timeZone: string;
  /** The first day counted in this zone; null for the ledger's first zone. */
  readonly from: BusinessDate | null;
  /** Milliseconds of the first instant of `from` in this zone (-Infinity for the first zone). */
  readonly startsAt: number;
}

/** The zones of a ledger over time, oldest first. */
export interface LedgerZones {
  readonly spans: readonly ZoneSpan[];
}

/** The default of a ledger with no settings event (stores made before zones): UTC. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** Zones from `{ timeZone, from }` in order; the first `from` is ignored (it holds from the start). */
export const ledgerZones = (spans: readonly { readonly timeZone: string; readonly from: BusinessDate | null }[]): LedgerZones => ({
  spans: (spans.length > 0 ? spans : [{ timeZone: DEFAULT_TIME_ZONE, from: null }]).map((s, i) =>
    i === 0 || s.from === null
      ? { timeZone: s.timeZone, from: null, startsAt: -Infinity }
      : { timeZone: s.timeZone, from: s.from, startsAt: instantMillis(startOfDayInZone(s.from, s.timeZone)) },
  ),
});

/** One zone for all time. */
export const fixedZone = (timeZone: string): LedgerZones => ledgerZones([{ timeZone, from: null }]);
export const UTC_ZONES: LedgerZones = fixedZone(DEFAULT_TIME_ZONE);

/** The zones a ledger's settings say; UTC when the ledger has none. */
export const ledgerZonesOf = (settings: LedgerSettingsState): LedgerZones =>
  settings.opened
    ? ledgerZones([
        { timeZone: settings.opened.timeZone, from: null },
        ...settings.zoneChanges.map((c) => ({ timeZone: c.timeZone, from: c.effectiveFrom })),
      ])
    : UTC_ZONES;

/** The zone an instant is counted in. */
export const zoneAt = (zones: LedgerZones, instant: Instant): string => {
  const spans = zones.spans;
  if (spans.length === 1) return spans[0]!.timeZone;
  const ms = instantMillis(instant);
  let zone = spans[0]!.timeZone;
  for (const s of spans) if (s.startsAt <= ms) zone = s.timeZone;
  return zone;
};

/** The zone a business day is counted in. */
export const zoneOn = (zones: LedgerZones, date: BusinessDate): string => {
  let zone = zones.spans[0]!.timeZone;
  for (const s of zones.spans) if (s.from === null || s.from <= date) zone = s.timeZone;
  return zone;
};

/** The business day of an instant: its calendar day in the ledger's zone at that instant. */
export const businessDayOf = (zones: LedgerZones, instant: Instant): BusinessDate => dayInZone(instant, zoneAt(zones, instant));

/** Local date and time of an instant in the ledger's zone then (`2026-05-29 07:30`). */
export const businessTimeOf = (zones: LedgerZones, instant: Instant): string => localTimeInZone(instant, zoneAt(zones, instant));

/** The first instant of a business day. */
export const startOfBusinessDay = (zones: LedgerZones, date: BusinessDate): Instant => startOfDayInZone(date, zoneOn(zones, date));

/** The last millisecond of a business day (what `--known-at DATE` means). */
export const endOfBusinessDay = (zones: LedgerZones, date: BusinessDate): Instant => endOfDayInZone(date, zoneOn(zones, date));

/** A local hour of a business day (the engine's runs: bills at 00:00, auto-debit at 02:00, reminders at 09:00). */
export const businessHourOf = (zones: LedgerZones, date: BusinessDate, hour: number): Instant => instantAtHourInZone(date, hour, zoneOn(zones, date));

/** What a ledger's settings say, with the defaults of a ledger that has none. */
export interface LedgerDefaults {
  readonly timeZone: string;
  readonly currency: string | null;
  readonly locale: string;
  /** False for a store with no settings event: the defaults are assumed, not recorded. */
  readonly recorded: boolean;
}

/** The settings in force at an instant (the zone of that instant; currency and locale as opened). */
export const ledgerDefaultsAt = (settings: LedgerSettingsState, instant: Instant): LedgerDefaults =>
  settings.opened
    ? { timeZone: zoneAt(ledgerZonesOf(settings), instant), currency: settings.opened.currency, locale: settings.opened.locale, recorded: true }
    : { timeZone: DEFAULT_TIME_ZONE, currency: null, locale: 'en', recorded: false };
