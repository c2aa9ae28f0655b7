// What the EventStoreDB adapter decides without a server: event UUIDs, revision and error
// mapping, metadata layout, and how a recorded EventStoreDB event becomes a RecordedEvent. The
// errors are the client library's own classes; the recorded events are built in the shape the
// client returns (its RecordedEvent type), since no server can run here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ANY, NO_STREAM, NotLeaderError, WrongExpectedVersionError, type JSONRecordedEvent } from '@eventstore/db-client';
// The protobuf message EventStoreDB sends with a refused append, as the client decodes it.
// (Closure-compiled CommonJS: its exports are only reachable through the default import.)
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { eventIdFor, type EventMetadata, type NewEvent } from '@renewal-ledger/core';
import { StoredEventDecodeError, WrongExpectedRevisionError, recordedEventFrom } from '@renewal-ledger/eventstore';
import { RENEWAL_EVENT_ID_NAMESPACE, eventUuid, getEventStoreDBEventStore } from '@renewal-ledger/store-eventstoredb';
import { uuidV5 } from '../src/event-id.js';
import {
  esdbMetadataOf,
  fromEsdbCurrentRevision,
  isSystemEvent,
  storedRowOf,
  toEsdbExpectedRevision,
  toEventData,
  wrongExpectedRevisionFrom,
} from '../src/mapping.js';

const { WrongExpectedVersion } = sharedPb;

const Ids = suite('store-eventstoredb: event ids');

Ids('uuidV5 is RFC 4122 version 5 (published vectors)', () => {
  // uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') in Python's documentation.
  assert.is(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  // Non-ASCII names are hashed as UTF-8 (Python: uuid5(NAMESPACE_URL, 'https://example.com/é')).
  assert.is(uuidV5('https://example.com/é', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'), '20ecd233-a9e7-5067-a96f-fd6600ca3fda');
});

Ids('the same event id always gives the same UUID, so a retried append is deduplicated', () => {
  const id = eventIdFor('cmd-2026-01-0301-pay', 0);
  assert.is(eventUuid(id), eventUuid(`cmd-2026-01-0301-pay#0`));
  assert.is(eventUuid(id), uuidV5(id, RENEWAL_EVENT_ID_NAMESPACE));
  assert.match(eventUuid(id), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

Ids('different event ids give different UUIDs (index, case, unicode)', () => {
  const ids = ['cmd#0', 'cmd#1', 'CMD#0', 'cmd#10', '账单-1#0', '账单-2#0', 'cmd #0'];
  const uuids = new Set(ids.map(eventUuid));
  assert.is(uuids.size, ids.length);
});

Ids('a namespace that is not a UUID is refused', () => {
  assert.throws(() => uuidV5('x', 'not-a-uuid'), /not a UUID/);
});

const Revisions = suite('store-eventstoredb: revisions and errors');

Revisions('expected revisions map to the client constants; revisions count from 0 in both', () => {
  assert.is(toEsdbExpectedRevision('no-stream'), NO_STREAM);
  assert.is(toEsdbExpectedRevision('any'), ANY);
  assert.is(toEsdbExpectedRevision(0n), 0n);
  assert.is(toEsdbExpectedRevision(9_007_199_254_740_993n), 9_007_199_254_740_993n);
  assert.is(fromEsdbCurrentRevision(NO_STREAM), 'no-stream');
  assert.is(fromEsdbCurrentRevision(41n), 41n);
});

Revisions("the client's WrongExpectedVersionError becomes WrongExpectedRevisionError naming what was expected and found", () => {
  const behind = new WrongExpectedVersionError(undefined, { streamName: 'renewal-cycle-a', expected: 0n, current: 3n });
  const mapped = wrongExpectedRevisionFrom(behind, 'renewal-cycle-a', 0n);
  assert.instance(mapped, WrongExpectedRevisionError);
  assert.is(mapped!.streamName, 'renewal-cycle-a');
  assert.is(mapped!.expected, 0n);
  assert.is(mapped!.actual, 3n);
  assert.is(mapped!.code, 'WRONG_EXPECTED_REVISION');

  const missing = new WrongExpectedVersionError(undefined, { streamName: 'renewal-cycle-b', expected: 2n, current: NO_STREAM });
  assert.is(wrongExpectedRevisionFrom(missing, 'renewal-cycle-b', 2n)!.actual, 'no-stream');

  const exists = new WrongExpectedVersionError(undefined, { streamName: 'renewal-cycle-c', expected: NO_STREAM, current: 0n });
  const refused = wrongExpectedRevisionFrom(exists, 'renewal-cycle-c', 'no-stream')!;
  assert.is(refused.expected, 'no-stream');
  assert.is(refused.actual, 0n);
});

Revisions('a refusal as the server sends it (WrongExpectedVersion details) maps the same way', () => {
  const details = new WrongExpectedVersion();
  details.setExpectedStreamPosition('1');
  details.setCurrentStreamRevision('4');
  const fromServer = WrongExpectedVersionError.fromWrongExpectedVersion(details, 'renewal-cycle-d');
  const mapped = wrongExpectedRevisionFrom(fromServer, 'renewal-cycle-d', 1n)!;
  assert.instance(mapped, WrongExpectedRevisionError);
  assert.is(mapped.actual, 4n);
  // No current revision in the details: the stream does not exist.
  const missing = new WrongExpectedVersion();
  missing.setExpectedStreamPosition('0');
  assert.is(wrongExpectedRevisionFrom(WrongExpectedVersionError.fromWrongExpectedVersion(missing, 's'), 's', 0n)!.actual, 'no-stream');
});

Revisions('other client errors pass through unmapped', () => {
  assert.is(wrongExpectedRevisionFrom(new Error('unavailable'), 's', 'any'), null);
  assert.is(wrongExpectedRevisionFrom(Object.create(NotLeaderError.prototype) as Error, 's', 'any'), null);
});

const Events = suite('store-eventstoredb: events and metadata');

const paid = (commandId: string, metadata: Partial<EventMetadata> = {}): NewEvent => ({
  eventId: eventIdFor(commandId, 0),
  type: 'Paid',
  schemaVersion: 1,
  data: {
    cycleId: 'unit-0301/2026-01',
    commandId,
    actor: 'cashier',
    at: '2026-01-10T08:00:00Z',
    paymentId: `p-${commandId}`,
    amountMinor: 10000,
    channel: 'cash',
    reference: '收据 №7 🧾',
  },
  metadata: { commandId, actor: 'cashier', recordedAt: '2026-01-10T08:00:01Z', ...metadata } as EventMetadata,
});

/** What the client returns for an event written with `data`: the shape of its RecordedEvent. */
const asRecorded = (stream: string, revision: bigint, commit: bigint | undefined, e: NewEvent): JSONRecordedEvent => {
  const data = toEventData(e);
  // What went over the wire comes back parsed, as the client parses JSON events.
  return {
    streamId: stream,
    id: data.id,
    isJson: true,
    revision,
    type: data.type,
    created: new Date(0),
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    ...(commit === undefined ? {} : { position: { commit, prepare: commit } }),
  } as JSONRecordedEvent;
};

Events('an event is a JSON event with the derived UUID; the metadata carries $correlationId and $causationId', () => {
  const e = paid('cmd-7', { correlationId: 'import-2026-01', causationId: 'cmd-6' } as Partial<EventMetadata>);
  const data = toEventData(e);
  assert.is(data.id, eventUuid('cmd-7#0'));
  assert.is(data.contentType, 'application/json');
  assert.is(data.type, 'Paid');
  assert.equal(data.data, e.data);
  assert.equal(data.metadata, {
    commandId: 'cmd-7',
    actor: 'cashier',
    recordedAt: '2026-01-10T08:00:01Z',
    correlationId: 'import-2026-01',
    causationId: 'cmd-6',
    eventId: 'cmd-7#0',
    schemaVersion: 1,
    $correlationId: 'import-2026-01',
    $causationId: 'cmd-6',
  });
});

Events('a command that starts its own conversation is its own correlation and cause', () => {
  const m = esdbMetadataOf(paid('cmd-8'));
  assert.is(m.$correlationId, 'cmd-8');
  assert.is(m.$causationId, 'cmd-8');
  assert.not.ok('correlationId' in m, 'the library metadata is not given a correlation id it did not have');
});

Events('a recorded event reads back as the event that was written, at its revision and commit position', () => {
  const e = paid('cmd-9', { correlationId: 'corr-9' } as Partial<EventMetadata>);
  const read = recordedEventFrom(storedRowOf(asRecorded('renewal-cycle-unit-0301/2026-01', 4n, 1_234_567n, e)));
  assert.equal(read, { ...e, streamName: 'renewal-cycle-unit-0301/2026-01', streamRevision: 4n, globalPosition: 1_234_567n });
});

Events('a stream read without positions falls back to the commit position the client gave alongside', () => {
  const row = storedRowOf(asRecorded('s', 0n, undefined, paid('cmd-10')), 99n);
  assert.is(row.globalPosition, 99n);
  assert.throws(() => storedRowOf(asRecorded('s', 0n, undefined, paid('cmd-10'))), /22\.10 or later/);
});

Events('an event without the library metadata fails to decode, naming stream, revision, position and field', () => {
  const foreign = { ...asRecorded('orders-1', 2n, 777n, paid('cmd-11')), metadata: { $correlationId: 'x' } } as JSONRecordedEvent;
  try {
    storedRowOf(foreign);
    assert.unreachable('decoded an event this library did not write');
  } catch (err) {
    assert.instance(err, StoredEventDecodeError);
    const e = err as StoredEventDecodeError;
    assert.is(e.streamName, 'orders-1');
    assert.is(e.streamRevision, 2n);
    assert.is(e.globalPosition, 777n);
    assert.equal(
      e.problem.problems.map((p) => p.path),
      ['metadata/eventId', 'metadata/schemaVersion'],
    );
  }
  const binaryMetadata = {
    ...asRecorded('orders-2', 0n, 5n, paid('cmd-12')),
    metadata: new Uint8Array([1, 2]),
  } as unknown as JSONRecordedEvent;
  assert.throws(
    () => storedRowOf(binaryMetadata),
    (e: Error) => e instanceof StoredEventDecodeError && /metadata/.test(e.message),
  );
});

Events('changed data fails the decode with the io-ts path', () => {
  const e = paid('cmd-13');
  const recorded = asRecorded('renewal-cycle-x', 0n, 10n, e);
  (recorded.data as Record<string, unknown>).amountMinor = -5;
  assert.throws(
    () => recordedEventFrom(storedRowOf(recorded)),
    (err: Error) => err instanceof StoredEventDecodeError && /data\/amountMinor/.test(err.message),
  );
});

Events("EventStoreDB's own events ($ types, $ streams, links) are system events; the library's are not", () => {
  assert.ok(isSystemEvent({ type: '$metadata', streamId: '$$renewal-cycle-a' }));
  assert.ok(isSystemEvent({ type: '$>', streamId: '$ce-renewal' }));
  assert.ok(isSystemEvent({ type: '$statistics-collected', streamId: '$stats-127.0.0.1:2113' }));
  assert.ok(isSystemEvent({ type: 'Paid', streamId: '$projections-x' }));
  assert.not.ok(isSystemEvent({ type: 'Paid', streamId: 'renewal-cycle-unit-0301/2026-01' }));
});

const Factory = suite('store-eventstoredb: factory');

Factory('a store needs a connection string or a client; it connects only when used, and refuses work once closed', async () => {
  assert.throws(() => getEventStoreDBEventStore({}), /connectionString/);
  // Nothing listens on port 1: creating and closing the store must not need a server.
  const store = getEventStoreDBEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
  assert.is(store.kind, 'eventstoredb');
  await store.close();
  await store.close();
  for (const work of [
    () => store.appendToStream('s', [], { expectedRevision: 'any' }),
    () => store.readStream('s')[Symbol.asyncIterator]().next(),
    () => store.headPosition(),
  ]) {
    try {
      await work();
      assert.unreachable('a closed store answered');
    } catch (e) {
      assert.match((e as Error).message, /closed/);
    }
  }
});

Ids.run();
Factory.run();
Revisions.run();
Events.run();
