// The public API of every published package is what its committed report in api/ says. A change
// to what an entry point exports, or to the signature of anything it exports, fails here naming
// the package, until the report is regenerated (`pnpm api`) and committed with a changeset: so
// the surface never changes unannounced. See CONTRIBUTING.md ("The public API").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkApi, entryPoints, type EntryResult } from '../scripts/api-report.js';

const apiFolder = fileURLToPath(new URL('../api/', import.meta.url));
const MAX_DIFF_LINES = 60;

// One compiler program for all entry points, analysed once; each test reads its package's result.
const results = checkApi({ local: false });

const nameOf = (r: EntryResult) =>
  r.entry.subpath === '.' ? r.entry.packageName : `${r.entry.packageName}/${r.entry.subpath.replace(/^\.\//, '')}`;

for (const r of results) {
  test(`public API of ${nameOf(r)} matches api/${r.entry.reportName}.api.md`, () => {
    const report = `api/${r.entry.reportName}.api.md`;
    if (r.problems.length)
      assert.unreachable(
        `${nameOf(r)}: API Extractor found ${r.problems.length} problem(s); a public signature that names a type the entry point does not export: export the type or change the signature:\n${r.problems.join('\n')}`,
      );
    if (!r.upToDate) {
      const lines = r.diff.split('\n');
      const diff =
        lines.length > MAX_DIFF_LINES
          ? [...lines.slice(0, MAX_DIFF_LINES), `... ${lines.length - MAX_DIFF_LINES} more lines`].join('\n')
          : r.diff;
      assert.unreachable(
        `${nameOf(r)}: its public API changed and ${report} does not say so yet.\n` +
          `If the change is meant: run \`pnpm api\` (after \`pnpm build\`), commit ${report}, and add a changeset (\`pnpm changeset\`) that names what changed.\n` +
          `If it is not: put back what the package exported.\n${diff || '(the report is missing)'}`,
      );
    }
  });
}

test('api/ holds a report for every public entry point and nothing else', () => {
  const expected = entryPoints()
    .map((e) => `${e.reportName}.api.md`)
    .sort();
  const present = readdirSync(apiFolder)
    .filter((f) => f.endsWith('.api.md'))
    .sort();
  assert.equal(
    present.filter((f) => !expected.includes(f)),
    [],
    'reports of entry points that no longer exist (delete them)',
  );
  assert.ok(results.length === expected.length && results.length > 0, 'every public entry point was checked');
});

test.run();
