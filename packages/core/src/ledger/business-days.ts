// Which day an instant is counted on. A ledger has one IANA zone at a time; this module is the
// one place that decides the business day of an instant (core's rules, the views as they read the
// log, the CLI's "today" and `--known-at` ends of day all call businessDayOf or its bounds), so
// they can never disagree.
//
// The changeovers, chosen so that business days never go backwards and a day already counted is
// never counted again in another zone:
// - A ledger with no settings counts in UTC, as every store did before zones.
// - Opening the ledger on a store that holds events is a change from UTC that takes effect at the
//   opening (its `at`): what was recorded before was counted in UTC, and instants before the
//   opening keep their UTC day. Where the new zone is still on an earlier day than UTC then
//   (opening America/New_York at 22:00 local, already tomorrow in UTC), UTC goes on until the new
//   zone's next midnight, so the day does not step back. Opened on an empty store
//   (`zoneFrom: 'start'`), nothing was counted yet: the zone counts every instant.
// - A change effective on day D takes effect at the LATER of D's first instant in the old zone
//   and D's first instant in the new zone. Eastwards (Berlin to Shanghai) that is midnight in
//   Berlin: the evening before keeps Berlin's day, and D is short. Westwards (Shanghai to Berlin)
//   that is midnight in Berlin: D starts at midnight in Shanghai and is long. Either way the last
//   day of the old zone is followed by D. A day the old zone reaches before the change takes
//   effect counts as D at most (only possible between zones more than a day apart).
// The rule of the ledger decider (ZONE_CHANGE_IN_THE_PAST: D on or after the day of recording in
// both zones) completes it: every instant up to the change's recording keeps the day it had.
import {
  addDaysTo,
  dayInZone,
  instantAtHourInZone,
  instantFromMillis,
  instantMillis,
  justBefore,
  localTimeInZone,
  offsetInZone,
  startOfDayInZone,
  canonicalTimeZone,
  type BusinessDate,
  type Instant,
} from '../calendar.js';
import type { LedgerSettingsState } from './state.js';

export interface ZoneSpan {
  readonly timeZone: string;
  /** The day a change made this zone effective from; null for the first zone and for an opening. */
  readonly from: BusinessDate | null;
  /** Milliseconds of the first instant counted in this zone (-Infinity for the first zone). */
  readonly startsAt: number;
  /** The last day counted in this zone (the next zone's first day); null for the zone in force now. */
  readonly lastDay: BusinessDate | null;
}

/** The zones of a ledger over time, oldest first. */
export interface LedgerZones {
  readonly spans: readonly ZoneSpan[];
}

/** A zone and when it took over: from the start (the first), at an opening instant, or from a day. */
export type ZoneChange =
  | { readonly timeZone: string; readonly from: BusinessDate | null; readonly openedAt?: undefined }
  | { readonly timeZone: string; readonly openedAt: Instant; readonly from?: undefined };

/** The default of a ledger with no settings event (stores made before zones): UTC. */
export const DEFAULT_TIME_ZONE = 'UTC';

const canonical = (zone: string): string => canonicalTimeZone(zone) ?? zone;

/** The first instant of the span that counts `ms` (the last one starting at or before it). */
const spanIndexAt = (spans: readonly { readonly startsAt: number }[], ms: number): number => {
  let k = 0;
  for (let i = 1; i < spans.length; i++) if (spans[i]!.startsAt <= ms) k = i;
  return k;
};

/** When an opening takes over from the zone before it: at its instant, or the new zone's next midnight if that is still an earlier day there. */
const openingStartsAt = (before: string, zone: string, at: Instant): number => {
  const was = dayInZone(at, before);
  return dayInZone(at, zone) >= was ? instantMillis(at) : instantMillis(startOfDayInZone(was, zone));
};

/**
 * The zones from changes in order. The first holds from the start (its `from` is ignored); an
 * opening takes over at its instant, a change on its day (see the module's header).
 */
export const ledgerZones = (changes: readonly ZoneChange[]): LedgerZones => {
  const given = changes.length > 0 ? changes : [{ timeZone: DEFAULT_TIME_ZONE, from: null }];
  const starts: { timeZone: string; from: BusinessDate | null; startsAt: number }[] = [];
  for (const [i, c] of given.entries()) {
    const zone = canonical(c.timeZone);
    const previous = starts[i - 1];
    if (!previous) {
      starts.push({ timeZone: zone, from: null, startsAt: -Infinity });
      continue;
    }
    const startsAt =
      c.openedAt !== undefined
        ? openingStartsAt(previous.timeZone, zone, c.openedAt)
        : c.from === null
          ? previous.startsAt
          : Math.max(instantMillis(startOfDayInZone(c.from, previous.timeZone)), instantMillis(startOfDayInZone(c.from, zone)));
    starts.push({ timeZone: zone, from: c.from ?? null, startsAt: Math.max(startsAt, previous.startsAt) });
  }
  // A zone's days end at the day the next one starts on: the day of its first instant there.
  const spans: ZoneSpan[] = starts.map((s, i) => {
    const next = starts[i + 1];
    if (!next) return { ...s, lastDay: null };
    const at = instantFromMillis(next.startsAt);
    return { ...s, lastDay: dayInZone(at, starts[spanIndexAt(starts, next.startsAt)]!.timeZone) };
  });
  return { spans };
};

/** One zone for all time. */
export const fixedZone = (timeZone: string): LedgerZones => ledgerZones([{ timeZone, from: null }]);
export const UTC_ZONES: LedgerZones = fixedZone(DEFAULT_TIME_ZONE);

/**
 * The zones a ledger's settings say: the opened zone from the start (`zoneFrom: 'start'`, opened
 * on an empty store) or UTC until the opening, then every change. UTC when the ledger has none.
 */
export const ledgerZonesOf = (settings: LedgerSettingsState): LedgerZones => {
  const opened = settings.opened;
  if (!opened) return UTC_ZONES;
  const changes = settings.zoneChanges.map((c) => ({ timeZone: c.timeZone, from: c.effectiveFrom }));
  return opened.zoneFrom === 'start'
    ? ledgerZones([{ timeZone: opened.timeZone, from: null }, ...changes])
    : ledgerZones([{ timeZone: DEFAULT_TIME_ZONE, from: null }, { timeZone: opened.timeZone, openedAt: opened.at }, ...changes]);
};

const spanAt = (zones: LedgerZones, instant: Instant): ZoneSpan =>
  zones.spans.length === 1 ? zones.spans[0]! : zones.spans[spanIndexAt(zones.spans, instantMillis(instant))]!;

/** The zone an instant is counted in. */
export const zoneAt = (zones: LedgerZones, instant: Instant): string => spanAt(zones, instant).timeZone;

/** The zone in force after every change: the one "today" is counted in from now on. */
export const currentZone = (zones: LedgerZones): string => zones.spans[zones.spans.length - 1]!.timeZone;

/** The business day of an instant: its calendar day in the ledger's zone at that instant (never past the zone's last day). */
export const businessDayOf = (zones: LedgerZones, instant: Instant): BusinessDate => {
  const span = spanAt(zones, instant);
  const day = dayInZone(instant, span.timeZone);
  return span.lastDay !== null && day > span.lastDay ? span.lastDay : day;
};

/** Local date and time of an instant in the ledger's zone then (`2026-05-29 07:30`). */
export const businessTimeOf = (zones: LedgerZones, instant: Instant): string => localTimeInZone(instant, zoneAt(zones, instant));

/** The same with the zone's offset then, unambiguous whatever zone the ledger had (`2026-05-29 07:30 +08:00`). */
export const businessTimeWithOffsetOf = (zones: LedgerZones, instant: Instant): string => {
  const zone = zoneAt(zones, instant);
  return `${localTimeInZone(instant, zone)} ${offsetInZone(instant, zone)}`;
};

/** The first instant of a business day: the first whose business day is `date` or later. */
export const startOfBusinessDay = (zones: LedgerZones, date: BusinessDate): Instant => {
  const spans = zones.spans;
  let k = 0;
  while (k < spans.length - 1 && spans[k]!.lastDay! < date) k++;
  const span = spans[k]!;
  const local = startOfDayInZone(date, span.timeZone);
  // The zone's clock may never reach the day before the next zone takes over (eastwards): then
  // the day starts with the next zone.
  const next = spans[k + 1]?.startsAt ?? Infinity;
  const ms = Math.min(Math.max(instantMillis(local), span.startsAt), next);
  return ms === instantMillis(local) ? local : instantFromMillis(ms);
};

/** The last millisecond of a business day, the one before the next day's first (what `--known-at DATE` means). */
export const endOfBusinessDay = (zones: LedgerZones, date: BusinessDate): Instant =>
  justBefore(startOfBusinessDay(zones, addDaysTo(1)(date)));

/** The zone business day `date` begins in. */
export const zoneOn = (zones: LedgerZones, date: BusinessDate): string => zoneAt(zones, startOfBusinessDay(zones, date));

/**
 * A local hour of a business day (the engine's runs: bills at 00:00, auto-debit at 02:00,
 * reminders at 09:00): the instant the clock of the zone in force shows that hour on that day;
 * on a changeover day where no zone's clock shows it, the nearest instant of the day.
 */
export const businessHourOf = (zones: LedgerZones, date: BusinessDate, hour: number): Instant => {
  for (const span of zones.spans) {
    const candidate = instantAtHourInZone(date, hour, span.timeZone);
    if (spanAt(zones, candidate) === span && businessDayOf(zones, candidate) === date) return candidate;
  }
  const start = startOfBusinessDay(zones, date);
  const end = endOfBusinessDay(zones, date);
  const candidate = instantMillis(instantAtHourInZone(date, hour, zoneAt(zones, start)));
  return candidate < instantMillis(start) ? start : candidate > instantMillis(end) ? end : instantFromMillis(candidate);
};

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
    ? {
        timeZone: zoneAt(ledgerZonesOf(settings), instant),
        currency: settings.opened.currency,
        locale: settings.opened.locale,
        recorded: true,
      }
    : { timeZone: DEFAULT_TIME_ZONE, currency: null, locale: 'en', recorded: false };
