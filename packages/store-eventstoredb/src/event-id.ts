// EventStoreDB wants a UUID per event and deduplicates a retried append by those UUIDs. The
// library's event ids are strings derived from the command id (`cmd-42#0`), so each is turned into
// a name-based UUID (RFC 4122 version 5: SHA-1 of a namespace and the name): the same event id
// always gives the same UUID, so a retried append carries the same UUIDs and is stored once.
import { createHash } from 'node:crypto';

/** The namespace of renewal-ledger's event ids (a fixed, random UUID: never change it). */
export const RENEWAL_EVENT_ID_NAMESPACE = '7bac257b-8558-41dc-be8a-1b493481b5a8';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const uuidBytes = (uuid: string): Buffer => {
  if (!UUID.test(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
};

/** RFC 4122 version-5 UUID of `name` (UTF-8) in `namespace`. */
export const uuidV5 = (name: string, namespace: string): string => {
  const bytes = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The EventStoreDB event id (UUID) of a library event id. */
export const eventUuid = (eventId: string): string => uuidV5(eventId, RENEWAL_EVENT_ID_NAMESPACE);
