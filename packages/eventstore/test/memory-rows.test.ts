// The in-memory store keeps each row as a database would (JSON text) and decodes a row's text once
// rather than on every read. What a user relies on: a reader cannot change what is stored through
// the events it gets; a row changed or put in around the API is read from its text as it is now;
// a row that does not decode fails every read, as it would in a database; what JSON drops is gone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import { createInMemoryDatabase, getInMemoryEventStore, StoredEventDecodeError } from '@renewal-ledger/eventstore';

const paid = (id: string, amountMinor: unknown, extra: Record<string, unknown> = {}): NewEvent =>
  ({
    eventId: `${id}#0`,
    type: 'Paid',
    schemaVersion: 1,
    data: {
      cycleId: 'c',
      commandId: id,
      actor: 'cashier',
      at: '2026-01-10T08:00:00Z',
      paymentId: `p-${id}`,
      amountMinor,
      channel: 'cash',
      ...extra,
    },
    metadata: { recordedAt: '2026-01-10T08:00:00Z', actor: 'cashier', commandId: id, correlationId: id },
  }) as unknown as NewEvent;

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const amountOf = (e: RecordedEvent | undefined) => (e!.data as { amountMinor: number }).amountMinor;

test('a reader cannot change what is stored through the events it reads', async () => {
  const store = getInMemoryEventStore();
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 5000)], { expectedRevision: 'no-stream' });
  const [first] = await collect(store.readStream('renewal-cycle-c'));
  assert.throws(() => {
    (first!.data as { amountMinor: number }).amountMinor = 1;
  }, TypeError);
  assert.throws(() => {
    (first!.metadata as { actor: string }).actor = 'someone else';
  }, TypeError);
  // The event itself is the reader's own: changing it changes nothing for the next reader.
  (first as { streamRevision: bigint }).streamRevision = 9n;
  const [again] = await collect(store.readAll());
  assert.is.not(again, first);
  assert.is(again!.streamRevision, 0n);
  assert.is(amountOf(again), 5000);
  assert.is(again!.metadata.actor, 'cashier');
});

test('a row overwritten around the API is read from its new text', async () => {
  const database = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database });
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 5000)], { expectedRevision: 'no-stream' });
  assert.is(amountOf((await collect(store.readStream('renewal-cycle-c')))[0]), 5000);
  const row = database.rows[0]!;
  row.data = row.data.replace('"amountMinor":5000', '"amountMinor":7000');
  assert.is(amountOf((await collect(store.readStream('renewal-cycle-c')))[0]), 7000);
  row.metadata = row.metadata.replace('"actor":"cashier"', '"actor":"manager"');
  assert.is((await collect(store.readAll()))[0]!.metadata.actor, 'manager');
  row.data = row.data.replace('"amountMinor":7000', '"amountMinor":"abc"');
  const e = await collect(store.readStream('renewal-cycle-c')).catch((x: unknown) => x);
  assert.instance(e, StoredEventDecodeError);
  assert.match(String(e), /amountMinor/);
});

test('a row put in around the API is decoded from its text, and fails when it does not decode', async () => {
  const database = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database });
  const text = JSON.stringify(paid('pay-1', -5).data);
  database.rows.push({
    streamName: 'renewal-cycle-c',
    streamRevision: 0n,
    globalPosition: 1n,
    eventId: 'pay-1#0',
    type: 'Paid',
    schemaVersion: 1,
    data: text,
    metadata: JSON.stringify(paid('pay-1', -5).metadata),
  });
  database.streams.set('renewal-cycle-c', [1n]);
  database.eventIds.set('pay-1#0', 1n);
  for (let i = 0; i < 2; i++) assert.instance(await collect(store.readAll()).catch((x: unknown) => x), StoredEventDecodeError);
  database.rows[0]!.data = text.replace('"amountMinor":-5', '"amountMinor":5');
  assert.is(amountOf((await collect(store.readAll()))[0]), 5);
});

test('an appended event that does not decode is stored, and fails every read of it', async () => {
  const store = getInMemoryEventStore();
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 0)], { expectedRevision: 'no-stream' });
  for (let i = 0; i < 2; i++) {
    const e = await collect(store.readStream('renewal-cycle-c')).catch((x: unknown) => x);
    assert.instance(e, StoredEventDecodeError, `read ${i + 1}`);
  }
  assert.is(await store.headPosition(), 1n);
});

test('what JSON cannot carry is gone when read back, as from a database', async () => {
  const store = getInMemoryEventStore();
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 5000, { note: undefined })], { expectedRevision: 'no-stream' });
  const [event] = await collect(store.readStream('renewal-cycle-c'));
  assert.not.ok('note' in (event!.data as object), 'the undefined field is not there');
});

test('what the caller does to its objects after the append changes nothing stored', async () => {
  const store = getInMemoryEventStore();
  const event = paid('pay-1', 5000, { note: { lines: ['a'] } });
  await store.appendToStream('renewal-cycle-c', [event], { expectedRevision: 'no-stream' });
  const data = event.data as { amountMinor: number; note: { lines: string[] } };
  data.amountMinor = 1;
  data.note.lines.push('b');
  const [read] = await collect(store.readStream('renewal-cycle-c'));
  assert.is(amountOf(read), 5000);
  assert.equal((read!.data as { note: unknown }).note, { lines: ['a'] });
});

test('data read back is what JSON gives back, whether the values were plain JSON or not', async () => {
  // Plain: an undefined member, -0. Not plain: a Date (toJSON), NaN, a hole and undefined in a list.
  const plain = { note: { kept: 'x', gone: undefined, zero: -0, list: [1, 'two', null, { three: 3 }] } };
  const list = [1, undefined, 3, 4];
  delete list[2]; // a hole
  const notPlain = { note: { when: new Date('2026-01-10T08:00:00Z'), nan: Number.NaN, list } };
  const store = getInMemoryEventStore();
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 5000, plain), paid('pay-2', 6000, notPlain)], {
    expectedRevision: 'no-stream',
  });
  const [first, second] = await collect(store.readStream('renewal-cycle-c'));
  const noteOf = (e: RecordedEvent | undefined) => (e!.data as { note: unknown }).note;
  assert.equal(noteOf(first), JSON.parse(JSON.stringify(plain.note)));
  assert.ok(Object.is((noteOf(first) as { zero: number }).zero, 0), '-0 comes back as 0');
  assert.equal(noteOf(second), JSON.parse(JSON.stringify(notPlain.note)));
  assert.equal(noteOf(second), { when: '2026-01-10T08:00:00.000Z', nan: null, list: [1, null, null, 4] });
});

test('a row overwritten before anything read it is read from its new text', async () => {
  const database = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database });
  await store.appendToStream('renewal-cycle-c', [paid('pay-1', 5000)], { expectedRevision: 'no-stream' });
  const row = database.rows[0]!;
  row.data = row.data.replace('"amountMinor":5000', '"amountMinor":7000');
  assert.is(amountOf((await collect(store.readStream('renewal-cycle-c')))[0]), 7000);
});

test.run();
