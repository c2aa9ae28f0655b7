// What the conformance suite does not cover: the decode option, the default clock, correlation
// defaults, and which failures the handler retries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  renewalCycle,
  decodeStoredEvent,
  eventIdFor,
  isInstant,
  type EventMetadata,
  type NewEvent,
  type Upcasters,
} from '@renewal-ledger/core';
import { bill, pay } from './commands.js';
import {
  createInMemoryDatabase,
  getCommandHandler,
  getInMemoryEventStore,
  StoredEventDecodeError,
  WrongExpectedRevisionError,
  type EventStore,
} from '@renewal-ledger/eventstore';

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};

// A Paid event as an imagined version 0 wrote it: the amount in yuan as a decimal string.
const paidV0 = (commandId: string, yuan: string): NewEvent => ({
  eventId: eventIdFor(commandId, 0),
  type: 'Paid',
  schemaVersion: 0,
  data: { cycleId: 'c', commandId, actor: 'cashier', at: '2026-01-10T08:00:00Z', paymentId: 'p1', amount: yuan, channel: 'cash' },
  metadata: { commandId, actor: 'cashier', recordedAt: '2026-01-10T08:00:01Z' } as EventMetadata,
});
const upcasters: Upcasters = {
  Paid: {
    0: ({ amount, ...rest }) => ({ ...rest, amountMinor: Math.round(Number(amount) * 100) }),
  },
};

test('a fact is not recorded before it happened: a command whose at is after its recordedAt is refused for every aggregate, with both instants', async () => {
  const store = getInMemoryEventStore();
  // The bill happened at 2026-01-01T08:00Z; recorded at 07:59:59Z it would be recorded before it happened.
  const handler = getCommandHandler(renewalCycle, { store, clock: () => '2026-01-01T07:59:59Z' as never });
  const early = await handler.handle(bill('c-early', 'b-1'));
  assert.is(early.status, 'rejected');
  assert.equal(
    early.status === 'rejected'
      ? { code: early.error.code, ...('recordedAt' in early.error ? { at: early.error.at, recordedAt: early.error.recordedAt } : {}) }
      : null,
    {
      code: 'RECORDED_BEFORE_IT_HAPPENED',
      at: '2026-01-01T08:00:00Z',
      recordedAt: '2026-01-01T07:59:59Z',
    },
  );
  assert.is(await store.headPosition(), -1n);
  // The same instant is fine, and so is recording later (an offline payment keyed in days after).
  assert.is((await handler.handle(bill('c-same', 'b-2'), { recordedAt: '2026-01-01T08:00:00Z' as never })).status, 'applied');
  // In a batch only the command dated after its recorded time is refused; the payment of 10 Jan recorded on 9 Jan is.
  const batch = await handler.handleBatch([bill('c-batch', 'b-3'), pay('c-batch', 'p-3', 100)], {
    recordedAt: '2026-01-09T00:00:00Z' as never,
  });
  assert.equal(
    batch.map((r) => r.status),
    ['applied', 'rejected'],
  );
});

test('the decode option upcasts older stored events as they are read', async () => {
  const database = createInMemoryDatabase();
  const writer = getInMemoryEventStore({ database });
  await writer.appendToStream('renewal-cycle-c', [paidV0('old-1', '123.45')], { expectedRevision: 'no-stream' });
  const upcasting = getInMemoryEventStore({ database, decode: (stored) => decodeStoredEvent(stored, upcasters) });
  const [event] = await collect(upcasting.readStream('renewal-cycle-c'));
  assert.is((event!.data as { amountMinor: number }).amountMinor, 12345);
  assert.is(event!.schemaVersion, 0, 'schemaVersion says how it was stored');
  // The default decoder has no upcaster from 0, and says so instead of guessing.
  const e = await collect(writer.readStream('renewal-cycle-c')).catch((x: unknown) => x);
  assert.instance(e, StoredEventDecodeError);
  assert.ok(
    (e as StoredEventDecodeError).problem.problems.some((p) => p.path === 'schemaVersion'),
    String(e),
  );
});

test('an unknown event type or a newer schema version fails the read, naming the event', async () => {
  const store = getInMemoryEventStore();
  const odd: NewEvent = { ...paidV0('odd', '1'), type: 'Teleported', schemaVersion: 1 };
  await store.appendToStream('s-odd', [odd], { expectedRevision: 'no-stream' });
  const e = (await collect(store.readStream('s-odd')).catch((x: unknown) => x)) as StoredEventDecodeError;
  assert.instance(e, StoredEventDecodeError);
  assert.is(e.eventType, 'Teleported');
  assert.is(e.problem.problems[0]!.path, 'type');
  const future: NewEvent = { ...paidV0('future', '1'), schemaVersion: 9 };
  await store.appendToStream('s-future', [future], { expectedRevision: 'no-stream' });
  const f = (await collect(store.readStream('s-future')).catch((x: unknown) => x)) as StoredEventDecodeError;
  assert.match(f.message, /newer than this library knows/);
});

test('without a clock the handler records the machine time; correlation defaults to the command id', async () => {
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store });
  const before = Date.now();
  const r = await handler.handle(bill('c1', 'bill-1'));
  const after = Date.now();
  if (r.status !== 'applied') return assert.unreachable(r.status);
  const { metadata } = r.events[0]!;
  assert.ok(isInstant(metadata.recordedAt), metadata.recordedAt);
  const at = Date.parse(metadata.recordedAt);
  assert.ok(at >= before && at <= after, 'recorded now');
  assert.is(metadata.correlationId, 'bill-1');
  assert.not.ok('causationId' in metadata, 'no causation unless given');
});

test('handleBatch of nothing writes nothing', async () => {
  const store = getInMemoryEventStore();
  assert.equal(await getCommandHandler(renewalCycle, { store }).handleBatch([]), []);
  assert.is(await store.headPosition(), -1n);
});

test('a batch retried on one long stream folds it once: each duplicate is decided on the state before its command, not refolded', async () => {
  const store = getInMemoryEventStore();
  const clock = () => '2026-02-01T00:00:00Z' as never;
  // 1 bill and 200 payments of 0.01: 201 events on one cycle.
  const commands = [bill('c1', 'b1'), ...Array.from({ length: 200 }, (_, i) => pay('c1', `p${i}`, 1))];
  await getCommandHandler(renewalCycle, { store, clock }).handleBatch(commands);
  let evolved = 0;
  const counting = {
    ...renewalCycle,
    evolve: (...a: Parameters<typeof renewalCycle.evolve>) => {
      evolved++;
      return renewalCycle.evolve(...a);
    },
  };
  const again = await getCommandHandler(counting, { store, clock }).handleBatch(commands);
  assert.equal(new Set(again.map((r) => r.status)), new Set(['duplicate']));
  // Loading folds the 201 events once; the 201 duplicates' states before them, once more in all
  // (refolding per command was 201 x 202 / 2 = 20,301 more).
  assert.ok(evolved <= 2 * 201, `evolve was called ${evolved} times`);
  // A retried command with other content than its id first had is still refused.
  const changed = await getCommandHandler(renewalCycle, { store, clock }).handleBatch([pay('c1', 'p7', 2)]);
  assert.is(changed[0]!.status, 'rejected');
});

test('batch options apply to every command; each correlates to itself by default', async () => {
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store, clock: () => '2026-02-01T00:00:00Z' as never });
  await handler.handleBatch([bill('c1', 'b1'), pay('c1', 'p1', 100)], { causationId: 'import-7' });
  const events = await collect(store.readAll());
  assert.equal(
    events.map((e) => [e.metadata.commandId, e.metadata.correlationId, e.metadata.causationId]),
    [
      ['b1', 'b1', 'import-7'],
      ['p1', 'p1', 'import-7'],
    ],
  );
});

test('recordedAt overrides the clock: one instant, or one per command in a batch', async () => {
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store, clock: () => '2026-02-01T00:00:00Z' as never });
  await handler.handle(bill('c1', 'b1'), { recordedAt: '2026-01-02T03:04:05Z' as never });
  const entered = new Map([
    ['p1', '2026-01-20T10:00:00Z'],
    ['p2', '2026-01-21T11:00:00Z'],
  ]);
  await handler.handleBatch([pay('c1', 'p1', 100), pay('c1', 'p2', 200)], { recordedAt: (c) => entered.get(c.commandId) as never });
  await handler.handle(pay('c1', 'p3', 300));
  const events = await collect(store.readAll());
  assert.equal(
    events.map((e) => [e.metadata.commandId, e.metadata.recordedAt]),
    [
      ['b1', '2026-01-02T03:04:05Z'],
      ['p1', '2026-01-20T10:00:00Z'],
      ['p2', '2026-01-21T11:00:00Z'],
      ['p3', '2026-02-01T00:00:00Z'],
    ],
  );
});

/** Another writer that always appends first: every append of the handler conflicts. */
const alwaysLosing = (database: ReturnType<typeof createInMemoryDatabase>, cycleId: string): EventStore => {
  const store = getInMemoryEventStore({ database });
  const rival = getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }) });
  let n = 0;
  return {
    ...store,
    kind: store.kind,
    readStream: store.readStream,
    readAll: store.readAll,
    async appendToStream(name, events, options) {
      await rival.handle(pay(cycleId, `rival-${++n}`, 1));
      return store.appendToStream(name, events, options);
    },
  };
};

test('back-off is asked for each retry in turn, and the last conflict is thrown', async () => {
  const database = createInMemoryDatabase();
  await getCommandHandler(renewalCycle, { store: getInMemoryEventStore({ database }) }).handle(bill('c1', 'b1'));
  const waits: number[] = [];
  const handler = getCommandHandler(renewalCycle, {
    store: alwaysLosing(database, 'c1'),
    maxRetries: 3,
    backoff: (attempt) => {
      waits.push(attempt);
      return 0;
    },
  });
  const e = await handler.handle(pay('c1', 'mine', 5)).catch((x: unknown) => x);
  assert.instance(e, WrongExpectedRevisionError);
  assert.equal(waits, [1, 2, 3]);
});

test('failures other than a revision conflict are not retried', async () => {
  const store = getInMemoryEventStore();
  let appends = 0;
  const failing: EventStore = {
    ...store,
    readStream: store.readStream,
    async appendToStream() {
      appends += 1;
      throw new Error('disk full');
    },
  };
  const e = await getCommandHandler(renewalCycle, { store: failing, backoff: () => 0 })
    .handle(bill('c1', 'b1'))
    .catch((x: unknown) => x);
  assert.match(String(e), /disk full/);
  assert.is(appends, 1);
});

test('a closed in-memory store refuses to work', async () => {
  const store = getInMemoryEventStore();
  await store.close();
  const e = await store.appendToStream('s', [], { expectedRevision: 'any' }).catch((x: unknown) => x);
  assert.match(String(e), /closed/);
});

test.run();
