// The ledger a command works on: its settings as the store records them (zone, currency, locale),
// and the clock. Core never reads a clock; the CLI does, here, once: "today" is today in the
// ledger's zone, not in UTC. RENEWAL_NOW (an instant) stands in for the clock: a testing aid, and
// a way to rerun a day's job as of that day (docs/cli.md).
import {
  businessDayOf,
  endOfBusinessDay,
  ledgerDefaultsAt,
  ledgerZonesOf,
  normaliseInstant,
  type BusinessDate,
  type Instant,
  type LedgerDefaults,
  type LedgerSettingsState,
  type LedgerZones,
} from '@renewal-ledger/core';
import { loadLedgerSettings, type EventStore } from '@renewal-ledger/eventstore';
import { UsageError } from './errors.js';
import { setDisplay, warn } from './output.js';

/** The machine's clock, or RENEWAL_NOW when set. */
export const clockNow = (env: NodeJS.ProcessEnv = process.env): Instant => {
  const given = env.RENEWAL_NOW;
  if (given === undefined || given === '') return new Date().toISOString() as Instant;
  const n = normaliseInstant(given);
  if (n === null)
    throw new UsageError(`RENEWAL_NOW must be a timestamp with Z or an offset (2026-07-01T00:30:00+08:00); got ${JSON.stringify(given)}`);
  return n;
};

export interface Ledger {
  readonly settings: LedgerSettingsState;
  readonly zones: LedgerZones;
  /** Zone (now), currency and locale; `recorded` false when the store has no settings (UTC assumed). */
  readonly defaults: LedgerDefaults;
  readonly now: Instant;
  /** Today in the ledger's zone. */
  readonly today: BusinessDate;
  /** The business day of an instant. */
  dayOf(instant: Instant): BusinessDate;
  /** The last millisecond of a business day. */
  endOfDay(date: BusinessDate): Instant;
}

let warned = false;
/** Once per run: a store with no settings counts days in UTC; say so, and how to set a zone. */
const warnNoZone = () => {
  if (warned) return;
  warned = true;
  warn(
    'note: this ledger has no time zone recorded, so days are counted in UTC; set one with renewal init --tz ZONE --currency CODE (docs/time-zones-and-money.md)',
  );
};

/**
 * Reads the ledger's settings and sets the display (locale, default currency's decimals).
 * `daysFromClock`: the command derives days from instants (a default --as-of, --day, --known-at),
 * so a store without settings gets the note on stderr.
 */
export const readLedger = async (store: EventStore, options: { readonly daysFromInstants?: boolean } = {}): Promise<Ledger> => {
  const { state } = await loadLedgerSettings(store);
  const zones = ledgerZonesOf(state);
  const now = clockNow();
  const defaults = ledgerDefaultsAt(state, now);
  setDisplay({ locale: defaults.locale, currency: defaults.currency });
  if (!defaults.recorded && options.daysFromInstants) warnNoZone();
  return {
    settings: state,
    zones,
    defaults,
    now,
    today: businessDayOf(zones, now),
    dayOf: (instant) => businessDayOf(zones, instant),
    endOfDay: (date) => endOfBusinessDay(zones, date),
  };
};
