// The ledgers the outbox tests dispatch from: one flat billed for January and reminded on the
// 15th, with the contact given; and the delivery events recorded on it, in order.
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { allEvents } from '@renewal-ledger/testing/engine';
import { billedFlats, remindByEmail } from '@renewal-ledger/testing/delivery';

export const FROM = 'Property office <office@estate.example>';
export const REMINDER = 'reminder:unit-0301/2026-01-01/reminder/2026-01-15/2';

export const ledgerWithReminder = async (path: string, contact: Record<string, string>) => {
  const store = getSQLiteEventStore({ path });
  try {
    const e = await billedFlats(store, [{ contractId: 'unit-0301', contact }]);
    await remindByEmail(e);
  } finally {
    await store.close();
  }
};

/** [type, messageId, channel] of every delivery event, in the log's order. */
export const deliveryEvents = async (path: string) => {
  const store = getSQLiteEventStore({ path });
  try {
    return (await allEvents(store))
      .filter((e) => e.streamName.startsWith('delivery-'))
      .map((e) => [e.type, (e.data as { messageId: string }).messageId, (e.data as { channel: string }).channel]);
  } finally {
    await store.close();
  }
};
