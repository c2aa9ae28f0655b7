// The ledger's settings, folded from its events: a handful of events for the life of a store.
import { canonicalTimeZone } from '../calendar.js';
import type { BusinessDate } from '../calendar.js';
import type { LateFeePolicySetData, LedgerOpenedData, LedgerSettingsEvent, TimeZoneChangedData } from './events.js';

/** A closed period as the settings keep it: the figures stay in the PeriodClosed event. */
export interface ClosedPeriod {
  readonly period: string;
  readonly firstDay: BusinessDate;
  readonly lastDay: BusinessDate;
  readonly commandId: string;
  readonly at: string;
}

// Zone names are folded in their canonical spelling (`asia/shanghai` -> `Asia/Shanghai`): events
// stored before names were normalised read as the zone they name, and compare equal to it.
const canonical = (zone: string): string => canonicalTimeZone(zone) ?? zone;

export interface LedgerSettingsState {
  readonly opened: LedgerOpenedData | null;
  /** Oldest first, each effective after the one before. */
  readonly zoneChanges: readonly TimeZoneChangedData[];
  readonly commandIds: readonly string[];
  /** The late-fee policy in force (the last LateFeePolicySet); absent: no late fees are charged. */
  readonly lateFeePolicy?: LateFeePolicySetData;
  /** Periods closed, in the order they were closed; absent in states saved before closing existed. */
  readonly closedPeriods?: readonly ClosedPeriod[];
  /** Number of events folded: the stream revision + 1. */
  readonly eventCount: number;
}

export const initialLedgerSettings = (): LedgerSettingsState => ({ opened: null, zoneChanges: [], commandIds: [], eventCount: 0 });

export const evolveLedgerSettings = (state: LedgerSettingsState, event: LedgerSettingsEvent): LedgerSettingsState => {
  const s = { ...state, commandIds: [...state.commandIds, event.data.commandId], eventCount: state.eventCount + 1 };
  switch (event.type) {
    case 'LedgerOpened':
      return { ...s, opened: { ...event.data, timeZone: canonical(event.data.timeZone) } };
    case 'TimeZoneChanged':
      return {
        ...s,
        zoneChanges: [
          ...state.zoneChanges,
          { ...event.data, timeZone: canonical(event.data.timeZone), previousTimeZone: canonical(event.data.previousTimeZone) },
        ],
      };
    case 'LateFeePolicySet':
      return { ...s, lateFeePolicy: event.data };
    case 'PeriodClosed': {
      const d = event.data;
      const closed: ClosedPeriod = { period: d.period, firstDay: d.firstDay, lastDay: d.lastDay, commandId: d.commandId, at: d.at };
      return { ...s, closedPeriods: [...(state.closedPeriods ?? []), closed] };
    }
  }
};
