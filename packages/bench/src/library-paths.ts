// The library's side of every path, through its public API only, the same on every store.
import {
  cycleEvents,
  renewalCycle,
  evolveCycle,
  initialCycleState,
  type BusinessDate,
  type CycleFigures,
  type CycleState,
  type Instant,
} from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, type ProjectionRunResult, type ViewDatabase } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '@renewal-ledger/projection-arrears';
import { receiptsProjection } from '@renewal-ledger/projection-receipts';
import { auditProjection } from '@renewal-ledger/projection-audit';
import { readPortfolio, renewDue, type CycleHandleResult, type RenewDueReport } from '@renewal-ledger/renewals';
import type { ScheduledCommand } from '@renewal-ledger/workload';
import type { Tick } from './measure.js';
import type { RecordedAtOf } from './plan.js';
import { RUNNER_BATCH, RUNNER_BUILDING_BATCH } from './view-rows.js';
import { totalsOfFigures, totalsOfStates, type AgingTotals, type DebtorLine, type Totals } from './totals.js';

export interface WriteOutcome {
  /** Figures the handler reported after each cycle's last applied command, summed. */
  readonly totals: Totals;
  readonly applied: number;
  readonly duplicates: number;
  readonly rejected: number;
}

const outcomes = () => {
  const figures = new Map<string, CycleFigures>();
  let applied = 0;
  let duplicates = 0;
  let rejected = 0;
  return {
    add(cycleId: string, result: CycleHandleResult) {
      if (result.status === 'applied') {
        applied++;
        figures.set(cycleId, result.figures);
      } else if (result.status === 'duplicate') duplicates++;
      else rejected++;
    },
    outcome: (): WriteOutcome => ({ totals: totalsOfFigures(figures.values()), applied, duplicates, rejected }),
  };
};

export interface LibraryWriter {
  /** Handles commands [from, to) (for batches, `from` on a batch boundary). */
  run(from: number, to: number, tick: Tick): Promise<void>;
  outcome(): WriteOutcome;
}

/**
 * The handler's cache of folded streams for the command and batch paths, as an application that
 * handles commands (one by one, or a batch at a time) in a long-lived process would set it
 * (docs/benchmarks.md says what it changes).
 */
export const HANDLER_CACHE = { streams: 10_000 } as const;

/** (a) One command at a time: load the cycle (from the handler's cache when it has it), decide, append (one transaction each). */
export const commandPath = (store: EventStore, commands: readonly ScheduledCommand[], recordedAtOf: RecordedAtOf): LibraryWriter => {
  let now = '' as Instant;
  const handler = getCommandHandler(renewalCycle, { store, clock: () => now, cache: HANDLER_CACHE });
  const acc = outcomes();
  return {
    async run(from, to, tick) {
      for (let i = from; i < to; i++) {
        now = recordedAtOf(i);
        const command = commands[i]!.command;
        acc.add(command.cycleId, await handler.handle(command));
        tick();
      }
    },
    outcome: acc.outcome,
  };
};

/**
 * (b) The same commands through handleBatch, `batchSize` per call (one transaction each), the
 * cycles from the handler's cache when `cached` (as on PostgreSQL, where a read is a round trip;
 * in memory and on SQLite the 10,000-stream cache over the workload's 48,000 cycles made b slower,
 * 0.56 -> 0.32 on SQLite, and left c every row to decode).
 */
export const batchPath = (
  store: EventStore,
  commands: readonly ScheduledCommand[],
  batchSize: number,
  recordedAtOf: RecordedAtOf,
  cached: boolean,
): LibraryWriter => {
  let now = '' as Instant;
  const handler = getCommandHandler(renewalCycle, { store, clock: () => now, ...(cached ? { cache: HANDLER_CACHE } : {}) });
  const acc = outcomes();
  return {
    async run(from, to, tick) {
      for (let b = from; b < to; b += batchSize) {
        const batch = commands.slice(b, Math.min(b + batchSize, to));
        now = recordedAtOf(b);
        const answers = await handler.handleBatch(batch.map((c) => c.command));
        answers.forEach((result, i) => {
          acc.add(batch[i]!.command.cycleId, result);
        });
        tick();
      }
    },
    outcome: acc.outcome,
  };
};

export interface MonthEndOutcome {
  readonly report: RenewDueReport;
  /** Milliseconds in `readPortfolio` (the pass over the log), and until the last batch of bills was written. */
  readonly readMs: number;
  readonly billedMs: number;
}

/**
 * (f) The month-end run: `renewDue` over the whole store, its bills through the cycle handler's
 * batch path. The portfolio reader given is what renewDue calls without one (`readPortfolio` of
 * the store), only timed apart for the note.
 */
export const monthEndRun = async (
  store: EventStore,
  run: { readonly asOf: BusinessDate; readonly clock: Instant; readonly batchSize: number },
  tick: Tick,
): Promise<MonthEndOutcome> => {
  const started = performance.now();
  let readMs = 0;
  let billedAt = started;
  let billed = 0;
  const report = await renewDue({
    store,
    handler: getCommandHandler(renewalCycle, { store, clock: () => run.clock }),
    asOf: run.asOf,
    batchSize: run.batchSize,
    portfolio: {
      read: async () => {
        const portfolio = await readPortfolio(store);
        readMs = performance.now() - started;
        tick(portfolio.contracts.size);
        return portfolio;
      },
    },
    onProgress: (done) => {
      tick(done - billed);
      billed = done;
      billedAt = performance.now();
    },
  });
  return { report, readMs, billedMs: billedAt - started };
};

/** (c) Cycles loaded and folded, as the command handler loads one. */
export const rehydrate = async (store: EventStore, streamNames: readonly string[], tick: Tick): Promise<CycleState[]> => {
  const states: CycleState[] = [];
  for (const name of streamNames) {
    let state = initialCycleState();
    for await (const e of store.readStream(name)) state = evolveCycle(state, cycleEvents.of(e));
    states.push(state);
    tick();
  }
  return states;
};

/** (d, read side only) Every event in global order through readAll, folded per cycle. */
export const readAllAndFold = async (store: EventStore, tick: Tick): Promise<{ totals: Totals; events: number }> => {
  const states = new Map<string, CycleState>();
  let events = 0;
  for await (const e of store.readAll()) {
    const id = (e.data as { cycleId: string }).cycleId;
    states.set(id, evolveCycle(states.get(id) ?? initialCycleState(), cycleEvents.of(e)));
    events++;
    tick();
  }
  return { totals: totalsOfStates(states.values()), events };
};

export const PROJECTIONS = [arrearsProjection, receiptsProjection, auditProjection] as const;

export interface RebuildOutcome {
  readonly results: readonly ProjectionRunResult[];
  /** Milliseconds each projection took (the runner runs them one after another). */
  readonly perProjectionMs: Readonly<Record<string, number>>;
}

/** (d) The whole history replayed into the arrears, receipts and audit views. */
export const rebuild = async (store: EventStore, views: ViewDatabase, tick: Tick): Promise<RebuildOutcome> => {
  const perProjectionMs: Record<string, number> = {};
  let current: string | null = null;
  let since = performance.now();
  const runner = getProjectionRunner({
    store,
    database: views,
    projections: PROJECTIONS,
    // The runner's defaults, said here so d:write's limit commits as often (view-rows.ts).
    batchSize: RUNNER_BATCH,
    buildingBatchSize: RUNNER_BUILDING_BATCH,
    onProgress: (p) => {
      if (p.projection !== current) {
        current = p.projection;
        since = performance.now() - p.elapsedMs;
      }
      perProjectionMs[p.projection] = Math.round(performance.now() - since);
      tick();
    },
  });
  const results = await runner.rebuild();
  return { results, perProjectionMs };
};

/** A view's total (a bigint) as the bench's number; the bench's portfolios stay far inside the safe range. */
const safe = (total: bigint): number => {
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`a total of ${total} is past what the bench compares`);
  return Number(total);
};

/** The arrears view's totals for the check: figures summed by SQL over every cycle. */
export const viewTotals = async (views: ViewDatabase, asOf: BusinessDate): Promise<Totals> => {
  const p = await getArrearsView(views).portfolio({ asOf });
  const c = p.currencies[0];
  return c
    ? { cycles: c.cycles, dueMinor: safe(c.dueMinor), netPaidMinor: safe(c.netPaidMinor), outstandingMinor: safe(c.outstandingMinor) }
    : { cycles: 0, dueMinor: 0, netPaidMinor: 0, outstandingMinor: 0 };
};

/** (e) The arrears as of a date over every cycle: totals and every collectible amount in its bucket. */
export const portfolioAsOf = async (views: ViewDatabase, asOf: BusinessDate): Promise<AgingTotals & { cycles: number }> => {
  const p = await getArrearsView(views).portfolio({ asOf });
  if (p.currencies.length !== 1) throw new Error(`expected one currency in the portfolio, got ${p.currencies.length}`);
  const c = p.currencies[0]!;
  const buckets = Object.fromEntries(Object.entries(c.buckets).map(([b, amount]) => [b, safe(amount)])) as AgingTotals['buckets'];
  return { cycles: c.cycles, collectibleMinor: safe(c.collectibleMinor), overdueMinor: safe(c.overdueMinor), buckets };
};

/** (e) The top debtors as of a date. */
export const topDebtors = async (views: ViewDatabase, asOf: BusinessDate, limit: number): Promise<DebtorLine[]> =>
  (await getArrearsView(views).topDebtors({ asOf, limit })).map((d) => ({
    contractId: d.contractId,
    overdueMinor: safe(d.overdueMinor),
    collectibleMinor: safe(d.collectibleMinor),
  }));
