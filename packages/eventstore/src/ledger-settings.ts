// The ledger's settings against a store: read them (every reader that turns instants into days
// starts here). They are written like any aggregate's commands, by the generic command handler:
// `getCommandHandler(ledgerSettingsDecider, { store }).handle(command)`.
import {
  LEDGER_SETTINGS_STREAM,
  ledgerSettingsDecider,
  ledgerZonesOf,
  type LedgerSettingsState,
  type LedgerZones,
} from '@renewal-ledger/core';
import { loadAggregate, type LoadedAggregate } from './command-handler.js';
import type { EventStore } from './port.js';

/** Reads the `ledger-settings` stream and folds it (no events: a ledger without settings). */
export const loadLedgerSettings = (store: EventStore): Promise<LoadedAggregate<LedgerSettingsState>> =>
  loadAggregate(ledgerSettingsDecider, store, LEDGER_SETTINGS_STREAM);

/** The ledger's zones as the store records them (UTC when it records none). */
export const readLedgerZones = async (store: EventStore): Promise<LedgerZones> => ledgerZonesOf((await loadLedgerSettings(store)).state);
