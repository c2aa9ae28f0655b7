#!/usr/bin/env node
// `pnpm bench`: runs the harness and prints the table (and JSON with --json), or the rebuild
// memory check with --rss-check, or the memory check of `renewal apply` with --apply-rss-check,
// or that of reconciling a statement with --reconcile-rss-check.
import { writeFileSync } from 'node:fs';
import { runBenchmarks } from './harness.js';
import { parseArgs, USAGE } from './options.js';
import { formatDetails, formatTable } from './report.js';
import { formatRssCheck, rebuildChild, runRssCheck, seedChild } from './rss-check.js';
import { formatRanges, runRepeated } from './runs.js';
import { applyChild, formatApplyRssCheck, runApplyRssCheck } from './apply-rss.js';
import { formatReconcileRssCheck, reconcileChild, runReconcileRssCheck } from './reconcile-rss.js';

const main = async (): Promise<number> => {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const { bench } = cli;
  const log = cli.quiet ? undefined : (m: string) => process.stderr.write(`${m}\n`);
  if (cli.rssChild) {
    if (!bench.dir) throw new TypeError('--rss-child needs --dir');
    if (cli.rssChild.role === 'seed') await seedChild({ dir: bench.dir, accounts: bench.accounts, months: bench.months, seed: bench.seed });
    else await rebuildChild({ dir: bench.dir, accounts: bench.accounts });
    return 0;
  }
  if (cli.applyRssChild) {
    if (!bench.dir) throw new TypeError('--apply-rss-child needs --dir');
    await applyChild({ dir: bench.dir });
    return 0;
  }
  if (cli.reconcileRssChild) {
    if (!bench.dir) throw new TypeError('--reconcile-rss-child needs --dir');
    await reconcileChild({ dir: bench.dir });
    return 0;
  }
  if (cli.reconcileRssCheck) {
    const r = await runReconcileRssCheck({ ...cli.reconcileRssCheck, ...(bench.dir ? { dir: bench.dir } : {}), ...(log ? { log } : {}) });
    console.log(formatReconcileRssCheck(r));
    if (cli.jsonFile)
      writeFileSync(
        cli.jsonFile,
        `${JSON.stringify({ reconcileRssCheck: r }, null, 2)}
`,
      );
    return r.small.check.ok && r.large.check.ok ? 0 : 1;
  }
  if (cli.applyRssCheck) {
    const r = await runApplyRssCheck({ ...cli.applyRssCheck, ...(bench.dir ? { dir: bench.dir } : {}), ...(log ? { log } : {}) });
    console.log(formatApplyRssCheck(r));
    if (cli.jsonFile) writeFileSync(cli.jsonFile, `${JSON.stringify({ applyRssCheck: r }, null, 2)}\n`);
    return r.small.check.ok && r.large.check.ok ? 0 : 1;
  }
  if (cli.rssCheck) {
    const r = await runRssCheck({
      sizes: cli.rssCheck,
      months: bench.months,
      seed: bench.seed,
      ...(bench.dir ? { dir: bench.dir } : {}),
      ...(log ? { log } : {}),
    });
    console.log(formatRssCheck(r));
    if (cli.jsonFile) writeFileSync(cli.jsonFile, `${JSON.stringify({ rssCheck: r }, null, 2)}\n`);
    return r.points.every((p) => p.check.ok) ? 0 : 1;
  }
  if (cli.runs > 1) {
    const r = await runRepeated(process.argv.slice(2), cli.runs, log ?? (() => undefined));
    console.log(`each line's ratio over ${cli.runs} runs (each a fresh process)`);
    console.log(formatRanges(r.ranges));
    if (cli.jsonFile) writeFileSync(cli.jsonFile, `${JSON.stringify(r, null, 2)}\n`);
    return r.ranges.every((x) => x.checksOk === x.runs) ? 0 : 1;
  }
  const report = await runBenchmarks({ ...bench, ...(log ? { log } : {}) });
  console.log(formatTable(report));
  console.log();
  console.log(formatDetails(report));
  if (cli.jsonFile) writeFileSync(cli.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  // A wrong answer is a failure whatever the speed.
  return report.lines.every((l) => l.check.ok) ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 2;
  },
);
