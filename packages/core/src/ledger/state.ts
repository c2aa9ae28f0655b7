// The ledger's settings, folded from its events: a handful of events for the life of a store.
import type { LedgerOpenedData, LedgerSettingsEvent, TimeZoneChangedData } from './events.js';

export interface LedgerSettingsState {
  readonly opened: LedgerOpenedData | null;
  /** Oldest first, each effective after the one before. */
  readonly zoneChanges: readonly TimeZoneChangedData[];
  readonly commandIds: readonly string[];
  /** Number of events folded: the stream revision + 1. */
  readonly eventCount: number;
}

export const initialLedgerSettings = (): LedgerSettingsState => ({ opened: null, zoneChanges: [], commandIds: [], eventCount: 0 });

export const evolveLedgerSettings = (state: LedgerSettingsState, event: LedgerSettingsEvent): LedgerSettingsState => {
  const s = { ...state, commandIds: [...state.commandIds, event.data.commandId], eventCount: state.eventCount + 1 };
  switch (event.type) {
    case 'LedgerOpened':
      return { ...s, opened: event.data };
    case 'TimeZoneChanged':
      return { ...s, zoneChanges: [...state.zoneChanges, event.data] };
  }
};
