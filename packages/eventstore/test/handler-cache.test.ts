// The command handler's opt-in cache of folded streams (`cache: { streams }`): what a user relies
// on is that it saves reads and is never trusted for an answer no append confirms. A stale state
// (another handler or process wrote meanwhile) is refused by the append's revision check and read
// again; a refusal or a duplicate decided on a cached or assumed-new state is decided again on a
// fresh read before it is answered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renewalCycle } from '@renewal-ledger/core';
import { createInMemoryDatabase, getCommandHandler, getInMemoryEventStore, type EventStore } from '@renewal-ledger/eventstore';
import { bill, pay } from './commands.js';

const clock = () => '2026-01-20T08:00:00Z' as never;

/** The store, counting the streams it is asked to read. */
const counting = (store: EventStore) => {
  const reads: string[] = [];
  const counted: EventStore = {
    ...store,
    kind: store.kind,
    readStream: (name, o) => {
      reads.push(name);
      return store.readStream(name, o);
    },
    readStreams: async (names) => {
      reads.push(...names);
      return store.readStreams!(names);
    },
  };
  return { store: counted, reads };
};

const paidAmounts = async (store: EventStore, cycleId: string): Promise<number[]> => {
  const out: number[] = [];
  for await (const e of store.readStream(`renewal-cycle-${cycleId}`))
    if (e.type === 'Paid') out.push((e.data as { amountMinor: number }).amountMinor);
  return out;
};

test('with a cache, a command on a stream the handler knows, or a new one, reads nothing', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  assert.is((await handler.handle(bill('c1', 'b1'))).status, 'applied');
  const paid = await handler.handle(pay('c1', 'p1', 4000));
  assert.is(paid.status, 'applied');
  assert.is(paid.status === 'applied' ? paid.figures.outstandingMinor : null, 6000);
  assert.equal(reads, [], 'nothing read');
  // Without the option every command reads its stream.
  const plain = counting(getInMemoryEventStore());
  const uncached = getCommandHandler(renewalCycle, { store: plain.store, clock });
  await uncached.handle(bill('c1', 'b1'));
  await uncached.handle(pay('c1', 'p1', 4000));
  assert.equal(plain.reads, ['renewal-cycle-c1', 'renewal-cycle-c1']);
});

test('a cached state another writer has moved is refused by the append, read again and decided again', async () => {
  const database = createInMemoryDatabase();
  const cached = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock, cache: { streams: 10 } });
  const other = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock });
  await cached.handle(bill('c1', 'b1'));
  assert.is((await other.handle(pay('c1', 'p1', 4000))).status, 'applied');
  // The same payment again, through the handler whose state predates it: a duplicate, not a second payment.
  const again = await cached.handle(pay('c1', 'p1', 4000));
  assert.is(again.status, 'duplicate');
  const next = await cached.handle(pay('c1', 'p2', 1000));
  assert.is(next.status === 'applied' ? next.figures.outstandingMinor : null, 5000, '10000 - 4000 - 1000');
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c1'), [4000, 1000]);
});

test('a refusal decided on a state taken as new is decided again on a fresh read', async () => {
  const database = createInMemoryDatabase();
  const cached = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock, cache: { streams: 10 } });
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock }).handle(bill('c1', 'b1'));
  // As new, the cycle has no bill to pay; as stored, it has one.
  const paid = await cached.handle(pay('c1', 'p1', 4000));
  assert.is(paid.status, 'applied');
  // A refusal the store confirms stays a refusal: paying a cycle no one billed.
  const unbilled = await cached.handle(pay('c-none', 'p9', 100));
  assert.is(unbilled.status, 'rejected');
  assert.is(await getInMemoryEventStore({ database }).headPosition(), 2n);
});

test('the cache keeps the last `streams` streams: one dropped is read again', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 1 } });
  await handler.handle(bill('c1', 'b1'));
  await handler.handle(bill('c2', 'b2'));
  assert.equal(reads, []);
  await handler.handle(pay('c1', 'p1', 100)); // c1 was dropped for c2: taken as new, refused, read
  assert.equal(reads, ['renewal-cycle-c1']);
  await handler.handle(pay('c1', 'p2', 100)); // c1 is the one kept now
  assert.equal(reads, ['renewal-cycle-c1']);
  assert.equal(await paidAmounts(store, 'c1'), [100, 100]);
});

test('with a cache, a command retried on a short or a long stream is a duplicate, and its id with other content refused', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  await handler.handle(bill('c1', 'b1'));
  // A payment of 0.01 at a time: up to 16 events a stream is scanned for the id, past that indexed.
  for (const n of [3, 40]) {
    for (let i = 1; i < n; i++) assert.is((await handler.handle(pay('c1', `p${n}-${i}`, 1))).status, 'applied');
    for (const i of [1, n - 1]) {
      assert.is((await handler.handle(pay('c1', `p${n}-${i}`, 1))).status, 'duplicate', `p${n}-${i} again`);
      const changed = await handler.handle(pay('c1', `p${n}-${i}`, 2));
      assert.is(changed.status === 'rejected' ? changed.error.code : changed.status, 'COMMAND_ID_CONFLICT', `p${n}-${i} with 0.02`);
    }
  }
  assert.is((await handler.handle(bill('c1', 'b1'))).status, 'duplicate', 'the first command of the stream again');
  // 1 bill + 2 + 39 payments: the refusals and duplicates were confirmed on fresh reads, nothing written twice.
  assert.is((await paidAmounts(store, 'c1')).length, 41);
  assert.ok(reads.length > 0, 'answers other than applied were read again');
});

test('a full cache drops the stream stored longest ago, one after another', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 2 } });
  await handler.handle(bill('c1', 'b1'));
  await handler.handle(bill('c2', 'b2'));
  await handler.handle(pay('c1', 'p1', 100)); // c1 stored after c2: c2 is the older now
  await handler.handle(bill('c3', 'b3')); // drops c2, not c1 (first in, but stored since)
  await handler.handle(pay('c1', 'p2', 100)); // kept: c3 is the older now
  await handler.handle(bill('c4', 'b4')); // drops c3
  await handler.handle(pay('c4', 'p3', 100));
  await handler.handle(pay('c1', 'p4', 100));
  assert.equal(reads, [], 'c1 and c4 kept');
  await handler.handle(pay('c3', 'p5', 100)); // read; drops c4
  await handler.handle(pay('c2', 'p6', 100)); // read; drops c1
  await handler.handle(pay('c3', 'p7', 100)); // kept
  await handler.handle(pay('c1', 'p8', 100)); // read
  assert.equal(reads, ['renewal-cycle-c3', 'renewal-cycle-c2', 'renewal-cycle-c1']);
  assert.equal(await paidAmounts(store, 'c1'), [100, 100, 100, 100]);
});

test('with a cache, a batch reads nothing for the streams the handler knows or takes as new', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  await handler.handle(bill('c1', 'b1'));
  const answers = await handler.handleBatch([pay('c1', 'p1', 4000), bill('c2', 'b2'), pay('c2', 'p2', 2500)]);
  assert.equal(
    answers.map((a) => a.status),
    ['applied', 'applied', 'applied'],
  );
  assert.is(answers[2]!.status === 'applied' ? answers[2]!.figures.outstandingMinor : null, 7500, '10000 billed - 2500 paid');
  assert.equal(reads, [], 'nothing read');
  // Without the option a batch reads every stream it touches.
  const plain = counting(getInMemoryEventStore());
  await getCommandHandler(renewalCycle, { store: plain.store, clock }).handleBatch([bill('c1', 'b1'), bill('c2', 'b2')]);
  assert.equal(plain.reads, ['renewal-cycle-c1', 'renewal-cycle-c2']);
});

test("a refusal in a batch decided on a state taken as new is confirmed by the batch's append, or read again alone when its stream exists", async () => {
  const database = createInMemoryDatabase();
  const { store, reads } = counting(getInMemoryEventStore({ database }));
  const cached = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  await cached.handle(bill('c1', 'b1'));
  // Paying a cycle no one billed: refused as new, and the append of the other payment confirms
  // that c-none is still new (an append of nothing expecting no stream): nothing read.
  const first = await cached.handleBatch([pay('c1', 'p1', 4000), pay('c-none', 'p9', 100)]);
  assert.equal(
    first.map((a) => a.status),
    ['applied', 'rejected'],
  );
  assert.equal(reads, [], 'nothing read');
  // c2 was billed by another handler: taken as new, its payment is refused, the append's check
  // finds c2 exists, and c2 alone is read and its payment decided again: it applies.
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock }).handle(bill('c2', 'b2'));
  const answers = await cached.handleBatch([pay('c1', 'p2', 1000), pay('c2', 'p3', 100), pay('c-none', 'p10', 100)]);
  assert.equal(
    answers.map((a) => a.status),
    ['applied', 'applied', 'rejected'],
    'c2 read and paid; the refusal of c-none confirmed again',
  );
  assert.equal(reads, ['renewal-cycle-c2'], 'c1 and c-none, which the cache knew or took as new, are not read');
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c1'), [4000, 1000]);
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c2'), [100]);
  assert.is(
    await getInMemoryEventStore({ database }).headPosition(),
    5n,
    'five events written (b1, p1, b2, p2, p3; positions from 1), none for the refusals',
  );
});

test('a duplicate or refusal in a batch on a cached stream that the batch also appends to is confirmed by that append: nothing read', async () => {
  const { store, reads } = counting(getInMemoryEventStore());
  const handler = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  await handler.handle(bill('c1', 'b1'));
  const answers = await handler.handleBatch([pay('c1', 'p1', 4000), pay('c1', 'p1', 4000), pay('c-none', 'p9', 100)]);
  assert.equal(
    answers.map((a) => a.status),
    ['applied', 'duplicate', 'rejected'],
  );
  assert.equal(reads, [], 'nothing read');
  assert.equal(await paidAmounts(store, 'c1'), [4000]);
});

test('when that append comes back already stored (another writer stored the same command), the other answers on its stream are decided again on a read', async () => {
  const database = createInMemoryDatabase();
  const { store, reads } = counting(getInMemoryEventStore({ database }));
  const cached = getCommandHandler(renewalCycle, { store, clock, cache: { streams: 10 } });
  await cached.handle(bill('c1', 'b1'));
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock }).handle(pay('c1', 'p1', 4000));
  const answers = await cached.handleBatch([pay('c1', 'p1', 4000), pay('c1', 'p1', 4000)]);
  assert.equal(
    answers.map((a) => a.status),
    ['duplicate', 'duplicate'],
  );
  assert.equal(reads, ['renewal-cycle-c1'], 'c1 read once, for the second answer');
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c1'), [4000]);
});

test('a batch on a cached stream another writer has moved is refused by the append, read again and decided again', async () => {
  const database = createInMemoryDatabase();
  const cached = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock, cache: { streams: 10 } });
  await cached.handleBatch([bill('c1', 'b1'), bill('c2', 'b2')]);
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock }).handle(pay('c1', 'p1', 4000));
  // The same payment again and a new one, through the handler whose state of c1 predates the first.
  const answers = await cached.handleBatch([pay('c1', 'p1', 4000), pay('c1', 'p2', 1000), pay('c2', 'p3', 500)]);
  assert.equal(
    answers.map((a) => a.status),
    ['duplicate', 'applied', 'applied'],
  );
  assert.is(answers[1]!.status === 'applied' ? answers[1]!.figures.outstandingMinor : null, 5000, '10000 - 4000 - 1000');
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c1'), [4000, 1000]);
  assert.equal(await paidAmounts(getInMemoryEventStore({ database }), 'c2'), [500]);
});

test('check() never answers from the cache', async () => {
  const database = createInMemoryDatabase();
  const cached = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock, cache: { streams: 10 } });
  await cached.handle(bill('c1', 'b1'));
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }), clock }).handle(pay('c1', 'p1', 10000));
  const [checked] = await cached.check([pay('c1', 'p1', 10000)]);
  assert.is(checked!.status, 'duplicate');
});

test.run();
