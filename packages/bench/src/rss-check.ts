// Rebuild memory: peak RSS of a rebuild of the three views over a large history against a small
// one. Each rebuild runs in a fresh process (peak RSS is per process and never goes down), on a
// SQLite store filled beforehand by another process, so nothing but the rebuild is in the peak.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { cycleStreamName, initialCycleState, type CycleState } from '@renewal-ledger/core';
import { getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { streamPortfolio } from '@renewal-ledger/workload';
import { TARGETS } from './harness.js';
import * as library from './library-paths.js';
import { measure } from './measure.js';
import { planCommand, type PlannedRow } from './plan.js';
import { rawInsert, sqliteBytes } from './sqlite-backend.js';
import { allOf, checkThat, compareTotals, totalsOfStates, type Check, type Totals } from './totals.js';

export interface RssPoint {
  readonly accounts: number;
  readonly events: number;
  /** Generating, planning and inserting the history raw (untimed for the check; said for its cost). */
  readonly seedMs: number;
  readonly rebuildMs: number;
  /** RSS once the store and views are open, before the rebuild. */
  readonly baselineRssMb: number;
  /** The process's peak RSS (getrusage maxrss) taken right after the rebuild. */
  readonly peakRssMb: number;
  readonly databaseMb: number;
  readonly check: Check;
}

/** Every size measured, smallest first; `small` and `large` are the first and the last, compared. */
export interface RssCheck extends SizeComparison<RssPoint> {
  readonly points: readonly RssPoint[];
}

const RESULT = 'RSS-CHILD-RESULT ';

/** This module's CLI entry, as compiled (dist/main.js) or as source under tsx (src/main.ts). */
export const mainFile = () => {
  const here = fileURLToPath(import.meta.url);
  return join(here, '..', `main${extname(here)}`);
};

const child = (args: readonly string[], log: (m: string) => void): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, mainFile(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => log(String(d).trimEnd()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code !== 0 || !line) return reject(new Error(`rss child ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice(RESULT.length)));
    });
  });

/**
 * Runs this module's CLI with `flag --dir dir` in a fresh process (peak RSS is per process) and
 * reads the point it wrote to `dir/result.json`. Its standard output goes to /dev/null: kept
 * nowhere, written as to a file.
 */
export const childPoint = <P>(flag: string, dir: string, log: (m: string) => void): Promise<P> =>
  new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const p = spawn(process.execPath, [...process.execArgv, mainFile(), flag, '--dir', dir], { stdio: ['ignore', devNull, 'pipe'] });
    closeSync(devNull);
    p.stderr?.on('data', (d) => log(String(d).trimEnd()));
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`${flag} child exited with ${code}`);
        resolve(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as P);
      } catch (e) {
        reject(e);
      }
    });
  });

const paths = (dir: string) => ({ store: join(dir, 'events.db'), views: join(dir, 'views.db') });

/** What the seeding child wrote: events, how long it took, and the figures of every cycle folded as it went. */
interface Seeded {
  readonly events: number;
  readonly seedMs: number;
  readonly totals: Totals;
}

/** Rows inserted per transaction when seeding: few commits, little WAL between checkpoints. */
const SEED_CHUNK = 20_000;

/**
 * Plans a portfolio's rows as the library writes them (a month of billing at a time, each
 * cycle's state dropped after its last command) and hands them to `write` in chunks: memory holds
 * a month of the portfolio, never the history. Returns the events and the finished cycles' totals.
 */
export const planStreamed = (o: { accounts: number; months: number; seed: number }, write: (rows: readonly PlannedRow[]) => void) => {
  const states = new Map<string, CycleState>();
  const finished: CycleState[] = [];
  let totals: Totals = { cycles: 0, dueMinor: 0, netPaidMinor: 0, outstandingMinor: 0 };
  let rows: PlannedRow[] = [];
  let events = 0;
  for (const slice of streamPortfolio({ accounts: o.accounts, months: o.months, seed: o.seed })) {
    for (const { command, recordedAt } of slice.commands) {
      const stream = cycleStreamName(command.cycleId);
      const planned = planCommand(command, states.get(stream) ?? initialCycleState(), recordedAt);
      if (typeof planned === 'string') continue;
      states.set(stream, planned.state);
      for (const r of planned.rows) rows.push(r);
      if (rows.length >= SEED_CHUNK) {
        write(rows);
        events += rows.length;
        rows = [];
      }
    }
    for (const id of slice.finishedCycles) {
      const stream = cycleStreamName(id);
      const state = states.get(stream);
      if (state) finished.push(state);
      states.delete(stream);
    }
    const t = totalsOfStates(finished.splice(0));
    totals = {
      cycles: totals.cycles + t.cycles,
      dueMinor: totals.dueMinor + t.dueMinor,
      netPaidMinor: totals.netPaidMinor + t.netPaidMinor,
      outstandingMinor: totals.outstandingMinor + t.outstandingMinor,
    };
  }
  if (rows.length > 0) write(rows);
  return { events: events + rows.length, totals, unfinished: states.size };
};

/** Child: fills a SQLite store with a portfolio's events (the rows the library writes, streamed and inserted raw for speed). */
export const seedChild = async (o: { dir: string; accounts: number; months: number; seed: number }): Promise<void> => {
  const started = performance.now();
  const { store: path } = paths(o.dir);
  await getSQLiteEventStore({ path }).close(); // the store's own schema
  const db = new Database(path);
  // Nothing here needs to survive a crash (a failed seed is run again): no sync, and a page cache
  // that holds the unique indexes, which grow in stream and event-id order, not in insert order.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  const insert = rawInsert(db);
  const planned = planStreamed(o, insert);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (planned.unfinished !== 0) throw new Error(`${planned.unfinished} cycles never finished`);
  const seeded: Seeded = { events: planned.events, seedMs: Math.round(performance.now() - started), totals: planned.totals };
  writeFileSync(join(o.dir, 'seeded.json'), JSON.stringify(seeded));
  process.stdout.write(`${RESULT}${JSON.stringify(seeded)}\n`);
};

/** Child: rebuilds the three views from the store, then reports the peak RSS and checks the figures. */
export const rebuildChild = async (o: { dir: string; accounts: number }): Promise<void> => {
  const p = paths(o.dir);
  const seeded = JSON.parse(readFileSync(join(o.dir, 'seeded.json'), 'utf8')) as Seeded;
  const store = getSQLiteEventStore({ path: p.store });
  const views = getSQLiteViewDatabase({ path: p.views });
  const events = Number(await store.headPosition());
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  const run = await measure((tick) => library.rebuild(store, views, tick));
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  // Checked after the peak was taken, against the totals the seeding folded from the rows it wrote.
  const viewTotals = await library.viewTotals(views, '2026-11-28' as never);
  await views.close();
  await store.close();
  const failed = run.result.results.filter((r) => r.status !== 'caught-up' || r.eventsRead !== events);
  const check: Check = failed.length
    ? { ok: false, detail: `not caught up: ${failed.map((r) => r.projection).join(', ')}` }
    : allOf(checkThat(events === seeded.events, `${events} events`), compareTotals(viewTotals, seeded.totals));
  const point: RssPoint = {
    accounts: o.accounts,
    events,
    seedMs: seeded.seedMs,
    rebuildMs: Math.round(run.timing.ms),
    baselineRssMb: Math.round(baseline / 1048576),
    peakRssMb,
    databaseMb: Math.round(((sqliteBytes(p.store) + sqliteBytes(p.views)) / 1048576) * 10) / 10,
    check,
  };
  process.stdout.write(`${RESULT}${JSON.stringify(point)}\n`);
};

/** A small and a large run, and how the large one's peak compares with the small one's. */
export interface SizeComparison<P> {
  readonly small: P;
  readonly large: P;
  /** large peak / small peak. */
  readonly ratio: number;
  readonly target: number;
  readonly met: boolean;
}

/** Measures a small and a large size, each in a temporary directory of its own (deleted after). */
export const compareSizes = async <S, P extends { readonly peakRssMb: number }>(
  sizes: { readonly small: S; readonly large: S },
  o: { readonly dir?: string | undefined; readonly prefix: string; readonly target: number },
  measurePoint: (size: S, dir: string) => Promise<P>,
): Promise<SizeComparison<P>> => {
  const point = async (size: S): Promise<P> => {
    const dir = mkdtempSync(join(o.dir ?? tmpdir(), o.prefix));
    try {
      return await measurePoint(size, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const small = await point(sizes.small);
  const large = await point(sizes.large);
  const ratio = Math.round((large.peakRssMb / small.peakRssMb) * 1000) / 1000;
  return { small, large, ratio, target: o.target, met: ratio <= o.target };
};

export const ratioLine = (r: SizeComparison<unknown>): string =>
  `  ratio ${r.ratio.toFixed(3)} (target <= ${r.target}): ${r.met ? 'met' : 'MISSED'}`;

/** Events per account of a portfolio (its mix is the same at every size): planned over a sample of accounts. */
export const eventsPerAccount = (months: number, seed: number, sample = 400): number => {
  let events = 0;
  planStreamed({ accounts: sample, months, seed }, (rows) => {
    events += rows.length;
  });
  return events / sample;
};

export const runRssCheck = async (o: {
  /** Accounts of each size, or events (turned into accounts at the portfolio's events per account). */
  sizes: { readonly accounts: readonly number[] } | { readonly events: readonly number[] };
  months: number;
  seed: number;
  dir?: string;
  log?: (m: string) => void;
}): Promise<RssCheck> => {
  const log = o.log ?? (() => undefined);
  const accounts =
    'accounts' in o.sizes
      ? o.sizes.accounts
      : ((perAccount) => o.sizes.events.map((e) => Math.max(1, Math.round(e / perAccount))))(eventsPerAccount(o.months, o.seed));
  const points: RssPoint[] = [];
  for (const size of accounts) {
    const dir = mkdtempSync(join(o.dir ?? tmpdir(), 'renewal-bench-rss-'));
    try {
      const common = ['--accounts', String(size), '--months', String(o.months), '--seed', String(o.seed), '--dir', dir];
      log(`[rss] seeding ${size} accounts`);
      const seeded = (await child(['--rss-child', 'seed', ...common], log)) as Seeded;
      log(`[rss] ${seeded.events} events seeded in ${(seeded.seedMs / 1000).toFixed(1)} s; rebuilding them in a fresh process`);
      const p = (await child(['--rss-child', 'rebuild', ...common], log)) as RssPoint;
      log(
        `[rss] ${p.events} events: peak RSS ${p.peakRssMb} MB (baseline ${p.baselineRssMb} MB), rebuild ${(p.rebuildMs / 1000).toFixed(1)} s`,
      );
      points.push(p);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const small = points[0]!;
  const large = points[points.length - 1]!;
  const ratio = Math.round((large.peakRssMb / small.peakRssMb) * 1000) / 1000;
  return { points, small, large, ratio, target: TARGETS.rebuildRss, met: ratio <= TARGETS.rebuildRss };
};

export const formatRssCheck = (r: RssCheck): string =>
  [
    'rebuild peak RSS (arrears + receipts + audit on SQLite, each size in a fresh process)',
    ...r.points.map(
      (p) =>
        `  ${p.events.toLocaleString('en-US')} events (${p.accounts} accounts): peak RSS ${p.peakRssMb} MB, baseline ${p.baselineRssMb} MB, rebuild ${(p.rebuildMs / 1000).toFixed(1)} s (${Math.round((p.events * 1000) / p.rebuildMs).toLocaleString('en-US')} events/s), seeded in ${(p.seedMs / 1000).toFixed(1)} s, db ${p.databaseMb} MB, check ${p.check.ok ? 'ok' : `MISMATCH: ${p.check.detail}`}`,
    ),
    `  largest against smallest:${ratioLine(r).slice(1)}`,
  ].join('\n');
