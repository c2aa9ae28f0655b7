// `renewal apply` memory: peak RSS of applying a file of about 100 MB against one of about 1 GB,
// each in a fresh process (peak RSS is per process and never goes down), with its JSON report
// (every line's outcome, the format that writes the most) going to /dev/null. The files are
// generated into a temporary directory and deleted after: a thousand cycles billed, then each
// cycle's payment keyed again and again under new command ids (the same fact: a duplicate), so
// the run reads, decides and reports every line while the store stays small, and the memory
// measured is the apply's own. Flat memory means the large file's peak is within 1.2x the small's.
import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main as renewal } from '@renewal-ledger/cli';
import { TARGETS } from './harness.js';
import { childPoint, compareSizes, ratioLine, type SizeComparison } from './rss-check.js';
import type { Check } from './totals.js';

export interface ApplyRssPoint {
  /** Size of the file applied. */
  readonly megabytes: number;
  readonly lines: number;
  readonly applyMs: number;
  /** RSS of the process before the apply. */
  readonly baselineRssMb: number;
  /** The process's peak RSS (getrusage maxrss) right after the apply. */
  readonly peakRssMb: number;
  readonly check: Check;
}

export type ApplyRssCheck = SizeComparison<ApplyRssPoint>;

/** Cycles billed at the top of every file: each line after is a payment on one of them. */
export const APPLY_RSS_CYCLES = 1000;

const cycleOf = (i: number) => `rss-${String(i).padStart(4, '0')}/2026-01`;

const billLine = (i: number) =>
  JSON.stringify({
    type: 'Bill',
    commandId: `bill-${i}`,
    cycleId: cycleOf(i),
    actor: 'billing-run',
    at: '2026-01-01T01:00:00Z',
    contractId: `rss-${i}`,
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
  });

// The same payment of each cycle, keyed under a new command id each time (a cashier's system
// sending its day again): the first one of a cycle is applied, the others are the same fact.
const paymentLine = (n: number) => {
  const i = n % APPLY_RSS_CYCLES;
  return JSON.stringify({
    type: 'RecordPayment',
    commandId: `keyed-${n}`,
    cycleId: cycleOf(i),
    actor: 'cashier-chen',
    at: '2026-01-20T10:30:00Z',
    paymentId: `pay-${i}`,
    amountMinor: 10000,
    channel: 'wechat-pay',
    reference: `WX-2026-01-20-${String(i).padStart(8, '0')}-counter-3-shift-a`,
  });
};

/** Writes a file of at least `megabytes` MB of commands; returns its line count. */
export const writeApplyFile = async (path: string, megabytes: number): Promise<number> => {
  const out = createWriteStream(path);
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  let lines = 0;
  let chunk: string[] = [];
  const add = async (line: string) => {
    chunk.push(line);
    bytes += Buffer.byteLength(line) + 1;
    lines += 1;
    if (chunk.length < 4096) return;
    const text = `${chunk.join('\n')}\n`;
    chunk = [];
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let i = 0; i < APPLY_RSS_CYCLES; i++) await add(billLine(i));
  for (let n = 0; bytes < target || lines < 2 * APPLY_RSS_CYCLES; n++) await add(paymentLine(n));
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return lines;
};

/** Child: applies the file with the CLI in this process, its report to /dev/null, and writes the result. */
export const applyChild = async (o: { dir: string }): Promise<void> => {
  const file = join(o.dir, 'commands.jsonl');
  const lines = Number(readFileSync(join(o.dir, 'lines'), 'utf8'));
  const store = join(o.dir, 'store.db');
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  const started = performance.now();
  const status = await renewal(['apply', file, '--store', `sqlite:${store}`, '--format', 'json']);
  const applyMs = performance.now() - started;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const db = new Database(store, { readonly: true });
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  // Every bill and each cycle's first payment: 2 events per cycle, whatever the file's size.
  const expected = 2 * APPLY_RSS_CYCLES;
  const check: Check =
    status === 0 && stored === expected
      ? { ok: true, detail: `exit 0; ${lines.toLocaleString('en-US')} lines; ${stored} events stored` }
      : { ok: false, detail: `exit ${status}; ${stored} events stored, expected ${expected}` };
  const point: ApplyRssPoint = {
    megabytes: Math.round((statSync(file).size / 1048576) * 10) / 10,
    lines,
    applyMs: Math.round(applyMs),
    baselineRssMb: Math.round(baseline / 1048576),
    peakRssMb,
    check,
  };
  writeFileSync(join(o.dir, 'result.json'), JSON.stringify(point));
};

const child = (dir: string, log: (m: string) => void): Promise<ApplyRssPoint> => childPoint<ApplyRssPoint>('--apply-rss-child', dir, log);

export const runApplyRssCheck = async (o: {
  small: number;
  large: number;
  dir?: string;
  log?: (m: string) => void;
}): Promise<ApplyRssCheck> => {
  const log = o.log ?? (() => undefined);
  return compareSizes(o, { dir: o.dir, prefix: 'renewal-bench-apply-', target: TARGETS.applyRss }, async (megabytes, dir) => {
    log(`[apply rss] writing a file of ${megabytes} MB`);
    const lines = await writeApplyFile(join(dir, 'commands.jsonl'), megabytes);
    writeFileSync(join(dir, 'lines'), String(lines));
    log(`[apply rss] renewal apply of ${lines.toLocaleString('en-US')} lines in a fresh process`);
    const p = await child(dir, log);
    log(`[apply rss] ${p.megabytes} MB: peak RSS ${p.peakRssMb} MB (baseline ${p.baselineRssMb} MB), ${(p.applyMs / 1000).toFixed(1)} s`);
    return p;
  });
};

export const formatApplyRssCheck = (r: ApplyRssCheck): string =>
  [
    'renewal apply peak RSS (SQLite store, JSON report to /dev/null, each file in a fresh process)',
    ...[r.small, r.large].map(
      (p) =>
        `  ${p.megabytes} MB, ${p.lines.toLocaleString('en-US')} lines: peak RSS ${p.peakRssMb} MB, baseline ${p.baselineRssMb} MB, ${(p.applyMs / 1000).toFixed(1)} s (${Math.round((p.lines * 1000) / p.applyMs).toLocaleString('en-US')} lines/s), check ${p.check.ok ? 'ok' : `FAILED: ${p.check.detail}`}`,
    ),
    ratioLine(r),
  ].join('\n');
