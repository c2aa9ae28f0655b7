// @renewal-ledger/store-eventstoredb: the event store on EventStoreDB / KurrentDB.
//
// The public API, name by name (api/store-eventstoredb.api.md is its report; CONTRIBUTING.md says
// how to change it). How events map to EventStoreDB's (revisions, metadata, positions) is internal.

// Opening the store.
export { getEventStoreDBEventStore, type EventStoreDBEventStore, type EventStoreDBEventStoreOptions } from './eventstoredb-store.js';

// The EventStoreDB event id (a UUID v5) of a renewal-ledger event id, to find an event there.
export { eventUuid, RENEWAL_EVENT_ID_NAMESPACE } from './event-id.js';
