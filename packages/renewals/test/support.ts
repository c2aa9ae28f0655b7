// An engine on the in-memory store (the same semantics as the durable stores: events kept as JSON
// and decoded on every read), a clock the test moves, and stores that crash where a test says.
import {
  decodeCommand,
  type ContractCommand,
  type Instant,
  type RecordedEvent,
  type RenewalCommand,
} from '@renewal-ledger/core';
import {
  createInMemoryDatabase,
  getCommandHandler,
  getInMemoryEventStore,
  type AppendRequest,
  type EventStore,
  type InMemoryDatabase,
} from '@renewal-ledger/eventstore';
import * as E from 'fp-ts/lib/Either.js';
import { getContractHandler } from '../src/index.js';

export * from '../../core/test/contract-builders.js';

export const engineOn = (store: EventStore, now: { at: Instant } = { at: '2026-01-01T00:00:00Z' as Instant }) => {
  const clock = () => now.at;
  return {
    store,
    now,
    handler: getCommandHandler({ store, clock, maxRetries: 3, backoff: () => 0 }),
    contractHandler: getContractHandler({ store, clock, maxRetries: 3, backoff: () => 0 }),
  };
};

export const memoryEngine = (database: InMemoryDatabase = createInMemoryDatabase()) => ({ database, ...engineOn(getInMemoryEventStore({ database })) });

export const allEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
};

/** How many times each id occurs among the events of a type, by a field of their data. */
export const countBy = (events: readonly RecordedEvent[], type: string, field: string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const e of events) if (e.type === type) {
    const k = String((e.data as Record<string, unknown>)[field]);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};

export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export interface CrashPlan {
  /** Appends (appendToStream or appendBatch calls) that succeed before the crash. */
  readonly after: number;
  /** `before`: the crashing append writes nothing; `after`: it writes, then the answer is lost. */
  readonly lose: 'before' | 'after';
  /** Apply batches one request at a time, as a store without multi-stream transactions does. */
  readonly oneByOne?: boolean;
}

/**
 * The store a process that dies mid-run sees: appends work until the planned one, which throws
 * (having written nothing, or everything). With `oneByOne`, a batch's requests are appended
 * separately and the count is per request, so a crash can fall inside a batch.
 */
export const crashingStore = (inner: EventStore, plan: CrashPlan): EventStore & { crashed: () => boolean } => {
  let appends = 0;
  let crashed = false;
  const step = async <A>(write: () => Promise<A>): Promise<A> => {
    if (crashed) throw new SimulatedCrash('the process is gone');
    if (appends === plan.after) {
      crashed = true;
      if (plan.lose === 'after') await write();
      throw new SimulatedCrash(`crash at append ${appends + 1}`);
    }
    appends++;
    return write();
  };
  return {
    ...inner,
    kind: inner.kind,
    crashed: () => crashed,
    appendToStream: (streamName, events, options) => step(() => inner.appendToStream(streamName, events, options)),
    appendBatch: async (requests: readonly AppendRequest[]) => {
      if (!plan.oneByOne) return step(() => inner.appendBatch(requests));
      const out = [];
      for (const r of requests) out.push(await step(() => inner.appendToStream(r.streamName, r.events, { expectedRevision: r.expectedRevision })));
      return out;
    },
    readStream: (s, o) => inner.readStream(s, o),
    readAll: (o) => inner.readAll(o),
    headPosition: () => inner.headPosition(),
    close: () => inner.close(),
  };
};

/** A cycle command from JSON through the real codec. */
export const cycleCommand = (json: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand(json);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

export const expectApplied = <R extends { status: string }>(r: R, what: string): Extract<R, { status: 'applied' }> => {
  if (r.status !== 'applied') throw new Error(`${what}: ${JSON.stringify(r)}`);
  return r as Extract<R, { status: 'applied' }>;
};

export type { ContractCommand };
