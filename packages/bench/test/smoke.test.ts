// The benchmark harness at a tiny size: every path runs on every store and the library ends with
// the figures a raw fold of the same rows gives (the check column). Speed is not asserted here:
// it is measured by `pnpm bench`, never in a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareTotals, parseArgs, runBenchmarks, type BenchReport } from '../src/index.js';

const test = suite('bench smoke');
const postgresUrl = process.env.POSTGRES_URL || null;
const IDS = ['a', 'b', 'c', 'd:read', 'd', 'e:portfolio', 'e:top100', 'f'];
const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = join(root, 'packages/bench/src/main.ts');

const runCli = (args: readonly string[]) =>
  spawnSync(process.execPath, ['--conditions=@renewal-ledger/source', '--import', 'tsx', main, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, POSTGRES_URL: '' },
    timeout: 120_000,
  });

test('every path on every store: the library ends with the raw fold figures', async () => {
  const report: BenchReport = await runBenchmarks({
    accounts: 20,
    months: 3,
    stores: ['memory', 'sqlite', 'postgres'],
    postgresUrl,
    warmup: false,
    commandSubset: 50,
    batchSize: 40,
    postgresBatchSubset: 80,
    contracts: 50,
  });
  const ran = postgresUrl ? ['memory', 'sqlite', 'postgres'] : ['memory', 'sqlite'];
  if (!postgresUrl) {
    const pgStore = report.stores.find((s) => s.kind === 'postgres');
    assert.match(pgStore?.skipped ?? '', /POSTGRES_URL is not set/);
  }
  assert.ok(report.workload.events > 100, `${report.workload.events} events`);
  for (const store of ran) {
    for (const id of IDS) {
      const line = report.lines.find((l) => l.store === store && l.id === id);
      assert.ok(line, `${store} ${id} is reported`);
      assert.ok(line.check.ok, `${store} ${id}: ${line.check.detail}`);
      assert.ok(
        line.count > 0 && Number.isFinite(line.ratio) && line.ratio > 0,
        `${store} ${id}: ${line.count} counted, ratio ${line.ratio}`,
      );
      assert.ok(line.library.perSecond > 0 && line.limit.perSecond > 0);
    }
  }
  // e:known-at runs where there is a raw driver (not in memory): equal to its raw query and to the replay.
  for (const store of ran.filter((s) => s !== 'memory')) {
    const line = report.lines.find((l) => l.store === store && l.id === 'e:known-at');
    assert.ok(line?.check.ok && line.count > 0, `${store} e:known-at: ${line?.check.detail}`);
  }
  // Path a on a durable store runs the subset asked for, library and limit alike.
  const sqliteA = report.lines.find((l) => l.store === 'sqlite' && l.id === 'a')!;
  assert.match(sqliteA.note ?? '', /first 50 of \d+ commands/);
  const memoryA = report.lines.find((l) => l.store === 'memory' && l.id === 'a')!;
  assert.is(memoryA.count, report.workload.events, 'memory runs every command');
  if (postgresUrl) {
    // PostgreSQL's batch path on a subset: the rest went in raw, and c, d, e still saw every event.
    const pgB = report.lines.find((l) => l.store === 'postgres' && l.id === 'b')!;
    assert.match(pgB.note ?? '', /first 80 of \d+ commands/);
    assert.ok(pgB.count < report.workload.events);
    assert.is(report.lines.find((l) => l.store === 'postgres' && l.id === 'd')!.count, report.workload.events);
  }
  // Every write path wrote the very rows its limit wrote.
  for (const l of report.lines.filter((x) => x.id === 'a' || x.id === 'b' || x.id === 'f'))
    assert.match(l.check.detail, /rows byte-identical/);
  // The month-end run billed November for every contract, and nothing it had billed before.
  assert.ok(report.monthEnd && report.monthEnd.historyRows > 2 * 50, `${report.monthEnd?.historyRows} rows before the run`);
  for (const l of report.lines.filter((x) => x.id === 'f')) {
    assert.is(l.count, 50);
    assert.match(
      l.check.detail,
      /^50 cycles, due [\d,]+, net paid 0, outstanding [\d,]+; 50 rows byte-identical; renewDue: 50 contracts, 50 bills proposed, 50 issued, 0 already billed, 0 refused/,
    );
  }
});

test('a fast wrong answer fails the check', () => {
  const right = { cycles: 60, dueMinor: 1_000_000, netPaidMinor: 900_000, outstandingMinor: 100_000 };
  assert.ok(compareTotals(right, { ...right }).ok);
  assert.not.ok(compareTotals(right, { ...right, netPaidMinor: 900_001 }).ok);
  assert.not.ok(compareTotals(right, { ...right, cycles: 59 }).ok);
});

test('pnpm bench arguments: a leading -- is dropped, unknown options refused', () => {
  const cli = parseArgs(
    ['--', '--accounts', '200', '--json', 'out.json', '--stores', 'memory,sqlite', '--command-subset', 'all', '--contracts', '300'],
    {},
  );
  assert.is(cli.bench.accounts, 200);
  assert.is(cli.bench.contracts, 300);
  assert.equal(parseArgs([], {}).bench.paths, ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(parseArgs(['--paths', 'f'], {}).bench.paths, ['f']);
  assert.is(cli.jsonFile, 'out.json');
  assert.equal(cli.bench.stores, ['memory', 'sqlite']);
  assert.is(cli.bench.commandSubset, null);
  assert.is(cli.bench.postgresUrl, null);
  assert.throws(() => parseArgs(['--acounts', '2'], {}), /unknown option --acounts/);
  assert.throws(() => parseArgs(['--stores', 'oracle'], {}), /not one of/);
});

test('the CLI prints the table and writes the JSON; PostgreSQL without a URL is skipped, and said so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-smoke-'));
  try {
    const out = join(dir, 'out.json');
    const r = runCli(['--', '--accounts', '5', '--months', '2', '--paths', 'a,c', '--no-warmup', '--quiet', '--json', out]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /library\/s\s+limit\/s\s+ratio/);
    assert.match(r.stdout, /POSTGRES_URL is not set: PostgreSQL skipped/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    assert.equal([...new Set(json.lines.map((l) => `${l.store} ${l.id}`))], ['memory a', 'memory c', 'sqlite a', 'sqlite c']);
    assert.ok(json.lines.every((l) => l.check.ok));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the rebuild memory check runs each size in its own process and checks its figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-smoke-'));
  try {
    const out = join(dir, 'rss.json');
    const r = runCli(['--rss-check', '--rss-small', '3', '--rss-large', '6', '--months', '2', '--quiet', '--json', out]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    const { rssCheck } = JSON.parse(readFileSync(out, 'utf8')) as {
      rssCheck: {
        small: { events: number; peakRssMb: number; check: { ok: boolean } };
        large: { events: number; check: { ok: boolean } };
        ratio: number;
      };
    };
    assert.ok(rssCheck.small.check.ok && rssCheck.large.check.ok);
    assert.ok(rssCheck.large.events > rssCheck.small.events && rssCheck.small.events > 0);
    assert.ok(rssCheck.small.peakRssMb > 0 && rssCheck.ratio > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the apply memory check applies each file in its own process with the CLI and checks what it stored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-smoke-'));
  try {
    const out = join(dir, 'apply-rss.json');
    // Tiny files (about 0.6 and 1.2 MB): the check that the runs are right, not a measurement.
    const r = runCli(['--apply-rss-check', '--apply-small', '0.6', '--apply-large', '1.2', '--quiet', '--json', out]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /renewal apply peak RSS/);
    assert.match(r.stdout, /ratio \d\.\d{3} \(target <= 1\.2\): (met|MISSED)/);
    const { applyRssCheck } = JSON.parse(readFileSync(out, 'utf8')) as {
      applyRssCheck: {
        small: { lines: number; peakRssMb: number; check: { ok: boolean; detail: string } };
        large: { lines: number; check: { ok: boolean; detail: string } };
        ratio: number;
      };
    };
    assert.ok(applyRssCheck.small.check.ok, applyRssCheck.small.check.detail);
    assert.ok(applyRssCheck.large.check.ok, applyRssCheck.large.check.detail);
    assert.ok(applyRssCheck.large.lines > applyRssCheck.small.lines && applyRssCheck.small.lines > 2000);
    assert.ok(applyRssCheck.small.peakRssMb > 0 && applyRssCheck.ratio > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
