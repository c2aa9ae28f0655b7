// Views that turn instants into days learn the ledger's zone as they read the log: the ledger's
// settings events come through the runner in global order like every other event, and the view
// keeps what it has read of them in a one-row table of its own (committed with its checkpoint).
// So a rebuild on any machine counts every event in the zone the ledger had when it was read,
// whatever the machine's zone. No settings event yet: UTC.
import {
  evolveLedgerSettings,
  initialLedgerSettings,
  isLedgerSettingsEventType,
  LEDGER_SETTINGS_EVENT_TYPES,
  ledgerZonesOf,
  type LedgerSettingsEvent,
  type LedgerSettingsState,
  type LedgerZones,
  type RecordedEvent,
} from '@renewal-ledger/core';
import { asText, type SqlExecutor } from './sql.js';

/** Add these to a projection's `eventTypes` when it derives days from instants. */
export const LEDGER_ZONE_EVENT_TYPES: readonly string[] = LEDGER_SETTINGS_EVENT_TYPES;

/** Creates the one-row table a view keeps the ledger's settings in. */
export const createLedgerSettingsTable = async (tx: SqlExecutor, table: string): Promise<void> => {
  await tx.execute(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, settings_json TEXT NOT NULL)`);
};

export interface LedgerZoneTracker {
  /** The zones as read so far. */
  readonly zones: LedgerZones;
  /** Folds a ledger settings event (true) or ignores any other (false). */
  apply(event: RecordedEvent): boolean;
  /** Writes what changed in this batch. */
  save(): Promise<void>;
}

/** The ledger's settings as the view read them up to the batch, to fold the batch's into. */
export const trackLedgerZones = async (tx: SqlExecutor, table: string): Promise<LedgerZoneTracker> => {
  const rows = await tx.query(`SELECT settings_json FROM ${table} WHERE id = 1`);
  let settings: LedgerSettingsState = rows[0]
    ? (JSON.parse(asText(rows[0].settings_json)) as LedgerSettingsState)
    : initialLedgerSettings();
  let zones = ledgerZonesOf(settings);
  let changed = false;
  return {
    get zones() {
      return zones;
    },
    apply(event) {
      if (!isLedgerSettingsEventType(event.type)) return false;
      settings = evolveLedgerSettings(settings, { type: event.type, data: event.data } as LedgerSettingsEvent);
      zones = ledgerZonesOf(settings);
      changed = true;
      return true;
    },
    async save() {
      if (!changed) return;
      await tx.execute(
        `INSERT INTO ${table} (id, settings_json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET settings_json = excluded.settings_json`,
        [JSON.stringify(settings)],
      );
      changed = false;
    },
  };
};
