// docs/getting-started.md promises that its commands work as written, in order, and print what it
// shows. This test runs every line of its `sh` blocks in a fresh directory, with three
// substitutions it checks first:
// - the install line (`npm install -g pnpm... && pnpm install && pnpm demo`) runs `renewal demo`,
//   which is what `pnpm demo` runs once the environment is installed and built: the whole default
//   portfolio, since the page prints figures of it (its size, the global positions of the
//   payments it applies);
// - the `alias renewal=...` line becomes a shell function running the built binary;
// - the dashboard line gets `--port 0` (any free port) and is stopped once it answered.
// A line's expected exit status is 0 unless its comment says `# exit N`.
// The page must not depend on the machine's clock: it runs twice, with the CLI's clock
// (RENEWAL_NOW, its documented testing aid) in 2025 and in 2030. The demo (a minute or two) runs
// once, with the first clock; the second run starts from a copy of what it wrote and runs the demo
// again with its own clock, which must write nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './support/cli.js';

const doc = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SERVICE = join(ROOT, 'examples/property-service/dist/main.js');

interface Line {
  readonly text: string;
  readonly expected: number;
}

const lines: Line[] = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const comment = /\s+#\s*(.*)$/.exec(l);
    const status = comment ? /^exit (\d+)/.exec(comment[1]!) : null;
    return { text: comment ? l.slice(0, comment.index).trim() : l, expected: status ? Number(status[1]) : 0 };
  });

/** The doc's plain output block right after the line, if any. */
const printedAfter = (command: string): string | null => {
  const at = doc.indexOf(command);
  const m = /```sh\n[\s\S]*?```\s*\n```\n([\s\S]*?)```/.exec(doc.slice(doc.lastIndexOf('```sh', at)));
  return m ? m[1]! : null;
};

/** The page's text with its numbers as figures: `165,000` -> 165000. */
const figure = (pattern: RegExp, text = doc): number => {
  const m = pattern.exec(text);
  assert.ok(m, `${pattern} is on the page`);
  return Number(m![1]!.replace(/,/g, ''));
};

/** What `pnpm demo` writes, once: the directory it ran in and what it printed. */
let demo: { readonly dir: string; readonly now: string; readonly stdout: string } | null = null;
const DEMO_FILES = ['renewal-demo.db', 'renewal-demo-views.db'];

/** Runs the demo as the page says, or (for the second clock) copies what it wrote and runs it again, which writes nothing. */
const runTheDemo = (dir: string, now: string, shell: (line: string) => ReturnType<typeof spawnSync>) => {
  if (demo) {
    for (const f of readdirSync(demo.dir).filter((f) => DEMO_FILES.some((d) => f.startsWith(d)))) cpSync(join(demo.dir, f), join(dir, f));
    const again = shell(`node ${JSON.stringify(BIN)} demo`);
    assert.is(again.status, 0, String(again.stderr));
    assert.match(
      String(again.stdout),
      'Events written: none (every command was already applied)',
      `a second run with the clock at ${now} writes nothing`,
    );
    return;
  }
  const r = shell(`node ${JSON.stringify(BIN)} demo`);
  assert.is(r.status, 0, String(r.stderr));
  const stdout = String(r.stdout);
  demo = { dir: mkdtempSync(join(tmpdir(), 'renewal-getting-started-demo-')), now, stdout };
  for (const f of readdirSync(dir).filter((f) => DEMO_FILES.some((d) => f.startsWith(d)))) cpSync(join(dir, f), join(demo.dir, f));
  // The figures the page gives of it: 2,000 contracts over 24 months, about 278,000 events (within
  // 1%), the reports as of 2026-11-28.
  assert.match(
    stdout,
    `${figure(/\((\d[\d,]*) contracts for/).toLocaleString('en-US')} contracts x ${figure(/ over (\d+) months/)} months`,
  );
  const events = figure(/Events written: ([\d,]+)/, stdout);
  const about = figure(/about ([\d,]+) events\)/);
  assert.ok(Math.abs(events - about) / about < 0.01, `the demo wrote ${events} events; the page says about ${about}`);
  assert.match(stdout, 'Arrears aging as of 2026-11-28 (CNY)');
  assert.match(doc, 'prints the reports as of 2026-11-28');
};

for (const now of ['2025-03-01T09:00:00+08:00', '2030-06-01T09:00:00+08:00'])
  test(`the getting-started commands run as written and print what the page says (clock at ${now})`, () => runThePage(now));
test.after(() => {
  if (demo) rmSync(demo.dir, { recursive: true, force: true });
});

const runThePage = async (now: string) => {
  assert.ok(lines.length >= 12, `found ${lines.length} commands`);
  assert.ok(existsSync(SERVICE), 'examples/property-service is built (npx tsc -b)');
  const dir = mkdtempSync(join(tmpdir(), 'renewal-getting-started-'));
  cpSync(join(ROOT, 'docs/samples'), join(dir, 'docs/samples'), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, RENEWAL_NOW: now };
  delete env.RENEWAL_STORE;
  delete env.RENEWAL_VIEWS;
  const prelude: string[] = ['set -u'];
  const shell = (line: string) => spawnSync('bash', ['-c', [...prelude, line].join('\n')], { cwd: dir, env, encoding: 'utf8' });
  const outputs = new Map<string, string>();
  try {
    for (const { text, expected } of lines) {
      if (text === 'npm install -g pnpm@9.15.9 && pnpm install && pnpm demo') {
        assert.ok(readme.includes(text), 'the same first command as the README');
        runTheDemo(dir, now, shell);
        continue;
      }
      if (text.startsWith('alias renewal=')) {
        assert.is(text, 'alias renewal="node $PWD/packages/cli/dist/bin.js"');
        prelude.push(`renewal() { node ${JSON.stringify(BIN)} "$@"; }`);
        continue;
      }
      if (text.startsWith('export ')) {
        prelude.push(text);
        continue;
      }
      if (text.startsWith('node examples/property-service/dist/main.js')) {
        await checkDashboard(text.replace('node examples/', `node ${ROOT}examples/`), prelude, dir, env, outputs);
        continue;
      }
      assert.ok(text.startsWith('renewal '), `the test does not know how to run: ${text}`);
      const r = shell(text);
      assert.is(r.status, expected, `${text}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      outputs.set(text, r.stdout);
    }

    // What the page prints and says about the results.
    const apply = 'renewal apply docs/samples/offline-payments.jsonl --recorded-at 2026-11-29T10:00:00+08:00';
    const printed = printedAfter(apply);
    assert.ok(printed, 'the page shows the output of the apply');
    // Exactly: the positions the payments got in the demo's store, the figures, the layout.
    assert.fixture(outputs.get(apply)!.trim(), printed!.trim());
    assert.match(outputs.get(`${apply} --problems-only`)!, '0 applied (0 events written), 5 duplicate, 1 rejected');
    assert.match(
      outputs.get('renewal arrears --as-of 2026-11-28 --contract bldg-01-unit-0121')!,
      /bldg-01-unit-0121\/2026-11-01\s+2026-11-15\s+423.17\s+200.00\s+223.17/,
    );
    assert.match(
      outputs.get('renewal audit history bldg-01-unit-0121/2026-11-01 --as-of 2026-11-27')!,
      /423.17\s+423.17\s+200.00\s+0.00\s+223.17/,
    );
    assert.match(
      outputs.get('renewal audit history bldg-01-unit-0121/2026-11-01 --known-at 2026-11-28')!,
      /423.17\s+423.17\s+0.00\s+0.00\s+423.17/,
    );
    assert.match(outputs.get('renewal audit verify --seal seals.jsonl')!, 'seals matched: 1');
    const json = JSON.parse(outputs.get('renewal arrears --as-of 2026-11-28 --format json')!);
    const c = json.currencies[0];
    // Totals over cycles are decimal strings in JSON (docs/cli.md): added up exactly as bigints.
    assert.is(
      Object.values(c.buckets as Record<string, string>).reduce((a, b) => a + BigInt(b), 0n),
      BigInt(c.collectibleMinor),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Starts the dashboard as the page says, checks the page and the API agree with the CLI, stops it. */
const checkDashboard = async (
  command: string,
  prelude: readonly string[],
  dir: string,
  env: NodeJS.ProcessEnv,
  outputs: Map<string, string>,
) => {
  const child = spawn('bash', ['-c', [...prelude, `exec ${command} --port 0`].join('\n')], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    // Two minutes: a guard against a hang on two cores shared with the suite, not a speed check.
    const until = Date.now() + 120_000;
    let url: string | undefined;
    while (!(url = /dashboard at (http:\/\/\S+?)\/? /.exec(stdout)?.[1])) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`the service did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const page = await fetch(`${url}/?asOf=2026-11-28`);
    assert.is(page.status, 200);
    assert.match(await page.text(), 'Arrears aging');
    // Signed in as the page says (a user the demo added), the service reads the same views as the CLI: the same buckets.
    const [user, password] = [/sign in as `([\w-]+)`/.exec(doc)![1]!, /password `([\w-]+)`/.exec(doc)![1]!];
    const signedIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user, password }),
    });
    assert.is(signedIn.status, 200);
    const { token } = (await signedIn.json()) as { token: string };
    let arrears: Response;
    // Asked again while the service says 503 (its views catching up): two minutes, a guard.
    for (let i = 0; ; i++) {
      arrears = await fetch(`${url}/api/arrears?asOf=2026-11-28`, { headers: { authorization: `Bearer ${token}` } });
      if (arrears.status !== 503 || i > 1200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is(arrears.status, 200);
    const cli = JSON.parse(outputs.get('renewal arrears --as-of 2026-11-28 --format json')!);
    assert.equal(((await arrears.json()) as { currencies: unknown }).currencies, cli.currencies);
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited, 0, stderr);
  assert.match(stdout, 'Stopped.');
};

test.run();
