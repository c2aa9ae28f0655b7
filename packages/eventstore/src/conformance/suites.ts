// The conformance tests themselves, one uvu suite per area. Each test opens a fresh fixture and
// closes it, so one failure cannot leak into the next test.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleStreamName, type Instant, type NewEvent, type RecordedEvent, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type HandleResult } from '../command-handler.js';
import { EventIdConflictError, StoredEventDecodeError, WrongExpectedRevisionError, type AppendRequest, type EventStore, type ExpectedRevision } from '../port.js';
import type { ConformanceArea, ConformanceFixture, ConformanceTarget } from './index.js';
import {
  billCommand,
  billedEvent,
  largeLines,
  metadataFor,
  namesFor,
  newRunId,
  paidEvent,
  paymentCommand,
  payments,
  UNICODE_TEXT,
  type Names,
} from './fixtures.js';
import { judgeRace, planRace, raceConnections, raceProcesses, PAYMENT_MINOR, type RaceReport } from './race.js';
import { wellFormedTests } from './well-formed.js';

interface Context {
  readonly fx: ConformanceFixture;
  readonly store: EventStore;
  readonly names: Names;
}

type Body = (ctx: Context) => Promise<void>;

interface Registered {
  readonly area: ConformanceArea;
  readonly name: string;
  readonly body: Body;
  /** Why this test cannot run on this target, if it cannot. */
  readonly unsupported?: string | undefined;
}

// --- helpers ---------------------------------------------------------------------------------

export const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of iterable) out.push(x);
  return out;
};

/** Whether an event belongs to this test: every stream name it writes holds its run id. */
const mine = (names: Names) => (e: RecordedEvent) => e.streamName.includes(names.run);

/** Events of `store.readAll` that belong to this test (the database may hold other data). */
const ours = async (store: EventStore, names: Names, options: Parameters<EventStore['readAll']>[0] = {}) =>
  (await collect(store.readAll(options))).filter(mine(names));

const rejects = async <E extends Error>(work: () => Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> => {
  try {
    await work();
  } catch (e) {
    assert.instance(e, kind, `expected ${kind.name}, got ${String(e)}`);
    return e as E;
  }
  return assert.unreachable(`expected ${kind.name}, nothing was thrown`) as never;
};

const wrongRevision = async (
  work: () => Promise<unknown>,
  expect: { streamName: string; expected: ExpectedRevision; actual: bigint | 'no-stream' },
): Promise<void> => {
  const e = await rejects(work, WrongExpectedRevisionError);
  assert.is(e.code, 'WRONG_EXPECTED_REVISION');
  assert.is(e.streamName, expect.streamName, 'names the stream');
  assert.is(e.expected, expect.expected, 'names the expected revision');
  assert.is(e.actual, expect.actual, 'names the actual revision');
};

const sameEvent = (read: RecordedEvent, written: NewEvent, where: string): void => {
  assert.is(read.eventId, written.eventId, `${where}: event id`);
  assert.is(read.type, written.type, `${where}: type`);
  assert.is(read.schemaVersion, written.schemaVersion, `${where}: schema version`);
  assert.equal(read.data, written.data, `${where}: data`);
  assert.equal(read.metadata, written.metadata, `${where}: metadata`);
};

const ids = (events: readonly { eventId: string }[]) => events.map((e) => e.eventId);

const strictlyIncreasing = (events: readonly RecordedEvent[]): void => {
  for (let i = 1; i < events.length; i++)
    assert.ok(events[i]!.globalPosition > events[i - 1]!.globalPosition, `global positions strictly increase at ${i}`);
};

const streamOf = (store: EventStore, streamName: string) => collect(store.readStream(streamName));

const FIXED_CLOCK = '2026-03-01T10:00:00.000Z' as Instant;
const noWait = () => 0;

/**
 * A store that lets a second connection append right before this one's append: the write that
 * sneaks in between a handler's read and its append, made to happen on demand.
 */
const interleaved = (
  store: EventStore,
  sneak: (attempt: number) => Promise<void>,
): EventStore & { appendCalls: number; batchCalls: number } => {
  const wrapper = {
    kind: store.kind,
    appendCalls: 0,
    batchCalls: 0,
    async appendToStream(streamName: string, events: readonly NewEvent[], options: { readonly expectedRevision: ExpectedRevision }) {
      wrapper.appendCalls += 1;
      await sneak(wrapper.appendCalls + wrapper.batchCalls);
      return store.appendToStream(streamName, events, options);
    },
    async appendBatch(requests: readonly AppendRequest[]) {
      wrapper.batchCalls += 1;
      await sneak(wrapper.appendCalls + wrapper.batchCalls);
      return store.appendBatch(requests);
    },
    readStream: store.readStream.bind(store),
    ...(store.readStreams ? { readStreams: store.readStreams.bind(store) } : {}),
    readAll: store.readAll.bind(store),
    headPosition: store.headPosition.bind(store),
    close: store.close.bind(store),
  };
  return wrapper;
};

/** Runs `body` with a second connection that is closed afterwards. */
const withConnection = async (fx: ConformanceFixture, body: (other: EventStore) => Promise<void>): Promise<void> => {
  const other = await fx.openConnection();
  try {
    await body(other);
  } finally {
    await other.close();
  }
};

const statuses = (results: readonly HandleResult[]) =>
  results.map((r) => (r.status === 'rejected' ? `rejected:${r.error.code}` : r.status === 'duplicate' ? `duplicate:${r.duplicate.key}` : 'applied'));

// --- the tests -------------------------------------------------------------------------------

const tests = (target: ConformanceTarget): Registered[] => {
  const list: Registered[] = [];
  const add = (area: ConformanceArea, name: string, body: Body, unsupported?: string) =>
    list.push({ area, name, body, unsupported });
  const perStreamIds =
    target.eventIdsUniqueAcrossStreams === false ? 'this store checks event ids per stream only (eventIdsUniqueAcrossStreams: false)' : undefined;
  const notAtomic = target.atomicBatch === false ? 'this store appends a batch one request at a time (atomicBatch: false)' : undefined;

  // append and read ---------------------------------------------------------------------------
  add('append and read', 'a new stream reads back every field, revisions from 0, positions increasing', async ({ store, names }) => {
    const stream = names.stream('round-trip');
    const cycleId = names.cycle('round-trip');
    const written = [
      billedEvent({ cycleId, commandId: names.id('bill') }),
      { ...paidEvent(cycleId, names.id('pay-1'), 2500), metadata: metadataFor(names.id('pay-1'), { correlationId: names.id('batch-7'), causationId: names.id('bill') }) },
      paidEvent(cycleId, names.id('pay-2'), 1200),
    ];
    const result = await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    assert.is(result.outcome, 'appended');
    assert.is(result.nextExpectedRevision, 2n);
    const read = await streamOf(store, stream);
    assert.is(read.length, 3);
    read.forEach((e, i) => {
      sameEvent(e, written[i]!, `event ${i}`);
      assert.is(e.streamName, stream);
      assert.is(e.streamRevision, BigInt(i));
    });
    strictlyIncreasing(read);
    assert.is(result.lastGlobalPosition, read[2]!.globalPosition, 'lastGlobalPosition is the last event appended');
  });

  add('append and read', 'unicode in stream names, ids and data survives the round trip', async ({ store, names }) => {
    const stream = names.stream(`单元-0301/🏠 ${UNICODE_TEXT.slice(0, 12)}`);
    const cycleId = names.cycle('单元-0301/2026年1月 🏠');
    const written = [
      billedEvent({
        cycleId,
        commandId: names.id('账单-1 é'),
        contractId: '合同-0301 ☂',
        lines: [
          { code: '物业费', description: UNICODE_TEXT, amountMinor: 31520 },
          { code: 'parking-🚗', description: `${UNICODE_TEXT} ${UNICODE_TEXT}`, amountMinor: 15000 },
        ],
      }),
    ];
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const [read] = await streamOf(store, stream);
    assert.ok(read, 'the event reads back');
    sameEvent(read!, written[0]!, 'unicode event');
    assert.is(read!.streamName, stream);
    const lines = (read!.data as { lines: { description: string }[] }).lines;
    assert.is(lines[0]!.description, UNICODE_TEXT, 'text is identical, code point for code point');
    const all = await ours(store, names);
    assert.equal(ids(all), ids(written), 'readAll returns it too');
  });

  add('append and read', 'a payload of about 1 MB round-trips intact', async ({ store, names }) => {
    const stream = names.stream('large');
    const lines = largeLines(1_050_000);
    const written = [billedEvent({ cycleId: names.cycle('large'), commandId: names.id('large-bill'), lines })];
    assert.ok(Buffer.byteLength(JSON.stringify(written[0]!.data)) > 1_000_000, 'the payload is over 1 MB');
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const [read] = await streamOf(store, stream);
    sameEvent(read!, written[0]!, 'large event');
    const [fromAll] = await ours(store, names);
    assert.equal(fromAll!.data, written[0]!.data, 'readAll returns the same data');
  });

  add('append and read', 'readStream starts at fromRevision', async ({ store, names }) => {
    const stream = names.stream('from-revision');
    const written = [billedEvent({ cycleId: names.cycle('from-revision'), commandId: names.id('b') }), ...payments(names, 'from-revision', 4)];
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const from3 = await collect(store.readStream(stream, { fromRevision: 3n }));
    assert.equal(from3.map((e) => e.streamRevision), [3n, 4n]);
    assert.equal(ids(from3), ids(written.slice(3)));
    assert.equal(await collect(store.readStream(stream, { fromRevision: 5n })), [], 'past the end: nothing');
    assert.equal(ids(await collect(store.readStream(stream, { fromRevision: 0n }))), ids(written));
  });

  add('append and read', 'a missing stream reads as empty; similar names never mix', async ({ store, names }) => {
    assert.equal(await streamOf(store, names.stream('never-written')), []);
    // Prefixes, case and LIKE wildcards: a store matching names loosely would mix these up.
    const variants = ['a', 'a-b', 'A', 'a%', 'a_', 'a b'];
    for (const [i, v] of variants.entries())
      await store.appendToStream(names.stream(v), payments(names, `mix-${i}`, i + 1), { expectedRevision: 'no-stream' });
    for (const [i, v] of variants.entries()) {
      const read = await streamOf(store, names.stream(v));
      assert.equal(ids(read), ids(payments(names, `mix-${i}`, i + 1)), `stream ${v} holds only its own events`);
    }
  });

  add('append and read', 'a batch loads many cycles at once (readStreams where the store has it) exactly as readStream reads them', async ({ store, names }) => {
    const [a, b, fresh] = ['many-a', 'many-b', 'many-fresh'].map((x) => names.cycle(x)) as [string, string, string];
    await store.appendToStream(cycleStreamName(a), [billedEvent({ cycleId: a, commandId: names.id('ma-bill') }), paidEvent(a, names.id('ma-pay'), 2500)], {
      expectedRevision: 'no-stream',
    });
    await store.appendToStream(cycleStreamName(b), [billedEvent({ cycleId: b, commandId: names.id('mb-bill') })], { expectedRevision: 'no-stream' });
    // Positions of a's events interleave with b's: a whole stream is still read in revision order.
    await store.appendToStream(cycleStreamName(a), [paidEvent(a, names.id('ma-pay-2'), 1500)], { expectedRevision: 1n });
    if (store.readStreams) {
      const streams = [a, fresh, b, a].map(cycleStreamName);
      const read = await store.readStreams(streams);
      assert.equal([...read.keys()].sort(), [cycleStreamName(a), cycleStreamName(b)].sort(), 'a stream without events is absent');
      for (const name of [a, b].map(cycleStreamName)) assert.equal(read.get(name), await streamOf(store, name), `${name} as readStream reads it`);
    }
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    const results = await handler.handleBatch([
      paymentCommand(a, names.id('ma-pay-3'), 6000),
      paymentCommand(b, names.id('mb-pay'), 10000),
      billCommand(fresh, names.id('mf-bill'), 3000),
      paymentCommand(a, names.id('ma-pay-4'), 1),
    ]);
    // Each command decided on its own cycle's history: a had 4000 paid of 10000.
    assert.equal(
      results.map((r) => (r.status === 'applied' ? [r.figures.outstandingMinor, r.events[0]!.streamRevision] : r.status === 'rejected' ? r.error.code : r.status)),
      [[0, 3n], [0, 1n], [3000, 0n], 'OVERPAYMENT'],
    );
  });
  add('append and read', 'headPosition is -1 on an empty store, then the last global position', async ({ store, names }) => {
    const empty = (await collect(store.readAll({ limit: 1 }))).length === 0;
    if (empty) assert.is(await store.headPosition(), -1n, 'an empty store is at -1');
    const first = await store.appendToStream(names.stream('head'), payments(names, 'head', 2), { expectedRevision: 'no-stream' });
    const second = await store.appendToStream(names.stream('head-2'), payments(names, 'head-2', 1), { expectedRevision: 'no-stream' });
    assert.ok(second.lastGlobalPosition > first.lastGlobalPosition);
    const head = await store.headPosition();
    if (empty) assert.is(head, second.lastGlobalPosition, 'head is the newest event');
    else assert.ok(head >= second.lastGlobalPosition, 'head is at least the newest event we wrote');
  });

  // expected revision -------------------------------------------------------------------------
  const seeded = async (store: EventStore, names: Names, label: string): Promise<string> => {
    const stream = names.stream(label);
    await store.appendToStream(stream, payments(names, `${label}-seed`, 2), { expectedRevision: 'no-stream' });
    return stream; // at revision 1
  };
  const unchanged = async (store: EventStore, stream: string, names: Names, label: string) =>
    assert.equal(ids(await streamOf(store, stream)), ids(payments(names, `${label}-seed`, 2)), 'a refused append writes nothing');

  add('expected revision', 'no-stream on a missing stream creates it at revision 0', async ({ store, names }) => {
    const stream = names.stream('ns-missing');
    const r = await store.appendToStream(stream, payments(names, 'ns-missing', 1), { expectedRevision: 'no-stream' });
    assert.is(r.nextExpectedRevision, 0n);
    assert.is(r.outcome, 'appended');
  });
  add('expected revision', 'no-stream on an existing stream is refused, naming no-stream and the actual revision', async ({ store, names }) => {
    const stream = await seeded(store, names, 'ns-existing');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'ns-existing-new', 1), { expectedRevision: 'no-stream' }), {
      streamName: stream,
      expected: 'no-stream',
      actual: 1n,
    });
    await unchanged(store, stream, names, 'ns-existing');
  });
  add('expected revision', 'any on a missing stream creates it', async ({ store, names }) => {
    const r = await store.appendToStream(names.stream('any-missing'), payments(names, 'any-missing', 2), { expectedRevision: 'any' });
    assert.is(r.nextExpectedRevision, 1n);
  });
  add('expected revision', 'any on an existing stream appends after its last event', async ({ store, names }) => {
    const stream = await seeded(store, names, 'any-existing');
    const r = await store.appendToStream(stream, payments(names, 'any-existing-new', 1), { expectedRevision: 'any' });
    assert.is(r.nextExpectedRevision, 2n);
    assert.equal((await streamOf(store, stream)).map((e) => e.streamRevision), [0n, 1n, 2n]);
  });
  add('expected revision', 'an exact revision on a missing stream is refused, naming no-stream as actual', async ({ store, names }) => {
    const stream = names.stream('exact-missing');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-missing', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 'no-stream',
    });
    assert.equal(await streamOf(store, stream), [], 'the stream was not created');
  });
  add('expected revision', 'the exact current revision appends; nextExpectedRevision chains appends', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-ok');
    const r1 = await store.appendToStream(stream, payments(names, 'exact-ok-a', 2), { expectedRevision: 1n });
    assert.is(r1.nextExpectedRevision, 3n);
    const r2 = await store.appendToStream(stream, payments(names, 'exact-ok-b', 1), { expectedRevision: r1.nextExpectedRevision });
    assert.is(r2.nextExpectedRevision, 4n);
    assert.is((await streamOf(store, stream)).length, 5);
  });
  add('expected revision', 'a revision behind the stream is refused, naming expected and actual', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-behind');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-behind-new', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'exact-behind');
  });
  add('expected revision', 'a revision ahead of the stream is refused, naming expected and actual', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-ahead');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-ahead-new', 1), { expectedRevision: 5n }), {
      streamName: stream,
      expected: 5n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'exact-ahead');
  });

  // idempotent append -------------------------------------------------------------------------
  add('idempotent append', 'an identical retry is stored once and answers already-stored with the first result', async ({ store, names }) => {
    const stream = names.stream('retry');
    const events = payments(names, 'retry', 3);
    const first = await store.appendToStream(stream, events, { expectedRevision: 'no-stream' });
    const again = await store.appendToStream(stream, events, { expectedRevision: 'no-stream' });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.nextExpectedRevision, first.nextExpectedRevision);
    assert.is(again.lastGlobalPosition, first.lastGlobalPosition);
    assert.equal(ids(await streamOf(store, stream)), ids(events), 'stored once');
    assert.equal(ids(await ours(store, names)), ids(events), 'readAll sees it once');
  });
  add('idempotent append', 'an identical retry with expected revision any is stored once', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-any');
    const events = payments(names, 'retry-any-new', 2);
    const first = await store.appendToStream(stream, events, { expectedRevision: 1n });
    const again = await store.appendToStream(stream, events, { expectedRevision: 'any' });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.nextExpectedRevision, first.nextExpectedRevision);
    assert.is((await streamOf(store, stream)).length, 4);
  });
  add('idempotent append', 'a retry arriving after the stream moved on is still stored once', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-late');
    const events = payments(names, 'retry-late-new', 1);
    const first = await store.appendToStream(stream, events, { expectedRevision: 1n });
    await store.appendToStream(stream, payments(names, 'retry-late-other', 1), { expectedRevision: 2n });
    const again = await store.appendToStream(stream, events, { expectedRevision: 1n });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.lastGlobalPosition, first.lastGlobalPosition);
    assert.equal((await streamOf(store, stream)).map((e) => e.streamRevision), [0n, 1n, 2n, 3n]);
  });
  add('idempotent append', 'new events at a taken revision are a conflict, not a retry', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-not');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'retry-not-other', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'retry-not');
  });

  add('idempotent append', 'an event id already stored in another stream is refused as a reused command id', async ({ store, names }) => {
    const first = names.stream('id-owner');
    const events = payments(names, 'id-reused', 1);
    await store.appendToStream(first, events, { expectedRevision: 'no-stream' });
    const other = names.stream('id-thief');
    try {
      await store.appendToStream(other, events, { expectedRevision: 'no-stream' });
      assert.unreachable('the reused event id was stored');
    } catch (e) {
      assert.instance(e, EventIdConflictError);
      const conflict = e as EventIdConflictError;
      assert.is(conflict.eventId, events[0]!.eventId);
      assert.is(conflict.streamName, other);
      assert.is(conflict.storedIn, first);
    }
    assert.is((await streamOf(store, other)).length, 0, 'nothing written to the other stream');
  }, perStreamIds);

  // read all ----------------------------------------------------------------------------------
  /** 12 streams written in interleaved rounds: the order of `written` is the commit order. */
  const manyStreams = async (store: EventStore, names: Names): Promise<NewEvent[]> => {
    const written: NewEvent[] = [];
    const next = new Map<string, bigint>();
    for (let round = 0; round < 8; round++) {
      for (let s = 0; s < 12; s++) {
        if ((s + round) % 3 === 0) continue;
        const stream = names.stream(`all-${s}`);
        const events = payments(names, `all-${s}-r${round}`, 1 + ((s * round) % 2));
        const r = await store.appendToStream(stream, events, { expectedRevision: next.get(stream) ?? 'no-stream' });
        next.set(stream, r.nextExpectedRevision);
        written.push(...events);
      }
    }
    return written;
  };

  add('read all', 'readAll returns every event of every stream once, in commit order', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const all = await ours(store, names);
    assert.is(all.length, written.length);
    assert.equal(ids(all), ids(written), 'same events, same order as committed');
    strictlyIncreasing(all);
    const revisions = new Map<string, bigint>();
    for (const e of all) {
      assert.is(e.streamRevision, (revisions.get(e.streamName) ?? -1n) + 1n, `${e.streamName} in revision order`);
      revisions.set(e.streamName, e.streamRevision);
    }
  });
  add('read all', 'readAll after a position returns exactly the events after it', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const all = await ours(store, names);
    for (const k of [0, 17, written.length - 2]) {
      const rest = await ours(store, names, { after: all[k]!.globalPosition });
      assert.equal(ids(rest), ids(written.slice(k + 1)), `after event ${k}`);
    }
    assert.equal(await ours(store, names, { after: all[all.length - 1]!.globalPosition }), [], 'after the last: nothing');
  });
  add('read all', 'batchSize changes round trips, never the events', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    for (const batchSize of [1, 7, 64, 10_000]) assert.equal(ids(await ours(store, names, { batchSize })), ids(written), `batchSize ${batchSize}`);
    const all = await ours(store, names);
    assert.equal(ids(await ours(store, names, { after: all[9]!.globalPosition, batchSize: 4 })), ids(written.slice(10)), 'after + batchSize');
  });
  add('read all', 'pages of after + limit cover everything exactly once', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const everything = await collect(store.readAll());
    const paged: RecordedEvent[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await collect(store.readAll({ ...(after === undefined ? {} : { after }), limit: 17, batchSize: 5 }));
      assert.ok(page.length <= 17, 'a page holds at most limit events');
      if (page.length === 0) break;
      paged.push(...page);
      after = page[page.length - 1]!.globalPosition;
    }
    assert.equal(ids(paged), ids(everything));
    assert.equal(ids(paged.filter(mine(names))), ids(written));
  });

  // append batch ------------------------------------------------------------------------------
  add('append batch', 'a batch appends to many streams, one result per request in order', async ({ store, names }) => {
    const existing = await seeded(store, names, 'batch-existing');
    const requests: AppendRequest[] = [
      { streamName: names.stream('batch-a'), events: payments(names, 'batch-a', 2), expectedRevision: 'no-stream' },
      { streamName: existing, events: payments(names, 'batch-existing-new', 1), expectedRevision: 1n },
      { streamName: names.stream('batch-b'), events: payments(names, 'batch-b', 1), expectedRevision: 'any' },
    ];
    const results = await store.appendBatch(requests);
    assert.equal(results.map((r) => r.nextExpectedRevision), [1n, 2n, 0n]);
    assert.equal(results.map((r) => r.outcome), ['appended', 'appended', 'appended']);
    for (const [i, r] of requests.entries()) {
      const read = await streamOf(store, r.streamName);
      assert.equal(ids(read.slice(read.length - r.events.length)), ids(r.events), `request ${i} stored`);
      assert.is(results[i]!.lastGlobalPosition, read[read.length - 1]!.globalPosition, `request ${i} position`);
    }
    assert.ok(results[0]!.lastGlobalPosition < results[1]!.lastGlobalPosition && results[1]!.lastGlobalPosition < results[2]!.lastGlobalPosition);
  });
  add('append batch', 'a later request may extend a stream an earlier request of the batch wrote', async ({ store, names }) => {
    const stream = names.stream('batch-chain');
    const first = payments(names, 'batch-chain-1', 2);
    const second = payments(names, 'batch-chain-2', 1);
    const results = await store.appendBatch([
      { streamName: stream, events: first, expectedRevision: 'no-stream' },
      { streamName: stream, events: second, expectedRevision: 1n },
    ]);
    assert.equal(results.map((r) => r.nextExpectedRevision), [1n, 2n]);
    assert.equal(ids(await streamOf(store, stream)), ids([...first, ...second]));
  });
  add(
    'append batch',
    'a batch with one conflicting request writes nothing at all',
    async ({ store, names }) => {
      const existing = await seeded(store, names, 'batch-fail');
      const headBefore = await store.headPosition();
      const fresh = names.stream('batch-fail-fresh');
      await wrongRevision(
        () =>
          store.appendBatch([
            { streamName: fresh, events: payments(names, 'batch-fail-fresh', 2), expectedRevision: 'no-stream' },
            { streamName: existing, events: payments(names, 'batch-fail-ok', 1), expectedRevision: 1n },
            { streamName: existing, events: payments(names, 'batch-fail-bad', 1), expectedRevision: 1n },
          ]),
        { streamName: existing, expected: 1n, actual: 2n },
      );
      assert.equal(await streamOf(store, fresh), [], 'the new stream was not created');
      await unchanged(store, existing, names, 'batch-fail');
      assert.is(await store.headPosition(), headBefore, 'nothing was written');
    },
    notAtomic,
  );
  add('append batch', 'an identical retry of a batch is stored once', async ({ store, names }) => {
    const requests: AppendRequest[] = [
      { streamName: names.stream('batch-retry-a'), events: payments(names, 'batch-retry-a', 2), expectedRevision: 'no-stream' },
      { streamName: names.stream('batch-retry-b'), events: payments(names, 'batch-retry-b', 1), expectedRevision: 'no-stream' },
    ];
    const first = await store.appendBatch(requests);
    const again = await store.appendBatch(requests);
    assert.equal(again.map((r) => r.outcome), ['already-stored', 'already-stored']);
    assert.equal(again.map((r) => r.lastGlobalPosition), first.map((r) => r.lastGlobalPosition));
    assert.equal(ids(await ours(store, names)), ids(requests.flatMap((r) => r.events)));
  });

  // stored event decoding ---------------------------------------------------------------------
  const noCorrupt = (fx: ConformanceFixture) => {
    if (!fx.corruptEventData)
      throw new Error(`${target.name}: the fixture has no corruptEventData; give one or declare unsupported.corruptEventData`);
    return fx.corruptEventData.bind(fx);
  };
  /** Two cycles; the Paid event at revision 1 of the first has its amount replaced by text. */
  const corrupted = async (fx: ConformanceFixture, names: Names, breakData: (data: Record<string, unknown>) => Record<string, unknown>) => {
    const store = fx.store;
    const badCycle = names.cycle('corrupt');
    const goodCycle = names.cycle('intact');
    const bad = [billedEvent({ cycleId: badCycle, commandId: names.id('corrupt-bill') }), paidEvent(badCycle, names.id('corrupt-pay'), 300), paidEvent(badCycle, names.id('corrupt-pay-2'), 400)];
    const good = [billedEvent({ cycleId: goodCycle, commandId: names.id('intact-bill') }), paidEvent(goodCycle, names.id('intact-pay'), 500)];
    await store.appendToStream(cycleStreamName(badCycle), bad.slice(0, 2), { expectedRevision: 'no-stream' });
    await store.appendToStream(cycleStreamName(goodCycle), good, { expectedRevision: 'no-stream' });
    await store.appendToStream(cycleStreamName(badCycle), bad.slice(2), { expectedRevision: 1n });
    const target = (await streamOf(store, cycleStreamName(badCycle)))[1]!;
    await noCorrupt(fx)(
      { streamName: target.streamName, streamRevision: target.streamRevision, globalPosition: target.globalPosition },
      JSON.stringify(breakData({ ...(bad[1]!.data as Record<string, unknown>) })),
    );
    return { badCycle, goodCycle, target, bad, good };
  };
  const decodeError = (e: StoredEventDecodeError, target: RecordedEvent, path: string) => {
    assert.is(e.code, 'STORED_EVENT_UNREADABLE');
    assert.is(e.streamName, target.streamName, 'names the stream');
    assert.is(e.streamRevision, target.streamRevision, 'names the revision');
    assert.is(e.globalPosition, target.globalPosition, 'names the global position');
    assert.is(e.eventType, 'Paid');
    assert.ok(e.problem.problems.some((p) => p.path === path), `names the path ${path}: ${e.message}`);
    assert.ok(e.message.includes(target.streamName) && e.message.includes(path), 'the message says where');
  };
  const corruption = target.unsupported?.corruptEventData;
  const breakAmount = (d: Record<string, unknown>) => ({ ...d, amountMinor: 'three hundred' });

  add(
    'stored event decoding',
    'readStream stops at a corrupted event with an error naming stream, revision, position and path',
    async ({ fx, names }) => {
      const { target, badCycle } = await corrupted(fx, names, breakAmount);
      const seen: RecordedEvent[] = [];
      const e = await rejects(async () => {
        for await (const ev of fx.store.readStream(cycleStreamName(badCycle))) seen.push(ev);
      }, StoredEventDecodeError);
      decodeError(e, target, 'data/amountMinor');
      assert.equal(seen.map((x) => x.streamRevision), [0n], 'events before it were read, nothing after it');
    },
    corruption,
  );
  add(
    'stored event decoding',
    'readAll stops at the corrupted event; reading after it and other streams still works',
    async ({ fx, names }) => {
      const { target, goodCycle, good, bad } = await corrupted(fx, names, breakAmount);
      const seen: RecordedEvent[] = [];
      const e = await rejects(async () => {
        for await (const ev of fx.store.readAll()) seen.push(ev);
      }, StoredEventDecodeError);
      decodeError(e, target, 'data/amountMinor');
      assert.ok(seen.every((x) => x.globalPosition < target.globalPosition), 'nothing past it was yielded, nothing skipped');
      assert.equal(ids(seen.filter(mine(names))), [bad[0]!.eventId]);
      assert.equal(ids(await streamOf(fx.store, cycleStreamName(goodCycle))), ids(good), 'another stream reads');
      const after = await ours(fx.store, names, { after: target.globalPosition });
      assert.equal(ids(after), ids([...good, bad[2]!]), 'events after it read');
    },
    corruption,
  );
  add(
    'stored event decoding',
    'a missing field is named by its path; the handler refuses to decide on an unreadable cycle',
    async ({ fx, names }) => {
      const { target, badCycle, goodCycle } = await corrupted(fx, names, ({ paymentId: _drop, ...rest }) => rest);
      const e = await rejects(() => collect(fx.store.readStream(cycleStreamName(badCycle))), StoredEventDecodeError);
      decodeError(e, target, 'data/paymentId');
      const handler = getCommandHandler({ store: fx.store, clock: () => FIXED_CLOCK });
      const headBefore = await fx.store.headPosition();
      await rejects(() => handler.handle(paymentCommand(badCycle, names.id('after-corrupt'), 100)), StoredEventDecodeError);
      assert.is(await fx.store.headPosition(), headBefore, 'nothing was written');
      const ok = await handler.handle(paymentCommand(goodCycle, names.id('intact-pay-2'), 100));
      assert.is(ok.status, 'applied', 'other cycles keep working');
    },
    corruption,
  );

  // command handler ---------------------------------------------------------------------------
  add('command handler', 'applied: events stored with revisions, positions, figures and metadata', async ({ store, names }) => {
    const cycleId = names.cycle('handle');
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    const billed = await handler.handle(billCommand(cycleId, names.id('handle-bill'), 10000));
    const paid = await handler.handle(paymentCommand(cycleId, names.id('handle-pay'), 3000), {
      correlationId: names.id('import-42'),
      causationId: names.id('handle-bill'),
    });
    if (billed.status !== 'applied' || paid.status !== 'applied') return assert.unreachable(`not applied: ${statuses([billed, paid])}`);
    const stored = await streamOf(store, cycleStreamName(cycleId));
    assert.equal(
      [...billed.events, ...paid.events].map((e) => [e.eventId, e.streamName, e.streamRevision, e.globalPosition, e.type]),
      stored.map((e) => [e.eventId, e.streamName, e.streamRevision, e.globalPosition, e.type]),
      'the events returned are the events stored',
    );
    assert.equal(stored.map((e) => e.eventId), [`${names.id('handle-bill')}#0`, `${names.id('handle-pay')}#0`], 'ids derive from command ids');
    assert.equal(stored[0]!.metadata, { commandId: names.id('handle-bill'), actor: 'conformance-clerk', recordedAt: FIXED_CLOCK, correlationId: names.id('handle-bill') });
    assert.equal(stored[1]!.metadata, {
      commandId: names.id('handle-pay'),
      actor: 'conformance-cashier',
      recordedAt: FIXED_CLOCK,
      correlationId: names.id('import-42'),
      causationId: names.id('handle-bill'),
    });
    assert.is(paid.figures.totalMinor, 10000);
    assert.is(paid.figures.paidMinor, 3000);
    assert.is(paid.figures.outstandingMinor, 7000);
    assert.is(billed.figures.outstandingMinor, 10000, 'figures after each command');
  });
  add('command handler', 'duplicate: a repeated command or fact writes nothing', async ({ store, names }) => {
    const cycleId = names.cycle('dup');
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    await handler.handle(billCommand(cycleId, names.id('dup-bill'), 10000));
    const pay = paymentCommand(cycleId, names.id('dup-pay'), 3000);
    assert.is((await handler.handle(pay)).status, 'applied');
    const again = await handler.handle(pay);
    assert.equal(again, { status: 'duplicate', duplicate: { key: 'commandId', id: names.id('dup-pay') } });
    const samePayment = await handler.handle(paymentCommand(cycleId, names.id('dup-pay-typed-twice'), 3000, `payment-${names.id('dup-pay')}`));
    assert.equal(samePayment, { status: 'duplicate', duplicate: { key: 'paymentId', id: `payment-${names.id('dup-pay')}` } });
    assert.is((await streamOf(store, cycleStreamName(cycleId))).length, 2, 'still two events');
  });
  add('command handler', 'rejected: a refused command writes nothing and says why', async ({ store, names }) => {
    const cycleId = names.cycle('reject');
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    const early = await handler.handle(paymentCommand(cycleId, names.id('reject-early'), 100));
    assert.is(early.status === 'rejected' && early.error.code, 'NOT_BILLED');
    assert.equal(await streamOf(store, cycleStreamName(cycleId)), [], 'no stream was created');
    await handler.handle(billCommand(cycleId, names.id('reject-bill'), 10000));
    const head = await store.headPosition();
    const over = await handler.handle(paymentCommand(cycleId, names.id('reject-over'), 10001));
    if (over.status !== 'rejected' || over.error.code !== 'OVERPAYMENT') return assert.unreachable(`expected OVERPAYMENT, got ${statuses([over])}`);
    assert.is(over.error.outstandingMinor, 10000);
    assert.is(over.error.attemptedMinor, 10001);
    assert.is(await store.headPosition(), head, 'nothing was written');
  });
  add('command handler', 'a write between read and append makes the handler decide again on the new state', async ({ fx, names }) => {
    const cycleId = names.cycle('sneak');
    await getCommandHandler({ store: fx.store, clock: () => FIXED_CLOCK }).handle(billCommand(cycleId, names.id('sneak-bill'), 10000));
    await withConnection(fx, async (other) => {
      const otherHandler = getCommandHandler({ store: other, clock: () => FIXED_CLOCK });
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(cycleId, names.id('sneak-other'), 6000));
      });
      const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK, backoff: noWait });
      const fits = await handler.handle(paymentCommand(cycleId, names.id('sneak-fits'), 3500));
      assert.is(fits.status, 'applied', 'decided again: 3500 still fits after the other 6000');
      assert.is(store.appendCalls, 2, 'the first append conflicted, the second succeeded');
      if (fits.status === 'applied') assert.is(fits.events[0]!.streamRevision, 2n);
      const late = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(cycleId, names.id('sneak-last'), 500));
      });
      const over = await getCommandHandler({ store: late, backoff: noWait }).handle(paymentCommand(cycleId, names.id('sneak-over'), 500));
      assert.is(over.status === 'rejected' && over.error.code, 'OVERPAYMENT', 'decided again: 500 no longer fits after the other 500');
      assert.is(late.appendCalls, 1, 'the rejection after the retry wrote nothing');
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.equal(stored.map((e) => e.metadata.commandId), [names.id('sneak-bill'), names.id('sneak-other'), names.id('sneak-fits'), names.id('sneak-last')]);
  });
  add('command handler', 'the same command decided twice at once is stored once; both callers get the stored event', async ({ fx, names }) => {
    const cycleId = names.cycle('twice');
    await getCommandHandler({ store: fx.store }).handle(billCommand(cycleId, names.id('twice-bill'), 10000));
    const command = paymentCommand(cycleId, names.id('twice-pay'), 2500);
    await withConnection(fx, async (other) => {
      const first = getCommandHandler({ store: other, clock: () => '2026-03-01T09:00:00Z' as Instant });
      let firstResult: HandleResult | undefined;
      // The other caller stores the same decision after this one read the cycle, before it appends:
      // this append then finds its event ids already stored at the revision it expected.
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) firstResult = await first.handle(command);
      });
      const second = await getCommandHandler({ store, clock: () => '2026-03-01T09:00:05Z' as Instant }).handle(command);
      if (firstResult?.status !== 'applied' || second.status !== 'applied')
        return assert.unreachable(`expected both applied, got ${statuses([firstResult!, second])}`);
      assert.is(store.appendCalls, 1, 'no conflict: an identical retry succeeds');
      assert.equal(
        second.events.map((e) => [e.eventId, e.streamRevision, e.globalPosition, e.metadata.recordedAt]),
        firstResult.events.map((e) => [e.eventId, e.streamRevision, e.globalPosition, e.metadata.recordedAt]),
        'the second caller gets the event as the first stored it',
      );
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.equal(stored.map((e) => e.metadata.commandId), [names.id('twice-bill'), names.id('twice-pay')], 'stored once');
    assert.is(stored[1]!.metadata.recordedAt, '2026-03-01T09:00:00Z');
  });
  add('command handler', 'retries are bounded: a cycle that always moves on makes handle throw', async ({ fx, names }) => {
    const cycleId = names.cycle('bounded');
    await getCommandHandler({ store: fx.store }).handle(billCommand(cycleId, names.id('bounded-bill'), 100000));
    await withConnection(fx, async (other) => {
      const otherHandler = getCommandHandler({ store: other });
      const store = interleaved(fx.store, async (attempt) => {
        await otherHandler.handle(paymentCommand(cycleId, names.id(`bounded-other-${attempt}`), 10));
      });
      const handler = getCommandHandler({ store, maxRetries: 2, backoff: noWait });
      await rejects(() => handler.handle(paymentCommand(cycleId, names.id('bounded-pay'), 10)), WrongExpectedRevisionError);
      assert.is(store.appendCalls, 3, 'one attempt and two retries');
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.not.ok(stored.some((e) => e.metadata.commandId === names.id('bounded-pay')), 'the command was not written');
  });

  // handler batch -----------------------------------------------------------------------------
  const mixedBatch = (names: Names): { commands: RenewalCommand[]; expected: string[] } => {
    const a = names.cycle('batch-a');
    const b = names.cycle('batch-b');
    const c = names.cycle('batch-c');
    const payA = paymentCommand(a, names.id('ba-pay'), 3000);
    return {
      commands: [
        billCommand(a, names.id('ba-bill'), 10000),
        payA,
        billCommand(b, names.id('bb-bill'), 5000),
        paymentCommand(b, names.id('bb-over'), 5001),
        payA,
        paymentCommand(c, names.id('bc-early'), 100),
        paymentCommand(b, names.id('bb-pay'), 5000),
        paymentCommand(a, names.id('ba-pay-2'), 7000),
      ],
      expected: ['applied', 'applied', 'applied', 'rejected:OVERPAYMENT', 'duplicate:commandId', 'rejected:NOT_BILLED', 'applied', 'applied'],
    };
  };
  add('handler batch', 'one result per command in order; commands on one cycle see each other', async ({ store, names }) => {
    const { commands, expected } = mixedBatch(names);
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    const results = await handler.handleBatch(commands);
    assert.equal(statuses(results), expected);
    const figures = results.map((r) => (r.status === 'applied' ? r.figures.outstandingMinor : null));
    assert.equal(figures, [10000, 7000, 5000, null, null, null, 0, 0], 'figures after each command');
    const a = await streamOf(store, cycleStreamName(names.cycle('batch-a')));
    assert.equal(a.map((e) => e.metadata.commandId), [names.id('ba-bill'), names.id('ba-pay'), names.id('ba-pay-2')]);
    const b = await streamOf(store, cycleStreamName(names.cycle('batch-b')));
    assert.equal(b.map((e) => e.metadata.commandId), [names.id('bb-bill'), names.id('bb-pay')]);
    assert.equal(await streamOf(store, cycleStreamName(names.cycle('batch-c'))), []);
    const returned = results.flatMap((r) => (r.status === 'applied' ? r.events : []));
    const stored = [...a, ...b].sort((x, y) => (x.globalPosition < y.globalPosition ? -1 : 1));
    assert.equal(
      returned.map((e) => [e.eventId, e.streamRevision, e.globalPosition]),
      stored.map((e) => [e.eventId, e.streamRevision, e.globalPosition]),
      'returned events are the stored ones',
    );
  });
  add('handler batch', 'a batch is written by one appendBatch; running it again doubles nothing', async ({ store, names }) => {
    const { commands } = mixedBatch(names);
    const counting = interleaved(store, async () => {});
    const handler = getCommandHandler({ store: counting, clock: () => FIXED_CLOCK });
    await handler.handleBatch(commands);
    assert.is(counting.batchCalls, 1, 'one appendBatch');
    assert.is(counting.appendCalls, 0, 'no single appends');
    const head = await store.headPosition();
    const again = await handler.handleBatch(commands);
    assert.equal(statuses(again), ['duplicate:commandId', 'duplicate:commandId', 'duplicate:commandId', 'rejected:OVERPAYMENT', 'duplicate:commandId', 'rejected:NOT_BILLED', 'duplicate:commandId', 'duplicate:commandId']);
    assert.is(await store.headPosition(), head, 'nothing new written');
  });
  add('handler batch', 'a conflict re-reads and re-decides the whole batch', async ({ fx, names }) => {
    const a = names.cycle('batch-a');
    await getCommandHandler({ store: fx.store }).handle(billCommand(a, names.id('ba-bill'), 10000));
    await withConnection(fx, async (other) => {
      const otherHandler = getCommandHandler({ store: other });
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(a, names.id('sneak'), 6000));
      });
      const { commands } = mixedBatch(names);
      const results = await getCommandHandler({ store, backoff: noWait }).handleBatch(commands.slice(1));
      // Bill of cycle a was already there; the sneaked 6000 leaves room for 3000 but not 7000 more.
      assert.equal(statuses(results), ['applied', 'applied', 'rejected:OVERPAYMENT', 'duplicate:commandId', 'rejected:NOT_BILLED', 'applied', 'rejected:OVERPAYMENT']);
      assert.is(store.batchCalls, 2, 'the first attempt conflicted, the second was written');
    });
    const stored = await streamOf(fx.store, cycleStreamName(a));
    assert.equal(stored.map((e) => e.metadata.commandId), [names.id('ba-bill'), names.id('sneak'), names.id('ba-pay')]);
  });
  add('handler batch', 'all or nothing: one rejected command leaves the whole batch unwritten', async ({ store, names }) => {
    const { commands } = mixedBatch(names);
    const handler = getCommandHandler({ store, clock: () => FIXED_CLOCK });
    const head = await store.headPosition();
    // The mixed batch has an OVERPAYMENT and a NOT_BILLED in it.
    const refused = await handler.handleAllOrNothing(commands);
    assert.equal(
      refused.map((r) => (r.status === 'rejected' ? `rejected:${r.error.code}` : r.status)),
      ['not-written', 'not-written', 'not-written', 'rejected:OVERPAYMENT', 'duplicate', 'rejected:NOT_BILLED', 'not-written', 'not-written'],
    );
    assert.is(await store.headPosition(), head, 'nothing written');
    // Without the refused commands the same batch goes in whole, as handleBatch would write it.
    const fine = commands.filter((_, i) => i !== 3 && i !== 5);
    const written = await handler.handleAllOrNothing(fine);
    assert.equal(
      written.map((r) => r.status),
      ['applied', 'applied', 'applied', 'duplicate', 'applied', 'applied'],
    );
    assert.is((await streamOf(store, cycleStreamName(names.cycle('batch-a')))).length, 3);
    assert.is((await streamOf(store, cycleStreamName(names.cycle('batch-b')))).length, 2);
  });
  const commands = (names: Names) => mixedBatch(names).commands;
  add(
    'handler batch',
    'a batch that cannot be written leaves every cycle as it was',
    async ({ fx, names }) => {
      const a = names.cycle('batch-a');
      const b = names.cycle('batch-b');
      await getCommandHandler({ store: fx.store }).handle(billCommand(a, names.id('ba-bill'), 10000));
      await withConnection(fx, async (other) => {
        const otherHandler = getCommandHandler({ store: other });
        // Cycle b gets billed by someone else before the batch appends: the batch's own Bill of b
        // (its second append, after a payment on cycle a) conflicts, and the batch has no retries.
        const store = interleaved(fx.store, async () => {
          await otherHandler.handle(billCommand(b, names.id('sneak-bill-b'), 5000));
        });
        await rejects(() => getCommandHandler({ store, maxRetries: 0 }).handleBatch(commands(names).slice(1)), WrongExpectedRevisionError);
      });
      const cycleA = await streamOf(fx.store, cycleStreamName(a));
      assert.equal(cycleA.map((e) => e.metadata.commandId), [names.id('ba-bill')], 'the payment on cycle a, before the conflict, was not written');
      const cycleB = await streamOf(fx.store, cycleStreamName(b));
      assert.equal(cycleB.map((e) => e.metadata.commandId), [names.id('sneak-bill-b')], 'nothing of the batch on cycle b');
    },
    notAtomic,
  );

  // concurrency -------------------------------------------------------------------------------
  const connections = target.race?.connections ?? 4;
  const processes = target.race?.processes ?? 3;
  const perRacer = target.race?.paymentsPerRacer ?? 24;

  const judge = async (store: EventStore, plan: ReturnType<typeof planRace>, report: RaceReport, how: string) => {
    // Said, not asserted: how often racers collide depends on timing, what they end with does not.
    console.log(`\n  eventstore conformance: ${target.name}: ${how}: ${report.conflicts} revision conflicts retried`);
    const verdict = await judgeRace(store, plan, report.outcomes);
    assert.equal(verdict.problems, [], 'every command applied exactly once or refused by a rule');
    assert.is(verdict.paidEvents, plan.fitting, 'exactly the payments that fit were stored');
    assert.is(verdict.paidMinor, plan.fitting * PAYMENT_MINOR, 'the cycle is paid exactly in full');
  };

  add('concurrency', `${connections} handlers on separate connections race on one cycle: nothing lost or doubled`, async ({ fx, names }) => {
    const plan = planRace(names, 'connections', connections, perRacer);
    await getCommandHandler({ store: fx.store }).handle(plan.bill);
    const stores = await Promise.all(Array.from({ length: connections }, () => fx.openConnection()));
    try {
      await judge(fx.store, plan, await raceConnections(stores, plan), `${connections} connections`);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
  add(
    'concurrency',
    `${processes} handlers in separate processes race on one cycle: nothing lost or doubled`,
    async ({ fx, names }) => {
      const plan = planRace(names, 'processes', processes, perRacer);
      await getCommandHandler({ store: fx.store }).handle(plan.bill);
      if (!fx.childProcessStore)
        throw new Error(`${target.name}: the fixture has no childProcessStore; give one or declare unsupported.childProcesses`);
      await judge(fx.store, plan, await raceProcesses(fx.childProcessStore, plan), `${processes} processes`);
    },
    target.unsupported?.childProcesses,
  );
  add('concurrency', 'raw appends racing on one stream from separate connections keep revisions gapless', async ({ fx, names }) => {
    const stream = names.stream('raw-race');
    const stores = await Promise.all(Array.from({ length: connections }, () => fx.openConnection()));
    const perWriter = 10;
    try {
      await Promise.all(
        stores.map(async (s, w) => {
          for (let i = 0; i < perWriter; i++) {
            const events = payments(names, `raw-${w}-${i}`, 1);
            for (let tries = 0; ; tries++) {
              let last: bigint | 'no-stream' = 'no-stream';
              for await (const e of s.readStream(stream)) last = e.streamRevision;
              try {
                await s.appendToStream(stream, events, { expectedRevision: last });
                break;
              } catch (e) {
                if (!(e instanceof WrongExpectedRevisionError) || tries > 500) throw e;
                await new Promise((r) => setTimeout(r, Math.random() * 5));
              }
            }
          }
        }),
      );
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const read = await streamOf(fx.store, stream);
    assert.is(read.length, connections * perWriter, 'every append stored once');
    assert.equal(read.map((e) => e.streamRevision), read.map((_, i) => BigInt(i)), 'revisions 0..n-1 without gaps');
    assert.is(new Set(ids(read)).size, read.length, 'no event twice');
    strictlyIncreasing(read);
  });

  wellFormedTests((name, body) => add('well-formed text', name, body));

  return list;
};

export const registerConformanceSuites = (target: ConformanceTarget): number => {
  const list = tests(target);
  // Tests a target cannot run are registered as skipped, each with its reason printed.
  const why = (t: Registered): string | undefined => {
    if (target.skip) return target.skip;
    if (t.unsupported) return t.unsupported;
    return undefined;
  };
  const byArea = new Map<ConformanceArea, Registered[]>();
  for (const t of list) byArea.set(t.area, [...(byArea.get(t.area) ?? []), t]);
  if (target.skip) console.log(`eventstore conformance: ${target.name}: ${list.length} tests SKIPPED (not passed): ${target.skip}`);
  for (const [area, tests] of byArea) {
    const s = suite(`eventstore conformance: ${target.name} / ${area}`);
    for (const t of tests) {
      const reason = why(t);
      if (reason) {
        if (!target.skip) console.log(`eventstore conformance: ${target.name}: SKIPPED (not passed) "${t.name}": ${reason}`);
        s.skip(t.name);
        continue;
      }
      s(t.name, async () => {
        const fx = await target.open();
        try {
          await t.body({ fx, store: fx.store, names: namesFor(newRunId()) });
        } finally {
          await fx.close();
        }
      });
    }
    s.run();
  }
  return list.length;
};
