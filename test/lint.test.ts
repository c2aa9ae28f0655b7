// The repository is formatted and lint-clean (biome.json), and biome.json encodes the layering of
// docs/architecture.md: each probe below is a file a contributor might write, linted with the
// repository's own configuration in a scratch folder laid out like the repository. A rule that
// stopped matching (a renamed package, a glob typo) fails here, as does one that matches too much.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const biome = join(root, 'node_modules', '.bin', 'biome');

const run = (cwd: string, args: readonly string[]) => {
  const r = spawnSync(biome, [...args], { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

test('the repository passes `pnpm lint` (biome check: format, lint, layering, no import cycles)', () => {
  const { status, output } = run(root, ['check', '--error-on-warnings', '--max-diagnostics=50', '.']);
  if (status !== 0) assert.unreachable(`pnpm lint finds problems (\`pnpm lint:fix\` mends the formatting):\n${output}`);
});

/** Lints the given files, placed at their repository paths in a scratch folder beside a copy of biome.json. */
const lintProbe = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-lint-'));
  try {
    copyFileSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return run(dir, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', '.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const refused = (files: Record<string, string>, rule: string, says: string) => {
  const { status, output } = lintProbe(files);
  assert.is(status, 1, `expected biome to refuse this, it said:\n${output}`);
  assert.ok(output.includes(rule), `expected ${rule}, got:\n${output}`);
  assert.ok(output.includes(says), `expected the message to say "${says}", got:\n${output}`);
};

const accepted = (files: Record<string, string>) => {
  const { status, output } = lintProbe(files);
  assert.is(status, 0, `expected biome to accept this, it said:\n${output}`);
};

test('core imports no other package of ours', () => {
  refused(
    {
      'packages/core/src/probe.ts':
        "import { getInMemoryEventStore } from '@renewal-ledger/eventstore';\nexport const probe = getInMemoryEventStore;\n",
    },
    'lint/style/noRestrictedImports',
    'core is pure',
  );
});

test('core reads no clock, file or network: no node: module', () => {
  refused(
    { 'packages/core/src/probe.ts': "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n" },
    'lint/style/noRestrictedImports',
    'no node: module',
  );
});

test('core may use fp-ts, io-ts and date-fns with its zones', () => {
  accepted({
    'packages/core/src/probe.ts':
      "import * as E from 'fp-ts/lib/Either.js';\nimport * as t from 'io-ts';\nimport { addDays } from 'date-fns';\nimport { TZDate } from '@date-fns/tz';\nexport const probe = [E.right(1), t.string, addDays, TZDate];\n",
  });
});

test('a store adapter never imports the projections', () => {
  refused(
    {
      'packages/store-sqlite/src/probe.ts':
        "import { getProjectionRunner } from '@renewal-ledger/projections';\nexport const probe = getProjectionRunner;\n",
    },
    'lint/style/noRestrictedImports',
    'a store adapter sits on core and eventstore',
  );
});

test('a store adapter may import core and the eventstore port', () => {
  accepted({
    'packages/store-sqlite/src/probe.ts':
      "import { canonicalJson } from '@renewal-ledger/core';\nimport { checkAppend } from '@renewal-ledger/eventstore';\nexport const probe = [canonicalJson, checkAppend];\n",
  });
});

test('a view never imports a store adapter', () => {
  refused(
    {
      'packages/projection-arrears/src/probe.ts':
        "import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';\nexport const probe = getSQLiteEventStore;\n",
    },
    'lint/style/noRestrictedImports',
    'a view sits on core, eventstore and projections',
  );
});

test('no import cycles', () => {
  refused(
    {
      'packages/eventstore/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'packages/eventstore/src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    },
    'lint/suspicious/noImportCycles',
    'cycle',
  );
});

test.run();
