// What every service of the engine is given: the store, the cycle command handler (eventstore's,
// whose batch path every run goes through) and the contract command handler.
import {
  contractDecider,
  type CommandIdConflict,
  type LedgerZones,
  type RecordedBeforeItHappened,
  type NotPermitted,
  type RenewalError,
} from '@renewal-ledger/core';
import { getCommandHandler, readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import type { ContractHandler, CycleHandleResult, CycleHandler } from './handlers.js';
import type { PortfolioReader } from './ledger.js';

export interface EngineOptions {
  readonly store: EventStore;
  /** The cycle command handler: `getCommandHandler(renewalCycle, { store })`. */
  readonly handler: CycleHandler;
  /** Default: `getCommandHandler(contractDecider, { store })` (the machine's clock stamps recordedAt). */
  readonly contractHandler?: ContractHandler;
  /**
   * Where the portfolio-wide runs (renewals, reminders, auto-debit) read the portfolio from.
   * Default: one pass over the whole log per run (`readPortfolio`); `getPortfolioReader(store)`
   * reads only what was appended since its last read.
   */
  readonly portfolio?: PortfolioReader;
  /**
   * The ledger's zones, for the days the services derive from instants (a lump sum's day).
   * Default: read from the store's ledger settings (UTC when it has none).
   */
  readonly zones?: LedgerZones;
}

/** The zones given, or the store's. */
export const zonesOf = async (options: EngineOptions): Promise<LedgerZones> => options.zones ?? readLedgerZones(options.store);

export const contractHandlerOf = (options: EngineOptions): ContractHandler =>
  options.contractHandler ?? getCommandHandler(contractDecider, { store: options.store });

/** How a batch of cycle commands went. */
export interface Tally {
  readonly applied: number;
  readonly duplicate: number;
  /** Refused by a rule, with the cycle and the error. */
  readonly rejected: readonly {
    readonly cycleId: string;
    readonly commandId: string;
    readonly error: RenewalError | CommandIdConflict | RecordedBeforeItHappened | NotPermitted;
  }[];
}

export const emptyTally = (): Tally => ({ applied: 0, duplicate: 0, rejected: [] });

export const tallyOf = (
  tally: Tally,
  commands: readonly { readonly cycleId: string; readonly commandId: string }[],
  results: readonly CycleHandleResult[],
): Tally => {
  let applied = tally.applied;
  let duplicate = tally.duplicate;
  const rejected = [...tally.rejected];
  results.forEach((r, i) => {
    if (r.status === 'applied') applied++;
    else if (r.status === 'duplicate') duplicate++;
    else rejected.push({ cycleId: commands[i]!.cycleId, commandId: commands[i]!.commandId, error: r.error });
  });
  return { applied, duplicate, rejected };
};

/** Runs commands through the handler's batch path, `batchSize` at a time. */
export const inBatches = async <C extends { readonly cycleId: string; readonly commandId: string }>(
  handler: CycleHandler,
  commands: readonly C[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<{ tally: Tally; results: CycleHandleResult[] }> => {
  let tally = emptyTally();
  const results: CycleHandleResult[] = [];
  const size = Math.max(1, Math.floor(batchSize));
  for (let i = 0; i < commands.length; i += size) {
    const chunk = commands.slice(i, i + size);
    const r = await handler.handleBatch(chunk as never);
    for (const x of r) results.push(x);
    tally = tallyOf(tally, chunk, r);
    onBatch?.(i + chunk.length, commands.length);
  }
  return { tally, results };
};
