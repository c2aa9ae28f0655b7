#!/usr/bin/env node
// Runs every uvu test file of the workspace in its own Node process and prints one closing
// line `N passed, N failed, N skipped` that CI reads.
//
// Why one process per file: a file that throws while loading makes uvu exit without a summary,
// and a throwing `before` hook makes uvu print `(0 / N)` and exit 0. Running files apart lets
// us attribute both to the file and count them as failures instead of losing them.
//
// Usage: node scripts/run-tests.mjs [--unit | --int] [substring-filter ...]
//   --unit  only the unit tests: no PostgreSQL server, no child processes, no browser (pnpm test:unit)
//   --int   only the integration tests (pnpm test:int); with neither, every test (pnpm test)
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const kind = args.includes('--unit') ? 'unit' : args.includes('--int') ? 'int' : 'all';
const filters = args.filter((a) => a !== '--unit' && a !== '--int');

// Integration tests: the files that need a PostgreSQL server (even for some of their tests), start
// processes (the CLI binary, the examples, writers in child processes), drive a browser, or pack
// and install the packages. Every other test file is a unit test: in-process, on memory and
// SQLite. Path prefixes; a new file of one of those kinds belongs here.
const INTEGRATION = [
  'test/pack.test.ts',
  'examples/',
  'packages/bench/test/',
  'packages/cli/test/',
  'packages/channel-alipay/test/',
  'packages/channel-wechatpay/test/',
  'packages/delivery/test/outbox-stores.test.ts',
  'packages/projection-arrears/test/as-known-at.test.ts',
  'packages/projection-arrears/test/concurrent-runners.test.ts',
  'packages/projection-arrears/test/generated.test.ts',
  'packages/projection-arrears/test/one-read.test.ts',
  'packages/projection-arrears/test/rebuild-alone.test.ts',
  'packages/projection-arrears/test/totals.test.ts',
  'packages/projection-audit/test/generated.test.ts',
  'packages/projection-behaviour/test/',
  'packages/projection-invoices/test/numbering.test.ts',
  'packages/projection-receipts/test/generated.test.ts',
  'packages/projection-receipts/test/lump-sum.test.ts',
  'packages/projection-receipts/test/zones.test.ts',
  'packages/projections/test/crash.test.ts',
  'packages/projections/test/postgres-runner.test.ts',
  'packages/projections/test/view-database.test.ts',
  'packages/renewals/test/invoices.test.ts',
  'packages/renewals/test/late-fees.test.ts',
  'packages/reconciliation/test/alipay.test.ts',
  'packages/reconciliation/test/bank.test.ts',
  'packages/renewals/test/over-collection.test.ts',
  'packages/store-eventstoredb/test/conformance.test.ts',
  'packages/store-postgres/test/',
  'packages/store-sqlite/test/',
  'packages/stores/test/',
];
const isIntegration = (file) => INTEGRATION.some((prefix) => file.startsWith(prefix));
// The slowest files start first, so they do not finish alone at the end.
const SLOW_FIRST = ['test/pack.test.ts', 'packages/cli/test/getting-started.test.ts'];

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const allFiles = ['packages', 'examples', 'bench', 'test'].flatMap((d) => findTests(join(root, d))).map((f) => relative(root, f));
for (const prefix of INTEGRATION)
  if (!allFiles.some((f) => f.startsWith(prefix))) console.log(`[run-tests] INTEGRATION lists ${prefix}, which matches no test file`);
const files = allFiles
  .filter((f) => kind === 'all' || (kind === 'int') === isIntegration(f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort((a, b) => (SLOW_FIRST.includes(b) ? 1 : 0) - (SLOW_FIRST.includes(a) ? 1 : 0) || (a < b ? -1 : a > b ? 1 : 0));

if (files.length === 0) {
  console.error('no test files found');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

// PostgreSQL: with no POSTGRES_URL given, start the throwaway server when this machine has
// PostgreSQL's binaries (scripts/postgres.sh), so `pnpm test` alone runs everything; stop it at
// the end only if this run started it. Without binaries the PostgreSQL tests say they skipped.
let stopPostgres = () => {};
if (kind === 'unit') {
  // Unit tests need no server: should one of them want PostgreSQL after all, it says it skipped.
  delete process.env.POSTGRES_URL;
  delete process.env.REQUIRE_POSTGRES;
} else if (!process.env.POSTGRES_URL && process.env.RENEWAL_NO_POSTGRES !== '1' && existsSync(join(root, 'scripts/postgres.sh'))) {
  const script = join(root, 'scripts/postgres.sh');
  const wasRunning = spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0;
  const started = spawnSync('bash', [script, 'start'], { encoding: 'utf8' });
  const url = started.stdout.trim();
  if (started.status === 0 && url) {
    process.env.POSTGRES_URL = url;
    console.log(`[run-tests] PostgreSQL for the tests at ${url}${wasRunning ? ' (already running)' : ' (started; stopped at the end)'}`);
    if (!wasRunning) stopPostgres = () => spawnSync('bash', [script, 'stop'], { stdio: 'ignore' });
  } else {
    console.log(`[run-tests] no PostgreSQL for the tests: ${(started.stderr || '').trim().split('\n').slice(-2).join(' ')}`);
  }
}

// Every test file shares this one server, and PostgreSQL's read horizon is the whole server's: a
// long write transaction of one file (a views batch, a bench load) held another file's readAll
// back past the store's 2 s settle timeout, and a read or a catch-up ended short of the events it
// had just appended. Stores opened from this URL (the CLI's and the service's too) wait as long as
// it takes; two minutes is a guard against a hang, not a wait (docs/stores.md).
if (process.env.POSTGRES_URL && !/[?&]settle_timeout_ms=/.test(process.env.POSTGRES_URL)) {
  const url = process.env.POSTGRES_URL;
  process.env.POSTGRES_URL = `${url}${url.includes('?') ? '&' : '?'}settle_timeout_ms=120000`;
}

const perFileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 10 * 60 * 1000);
// The limit is a guard against a hang, not a speed check (speed is measured in `pnpm bench`). The
// getting-started page runs the whole 2,000-contract demo as a new user does, twice (about six
// minutes on two idle cores, more when the machine is shared), so it gets twice the time.
const longFiles = new Map([['packages/cli/test/getting-started.test.ts', 2]]);
const timeoutFor = (file) => perFileTimeoutMs * (longFiles.get(file.split(sep).join('/')) ?? 1);

function runFile(file) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--conditions=@renewal-ledger/source', '--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const limitMs = timeoutFor(file);
    const timer = setTimeout(() => {
      output += `\n[run-tests] ${file} took longer than ${limitMs} ms: killed\n`;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ file, code, signal, output, ms });
    });
  });
}

function count({ code, signal, output }) {
  const num = (label) => {
    const m = output.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
    return m ? Number(m[1]) : null;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped') ?? 0;
  if (total === null || passed === null) {
    // Crashed on load (or was killed): no summary at all.
    return { passed: 0, failed: 1, skipped: 0, note: `no uvu summary (exit ${code ?? signal})` };
  }
  let failed = total - passed;
  if (failed === 0 && code !== 0) {
    failed = 1;
    return { passed, failed, skipped, note: `exit ${code ?? signal} after all tests passed` };
  }
  return { passed, failed, skipped, note: failed ? 'test failures (a throwing hook shows as (0 / N))' : '' };
}

const workers = Math.max(1, Math.min(Number(process.env.TEST_JOBS ?? availableParallelism()), 4));
const results = new Array(files.length);
let next = 0;
let printed = 0;
const flush = () => {
  while (printed < files.length && results[printed]) {
    const r = results[printed++];
    const c = count(r);
    process.stdout.write(`\n=== ${r.file} (${(r.ms / 1000).toFixed(1)} s)\n${r.output.trimEnd()}\n`);
    if (c.failed) process.stdout.write(`[run-tests] FAILED ${r.file}: ${c.note}\n`);
    r.counts = c;
  }
};
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (next < files.length) {
      const i = next++;
      results[i] = await runFile(files[i]);
      flush();
    }
  }),
);
flush();

const totals = results.reduce(
  (a, r) => ({ passed: a.passed + r.counts.passed, failed: a.failed + r.counts.failed, skipped: a.skipped + r.counts.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const failedFiles = results.filter((r) => r.counts.failed).map((r) => r.file);
process.stdout.write('\n');
if (failedFiles.length) process.stdout.write(`failing files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}\n`);
// A unit file whose tests skipped for want of PostgreSQL belongs in INTEGRATION.
const skippingUnits =
  kind === 'unit' ? results.filter((r) => r.counts.skipped && r.output.includes('POSTGRES_URL')).map((r) => r.file) : [];
if (skippingUnits.length)
  process.stdout.write(
    `unit test files that skipped PostgreSQL tests (list them in INTEGRATION in scripts/run-tests.mjs):\n${skippingUnits.map((f) => `  ${f}`).join('\n')}\n`,
  );
stopPostgres();
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed ? 1 : 0);
