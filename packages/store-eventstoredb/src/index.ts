export { getEventStoreDBEventStore, type EventStoreDBEventStore, type EventStoreDBEventStoreOptions } from './eventstoredb-store.js';
export { eventUuid, uuidV5, RENEWAL_EVENT_ID_NAMESPACE } from './event-id.js';
export {
  toEsdbExpectedRevision,
  fromEsdbCurrentRevision,
  wrongExpectedRevisionFrom,
  toEventData,
  esdbMetadataOf,
  isSystemEvent,
  storedRowOf,
  type EsdbEventMetadata,
} from './mapping.js';
