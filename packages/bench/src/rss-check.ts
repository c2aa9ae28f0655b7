// Rebuild memory: peak RSS of a rebuild of the three views over a large history against a small
// one. Each rebuild runs in a fresh process (peak RSS is per process and never goes down), on a
// SQLite store filled beforehand by another process, so nothing but the rebuild is in the peak.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { CycleState } from '@renewal-ledger/core';
import { getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { generatePortfolio } from '@renewal-ledger/workload';
import { TARGETS } from './harness.js';
import * as library from './library-paths.js';
import { measure } from './measure.js';
import { chunks, planCommands, recordedAtOneByOne } from './plan.js';
import { rawInsert, sqliteBytes } from './sqlite-backend.js';
import { compareTotals, foldInto, totalsOfStates, type Check } from './totals.js';

export interface RssPoint {
  readonly accounts: number;
  readonly events: number;
  readonly rebuildMs: number;
  /** RSS once the store and views are open, before the rebuild. */
  readonly baselineRssMb: number;
  /** The process's peak RSS (getrusage maxrss) taken right after the rebuild. */
  readonly peakRssMb: number;
  readonly databaseMb: number;
  readonly check: Check;
}

export type RssCheck = SizeComparison<RssPoint>;

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

/** Child: fills a SQLite store with a portfolio's events (the rows the library writes, inserted raw for speed). */
export const seedChild = async (o: { dir: string; accounts: number; months: number; seed: number }): Promise<void> => {
  const { commands } = generatePortfolio({ accounts: o.accounts, months: o.months, seed: o.seed });
  const plan = planCommands(commands, recordedAtOneByOne(commands));
  const { store: path } = paths(o.dir);
  await getSQLiteEventStore({ path }).close(); // the store's own schema
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = rawInsert(db);
  for (const rows of chunks(plan.rows, 10_000)) insert(rows);
  db.close();
  process.stdout.write(`${RESULT}${JSON.stringify({ events: plan.rows.length })}\n`);
};

/** Child: rebuilds the three views from the store, then reports the peak RSS and checks the figures. */
export const rebuildChild = async (o: { dir: string; accounts: number }): Promise<void> => {
  const p = paths(o.dir);
  const store = getSQLiteEventStore({ path: p.store });
  const views = getSQLiteViewDatabase({ path: p.views });
  const events = Number(await store.headPosition());
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  const run = await measure((tick) => library.rebuild(store, views, tick));
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  // Checked after the peak was taken: the raw fold holds every cycle in memory.
  const viewTotals = await library.viewTotals(views, '2026-11-28' as never);
  await views.close();
  await store.close();
  const db = new Database(p.store, { readonly: true });
  const states = new Map<string, CycleState>();
  for (const r of db.prepare('SELECT stream_id, type, data FROM events ORDER BY global_position').iterate() as IterableIterator<{
    stream_id: string;
    type: string;
    data: string;
  }>)
    foldInto(states, r.stream_id, r.type, JSON.parse(r.data));
  db.close();
  const failed = run.result.results.filter((r) => r.status !== 'caught-up' || r.eventsRead !== events);
  const totals = compareTotals(viewTotals, totalsOfStates(states.values()));
  const check: Check = failed.length ? { ok: false, detail: `not caught up: ${failed.map((r) => r.projection).join(', ')}` } : totals;
  const point: RssPoint = {
    accounts: o.accounts,
    events,
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

export const runRssCheck = async (o: {
  small: number;
  large: number;
  months: number;
  seed: number;
  dir?: string;
  log?: (m: string) => void;
}): Promise<RssCheck> => {
  const log = o.log ?? (() => undefined);
  return compareSizes(o, { dir: o.dir, prefix: 'renewal-bench-rss-', target: TARGETS.rebuildRss }, async (accounts, dir) => {
    const common = ['--accounts', String(accounts), '--months', String(o.months), '--seed', String(o.seed), '--dir', dir];
    log(`[rss] seeding ${accounts} accounts`);
    const seeded = (await child(['--rss-child', 'seed', ...common], log)) as { events: number };
    log(`[rss] rebuilding ${seeded.events} events in a fresh process`);
    const p = (await child(['--rss-child', 'rebuild', ...common], log)) as RssPoint;
    log(
      `[rss] ${p.events} events: peak RSS ${p.peakRssMb} MB (baseline ${p.baselineRssMb} MB), rebuild ${(p.rebuildMs / 1000).toFixed(1)} s`,
    );
    return p;
  });
};

export const formatRssCheck = (r: RssCheck): string =>
  [
    'rebuild peak RSS (arrears + receipts + audit on SQLite, each size in a fresh process)',
    ...[r.small, r.large].map(
      (p) =>
        `  ${p.events.toLocaleString('en-US')} events (${p.accounts} accounts): peak RSS ${p.peakRssMb} MB, baseline ${p.baselineRssMb} MB, rebuild ${(p.rebuildMs / 1000).toFixed(1)} s (${Math.round((p.events * 1000) / p.rebuildMs).toLocaleString('en-US')} events/s), db ${p.databaseMb} MB, check ${p.check.ok ? 'ok' : `MISMATCH: ${p.check.detail}`}`,
    ),
    ratioLine(r),
  ].join('\n');
