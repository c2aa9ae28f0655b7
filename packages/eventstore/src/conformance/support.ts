// What every area of the conformance suite shares: the test context, how a test is added, and
// the helpers the tests assert with. The suite runs the renewal cycle through the generic command
// handler (`cycleHandler`), since stores decode what they read with core's codecs.
import * as assert from 'uvu/assert';
import { renewalCycle, type Instant, type NewEvent, type RecordedEvent } from '@renewal-ledger/core';
import { getCommandHandler, type CommandHandler, type CommandHandlerOptions, type HandleResult } from '../command-handler.js';
import { WrongExpectedRevisionError, type AppendRequest, type EventStore, type ExpectedRevision } from '../port.js';
import { payments, type Names } from './fixtures.js';
import type { ConformanceArea, ConformanceFixture, ConformanceTarget } from './target.js';

/** The cycle's command handler on a store under test. */
export const cycleHandler = (options: CommandHandlerOptions): CommandHandler<typeof renewalCycle> =>
  getCommandHandler(renewalCycle, options);
export type CycleResult = HandleResult<typeof renewalCycle>;

export interface Context {
  readonly fx: ConformanceFixture;
  readonly store: EventStore;
  readonly names: Names;
}

export type Body = (ctx: Context) => Promise<void>;

export interface Registered {
  readonly area: ConformanceArea;
  readonly name: string;
  readonly body: Body;
  /** Why this test cannot run on this target, if it cannot. */
  readonly unsupported?: string | undefined;
}

export const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of iterable) out.push(x);
  return out;
};

/** Whether an event belongs to this test: every stream name it writes holds its run id. */
export const mine = (names: Names) => (e: RecordedEvent) => e.streamName.includes(names.run);

/** Events of `store.readAll` that belong to this test (the database may hold other data). */
export const ours = async (store: EventStore, names: Names, options: Parameters<EventStore['readAll']>[0] = {}) =>
  (await collect(store.readAll(options))).filter(mine(names));

export const rejects = async <E extends Error>(work: () => Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> => {
  try {
    await work();
  } catch (e) {
    assert.instance(e, kind, `expected ${kind.name}, got ${String(e)}`);
    return e as E;
  }
  return assert.unreachable(`expected ${kind.name}, nothing was thrown`) as never;
};

export const wrongRevision = async (
  work: () => Promise<unknown>,
  expect: { streamName: string; expected: ExpectedRevision; actual: bigint | 'no-stream' },
): Promise<void> => {
  const e = await rejects(work, WrongExpectedRevisionError);
  assert.is(e.code, 'WRONG_EXPECTED_REVISION');
  assert.is(e.streamName, expect.streamName, 'names the stream');
  assert.is(e.expected, expect.expected, 'names the expected revision');
  assert.is(e.actual, expect.actual, 'names the actual revision');
};

export const sameEvent = (read: RecordedEvent, written: NewEvent, where: string): void => {
  assert.is(read.eventId, written.eventId, `${where}: event id`);
  assert.is(read.type, written.type, `${where}: type`);
  assert.is(read.schemaVersion, written.schemaVersion, `${where}: schema version`);
  assert.equal(read.data, written.data, `${where}: data`);
  assert.equal(read.metadata, written.metadata, `${where}: metadata`);
};

export const ids = (events: readonly { eventId: string }[]) => events.map((e) => e.eventId);

export const strictlyIncreasing = (events: readonly RecordedEvent[]): void => {
  for (let i = 1; i < events.length; i++)
    assert.ok(events[i]!.globalPosition > events[i - 1]!.globalPosition, `global positions strictly increase at ${i}`);
};

export const streamOf = (store: EventStore, streamName: string) => collect(store.readStream(streamName));

export const FIXED_CLOCK = '2026-03-01T10:00:00.000Z' as Instant;
export const noWait = () => 0;

/**
 * A store that lets a second connection append right before this one's append: the write that
 * sneaks in between a handler's read and its append, made to happen on demand.
 */
export const interleaved = (
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
export const withConnection = async (fx: ConformanceFixture, body: (other: EventStore) => Promise<void>): Promise<void> => {
  const other = await fx.openConnection();
  try {
    await body(other);
  } finally {
    await other.close();
  }
};

export const statuses = (results: readonly CycleResult[]) =>
  results.map((r) =>
    r.status === 'rejected' ? `rejected:${r.error.code}` : r.status === 'duplicate' ? `duplicate:${r.duplicate.key}` : 'applied',
  );

export type AddTest = (name: string, body: Body, unsupported?: string) => void;
/** One area of the suite: adds its tests, given the target (what it can run and how big). */
export type AreaTests = (add: AddTest, target: ConformanceTarget) => void;

/** Why a test that needs event ids unique across streams, or an atomic batch, cannot run on a target. */
export const perStreamIdsOf = (target: ConformanceTarget) =>
  target.eventIdsUniqueAcrossStreams === false
    ? 'this store checks event ids per stream only (eventIdsUniqueAcrossStreams: false)'
    : undefined;
export const notAtomicOf = (target: ConformanceTarget) =>
  target.atomicBatch === false ? 'this store appends a batch one request at a time (atomicBatch: false)' : undefined;

/** A stream of two payments, at revision 1: what the revision tests append to. */
export const seeded = async (store: EventStore, names: Names, label: string): Promise<string> => {
  const stream = names.stream(label);
  await store.appendToStream(stream, payments(names, `${label}-seed`, 2), { expectedRevision: 'no-stream' });
  return stream;
};
export const unchanged = async (store: EventStore, stream: string, names: Names, label: string) =>
  assert.equal(ids(await streamOf(store, stream)), ids(payments(names, `${label}-seed`, 2)), 'a refused append writes nothing');
