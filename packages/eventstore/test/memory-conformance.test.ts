// The in-memory store runs the same conformance suite as every durable store. Connections are
// stores sharing one in-memory database; it lives in one process, so the process race is skipped.
import { createInMemoryDatabase, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { eventStoreConformance } from '@renewal-ledger/eventstore/conformance';

eventStoreConformance({
  name: 'memory',
  unsupported: { childProcesses: 'an in-memory database lives inside one process' },
  async open() {
    const database = createInMemoryDatabase();
    const store = getInMemoryEventStore({ database });
    return {
      store,
      openConnection: async () => getInMemoryEventStore({ database }),
      async corruptEventData(event, json) {
        const row = database.rows.find((r) => r.globalPosition === event.globalPosition);
        if (!row || row.streamName !== event.streamName) throw new Error(`no event at ${event.globalPosition}`);
        row.data = json;
      },
      close: () => store.close(),
    };
  },
});
