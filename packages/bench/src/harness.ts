// The harness: one portfolio, every path on every store, each against its limit on the same rows.
import { cpus, loadavg } from 'node:os';
import type { BusinessDate } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { ViewDatabase } from '@renewal-ledger/projections';
import { generatePortfolio, type ScheduledCommand } from '@renewal-ledger/workload';
import type { Backend, Replayed } from './backend.js';
import * as library from './library-paths.js';
import { makeLine, type Line, type PathId, type StoreKind } from './line.js';
import { measure } from './measure.js';
import { getMemoryBackend } from './memory-backend.js';
import { chunks, planCommands, recordedAtOneByOne, recordedAtPerBatch, type Plan } from './plan.js';
import { getPostgresBackend } from './postgres-backend.js';
import { getSQLiteBackend } from './sqlite-backend.js';
import {
  agingOfStates,
  allOf,
  checkThat,
  compareAging,
  compareDebtors,
  compareDigests,
  compareTotals,
  topDebtorsOfStates,
} from './totals.js';

export const TARGETS = { a: 0.8, b: 0.5, c: 0.5, d: 0.5, rebuildRss: 1.2 } as const;

export interface BenchOptions {
  readonly accounts: number;
  readonly months: number;
  readonly seed: number;
  /** Commands per handleBatch call (b), and per raw transaction of its limit. */
  readonly batchSize: number;
  /** The command path (a) on durable stores runs the first N commands; null: all of them. */
  readonly commandSubset: number | null;
  readonly stores: readonly StoreKind[];
  readonly paths: readonly PathId[];
  /** PostgreSQL connection URL; without it the PostgreSQL lines are skipped (and said so). */
  readonly postgresUrl: string | null;
  /** Where SQLite files go (a temp dir is made inside). Default: the OS temp dir. */
  readonly dir?: string;
  /** Progress messages (stderr in the CLI). */
  readonly log?: (message: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  accounts: 2000,
  months: 24,
  seed: 2026,
  batchSize: 500,
  commandSubset: 20_000,
  stores: ['memory', 'sqlite', 'postgres'],
  paths: ['a', 'b', 'c', 'd', 'e'],
  postgresUrl: null,
};

export interface BenchReport {
  readonly startedAt: string;
  readonly options: Omit<BenchOptions, 'log'>;
  readonly machine: { readonly node: string; readonly cpu: string; readonly cores: number; readonly loadAverageBefore: readonly number[]; readonly loadAverageAfter: readonly number[] };
  readonly workload: { readonly accounts: number; readonly months: number; readonly cycles: number; readonly commands: number; readonly events: number; readonly asOf: string };
  readonly stores: ReadonlyArray<{ readonly kind: StoreKind; readonly settings: string | null; readonly skipped: string | null }>;
  readonly lines: readonly Line[];
  readonly notes: readonly string[];
  readonly totalMs: number;
  readonly peakRssMb: number;
}

const TOP = 100;

const streamsOf = (plan: Plan): string[] => [...new Set(plan.rows.map((r) => r.streamName))];

/** Rows of each batch of commands: one raw transaction per handleBatch call. */
const batchGroups = (plan: Plan, batchSize: number) => chunks(plan.rowsByCommand, batchSize).map((g) => g.flat());

const runBackend = async (
  backend: Backend,
  context: {
    readonly options: BenchOptions;
    readonly commands: readonly ScheduledCommand[];
    readonly asOf: BusinessDate;
    readonly planA: (subset: number) => { commands: readonly ScheduledCommand[]; plan: Plan };
    readonly planB: Plan;
  },
): Promise<{ lines: Line[]; notes: string[] }> => {
  const { options, commands, asOf } = context;
  const log = options.log ?? (() => undefined);
  const lines: Line[] = [];
  const notes: string[] = [];
  const kind = backend.kind;
  const want = (p: PathId) => options.paths.includes(p);
  const say = (m: string) => log(`[${kind}] ${m}`);

  if (want('a')) {
    const subset = backend.durable && options.commandSubset !== null ? Math.min(options.commandSubset, commands.length) : commands.length;
    const { commands: cmds, plan } = context.planA(subset);
    const recordedAtOf = recordedAtOneByOne(cmds);
    say(`(a) command path: ${cmds.length} commands, one transaction each`);
    const store = await backend.openStore('a');
    const lib = await measure((tick) => library.commandPath(store, cmds, recordedAtOf, tick));
    await store.close();
    say(`(a) limit`);
    const lim = await measure((tick) => backend.limit.write('a', { groups: plan.rowsByCommand, commands: cmds, recordedAtOf }, tick));
    const written = await backend.limit.written('a');
    const check = allOf(
      compareTotals(lib.result.totals, written.totals),
      compareDigests(await backend.limit.libraryDigest('a'), written.digest),
      checkThat(lib.result.applied === plan.applied && lib.result.duplicates === plan.duplicates && lib.result.rejected === plan.rejected,
        `${lib.result.applied} applied, ${lib.result.duplicates} duplicates, ${lib.result.rejected} refused (expected ${plan.applied}/${plan.duplicates}/${plan.rejected})`),
    );
    const subsetNote = cmds.length < commands.length ? `first ${cmds.length} of ${commands.length} commands (library and limit on the same subset)` : null;
    lines.push(
      makeLine({
        store: kind,
        path: 'a',
        id: 'a',
        title: 'command path: handle() one command at a time',
        count: plan.rows.length,
        library: { what: 'getCommandHandler().handle per command (read stream, decide, append in its own transaction)', timing: lib.timing },
        limit: {
          what: kind === 'memory' ? 'bare decide + fold + serialise of the same commands, no store' : 'raw prepared INSERT of the same JSON, one transaction per command',
          timing: lim.timing,
        },
        target: TARGETS.a,
        databaseBytes: await backend.storeBytes('a'),
        check,
        note: subsetNote,
      }),
    );
  }

  const needsStore = want('b') || want('c') || want('d') || want('e');
  if (!needsStore) return { lines, notes };
  if (!want('b')) notes.push(`${kind}: path b ran to fill the store that c, d and e read (not asked for, not shown)`);

  const plan = context.planB;
  const recordedAtOf = recordedAtPerBatch(commands, options.batchSize);
  say(`(b) batch path: ${commands.length} commands, ${options.batchSize} per handleBatch`);
  const store: EventStore = await backend.openStore('b');
  let views: ViewDatabase | null = null;
  try {
    const lib = await measure((tick) => library.batchPath(store, commands, options.batchSize, recordedAtOf, tick));
    say(`(b) limit`);
    const lim = await measure((tick) => backend.limit.write('b', { groups: batchGroups(plan, options.batchSize), commands, recordedAtOf }, tick));
    const written = await backend.limit.written('b');
    if (want('b')) {
      lines.push(
        makeLine({
          store: kind,
          path: 'b',
          id: 'b',
          title: `batch path: handleBatch(${options.batchSize} commands)`,
          count: plan.rows.length,
          library: { what: `getCommandHandler().handleBatch of ${options.batchSize} commands (one appendBatch transaction each)`, timing: lib.timing },
          limit: {
            what: kind === 'memory' ? 'bare decide + fold + serialise of the same commands, no store' : 'raw prepared INSERT of the same JSON, one transaction per batch',
            timing: lim.timing,
          },
          target: TARGETS.b,
          databaseBytes: await backend.storeBytes('b'),
          check: allOf(
            compareTotals(lib.result.totals, written.totals),
            compareDigests(await backend.limit.libraryDigest('b'), written.digest),
            checkThat(lib.result.applied === plan.applied, `${lib.result.applied} commands applied (expected ${plan.applied})`),
          ),
        }),
      );
    }

    const streams = streamsOf(plan);
    if (want('c')) {
      say(`(c) rehydrate ${streams.length} cycles`);
      const libC = await measure((tick) => library.rehydrate(store, streams, tick));
      say(`(c) limit`);
      const limC = await measure((tick) => backend.limit.rehydrate('b', streams, tick));
      lines.push(
        makeLine({
          store: kind,
          path: 'c',
          id: 'c',
          title: `rehydrate: load and fold each of ${streams.length} cycles`,
          count: plan.rows.length,
          library: { what: 'readStream + evolveCycle per cycle (every event decoded and validated)', timing: libC.timing },
          limit: {
            what: kind === 'memory' ? "the store's rows of each stream: JSON.parse + evolveCycle" : 'raw prepared ordered SELECT per stream + JSON.parse + evolveCycle',
            timing: limC.timing,
          },
          target: TARGETS.c,
          databaseBytes: await backend.storeBytes('b'),
          check: compareTotals(libC.result, limC.result),
        }),
      );
    }

    if (!want('d') && !want('e')) return { lines, notes };
    say(`(d) limit: replay ${plan.rows.length} events`);
    const limD = await measure((tick) => backend.limit.replay('b', tick));
    const replayed: Replayed = limD.result;
    const replayWhat = kind === 'memory' ? "the store's rows in order: JSON.parse + evolveCycle" : 'raw ordered SELECT of every event + JSON.parse + evolveCycle';

    if (want('d')) {
      say(`(d) readAll + fold`);
      const libRead = await measure((tick) => library.readAllAndFold(store, tick));
      lines.push(
        makeLine({
          store: kind,
          path: 'd',
          id: 'd:read',
          title: 'rebuild, read side only: readAll + fold (diagnostic)',
          count: plan.rows.length,
          library: { what: 'readAll (pages of 500, every event decoded) + evolveCycle per cycle', timing: libRead.timing },
          limit: { what: replayWhat, timing: limD.timing },
          target: null,
          databaseBytes: await backend.storeBytes('b'),
          check: allOf(compareTotals(libRead.result.totals, replayed.totals), checkThat(libRead.result.events === replayed.events, `${libRead.result.events} events read`)),
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
          limit: { what: replayWhat, timing: limD.timing },
          target: TARGETS.d,
          databaseBytes: storeBytes === null || viewBytes === null ? null : storeBytes + viewBytes,
          check: allOf(
            checkThat(failed.length === 0, failed.length === 0 ? 'all 3 views caught up' : `not caught up: ${failed.map((r) => `${r.projection} ${r.status} ${r.eventsRead}`).join(', ')}`),
            compareTotals(await library.viewTotals(viewDb, asOf), replayed.totals),
          ),
          note: `per view: ${per}`,
        }),
      );
    }

    if (want('e')) {
      const expectedAging = agingOfStates(replayed.states.values(), asOf);
      const expectedTop = topDebtorsOfStates(replayed.states.values(), asOf, TOP);
      say(`(e) arrears as of ${asOf} over every cycle`);
      const libP = await measure(() => library.portfolioAsOf(viewDb, asOf));
      const limP = await measure((tick) => backend.limit.portfolio(asOf, tick));
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
          check: allOf(compareAging(libP.result, expectedAging), checkThat(libP.result.cycles === cycles && limP.result.cycles === cycles, `${cycles} cycles`)),
        }),
      );
      say(`(e) top ${TOP} debtors`);
      const libT = await measure(() => library.topDebtors(viewDb, asOf, TOP));
      const limT = await measure((tick) => backend.limit.topDebtors(asOf, TOP, tick));
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
    }
  } finally {
    await views?.close();
    await store.close();
  }
  return { lines, notes };
};

export const runBenchmarks = async (partial: Partial<BenchOptions> = {}): Promise<BenchReport> => {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...partial };
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageBefore = loadavg().map((x) => Math.round(x * 100) / 100);

  log(`generating the portfolio: ${options.accounts} accounts x ${options.months} months, seed ${options.seed}`);
  const portfolio = generatePortfolio({ accounts: options.accounts, months: options.months, seed: options.seed });
  const commands = portfolio.commands;
  const planB = planCommands(commands, recordedAtPerBatch(commands, options.batchSize));
  const subsetPlans = new Map<number, { commands: readonly ScheduledCommand[]; plan: Plan }>();
  const planA = (subset: number) => {
    let p = subsetPlans.get(subset);
    if (!p) {
      const cmds = commands.slice(0, subset);
      subsetPlans.set(subset, (p = { commands: cmds, plan: planCommands(cmds, recordedAtOneByOne(cmds)) }));
    }
    return p;
  };
  log(`${commands.length} commands, ${planB.rows.length} events, ${portfolio.cycles} cycles`);

  const lines: Line[] = [];
  const notes: string[] = [];
  const stores: Array<{ kind: StoreKind; settings: string | null; skipped: string | null }> = [];
  for (const kind of options.stores) {
    if (kind === 'postgres' && !options.postgresUrl) {
      const skipped = 'POSTGRES_URL is not set: PostgreSQL skipped (start one with `bash scripts/postgres.sh start`)';
      log(skipped);
      stores.push({ kind, settings: null, skipped });
      continue;
    }
    const backend =
      kind === 'memory' ? getMemoryBackend() : kind === 'sqlite' ? getSQLiteBackend({ ...(options.dir ? { dir: options.dir } : {}) }) : await getPostgresBackend({ url: options.postgresUrl! });
    stores.push({ kind, settings: backend.describe(), skipped: null });
    try {
      const r = await runBackend(backend, { options, commands, asOf: portfolio.asOf, planA, planB });
      lines.push(...r.lines);
      notes.push(...r.notes);
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
      cycles: portfolio.cycles,
      commands: commands.length,
      events: planB.rows.length,
      asOf: portfolio.asOf,
    },
    stores,
    lines,
    notes,
    totalMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
};
