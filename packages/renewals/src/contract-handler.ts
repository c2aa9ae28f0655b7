// The command handler of contracts, the twin of eventstore's cycle handler: load a contract
// (read its stream and fold it), decide, append with the revision read; on a concurrent write
// read and decide again, a bounded number of times. Event ids come from the command id, so an
// append whose answer was lost is found already stored on the next attempt, never written twice.
import * as E from 'fp-ts/lib/Either.js';
import {
  CONTRACT_SCHEMA_VERSION,
  contractFigures,
  contractStreamName,
  decideContract,
  envelope,
  evolveContract,
  initialContractState,
  type ContractCommand,
  type ContractDuplicate,
  type ContractError,
  type ContractEvent,
  type ContractFigures,
  type ContractState,
  type Instant,
  type RecordedEvent,
} from '@renewal-ledger/core';
import {
  defaultBackoff,
  systemClock,
  WrongExpectedRevisionError,
  type AppendRequest,
  type EventStore,
  type ExpectedRevision,
  type HandleOptions,
} from '@renewal-ledger/eventstore';

export interface ContractApplied {
  readonly status: 'applied';
  /** The events stored for the command. */
  readonly events: readonly RecordedEvent[];
  /** The contract after the command. */
  readonly state: ContractState;
  readonly figures: ContractFigures;
}
export interface ContractDuplicated {
  readonly status: 'duplicate';
  readonly duplicate: ContractDuplicate;
}
export interface ContractRejected {
  readonly status: 'rejected';
  readonly error: ContractError;
}
export type ContractHandleResult = ContractApplied | ContractDuplicated | ContractRejected;

export interface ContractHandlerOptions {
  readonly store: EventStore;
  /** When events are recorded (`metadata.recordedAt`). Default: the machine's clock. */
  readonly clock?: () => Instant;
  /** How many times a command is decided again after a revision conflict. Default 10. */
  readonly maxRetries?: number;
  readonly backoff?: (attempt: number) => number;
}

export interface ContractHandler {
  handle(command: ContractCommand, options?: ContractHandleOptions): Promise<ContractHandleResult>;
  /** Many commands, one result each in order, every append in one `appendBatch`. */
  handleBatch(commands: readonly ContractCommand[], options?: ContractHandleOptions): Promise<readonly ContractHandleResult[]>;
}

export type ContractHandleOptions = Omit<HandleOptions, 'recordedAt'> & {
  readonly recordedAt?: Instant | ((command: ContractCommand) => Instant);
};

export interface LoadedContract {
  readonly state: ContractState;
  /** What the next append expects: the revision read, or `no-stream`. */
  readonly revision: ExpectedRevision;
}

/** Reads a contract's stream and folds it. */
export const loadContract = async (store: EventStore, contractId: string): Promise<LoadedContract> => {
  let state = initialContractState();
  let revision: ExpectedRevision = 'no-stream';
  for await (const e of store.readStream(contractStreamName(contractId))) {
    state = evolveContract(state, { type: e.type, data: e.data } as ContractEvent);
    revision = e.streamRevision;
  }
  return { state, revision };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const schemaVersionOf = (type: ContractEvent['type']): number => CONTRACT_SCHEMA_VERSION[type];

export const getContractHandler = (options: ContractHandlerOptions): ContractHandler => {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 10;
  const backoff = options.backoff ?? defaultBackoff;

  const run = async (commands: readonly ContractCommand[], handleOptions: ContractHandleOptions): Promise<ContractHandleResult[]> => {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt(commands, handleOptions);
      } catch (e) {
        if (!(e instanceof WrongExpectedRevisionError) || tries >= maxRetries) throw e;
        await sleep(backoff(tries + 1));
      }
    }
  };

  const attempt = async (commands: readonly ContractCommand[], handleOptions: ContractHandleOptions): Promise<ContractHandleResult[]> => {
    const contracts = new Map<string, { state: ContractState; revision: ExpectedRevision }>();
    for (const c of commands) if (!contracts.has(c.contractId)) contracts.set(c.contractId, { ...(await loadContract(store, c.contractId)) });
    const now = handleOptions.recordedAt === undefined ? clock() : null;
    const recordedAtOf = (c: ContractCommand): Instant =>
      typeof handleOptions.recordedAt === 'function' ? handleOptions.recordedAt(c) : (handleOptions.recordedAt ?? now!);
    const requests: AppendRequest[] = [];
    const planned: { request: number | null; outcome: ContractHandleResult }[] = [];
    for (const command of commands) {
      const contract = contracts.get(command.contractId)!;
      const decision = decideContract(command, contract.state);
      if (E.isLeft(decision)) {
        planned.push({ request: null, outcome: { status: 'rejected', error: decision.left } });
        continue;
      }
      const { events, duplicate } = decision.right;
      if (events.length === 0) {
        planned.push({ request: null, outcome: { status: 'duplicate', duplicate: duplicate ?? { key: 'commandId', id: command.commandId } } });
        continue;
      }
      const newEvents = envelope(
        events,
        {
          recordedAt: recordedAtOf(command),
          actor: command.actor,
          commandId: command.commandId,
          correlationId: handleOptions.correlationId ?? command.commandId,
          ...(handleOptions.causationId ? { causationId: handleOptions.causationId } : {}),
        },
        schemaVersionOf,
      );
      requests.push({ streamName: contractStreamName(command.contractId), events: newEvents, expectedRevision: contract.revision });
      for (const e of events) contract.state = evolveContract(contract.state, e);
      const from = contract.revision === 'no-stream' ? -1n : (contract.revision as bigint);
      contract.revision = from + BigInt(newEvents.length);
      planned.push({ request: requests.length - 1, outcome: { status: 'applied', events: [], state: contract.state, figures: contractFigures(contract.state) } });
    }
    if (requests.length === 0) return planned.map((p) => p.outcome);
    const results =
      requests.length === 1
        ? [await store.appendToStream(requests[0]!.streamName, requests[0]!.events, { expectedRevision: requests[0]!.expectedRevision })]
        : await store.appendBatch(requests);
    const out: ContractHandleResult[] = [];
    for (const p of planned) {
      if (p.request === null || p.outcome.status !== 'applied') {
        out.push(p.outcome);
        continue;
      }
      const request = requests[p.request]!;
      const result = results[p.request]!;
      // Read back what was stored (revisions and positions; an earlier attempt's metadata when
      // the events were already there).
      const ids = new Set(request.events.map((e) => e.eventId));
      const events: RecordedEvent[] = [];
      const firstRevision = result.nextExpectedRevision - BigInt(request.events.length - 1);
      for await (const e of store.readStream(request.streamName, { fromRevision: firstRevision })) {
        if (ids.has(e.eventId)) events.push(e);
        if (events.length === request.events.length) break;
      }
      out.push({ ...p.outcome, events });
    }
    return out;
  };

  return {
    handle: async (command, handleOptions = {}) => (await run([command], handleOptions))[0]!,
    handleBatch: (commands, handleOptions = {}) => run(commands, handleOptions),
  };
};
