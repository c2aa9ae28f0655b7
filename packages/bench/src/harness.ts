// The harness: one portfolio, every path on every store, each against its limit on the same rows.
import { cpus, loadavg } from 'node:os';
import type { BusinessDate, CycleState } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { ViewDatabase } from '@renewal-ledger/projections';
import { generatePortfolio, type ScheduledCommand } from '@renewal-ledger/workload';
import type { Backend, Replayed } from './backend.js';
import * as library from './library-paths.js';
import { makeLine, type Line, type PathId, type StoreKind } from './line.js';
import { bestOf, interleave, meanOf, measure, startMeter, sumOf, type Timing } from './measure.js';
import { knownAtLine } from './as-known-at-path.js';
import { getMemoryBackend } from './memory-backend.js';
import { runMonthEnd } from './month-end-path.js';
import { MONTH_END_AS_OF, planMonthEnd, type MonthEndWork } from './month-end-plan.js';
import { planCommands, recordedAtOneByOne, recordedAtPerBatch, type Plan } from './plan.js';
import { getPostgresBackend } from './postgres-backend.js';
import { getSQLiteBackend } from './sqlite-backend.js';
import { targetFor, VIEWS_TO_STORE_TARGET } from './targets.js';
import { transactionsFor } from './view-rows.js';
import {
  agingOfStates,
  allOf,
  checkThat,
  compareAging,
  compareDebtors,
  compareDigests,
  compareTotals,
  topDebtorsOfStates,
  totalsOfStates,
} from './totals.js';

/** The views database against the event store it was built from (issue 18: at most 1.5x after the demo). */
const spaceNote = (viewBytes: number | null, storeBytes: number | null): string =>
  viewBytes === null || storeBytes === null || storeBytes === 0
    ? ''
    : `; views ${(viewBytes / 1048576).toFixed(1)} MB / store ${(storeBytes / 1048576).toFixed(1)} MB = ${(viewBytes / storeBytes).toFixed(2)}x`;

/** The memory checks' targets: the large size's peak RSS within this many times the small one's. The ratios' targets are in targets.ts. */
export const TARGETS = { rebuildRss: 1.2, applyRss: 1.2, reconcileRss: 1.2 } as const;

export interface BenchOptions {
  readonly accounts: number;
  readonly months: number;
  readonly seed: number;
  /** Commands per handleBatch call (b), and per raw transaction of its limit. */
  readonly batchSize: number;
  /** Contracts of the month-end renewal run (f). */
  readonly contracts: number;
  /** The command path (a) on durable stores runs the first N commands; null: all of them. */
  readonly commandSubset: number | null;
  readonly stores: readonly StoreKind[];
  readonly paths: readonly PathId[];
  /**
   * The batch path (b) on PostgreSQL runs the first N commands (whole batches); the rest of the
   * history is then inserted raw so c, d and e still read all of it. null: every command.
   */
  readonly postgresBatchSubset: number | null;
  /** PostgreSQL connection URL; without it the PostgreSQL lines are skipped (and said so). */
  readonly postgresUrl: string | null;
  /** Where SQLite files go (a temp dir is made inside). Default: the OS temp dir. */
  readonly dir?: string;
  /** Run every path once on a small portfolio first, unmeasured (JIT warm-up). Default true. */
  readonly warmup: boolean;
  /** Progress messages (stderr in the CLI). */
  readonly log?: (message: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  accounts: 2000,
  months: 24,
  seed: 2026,
  batchSize: 500,
  contracts: 100_000,
  commandSubset: 5_000,
  postgresBatchSubset: 20_000,
  stores: ['memory', 'sqlite', 'postgres'],
  paths: ['a', 'b', 'c', 'd', 'e', 'f'],
  postgresUrl: null,
  warmup: true,
};

export interface BenchReport {
  readonly startedAt: string;
  readonly options: Omit<BenchOptions, 'log'>;
  readonly machine: {
    readonly node: string;
    readonly cpu: string;
    readonly cores: number;
    readonly loadAverageBefore: readonly number[];
    readonly loadAverageAfter: readonly number[];
  };
  readonly workload: {
    readonly accounts: number;
    readonly months: number;
    readonly cycles: number;
    readonly commands: number;
    readonly events: number;
    readonly asOf: string;
  };
  /** Path f's portfolio, when it ran. */
  readonly monthEnd: { readonly contracts: number; readonly historyRows: number; readonly bills: number; readonly asOf: string } | null;
  readonly stores: ReadonlyArray<{ readonly kind: StoreKind; readonly settings: string | null; readonly skipped: string | null }>;
  readonly lines: readonly Line[];
  /** After each store's rebuild (d): its views against its event store, in bytes; ratio = views / store. */
  readonly space: ReadonlyArray<SpaceFigure & { readonly ratio: number; readonly target: number }>;
  readonly notes: readonly string[];
  readonly totalMs: number;
  readonly peakRssMb: number;
}

/** Queries take a second or less: each side runs this many times, alternating, and its best time counts. */
const QUERY_ROUNDS = 3;
const TOP = 100;
const WARMUP_ACCOUNTS = 10;
const WARMUP_CONTRACTS = 200;
/** The warm-up's command path: enough calls to compile it, not so many fsyncs. */
const WARMUP_COMMANDS = 200;
/** Commands per slice of the command path, and cycles per slice of rehydrate. */
const SLICE_A = 250;
const SLICE_C = 1000;

const streamsOf = (plan: Plan): string[] => [...new Set(plan.rows.map((r) => r.streamName))];

/** The views database against the event store it was rebuilt from, on one store (issue 18: at most 1.5x after the demo). */
export interface SpaceFigure {
  readonly store: StoreKind;
  readonly viewBytes: number;
  readonly storeBytes: number;
}

interface LedgerResults {
  lines: Line[];
  notes: string[];
  space: SpaceFigure[];
}

/**
 * d:write, the rebuild against a raw rebuild of the same views: the raw read-and-fold of the log
 * (d's limit) plus the very rows the rebuild left in the views, inserted raw into fresh tables of
 * the same schema, one transaction per runner batch of events.
 */
const rawRebuildLine = async (
  backend: Backend,
  d: { readonly events: number; readonly library: Timing; readonly readAndFold: Timing; readonly replayed: Replayed },
  say: (m: string) => void,
): Promise<Line> => {
  const transactions = transactionsFor(d.events);
  const views = await backend.limit.viewRows();
  try {
    say(`(d) the views' ${views.rows} rows (${views.tables.length} tables) written raw in ${transactions} transactions`);
    const written = await measure((tick) => views.write(transactions, tick));
    const seconds = (t: Timing) => `${(t.ms / 1000).toFixed(2)} s`;
    return makeLine({
      store: backend.kind,
      path: 'd',
      id: 'd:write',
      title: 'rebuild against a raw rebuild: read and fold the log, write the same view rows',
      count: d.events,
      library: { what: 'the rebuild of d', timing: d.library },
      limit: {
        what: `d's raw read-and-fold + the views' rows inserted raw into fresh tables of the same schema and indexes, ${transactions} transactions (one per runner batch of events, each the next share of every table)`,
        timing: sumOf(d.readAndFold, written.timing),
      },
      target: targetFor(backend.kind, 'd:write'),
      databaseBytes: null,
      check: await views.check(),
      note: `limit: read and fold ${seconds(d.readAndFold)} + write ${seconds(written.timing)} (${views.rows} rows: ${views.tables.join(', ')})`,
    });
  } finally {
    await views.close();
  }
};

/** Every path asked for on one store: a to e on the portfolio, then f on its own store. */
const runBackend = async (backend: Backend, context: Workload & { readonly options: BenchOptions }): Promise<LedgerResults> => {
  const r = await runLedgerPaths(backend, context);
  if (context.options.paths.includes('f')) {
    const log = context.options.log ?? (() => undefined);
    r.lines.push(await runMonthEnd(backend, context.monthEnd(), context.options.batchSize, (m) => log(`[${backend.kind}] ${m}`)));
  }
  return r;
};

/** Paths a to e: a on a store of its own, then b fills the store that c, d and e read. */
const runLedgerPaths = async (backend: Backend, context: Workload & { readonly options: BenchOptions }): Promise<LedgerResults> => {
  const { options, commands, asOf } = context;
  const log = options.log ?? (() => undefined);
  const lines: Line[] = [];
  const notes: string[] = [];
  const space: SpaceFigure[] = [];
  const kind = backend.kind;
  const want = (p: PathId) => options.paths.includes(p);
  const say = (m: string) => log(`[${kind}] ${m}`);

  if (want('a')) {
    const subset = backend.durable && options.commandSubset !== null ? Math.min(options.commandSubset, commands.length) : commands.length;
    const { commands: cmds, plan } = context.planA(subset);
    const recordedAtOf = recordedAtOneByOne(cmds);
    say(`(a) command path: ${cmds.length} commands, one transaction each`);
    const store = await backend.openStore('a');
    const lib = library.commandPath(store, cmds, recordedAtOf);
    const writer = await backend.limit.openWriter('a', { plan, commands: cmds, recordedAtOf, batchSize: null });
    const meter = startMeter();
    try {
      await interleave(meter, cmds.length, SLICE_A, lib.run, writer.write);
    } finally {
      meter.stop();
      await writer.close();
      await store.close();
    }
    const outcome = lib.outcome();
    const written = await backend.limit.written('a');
    const check = allOf(
      compareTotals(outcome.totals, written.totals),
      compareDigests((await backend.limit.libraryRows('a')).digest, written.digest),
      checkThat(
        outcome.applied === plan.applied && outcome.duplicates === plan.duplicates && outcome.rejected === plan.rejected,
        `${outcome.applied} applied, ${outcome.duplicates} duplicates, ${outcome.rejected} refused (expected ${plan.applied}/${plan.duplicates}/${plan.rejected})`,
      ),
    );
    const subsetNote =
      cmds.length < commands.length ? `first ${cmds.length} of ${commands.length} commands (library and limit on the same subset)` : null;
    lines.push(
      makeLine({
        store: kind,
        path: 'a',
        id: 'a',
        title: 'command path: handle() one command at a time',
        count: plan.rows.length,
        library: {
          what: 'getCommandHandler().handle per command (read stream, decide, append in its own transaction)',
          timing: meter.timing('library'),
        },
        limit: {
          what:
            kind === 'memory'
              ? 'bare decide + fold + serialise of the same commands, no store'
              : kind === 'postgres'
                ? 'raw prepared INSERT of the same JSON, one transaction per command in one round trip'
                : 'raw prepared INSERT of the same JSON, one transaction per command',
          timing: meter.timing('limit'),
        },
        target: targetFor(kind, 'a'),
        databaseBytes: await backend.storeBytes('a'),
        check,
        note: subsetNote,
      }),
    );
    await backend.discard('a');
  }

  const needsStore = want('b') || want('c') || want('d') || want('e');
  if (!needsStore) return { lines, notes, space };
  if (!want('b')) notes.push(`${kind}: path b ran to fill the store that c, d and e read (not asked for, not shown)`);

  const plan = context.planB;
  const recordedAtOf = recordedAtPerBatch(commands, options.batchSize);
  // PostgreSQL's batch path is the slowest line by far: by default it runs on whole batches up to
  // the subset, then the rest of the history goes in raw (the very rows, see the digest check).
  const batchSubset =
    kind === 'postgres' && options.postgresBatchSubset !== null && options.postgresBatchSubset < commands.length
      ? Math.max(options.batchSize, Math.floor(options.postgresBatchSubset / options.batchSize) * options.batchSize)
      : commands.length;
  const measuredRows = plan.rowsByCommand.slice(0, batchSubset);
  const measuredEvents = measuredRows.reduce((n, r) => n + r.length, 0);
  const measuredApplied = measuredRows.filter((r) => r.length > 0).length;
  say(`(b) batch path: ${batchSubset} commands, ${options.batchSize} per handleBatch`);
  const store: EventStore = await backend.openStore('b');
  let views: ViewDatabase | null = null;
  try {
    // The cache only where a read costs a round trip (library-paths.ts says why).
    const lib = library.batchPath(store, commands, options.batchSize, recordedAtOf, kind === 'postgres');
    const writer = await backend.limit.openWriter('b', { plan, commands, recordedAtOf, batchSize: options.batchSize });
    const meterB = startMeter();
    try {
      await interleave(meterB, batchSubset, options.batchSize, lib.run, writer.write);
    } finally {
      meterB.stop();
      await writer.close();
    }
    const outcome = lib.outcome();
    const written = await backend.limit.written('b');
    if (want('b')) {
      lines.push(
        makeLine({
          store: kind,
          path: 'b',
          id: 'b',
          title: `batch path: handleBatch(${options.batchSize} commands)`,
          count: measuredEvents,
          library: {
            what: `getCommandHandler().handleBatch of ${options.batchSize} commands (one appendBatch transaction each)`,
            timing: meterB.timing('library'),
          },
          limit: {
            what:
              kind === 'memory'
                ? 'bare decide + fold + serialise of the same commands, no store'
                : 'raw prepared INSERT of the same JSON, one transaction per batch',
            timing: meterB.timing('limit'),
          },
          target: targetFor(kind, 'b'),
          databaseBytes: await backend.storeBytes('b'),
          check: allOf(
            compareTotals(outcome.totals, written.totals),
            compareDigests((await backend.limit.libraryRows('b')).digest, written.digest),
            checkThat(outcome.applied === measuredApplied, `${outcome.applied} commands applied (expected ${measuredApplied})`),
          ),
          note:
            batchSubset < commands.length
              ? `first ${batchSubset} of ${commands.length} commands (library and limit on the same subset); the other ${plan.rows.length - measuredEvents} events then inserted raw for c, d and e`
              : null,
        }),
      );
    }
    if (batchSubset < commands.length) {
      say(`(b) inserting the other ${plan.rows.length - measuredEvents} events raw`);
      await backend.fillStore('b', plan.rows.slice(measuredEvents));
    }

    const streams = streamsOf(plan);
    if (want('c')) {
      say(`(c) rehydrate ${streams.length} cycles`);
      const libStates: CycleState[] = [];
      const limStates: CycleState[] = [];
      const meterC = startMeter();
      try {
        await interleave(
          meterC,
          streams.length,
          SLICE_C,
          async (from, to, tick) => void libStates.push(...(await library.rehydrate(store, streams.slice(from, to), tick))),
          async (from, to, tick) => void limStates.push(...(await backend.limit.rehydrate('b', streams.slice(from, to), tick))),
        );
      } finally {
        meterC.stop();
      }
      lines.push(
        makeLine({
          store: kind,
          path: 'c',
          id: 'c',
          title: `rehydrate: load and fold each of ${streams.length} cycles`,
          count: plan.rows.length,
          library: { what: 'readStream + evolveCycle per cycle (every event decoded and validated)', timing: meterC.timing('library') },
          limit: {
            what:
              kind === 'memory'
                ? "the store's rows of each stream: JSON.parse + evolveCycle"
                : 'raw prepared ordered SELECT per stream + JSON.parse + evolveCycle',
            timing: meterC.timing('limit'),
          },
          target: targetFor(kind, 'c'),
          databaseBytes: await backend.storeBytes('b'),
          check: compareTotals(totalsOfStates(libStates), totalsOfStates(limStates)),
        }),
      );
    }

    if (!want('d') && !want('e')) return { lines, notes, space };
    // The limit runs before and after the library's read, and counts as the mean of the two:
    // a read path cannot be sliced as the writes are.
    say(`(d) raw replay of ${plan.rows.length} events, readAll + fold, raw replay again`);
    const before = await measure((tick) => backend.limit.replay('b', tick));
    const libRead = await measure((tick) => library.readAllAndFold(store, tick));
    const after = await measure((tick) => backend.limit.replay('b', tick));
    const replayed: Replayed = after.result;
    const limitD = meanOf(before.timing, after.timing);
    const replayWhat =
      kind === 'memory'
        ? "the store's rows in order: JSON.parse + evolveCycle"
        : 'raw ordered SELECT of every event + JSON.parse + evolveCycle';

    if (want('d')) {
      lines.push(
        makeLine({
          store: kind,
          path: 'd',
          id: 'd:read',
          title: 'rebuild, read side only: readAll + fold (diagnostic)',
          count: plan.rows.length,
          library: { what: 'readAll (pages of 500, every event decoded) + evolveCycle per cycle', timing: libRead.timing },
          limit: { what: replayWhat, timing: limitD },
          target: null,
          databaseBytes: await backend.storeBytes('b'),
          check: allOf(
            compareTotals(libRead.result.totals, replayed.totals),
            compareTotals(before.result.totals, replayed.totals),
            checkThat(libRead.result.events === replayed.events, `${libRead.result.events} events read`),
          ),
        }),
      );
    }

    say(`(d) rebuild arrears + receipts + audit`);
    views = await backend.openViews();
    const viewDb = views;
    const libD = await measure((tick) => library.rebuild(store, viewDb, tick));
    const failed = libD.result.results.filter((r) => r.status !== 'caught-up' || r.eventsRead !== plan.rows.length);
    const viewBytes = await backend.viewsBytes();
    const storeBytes = await backend.storeBytes('b');
    if (want('d')) {
      const per = Object.entries(libD.result.perProjectionMs)
        .map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`)
        .join(', ');
      lines.push(
        makeLine({
          store: kind,
          path: 'd',
          id: 'd',
          title: 'rebuild: replay into arrears + receipts + audit views',
          count: plan.rows.length,
          library: { what: 'getProjectionRunner({ projections: [arrears, receipts, audit] }).rebuild()', timing: libD.timing },
          limit: { what: replayWhat, timing: limitD },
          target: targetFor(kind, 'd'),
          databaseBytes: storeBytes === null || viewBytes === null ? null : storeBytes + viewBytes,
          check: allOf(
            checkThat(
              failed.length === 0,
              failed.length === 0
                ? 'all 3 views caught up'
                : `not caught up: ${failed.map((r) => `${r.projection} ${r.status} ${r.eventsRead}`).join(', ')}`,
            ),
            compareTotals(await library.viewTotals(viewDb, asOf), replayed.totals),
          ),
          note: `per view: ${per}${spaceNote(viewBytes, storeBytes)}`,
        }),
      );
      lines.push(await rawRebuildLine(backend, { events: plan.rows.length, library: libD.timing, readAndFold: limitD, replayed }, say));
    }
    // The memory store's size is its JSON text, without the indexes a database keeps: not a store size to hold views to.
    if (kind !== 'memory' && viewBytes !== null && storeBytes !== null) space.push({ store: kind, viewBytes, storeBytes });

    if (want('e')) {
      const expectedAging = agingOfStates(replayed.states.values(), asOf);
      const expectedTop = topDebtorsOfStates(replayed.states.values(), asOf, TOP);
      say(`(e) arrears as of ${asOf} over every cycle`);
      const [libP, limP] = await bestOf(
        QUERY_ROUNDS,
        () => library.portfolioAsOf(viewDb, asOf),
        (tick) => backend.limit.portfolio(asOf, tick),
      );
      const cycles = replayed.states.size;
      lines.push(
        makeLine({
          store: kind,
          path: 'e',
          id: 'e:portfolio',
          title: `arrears as of ${asOf}: every cycle aged into buckets`,
          unit: 'cycles',
          count: cycles,
          library: { what: 'getArrearsView().portfolio({ asOf })', timing: libP.timing },
          limit: { what: 'raw SELECT of the arrears rows + JSON.parse of open states + agingAsOf', timing: limP.timing },
          target: null,
          databaseBytes: viewBytes,
          check: allOf(
            compareAging(libP.result, expectedAging),
            checkThat(libP.result.cycles === cycles && limP.result.cycles === cycles, `${cycles} cycles`),
          ),
        }),
      );
      say(`(e) top ${TOP} debtors`);
      const [libT, limT] = await bestOf(
        QUERY_ROUNDS,
        () => library.topDebtors(viewDb, asOf, TOP),
        (tick) => backend.limit.topDebtors(asOf, TOP, tick),
      );
      lines.push(
        makeLine({
          store: kind,
          path: 'e',
          id: 'e:top100',
          title: `top ${TOP} debtors as of ${asOf}`,
          unit: 'cycles',
          count: cycles,
          library: { what: `getArrearsView().topDebtors({ asOf, limit: ${TOP} })`, timing: libT.timing },
          limit: { what: 'raw SELECT of open arrears rows + JSON.parse + agingAsOf + sum per contract + sort', timing: limT.timing },
          target: null,
          databaseBytes: viewBytes,
          check: allOf(compareDebtors(libT.result, expectedTop), compareDebtors(limT.result, expectedTop)),
        }),
      );
      const knownAt = await knownAtLine(backend, store, viewDb, asOf, say);
      if (knownAt) lines.push(knownAt);
    }
  } finally {
    await views?.close();
    await store.close();
    await backend.discard('b');
  }
  return { lines, notes, space };
};

interface Workload {
  readonly commands: readonly ScheduledCommand[];
  readonly asOf: BusinessDate;
  readonly cycles: number;
  readonly planA: (subset: number) => { commands: readonly ScheduledCommand[]; plan: Plan };
  readonly planB: Plan;
  /** Path f's contracts and rows, worked out when first asked for. */
  readonly monthEnd: () => MonthEndWork;
}

/** The portfolio and the rows the library will write for it, worked out before anything is timed. */
const prepare = (
  accounts: number,
  months: number,
  seed: number,
  batchSize: number,
  contracts: number,
  log: (m: string) => void = () => undefined,
): Workload => {
  const portfolio = generatePortfolio({ accounts, months, seed });
  let monthEnd: MonthEndWork | null = null;
  const commands = portfolio.commands;
  const subsetPlans = new Map<number, { commands: readonly ScheduledCommand[]; plan: Plan }>();
  return {
    commands,
    asOf: portfolio.asOf,
    cycles: portfolio.cycles,
    planA: (subset) => {
      let p = subsetPlans.get(subset);
      if (!p) {
        // Only the latest is kept: the memory store's full-size plan need not outlive its path.
        subsetPlans.clear();
        const cmds = commands.slice(0, subset);
        subsetPlans.set(subset, (p = { commands: cmds, plan: planCommands(cmds, recordedAtOneByOne(cmds)) }));
      }
      return p;
    },
    planB: planCommands(commands, recordedAtPerBatch(commands, batchSize)),
    monthEnd: () => {
      if (!monthEnd) {
        log(`(f) planning the month-end run: ${contracts} contracts, seed ${seed}`);
        monthEnd = planMonthEnd(contracts, seed);
        log(`(f) ${monthEnd.history.length} rows of history, ${monthEnd.bills.length} November bills`);
      }
      return monthEnd;
    },
  };
};

const openBackend = async (kind: StoreKind, options: BenchOptions): Promise<Backend> =>
  kind === 'memory'
    ? getMemoryBackend()
    : kind === 'sqlite'
      ? getSQLiteBackend({ ...(options.dir ? { dir: options.dir } : {}) })
      : getPostgresBackend({ url: options.postgresUrl! });

export const runBenchmarks = async (partial: Partial<BenchOptions> = {}): Promise<BenchReport> => {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...partial };
  const started = performance.now();
  const log = (m: string) => options.log?.(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${m}`);
  const startedAt = new Date().toISOString();
  const loadAverageBefore = loadavg().map((x) => Math.round(x * 100) / 100);

  log(`generating the portfolio: ${options.accounts} accounts x ${options.months} months, seed ${options.seed}`);
  const workload = prepare(options.accounts, options.months, options.seed, options.batchSize, options.contracts, log);
  const { commands, planB } = workload;
  log(`${commands.length} commands, ${planB.rows.length} events, ${workload.cycles} cycles`);
  // A small run of every path first, thrown away: the first path measured must not pay for
  // compiling the code every later path runs hot.
  const warmup = options.warmup
    ? prepare(
        Math.min(WARMUP_ACCOUNTS, options.accounts),
        options.months,
        options.seed + 1,
        options.batchSize,
        Math.min(WARMUP_CONTRACTS, options.contracts),
      )
    : null;

  const lines: Line[] = [];
  const notes: string[] = [];
  const space: SpaceFigure[] = [];
  const stores: Array<{ kind: StoreKind; settings: string | null; skipped: string | null }> = [];
  for (const kind of options.stores) {
    if (kind === 'postgres' && !options.postgresUrl) {
      const skipped = 'POSTGRES_URL is not set: PostgreSQL skipped (start one with `bash scripts/postgres.sh start`)';
      log(skipped);
      stores.push({ kind, settings: null, skipped });
      continue;
    }
    if (warmup) {
      log(`[${kind}] warming up on ${warmup.commands.length} commands`);
      const backend = await openBackend(kind, options);
      try {
        await runBackend(backend, {
          options: { ...options, commandSubset: Math.min(options.commandSubset ?? WARMUP_COMMANDS, WARMUP_COMMANDS), log: () => undefined },
          ...warmup,
        });
      } finally {
        await backend.close();
      }
    }
    const backend = await openBackend(kind, options);
    stores.push({ kind, settings: backend.describe(), skipped: null });
    try {
      const r = await runBackend(backend, { options: { ...options, log }, ...workload });
      lines.push(...r.lines);
      notes.push(...r.notes);
      space.push(...r.space);
    } finally {
      await backend.close();
    }
  }

  const { log: _log, ...shown } = options;
  return {
    startedAt,
    options: shown,
    machine: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverageBefore,
      loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    workload: {
      accounts: options.accounts,
      months: options.months,
      cycles: workload.cycles,
      commands: commands.length,
      events: planB.rows.length,
      asOf: workload.asOf,
    },
    monthEnd: lines.some((l) => l.path === 'f')
      ? {
          contracts: options.contracts,
          historyRows: workload.monthEnd().history.length,
          bills: workload.monthEnd().bills.length,
          asOf: MONTH_END_AS_OF,
        }
      : null,
    stores,
    lines,
    space: space.map((x) => ({ ...x, ratio: Math.round((x.viewBytes / x.storeBytes) * 1000) / 1000, target: VIEWS_TO_STORE_TARGET })),
    notes,
    totalMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
};
