// @renewal-ledger/bench: the benchmark harness, for `pnpm bench` and its smoke test.
export { runBenchmarks, DEFAULT_OPTIONS, TARGETS, type BenchOptions, type BenchReport } from './harness.js';
export { formatTable, formatDetails, formatMarkdown } from './report.js';
export { parseArgs, USAGE, type CliOptions } from './options.js';
export { runRssCheck, formatRssCheck, type RssCheck, type RssPoint } from './rss-check.js';
export { rangesOf, formatRanges, formatRangesMarkdown, singleRunArgs, type RatioRange, type RepeatedRuns } from './runs.js';
export { targetFor, VIEWS_TO_STORE_TARGET } from './targets.js';
export { sqliteViewRowsWrite, shareOf, RUNNER_TABLES, type ViewRowsWrite } from './view-rows.js';
export { runApplyRssCheck, formatApplyRssCheck, type ApplyRssCheck, type ApplyRssPoint } from './apply-rss.js';
export type { Line, Side, StoreKind, PathId } from './line.js';
export { planCommands, type Plan, type PlannedRow } from './plan.js';
export { compareTotals, type Totals, type Check } from './totals.js';
