// Real renewal events for the store tests: stores decode what they read with the core codecs.
import { eventIdFor, type EventMetadata, type NewEvent } from '@renewal-ledger/core';

const AT = '2026-01-05T08:00:00Z';

export const metadataFor = (commandId: string): EventMetadata =>
  ({
    commandId,
    actor: 'store-test-clerk',
    recordedAt: '2026-01-05T08:00:01.250Z',
    correlationId: `corr-${commandId}`,
  }) as EventMetadata;

/** A `Paid` event of the command `commandId`; `index` numbers the command's events. */
export const paid = (cycleId: string, commandId: string, amountMinor: number, index = 0): NewEvent => ({
  eventId: eventIdFor(commandId, index),
  type: 'Paid',
  schemaVersion: 1,
  data: {
    // Deliberately not in alphabetical order: the store must keep the text as written.
    paymentId: `payment-${commandId}-${index}`,
    cycleId,
    commandId,
    actor: 'store-test-cashier',
    at: AT,
    amountMinor,
    channel: 'cash',
  },
  metadata: metadataFor(commandId),
});
