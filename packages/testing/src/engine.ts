// An engine on the in-memory store (the same semantics as the durable stores: events kept as JSON
// and decoded on every read), a clock the test moves, and stores that crash where a test says.
import {
  contractDecider,
  renewalCycle,
  decodeCommand,
  type AnyAggregate,
  type BusinessDate,
  type CommandOf,
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
  type CommandHandler,
  type EventStore,
  type HandleOptions,
  type InMemoryDatabase,
} from '@renewal-ledger/eventstore';
import * as E from 'fp-ts/lib/Either.js';
import { renewDue } from '@renewal-ledger/renewals';

export * from './contracts.js';
import { open } from './contracts.js';

// The clock is when the ledger learns of a command. A scripted scenario sets it now and then and
// its commands carry their own `at`; a command is never learnt before it happened (the handler
// refuses that, RECORDED_BEFORE_IT_HAPPENED, tested in eventstore's own tests), so each is
// recorded at the later of the clock and its `at`. A test's own recordedAt still wins.
const notBeforeItHappened = <A extends AnyAggregate>(handler: CommandHandler<A>, now: { at: Instant }): CommandHandler<A> => {
  const recordedAt = (command: CommandOf<A>): Instant => {
    const at = (command as { readonly at?: unknown }).at;
    return typeof at === 'string' && Date.parse(at) > Date.parse(now.at) ? (at as Instant) : now.at;
  };
  const options = (given: HandleOptions<CommandOf<A>> = {}): HandleOptions<CommandOf<A>> => ({ recordedAt, ...given });
  return {
    ...handler,
    handle: (command, given) => handler.handle(command, options(given)),
    handleBatch: (commands, given) => handler.handleBatch(commands, options(given)),
    handleInParts: (commands, given) => handler.handleInParts(commands, options(given)),
    handleAllOrNothing: (commands, given) => handler.handleAllOrNothing(commands, options(given)),
  };
};

export const engineOn = (store: EventStore, now: { at: Instant } = { at: '2026-01-01T00:00:00Z' as Instant }) => {
  const clock = () => now.at;
  return {
    store,
    now,
    handler: notBeforeItHappened(getCommandHandler(renewalCycle, { store, clock, maxRetries: 3, backoff: () => 0 }), now),
    contractHandler: notBeforeItHappened(getCommandHandler(contractDecider, { store, clock, maxRetries: 3, backoff: () => 0 }), now),
  };
};

export const memoryEngine = (database: InMemoryDatabase = createInMemoryDatabase()) => ({
  database,
  ...engineOn(getInMemoryEventStore({ database })),
});

export const allEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
};

/** How many times each id occurs among the events of a type, by a field of their data. */
export const countBy = (events: readonly RecordedEvent[], type: string, field: string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const e of events)
    if (e.type === type) {
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
      for (const r of requests)
        out.push(await step(() => inner.appendToStream(r.streamName, r.events, { expectedRevision: r.expectedRevision })));
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

/**
 * unit-0301, a 98.50 m2 flat at 315.20 a month, billed January to March by renewDue; February
 * has 50.00 disputed, March 100.00 paid at the counter. The clock stands at 2026-03-10 10:00:05,
 * when a lump sum comes in.
 */
export const flatInArrears = async () => {
  const e = memoryEngine();
  await e.contractHandler.handle(open());
  await renewDue({ ...e, asOf: '2026-03-01' as BusinessDate });
  e.now.at = '2026-03-02T09:00:00Z' as Instant;
  await e.handler.handleBatch([
    cycleCommand({
      type: 'RaiseDispute',
      commandId: 'dispute-1',
      cycleId: 'unit-0301/2026-02-01',
      actor: 'clerk-li',
      at: '2026-02-20T09:00:00Z',
      disputeId: 'd1',
      amountMinor: 5000,
      reason: 'lift out of order',
    }),
    cycleCommand({
      type: 'RecordPayment',
      commandId: 'pay-cash-1',
      cycleId: 'unit-0301/2026-03-01',
      actor: 'cashier-chen',
      at: '2026-03-02T09:00:00Z',
      paymentId: 'p1',
      amountMinor: 10000,
      channel: 'cash',
    }),
  ]);
  e.now.at = '2026-03-10T10:00:05Z' as Instant;
  return e;
};
