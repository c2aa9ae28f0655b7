// What the delivery tests share: a ledger in Asia/Shanghai with flats billed through the real
// engine, and the reminder by e-mail the day after the due date.
import { ledgerSettingsDecider, type BusinessDate, type Instant, type LedgerSettingsCommand } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { renewDue, sendReminders } from '@renewal-ledger/renewals';
import { engineOn } from './engine.js';
import { open } from './contracts.js';

export const d = (s: string) => s as BusinessDate;

/** The ledger in Asia/Shanghai, CNY, in `locale`. */
export const openLedger = (store: EventStore, locale = 'en') =>
  getCommandHandler(ledgerSettingsDecider, { store, clock: () => '2025-12-01T00:00:00Z' as Instant }).handle({
    type: 'OpenLedger',
    commandId: 'open-ledger',
    actor: 'admin',
    at: '2025-12-01T00:00:00Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    locale,
  } as LedgerSettingsCommand);

/**
 * Flats of 98.50 m2 at 3.20 a m2 (testing's default contract): January billed 315.20, due 15
 * January; each flat's contact as given.
 */
export const billedFlats = async (
  store: EventStore,
  flats: readonly { contractId: string; contact: Record<string, string> }[],
  locale = 'en',
) => {
  await openLedger(store, locale);
  const e = engineOn(store);
  await e.contractHandler.handleBatch(
    flats.map(({ contractId, contact }) => open({ contractId, commandId: `open-${contractId}`, customer: { name: 'Wang Fang', contact } })),
  );
  await renewDue({ ...e, asOf: d('2026-01-01') });
  return e;
};

/**
 * The reminder the day after the due date, by e-mail: sent at 2026-01-15T16:30Z, which is
 * already 16 January 00:30 in Shanghai (and still 15 January in UTC).
 */
export const remindByEmail = async (e: ReturnType<typeof engineOn>) => {
  e.now.at = '2026-01-15T16:30:05Z' as Instant;
  return sendReminders({
    ...e,
    asOf: d('2026-01-16'),
    at: '2026-01-15T16:30:00Z' as Instant,
    policy: [{ offsetDays: 1, channel: 'email', level: 2 }],
  });
};
