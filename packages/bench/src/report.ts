// The results as a table: plain text for the terminal, Markdown for docs/benchmarks.md.
import type { BenchReport } from './harness.js';
import type { Line } from './line.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number | null) => (bytes === null ? '-' : (bytes / 1048576).toFixed(1));

const HEADERS = ['store', 'path', 'n', 'library/s', 'limit/s', 'ratio', 'target', 'peak RSS MB', 'db MB', 'check'] as const;

const cells = (l: Line): string[] => [
  l.store,
  l.id,
  `${n(l.count)} ${l.unit === 'events' ? 'ev' : 'cyc'}`,
  n(l.library.perSecond),
  n(l.limit.perSecond),
  l.ratio.toFixed(3),
  l.target === null ? '-' : `>= ${l.target}${l.ratio >= l.target ? ' met' : ' MISSED'}`,
  `${l.library.peakRssMb.toFixed(0)} / ${l.limit.peakRssMb.toFixed(0)}`,
  mb(l.databaseBytes),
  l.check.ok ? 'ok' : 'MISMATCH',
];

export const formatTable = (report: BenchReport): string => {
  const rows = report.lines.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([2, 3, 4, 5, 7, 8]);
  const fmt = (r: readonly string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [fmt(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  return out.join('\n');
};

export const formatDetails = (report: BenchReport): string => {
  const out: string[] = [];
  out.push(
    `workload: ${n(report.workload.accounts)} accounts x ${report.workload.months} months = ${n(report.workload.cycles)} cycles, ${n(report.workload.commands)} commands, ${n(report.workload.events)} events (as of ${report.workload.asOf})`,
  );
  if (report.monthEnd)
    out.push(
      `month-end run (f): ${n(report.monthEnd.contracts)} contracts, ${n(report.monthEnd.historyRows)} rows in the store before it, ${n(report.monthEnd.bills)} bills due as of ${report.monthEnd.asOf}`,
    );
  out.push(
    `machine: ${report.machine.cpu}, ${report.machine.cores} cores, node ${report.machine.node}; load average ${report.machine.loadAverageBefore.join(' ')} before, ${report.machine.loadAverageAfter.join(' ')} after`,
  );
  for (const s of report.stores) out.push(`${s.kind}: ${s.skipped ?? s.settings}`);
  out.push(
    "peak RSS MB: library / limit, sampled during each; db MB: the library's database after the path (store; store + views for d; views for e)",
  );
  for (const l of report.lines) {
    const extra = [l.note, l.check.ok ? null : `CHECK FAILED: ${l.check.detail}`].filter(Boolean);
    if (extra.length) out.push(`${l.store} ${l.id}: ${extra.join('; ')}`);
  }
  if (report.space.length > 0)
    out.push(
      `views / store after the rebuild (d): ${report.space
        .map((x) => `${x.store} ${x.ratio.toFixed(2)}x${x.ratio <= x.target ? '' : ' MISSED'}`)
        .join(', ')} (target <= ${report.space[0]!.target}x, after the demo)`,
    );
  for (const note of report.notes) out.push(note);
  out.push(`total ${(report.totalMs / 1000).toFixed(1)} s, process peak RSS ${report.peakRssMb} MB`);
  return out.join('\n');
};

export const formatMarkdown = (report: BenchReport): string => {
  const header = `| ${HEADERS.join(' | ')} |`;
  const rule = `| ${HEADERS.map((_, i) => ([2, 3, 4, 5, 7, 8].includes(i) ? '---:' : '---')).join(' | ')} |`;
  return [header, rule, ...report.lines.map((l) => `| ${cells(l).join(' | ')} |`)].join('\n');
};
