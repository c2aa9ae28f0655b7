// The ledger's own stream: its settings (time zone, default currency, locale), one per store.
export const LEDGER_SETTINGS_STREAM = 'ledger-settings';
