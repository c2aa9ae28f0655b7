// `--runs N`: the bench run N times, each in a fresh process (as `pnpm bench` runs once), and each
// line's ratio given as its range over the runs: the ratios move between runs on a shared machine,
// and the issues ask for each target with its range over three runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './harness.js';
import type { StoreKind } from './line.js';
import { mainFile } from './rss-check.js';

export interface RatioRange {
  readonly store: StoreKind;
  /** A line's id (`a`, `d:write`, ...), or `views/store` for the size of the views against the store after the rebuild. */
  readonly id: string;
  /** Runs that had this line. */
  readonly runs: number;
  readonly min: number;
  readonly max: number;
  /** Each run's ratio, in run order. */
  readonly ratios: readonly number[];
  readonly target: number | null;
  /** How the target reads: a rate ratio at least the target; the views' size at most. */
  readonly sense: 'at least' | 'at most';
  /** Runs in which the target was met (null without a target). */
  readonly met: number | null;
  /** Runs whose check column was ok. */
  readonly checksOk: number;
}

export interface RepeatedRuns {
  readonly runs: readonly BenchReport[];
  readonly ranges: readonly RatioRange[];
}

const rangeOf = (r: Omit<RatioRange, 'runs' | 'min' | 'max' | 'met'>): RatioRange => ({
  ...r,
  runs: r.ratios.length,
  min: Math.min(...r.ratios),
  max: Math.max(...r.ratios),
  met: r.target === null ? null : r.ratios.filter((x) => (r.sense === 'at least' ? x >= r.target! : x <= r.target!)).length,
});

/** Each line's ratios over the runs, in the order the lines first appear, then the views' size per store. */
export const rangesOf = (reports: readonly BenchReport[]): RatioRange[] => {
  const lines = new Map<string, { store: StoreKind; id: string; ratios: number[]; target: number | null; checksOk: number }>();
  const space = new Map<StoreKind, { ratios: number[]; target: number }>();
  for (const report of reports) {
    for (const l of report.lines) {
      const key = `${l.store} ${l.id}`;
      let r = lines.get(key);
      if (!r) lines.set(key, (r = { store: l.store, id: l.id, ratios: [], target: l.target, checksOk: 0 }));
      r.ratios.push(l.ratio);
      if (l.check.ok) r.checksOk++;
    }
    for (const s of report.space ?? []) {
      let r = space.get(s.store);
      if (!r) space.set(s.store, (r = { ratios: [], target: s.target }));
      r.ratios.push(s.ratio);
    }
  }
  return [
    ...[...lines.values()].map((r) => rangeOf({ ...r, sense: 'at least' })),
    ...[...space].map(([store, r]) =>
      rangeOf({ store, id: 'views/store', ratios: r.ratios, target: r.target, sense: 'at most', checksOk: r.ratios.length }),
    ),
  ];
};

const HEADERS = ['store', 'line', 'runs', 'ratio min-max', 'each run', 'target', 'met', 'check'] as const;

const cells = (r: RatioRange): string[] => [
  r.store,
  r.id,
  String(r.runs),
  `${r.min.toFixed(3)}-${r.max.toFixed(3)}`,
  r.ratios.map((x) => x.toFixed(3)).join(' '),
  r.target === null ? '-' : `${r.sense === 'at least' ? '>=' : '<='} ${r.target}`,
  r.met === null ? '-' : `${r.met}/${r.runs}`,
  r.checksOk === r.runs ? 'ok' : `MISMATCH in ${r.runs - r.checksOk}`,
];

export const formatRanges = (ranges: readonly RatioRange[]): string => {
  const rows = ranges.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
};

export const formatRangesMarkdown = (ranges: readonly RatioRange[]): string =>
  [`| ${HEADERS.join(' | ')} |`, `| ${HEADERS.map(() => '---').join(' | ')} |`, ...ranges.map((r) => `| ${cells(r).join(' | ')} |`)].join(
    '\n',
  );

/** The arguments of one run: `--runs` and `--json` taken out (each run writes its own JSON). */
export const singleRunArgs = (argv: readonly string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs' || argv[i] === '--json') i++;
    else if (!(argv[i] === '--' && i === 0)) out.push(argv[i]!);
  }
  return out;
};

const runOnce = (args: readonly string[], jsonFile: string, tag: string, log: (m: string) => void): Promise<BenchReport> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, mainFile(), ...args, '--json', jsonFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => log(`${tag} ${String(d).trimEnd()}`));
    p.on('error', reject);
    p.on('close', (code) => {
      // Exit 1 is a failed check: the report is still written, and the ranges say which.
      if (code !== 0 && code !== 1) return reject(new Error(`${tag} exited with ${code}: ${out.slice(-2000)}`));
      try {
        log(`${tag} done\n${out.trimEnd()}`);
        resolve(JSON.parse(readFileSync(jsonFile, 'utf8')) as BenchReport);
      } catch (e) {
        reject(e);
      }
    });
  });

/** Runs the bench `runs` times one after another, each in a fresh process, with the other arguments as given. */
export const runRepeated = async (argv: readonly string[], runs: number, log: (m: string) => void): Promise<RepeatedRuns> => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-runs-'));
  const args = singleRunArgs(argv);
  const reports: BenchReport[] = [];
  try {
    for (let i = 1; i <= runs; i++) reports.push(await runOnce(args, join(dir, `run-${i}.json`), `[run ${i}/${runs}]`, log));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs: reports, ranges: rangesOf(reports) };
};
