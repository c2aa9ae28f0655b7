// The published packages, as a user gets them: every public package is packed (`pnpm pack`, after
// `pnpm build`), the tarballs are installed with npm into projects outside the workspace, and the
// consumer programs in test/fixtures/consumer are type-checked (skipLibCheck off; node16 and
// bundler resolution; once with exactOptionalPropertyTypes and the workspace's export conditions)
// and run.
//
// Two consumers: one with every package (SQLite store and views), and one with only core,
// store-postgres and projection-arrears, whose installed tree must hold neither better-sqlite3 nor
// the EventStoreDB gRPC client, then the same plus stores.
//
// Speed: npm uses its usual cache with --prefer-offline, so only the first run downloads. The
// consumer's better-sqlite3 is pinned to the workspace's version and installed from a local
// prebuild made of the workspace's own compiled addon (prebuild-install's local-prebuilds
// directory), instead of compiling it again (over a minute here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);
const root = fileURLToPath(new URL('../', import.meta.url));
const fixtures = join(root, 'test/fixtures/consumer');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'renewal-pack-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

interface Packed {
  readonly dir: string;
  readonly name: string;
  readonly tarball: string;
  readonly files: readonly string[];
  readonly manifest: Record<string, any>;
  readonly license: string;
}

const publicPackages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

/** Runs `work` over `items`, `limit` at a time. */
const inParallel = async <A, B>(items: readonly A[], limit: number, each: (a: A) => Promise<B>): Promise<B[]> => {
  const out: B[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await each(items[i]!);
      }
    }),
  );
  return out;
};

const tarballs = join(work, 'tarballs');
let packed: Packed[] = [];

test.before(async () => {
  const started = performance.now();
  mkdirSync(tarballs);
  packed = await inParallel(publicPackages, availableParallelism(), async ({ dir }) => {
    const { stdout } = await execFile('pnpm', ['pack', '--json', '--pack-destination', tarballs], { cwd: join(root, 'packages', dir) });
    const report = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] };
    const { stdout: manifest } = await execFile('tar', ['-xzOf', report.filename, 'package/package.json']);
    const { stdout: license } = await execFile('tar', ['-xzOf', report.filename, 'package/LICENSE']).catch(() => ({ stdout: '' }));
    return {
      dir,
      name: report.name,
      tarball: report.filename,
      files: report.files.map((f) => f.path),
      manifest: JSON.parse(manifest),
      license,
    };
  });
  console.log(`packed ${packed.length} packages in ${seconds(started)}`);
});

test('every public package is packed, and the consumer program imports each of them', () => {
  assert.ok(packed.length >= 14, `${packed.length} packages`);
  const program = readFileSync(join(fixtures, 'sqlite.ts'), 'utf8');
  assert.equal(
    packed.filter((p) => !program.includes(`from '${p.name}'`)).map((p) => p.name),
    [],
    'test/fixtures/consumer/sqlite.ts imports every package',
  );
});

test('tarballs ship the build, a README and the LICENSE; no sources, tests or build caches', () => {
  for (const p of packed) {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
      assert.ok(p.files.includes(needed), `${p.name} ships ${needed}`);
    const unwanted = p.files.filter((f) => /(^|\/)\.?[^/]*\.tsbuildinfo$|^src\/|^test\/|\.d\.ts\.map$|\.test\.[jt]s$/.test(f));
    assert.equal(unwanted, [], `${p.name} ships no sources, tests, declaration maps or .tsbuildinfo`);
    assert.is(p.license, readFileSync(join(root, 'LICENSE'), 'utf8'), `${p.name} ships the project's LICENSE`);
  }
});

/** The files an `exports` map points at (its string leaves). */
const targetsOf = (exports: unknown): string[] =>
  typeof exports === 'string' ? [exports] : exports && typeof exports === 'object' ? Object.values(exports).flatMap(targetsOf) : [];

test('packed manifests: no workspace: ranges, no export condition pointing into the workspace, every export target shipped', () => {
  for (const p of packed) {
    const m = p.manifest;
    assert.not.match(JSON.stringify(m), 'workspace:', `${p.name}: workspace ranges are replaced`);
    assert.not.match(JSON.stringify(m.exports), 'source', `${p.name}: no source condition in the published exports`);
    assert.is(m.exports['./package.json'], './package.json', `${p.name} exports ./package.json`);
    for (const target of targetsOf(m.exports))
      assert.ok(p.files.includes(target.slice(2)), `${p.name}: export target ${target} is in the tarball`);
    assert.is(m.type, 'module');
    assert.is(m.license, 'MIT');
    assert.ok(m.engines?.node, `${p.name} states engines.node`);
    assert.is(m.repository?.directory, `packages/${p.dir}`, `${p.name} repository.directory`);
    assert.ok(m.homepage, `${p.name} homepage`);
    assert.ok(m.sideEffects !== undefined, `${p.name} states sideEffects`);
  }
});

test('drivers are dependencies only of the packages that cannot do without them', () => {
  const drivers = ['better-sqlite3', 'pg', '@eventstore/db-client'];
  const owners: Record<string, string[]> = {};
  for (const p of packed) for (const d of drivers) if (p.manifest.dependencies?.[d]) (owners[d] ??= []).push(p.name);
  assert.equal(owners, {
    'better-sqlite3': ['@renewal-ledger/cli', '@renewal-ledger/store-sqlite'],
    pg: ['@renewal-ledger/cli', '@renewal-ledger/store-postgres'],
    '@eventstore/db-client': ['@renewal-ledger/store-eventstoredb'],
  });
  const projections = packed.find((p) => p.name === '@renewal-ledger/projections')!.manifest;
  assert.equal(projections.peerDependenciesMeta, { 'better-sqlite3': { optional: true }, pg: { optional: true } });
  const stores = packed.find((p) => p.name === '@renewal-ledger/stores')!.manifest;
  assert.equal(Object.keys(stores.peerDependenciesMeta).sort(), [
    '@renewal-ledger/store-eventstoredb',
    '@renewal-ledger/store-postgres',
    '@renewal-ledger/store-sqlite',
  ]);
});

// --- installing and using them ---------------------------------------------------------------

const requireFromWorkspace = createRequire(join(root, 'packages/store-sqlite/package.json'));
const betterSqlite3Dir = dirname(requireFromWorkspace.resolve('better-sqlite3/package.json'));
const betterSqlite3Version: string = JSON.parse(readFileSync(join(betterSqlite3Dir, 'package.json'), 'utf8')).version;

/** prebuild-install's local prebuild for this platform, holding the addon the workspace compiled. */
const localPrebuilds = (): string => {
  const dir = join(work, 'prebuilds');
  const staging = join(work, 'prebuild-staging');
  mkdirSync(dir);
  mkdirSync(join(staging, 'build/Release'), { recursive: true });
  cpSync(join(betterSqlite3Dir, 'build/Release/better_sqlite3.node'), join(staging, 'build/Release/better_sqlite3.node'));
  const name = `better-sqlite3-v${betterSqlite3Version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), 'build'], { cwd: staging });
  return dir;
};

// npm must not inherit the pnpm settings of `pnpm test` (npm_config_*, npm_package_*).
const npmEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return {
    ...env,
    npm_config_better_sqlite3_local_prebuilds: prebuildsDir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
};
let prebuildsDir = '';

const tarballOf = (name: string) => `file:${packed.find((p) => p.name === name)!.tarball}`;

/** A project outside the workspace depending on `names`; every package of ours resolves to its tarball. */
const consumer = (label: string, names: readonly string[], devDependencies: Record<string, string> = {}): string => {
  const dir = join(work, label);
  mkdirSync(dir);
  writePackageJson(dir, names, devDependencies);
  for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(dir, file));
  return dir;
};
const writePackageJson = (dir: string, names: readonly string[], devDependencies: Record<string, string>) => {
  const overrides = Object.fromEntries(packed.map((p) => [p.name, tarballOf(p.name)]));
  const pkg = {
    name: `consumer-${dir.split('/').pop()}`,
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(names.map((n) => [n, tarballOf(n)])),
    devDependencies,
    // Pinned to the workspace's build so the local prebuild applies (see the top of this file).
    overrides: { ...overrides, 'better-sqlite3': betterSqlite3Version },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
};

const npmInstall = async (dir: string) => {
  const started = performance.now();
  await execFile('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: npmEnv(),
    maxBuffer: 16 << 20,
  });
  return seconds(started);
};

/** Every package in the installed tree (name -> versions) and the tree's size. */
const installedTree = (dir: string) => {
  const packages = new Map<string, Set<string>>();
  let bytes = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        bytes += statSync(full).size;
        // A package is a directory right under node_modules (or @scope) with a package.json.
        if (entry.name === 'package.json' && /\/node_modules\/(@[^/]+\/)?[^/@.][^/]*$/.test(path)) {
          const { name, version } = JSON.parse(readFileSync(full, 'utf8')) as { name?: string; version?: string };
          if (name) (packages.get(name) ?? packages.set(name, new Set()).get(name)!).add(String(version));
        }
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return { packages, count: [...packages.values()].reduce((n, v) => n + v.size, 0), megabytes: Math.round(bytes / 1e5) / 10 };
};

const typeCheck = async (dir: string, config: Record<string, unknown>, files: readonly string[], name: string) => {
  writeFileSync(
    join(dir, name),
    JSON.stringify(
      { compilerOptions: { strict: true, skipLibCheck: false, target: 'es2022', lib: ['es2022'], ...config }, files },
      null,
      2,
    ),
  );
  try {
    await execFile(process.execPath, [tsc, '-p', name], { cwd: dir, maxBuffer: 16 << 20 });
  } catch (e) {
    const { stdout, stderr } = e as { stdout: string; stderr: string };
    assert.unreachable(`${name} (${JSON.stringify(config)}) does not type-check:\n${stdout}${stderr}`);
  }
};

const run = async (dir: string, file: string) => {
  const { stdout } = await execFile(process.execPath, [file], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
};

const node16 = { module: 'node16', moduleResolution: 'node16' };

// 315.20 billed (98.50 m2 x 3.20), 100.00 paid: 215.20 outstanding, all of it overdue on 10
// February since the due date of 15 January, 26 days past due, so in the 1-30 bucket.
const expectedLedger = {
  handled: ['applied', 'applied'],
  projection: 'caught-up',
  outstandingMinor: 21520,
  daysPastDue: 26,
  bucket: '1-30',
  overdueMinor: '21520',
  bucket1to30Minor: '21520',
};

test('every package installed with npm outside the workspace type-checks (node16; bundler with exactOptionalPropertyTypes) and runs on SQLite', async () => {
  prebuildsDir = localPrebuilds();
  const dir = consumer(
    'everything',
    packed.map((p) => p.name),
    { '@types/node': '^20.19.0' },
  );
  console.log(`everything: npm install in ${await npmInstall(dir)}`);
  const files = ['sqlite.ts', 'ledger.ts'];
  const started = performance.now();
  await Promise.all([
    typeCheck(dir, { ...node16, types: ['node'], outDir: 'out' }, files, 'tsconfig.node16.json'),
    // A consumer that sets the workspace's export condition still gets the published declarations
    // (the packages ship no sources), and they hold under exactOptionalPropertyTypes. Not the bare
    // `source` condition: alipay-sdk (channel-alipay's dependency) publishes its TypeScript sources
    // under it, which do not compile under exactOptionalPropertyTypes; that is the SDK's, not ours.
    typeCheck(
      dir,
      {
        module: 'esnext',
        moduleResolution: 'bundler',
        types: ['node'],
        noEmit: true,
        exactOptionalPropertyTypes: true,
        customConditions: ['@renewal-ledger/source'],
      },
      files,
      'tsconfig.bundler.json',
    ),
  ]);
  console.log(`everything: two type-checks in ${seconds(started)}`);
  const out = await run(dir, 'out/sqlite.js');
  assert.equal(out, { entryPoints: packed.length, empty: [], storeKind: 'sqlite', ...expectedLedger });
});

test('core + store-postgres + projection-arrears installs neither better-sqlite3 nor gRPC, and runs on PostgreSQL', async () => {
  const dir = consumer('postgres', ['@renewal-ledger/core', '@renewal-ledger/store-postgres', '@renewal-ledger/projection-arrears'], {
    '@types/node': '^20.19.0',
  });
  console.log(`postgres: npm install in ${await npmInstall(dir)}`);
  const tree = installedTree(dir);
  console.log(
    `postgres: the installed tree holds ${tree.count} packages, ${tree.megabytes} MB: ${[...tree.packages.keys()].sort().join(' ')}`,
  );
  for (const unwanted of ['better-sqlite3', '@eventstore/db-client', '@grpc/grpc-js', 'prebuild-install', 'node-gyp'])
    assert.not.ok(tree.packages.has(unwanted), `${unwanted} is not installed`);
  assert.ok(tree.packages.has('pg'));

  // Adding stores (openStore by URL) pulls in no other adapter: their URLs name what to install.
  // (One type-check for both programs, after this install: postgres.ts imports nothing of stores.)
  writePackageJson(
    dir,
    ['@renewal-ledger/core', '@renewal-ledger/store-postgres', '@renewal-ledger/projection-arrears', '@renewal-ledger/stores'],
    { '@types/node': '^20.19.0' },
  );
  console.log(`postgres + stores: npm install in ${await npmInstall(dir)}`);
  const after = installedTree(dir);
  for (const unwanted of [
    'better-sqlite3',
    '@eventstore/db-client',
    '@grpc/grpc-js',
    '@renewal-ledger/store-sqlite',
    '@renewal-ledger/store-eventstoredb',
  ])
    assert.not.ok(after.packages.has(unwanted), `${unwanted} is not installed with stores`);
  await typeCheck(dir, { ...node16, types: ['node'], outDir: 'out' }, ['postgres.ts', 'ledger.ts', 'stores.ts'], 'tsconfig.json');

  const out = await run(dir, 'out/postgres.js');
  assert.equal(out.missing, {
    name: 'MissingPackageError',
    code: 'MISSING_PACKAGE',
    packageName: 'better-sqlite3',
    message: 'a SQLite view database needs the package better-sqlite3, which is not installed: npm install better-sqlite3',
  });
  if (process.env.POSTGRES_URL) assert.equal(out.ledger, expectedLedger);
  else if (process.env.REQUIRE_POSTGRES === '1') assert.unreachable('REQUIRE_POSTGRES=1 but POSTGRES_URL is not set');
  else console.log('SKIPPED: the PostgreSQL part (POSTGRES_URL is not set)');

  assert.equal(await run(dir, 'out/stores.js'), {
    esdb: {
      code: 'MISSING_PACKAGE',
      packageName: '@renewal-ledger/store-eventstoredb',
      message:
        'an EventStoreDB store URL (esdb://) needs the package @renewal-ledger/store-eventstoredb, which is not installed: npm install @renewal-ledger/store-eventstoredb',
    },
    sqlite: {
      code: 'MISSING_PACKAGE',
      packageName: '@renewal-ledger/store-sqlite',
      message:
        'a SQLite store URL (sqlite:) needs the package @renewal-ledger/store-sqlite, which is not installed: npm install @renewal-ledger/store-sqlite',
    },
    memory: 'memory',
  });
});

test.run();
