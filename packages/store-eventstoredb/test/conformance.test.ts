// The EventStoreDB store runs the conformance suite whenever a server is given in
// EVENTSTOREDB_URL (e.g. `esdb://localhost:2113?tls=false`). No EventStoreDB server can run on
// this project's machines, so without it every test reports as skipped, with a line saying why;
// skipped is never counted as passed. The database is not emptied between tests (EventStoreDB
// cannot be): the suite names every stream with a run id.
import { eventStoreConformance } from '@renewal-ledger/eventstore/conformance';
import { getEventStoreDBEventStore } from '@renewal-ledger/store-eventstoredb';

const connectionString = process.env.EVENTSTOREDB_URL || undefined;

eventStoreConformance({
  name: 'eventstoredb',
  skip: connectionString
    ? undefined
    : 'EVENTSTOREDB_URL is not set: EventStoreDB conformance skipped (on a machine with Docker: ' +
      '`docker run --rm -p 2113:2113 -e EVENTSTORE_INSECURE=true -e EVENTSTORE_MEM_DB=true ' +
      '-e EVENTSTORE_MAX_APPEND_SIZE=8388608 eventstore/eventstore:24.10`, ' +
      'then EVENTSTOREDB_URL="esdb://localhost:2113?tls=false")',
  atomicBatch: false,
  eventIdsUniqueAcrossStreams: false,
  unsupported: { corruptEventData: 'EventStoreDB events are immutable: a stored event cannot be edited in place' },
  async open() {
    const store = getEventStoreDBEventStore({ connectionString: connectionString! });
    return {
      store,
      openConnection: async () => getEventStoreDBEventStore({ connectionString: connectionString! }),
      childProcessStore: {
        module: import.meta.resolve('@renewal-ledger/store-eventstoredb'),
        exportName: 'getEventStoreDBEventStore',
        argument: { connectionString },
      },
      close: () => store.close(),
    };
  },
});
