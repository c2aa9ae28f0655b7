// The ledger's settings as an aggregate, like the cycle's renewalCycle and the contract's
// contractDecider: the generic command handler runs it on the one stream `ledger-settings`.
import type { Aggregate } from '../aggregate.js';
import type { LedgerSettingsCommand } from './commands.js';
import { decideLedgerSettings, type LedgerDuplicate } from './decide.js';
import type { LedgerError } from './errors.js';
import { ledgerSettingsEvents, type LedgerSettingsEvent } from './events.js';
import { evolveLedgerSettings, initialLedgerSettings, type LedgerSettingsState } from './state.js';
import { LEDGER_SETTINGS_STREAM } from './stream.js';

export const ledgerSettingsDecider: Aggregate<
  LedgerSettingsCommand,
  LedgerSettingsEvent,
  LedgerSettingsState,
  LedgerError,
  LedgerDuplicate,
  LedgerSettingsState
> = {
  decide: decideLedgerSettings,
  evolve: evolveLedgerSettings,
  initialState: initialLedgerSettings,
  streamName: () => LEDGER_SETTINGS_STREAM,
  events: ledgerSettingsEvents,
  // What a caller is told after a command: the settings as they now are.
  figures: (state) => state,
};
