// Runs the real `renewal` binary (packages/cli/dist/bin.js, built by `tsc -b`) as a child
// process, in a temporary directory of its own, and reads the SQLite files it writes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSQLiteViewDatabase } from '@renewal-ledger/projections';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');

/** Fails loudly when the binary is missing or older than its sources: the tests would test stale code. */
const checkBuilt = () => {
  const built = join(ROOT, 'packages/cli/dist/.tsbuildinfo');
  if (!existsSync(BIN) || !existsSync(built)) throw new Error('packages/cli/dist/bin.js is missing: run `npx tsc -b` before these tests');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((d) =>
        d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs,
      ),
    );
  if (newest(join(ROOT, 'packages/cli/src')) > statSync(built).mtimeMs)
    throw new Error('packages/cli/src is newer than its build: run `npx tsc -b` before these tests');
};
checkBuilt();

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  json<T = any>(): T;
}

// The binary must not pick up a store or views the person running the tests configured.
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('RENEWAL_STORE' in extra)) delete env.RENEWAL_STORE;
  if (!('RENEWAL_VIEWS' in extra)) delete env.RENEWAL_VIEWS;
  return env;
};

const runOf = (status: number | null, stdout: string, stderr: string): Run => ({
  status,
  stdout,
  stderr,
  json: () => {
    try {
      return JSON.parse(stdout);
    } catch {
      throw new Error(`stdout is not JSON (exit ${status}):\n${stdout}\nstderr:\n${stderr}`);
    }
  },
});

/**
 * How to run the binary as a user the file permissions apply to: root ignores them, so as root
 * the binary runs as `nobody` through runuser; any other user is one already. Null (with the
 * reason) where neither works.
 */
export const otherUser: { readonly prefix: readonly string[] } | { readonly skip: string } = (() => {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const probe = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return probe.status === 0
    ? { prefix: ['runuser', '-u', 'nobody', '--'] }
    : { skip: `running as root without a working runuser (${(probe.stderr || probe.error?.message || '').trim()})` };
})();

/** A scratch directory the binary runs in, with helpers to write files and read its SQLite files. */
export const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-cli-'));
  const renewal = (args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; asOtherUser?: boolean } = {}): Run => {
    const user = options.asOtherUser ? otherUser : { prefix: [] };
    if ('skip' in user) throw new Error(user.skip);
    const [command, ...prefix] = [...user.prefix, process.execPath];
    const r = spawnSync(command!, [...prefix, BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: cleanEnv(options.env),
      ...(options.input !== undefined ? { input: options.input } : {}),
      timeout: 5 * 60 * 1000,
    });
    if (r.error) throw r.error;
    return runOf(r.status, r.stdout, r.stderr);
  };
  /** Starts the binary and leaves it running (projections follow). */
  const start = (args: readonly string[]) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<Run>((resolve) => child.on('close', (code) => resolve(runOf(code, stdout, stderr))));
    return {
      child,
      output: () => stdout,
      errors: () => stderr,
      /** Resolves when stdout matches, or rejects after `ms` (a guard against a hang on a loaded machine, not a speed check). */
      waitFor: async (pattern: RegExp, ms = 120_000): Promise<string> => {
        const until = Date.now() + ms;
        while (!pattern.test(stdout)) {
          if (Date.now() > until || child.exitCode !== null) throw new Error(`no ${pattern} in the output:\n${stdout}\nstderr:\n${stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return stdout;
      },
      exited,
    };
  };
  const write = (name: string, content: string | Uint8Array) => {
    writeFileSync(join(dir, name), content);
    return name;
  };
  /** Commands as JSON lines. */
  const writeLines = (name: string, lines: readonly (object | string)[]) =>
    write(name, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  /** Opens a SQLite file the binary wrote (the store or the views), for checks and tampering. */
  const sqlite = (name: string) => getSQLiteViewDatabase({ path: join(dir, name) });
  const eventCount = async (name = 'renewal.db'): Promise<number> => {
    const db = sqlite(name);
    try {
      const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM events');
      return Number(rows[0]!.n);
    } finally {
      await db.close();
    }
  };
  return {
    dir,
    renewal,
    start,
    write,
    writeLines,
    sqlite,
    eventCount,
    path: (name: string) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};

export type Workspace = ReturnType<typeof workspace>;

/** No stack trace: what a user sees for a mistake they can fix. */
export const hasStackTrace = (text: string) => /^\s+at .+:\d+:\d+\)?$/m.test(text);

/** A run that must succeed: its stdout, or an error with the exit status and both streams. */
export const ok = (r: { status: number | null; stdout: string; stderr: string }): string => {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
