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
import Database from 'better-sqlite3';
import {
  compareTotals,
  parseArgs,
  rangesOf,
  runBenchmarks,
  shareOf,
  singleRunArgs,
  sqliteViewRowsWrite,
  type BenchReport,
  type RepeatedRuns,
} from '../src/index.js';

const test = suite('bench smoke');
const postgresUrl = process.env.POSTGRES_URL || null;
const IDS = ['a', 'b', 'c', 'd:read', 'd', 'd:write', 'e:portfolio', 'e:top100', 'f'];
const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = join(root, 'packages/bench/src/main.ts');

const runCli = (args: readonly string[]) =>
  spawnSync(process.execPath, ['--conditions=@renewal-ledger/source', '--import', 'tsx', main, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, POSTGRES_URL: '' },
    // A guard against a hang, not a speed check: two minutes were tight for a run of three
    // seeded processes on two cores shared with the rest of the suite and the demo.
    timeout: 5 * 60_000,
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
  // d's second limit wrote the very rows the rebuild left in the views, every table of them.
  for (const l of report.lines.filter((x) => x.id === 'd:write')) {
    assert.match(l.check.detail, /^\d+ tables; [1-9]\d* view rows written raw equal the library's$/);
    assert.match(l.note ?? '', /arrears_cycles.*audit_entries|audit_entries.*arrears_cycles/);
  }
  // The views against the store, after each database's rebuild (the memory store's JSON text is no database size).
  assert.equal(
    report.space.map((x) => x.store),
    ran.filter((x) => x !== 'memory'),
  );
  for (const x of report.space) assert.ok(x.ratio > 0 && x.target === 1.5, `${x.store} ${x.ratio}`);
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

test("d's raw view writes: every row of every view table once, runner tables left out, and rows left out fail the check", async () => {
  // Each share of a table goes to one transaction: 0..n-1 shares cover every row exactly once.
  for (const [length, n] of [
    [0, 3],
    [7, 3],
    [10, 10],
    [5, 8],
    [2001, 2],
  ] as const) {
    let next = 0;
    for (let k = 0; k < n; k++) {
      const [from, to] = shareOf(length, k, n);
      assert.is(from, next);
      next = to;
    }
    assert.is(next, length);
  }
  const library = new Database(':memory:');
  library.exec(`CREATE TABLE arrears_cycles_v1_1 (cycle_id TEXT PRIMARY KEY, contract_id TEXT NOT NULL, due_minor INTEGER, state_json TEXT);
    CREATE INDEX arrears_by_contract ON arrears_cycles_v1_1 (contract_id);
    CREATE TABLE renewal_projection_checkpoints (projection TEXT PRIMARY KEY, position INTEGER)`);
  const insert = library.prepare('INSERT INTO arrears_cycles_v1_1 VALUES (?, ?, ?, ?)');
  // 9,007,199,254,740,993 (2^53 + 1) must come through as it is stored, not rounded.
  for (let i = 0; i < 25; i++) insert.run(`c${i}`, `k${i % 4}`, i === 3 ? 9007199254740993n : i * 100, i % 5 ? null : '{"a":1}');
  library.prepare("INSERT INTO renewal_projection_checkpoints VALUES ('arrears', 25)").run();
  const whole = sqliteViewRowsWrite(library, ':memory:');
  assert.equal(whole.tables, ['arrears_cycles_v1_1']);
  assert.is(whole.rows, 25);
  await whole.write(4, () => undefined);
  const ok = await whole.check();
  assert.ok(ok.ok, ok.detail);
  await whole.close();
  // Transactions that never ran leave the raw table short: a mismatch, whatever the speed.
  const none = sqliteViewRowsWrite(library, ':memory:');
  await none.write(0, () => undefined);
  const short = await none.check();
  assert.not.ok(short.ok);
  assert.match(short.detail, /arrears_cycles_v1_1 25 rows .* vs 0/);
  await none.close();
  library.close();
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
  assert.is(parseArgs([], {}).runs, 1);
  assert.is(parseArgs(['--runs', '3'], {}).runs, 3);
  assert.equal(parseArgs(['--rss-check', '--rss-sizes', '1000000,10000000'], {}).rssCheck, { events: [1_000_000, 10_000_000] });
  assert.equal(parseArgs(['--rss-check', '--rss-small', '3', '--rss-large', '6'], {}).rssCheck, { accounts: [3, 6] });
  assert.throws(() => parseArgs(['--rss-sizes', '10000000,1000000'], {}), /smallest first/);
  // Each of the runs gets the other arguments, and a JSON file of its own.
  assert.equal(singleRunArgs(['--', '--runs', '3', '--accounts', '300', '--json', 'x.json', '--quiet']), ['--accounts', '300', '--quiet']);
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

test('--runs: the bench in a fresh process per run, each line with its ratio range and the runs meeting its target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-smoke-'));
  try {
    const out = join(dir, 'runs.json');
    const r = runCli([
      '--runs',
      '2',
      '--accounts',
      '4',
      '--months',
      '2',
      '--stores',
      'sqlite',
      '--paths',
      'd',
      '--no-warmup',
      '--quiet',
      '--json',
      out,
    ]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /ratio min-max/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as RepeatedRuns;
    assert.is(json.runs.length, 2);
    assert.equal(
      json.ranges.map((x) => `${x.store} ${x.id}`),
      ['sqlite d:read', 'sqlite d', 'sqlite d:write', 'sqlite views/store'],
    );
    for (const x of json.ranges) {
      assert.is(x.runs, 2);
      assert.is(x.checksOk, 2);
      assert.ok(x.min <= x.max && x.ratios.includes(x.min) && x.ratios.includes(x.max));
    }
    // The ranges are the runs' own ratios.
    const d = json.ranges.find((x) => x.id === 'd')!;
    assert.equal(
      d.ratios,
      json.runs.map((run) => run.lines.find((l) => l.id === 'd')!.ratio),
    );
    assert.is(d.target, 0.3);
    assert.is(d.met, d.ratios.filter((x) => x >= 0.3).length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ranges count a target met per run, and the views may be at most their target', () => {
  const line = (ratio: number) => ({ store: 'sqlite', id: 'd', ratio, target: 0.3, check: { ok: true, detail: '' } });
  const run = (ratio: number, views: number) =>
    ({
      lines: [line(ratio)],
      space: [{ store: 'sqlite', viewBytes: views, storeBytes: 1, ratio: views, target: 1.5 }],
    }) as unknown as BenchReport;
  const [d, space] = rangesOf([run(0.25, 1.4), run(0.35, 1.6), run(0.31, 1.5)]);
  assert.equal([d!.min, d!.max, d!.met, d!.runs], [0.25, 0.35, 2, 3]);
  assert.equal([space!.id, space!.min, space!.max, space!.met, space!.sense], ['views/store', 1.4, 1.6, 2, 'at most']);
});

test('the rebuild memory check seeds and rebuilds each size in its own process and checks its figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-bench-smoke-'));
  try {
    const out = join(dir, 'rss.json');
    // Sizes in events: turned into accounts (about 11 events an account over 2 months), seeded streamed.
    const r = runCli(['--rss-check', '--rss-sizes', '60,150,300', '--months', '2', '--quiet', '--json', out]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /largest against smallest: ratio \d\.\d{3} \(target <= 1\.2\)/);
    const { rssCheck } = JSON.parse(readFileSync(out, 'utf8')) as {
      rssCheck: {
        points: Array<{ events: number; accounts: number; seedMs: number; peakRssMb: number; check: { ok: boolean; detail: string } }>;
        small: { events: number };
        large: { events: number };
        ratio: number;
      };
    };
    assert.is(rssCheck.points.length, 3);
    for (const p of rssCheck.points) {
      assert.ok(p.check.ok, p.check.detail);
      // The views' totals equal those the seeding folded from the very rows it wrote.
      assert.match(p.check.detail, /^\d+ events; \d+ cycles, due [\d,]+/);
      assert.ok(p.seedMs >= 0 && p.peakRssMb > 0);
    }
    const events = rssCheck.points.map((p) => p.events);
    assert.ok(events[0]! > 30 && events[0]! < events[1]! && events[1]! < events[2]! && events[2]! < 600, events.join(', '));
    assert.is(rssCheck.small.events, events[0]);
    assert.is(rssCheck.large.events, events[2]);
    assert.ok(rssCheck.ratio > 0);
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
