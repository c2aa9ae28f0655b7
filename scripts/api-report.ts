// The public API of every published package, as API Extractor reports it: one report per entry
// point of each package's `exports` (`api/core.api.md`, `api/eventstore-conformance.api.md` ...),
// committed. `pnpm api` regenerates the reports; test/api.test.ts (part of `pnpm test`) fails,
// naming the package, when a built entry point no longer matches its committed report.
//
// Usage (after `pnpm build`): node --import tsx scripts/api-report.ts [--local] [package-dir ...]
//   --local  write the reports that changed into api/ (what `pnpm api` does); without it, compare
//
// Why one compiler program for every entry point: each package's declarations import the others',
// so separate programs would parse core's declarations fourteen times. One program is built once
// and every package is analysed in it (see `entryPoints` and `checkApi`).
import { CompilerState, Extractor, ExtractorConfig, type ExtractorMessage, type IConfigFile } from '@microsoft/api-extractor';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reportFolder = join(root, 'api');

/** One entry point of a published package: `@renewal-ledger/eventstore/conformance`. */
export interface EntryPoint {
  readonly packageName: string;
  readonly packageDir: string;
  /** `.` or the subpath of `exports` (`./conformance`). */
  readonly subpath: string;
  /** The built declaration file the entry point's `types` condition names. */
  readonly declarations: string;
  /** `core`, `eventstore-conformance`: the report is `api/<reportName>.api.md`. */
  readonly reportName: string;
}

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, string | Record<string, string>>;
}

/** Every entry point of every package whose package.json is not `"private": true`. */
export const entryPoints = (): EntryPoint[] =>
  readdirSync(join(root, 'packages'))
    .sort()
    .flatMap((dir) => {
      const packageDir = join(root, 'packages', dir);
      const manifestPath = join(packageDir, 'package.json');
      if (!existsSync(manifestPath)) return [];
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      if (manifest.private) return [];
      const unscoped = manifest.name.replace(/^@[^/]+\//, '');
      return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
        const types = typeof target === 'string' ? undefined : target.types;
        if (!types) return []; // ./package.json
        const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/\//g, '-')}`;
        return [
          { packageName: manifest.name, packageDir, subpath, declarations: join(packageDir, types), reportName: `${unscoped}${suffix}` },
        ];
      });
    });

// The compiler settings for reading the built declarations as a consumer would: the published
// conditions only (no `@renewal-ledger/source`), so workspace packages resolve to their dist/.
// skipLibCheck: tsc already checked these files when it wrote them (and test/pack.test.ts checks
// them without it); here they are only read.
const compilerOptions = {
  target: 'ES2022',
  lib: ['ES2022'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  skipLibCheck: true,
  types: ['node'],
};

const configFor = (entry: EntryPoint, base: IConfigFile, temp: string): ExtractorConfig =>
  ExtractorConfig.prepare({
    configObject: {
      ...base,
      projectFolder: entry.packageDir,
      mainEntryPointFilePath: entry.declarations,
      compiler: { overrideTsconfig: { compilerOptions, files: [entry.declarations] } },
      apiReport: { ...base.apiReport, enabled: true, reportFileName: `${entry.reportName}.api.md`, reportFolder, reportTempFolder: temp },
    },
    configObjectFullPath: join(root, 'api-extractor.json'),
    packageJsonFullPath: join(entry.packageDir, 'package.json'),
  });

// The compiler prints a union of string literals in the order it first met them, which depends on
// what it checked first: a fresh clone and a warm checkout can print the same type differently.
// Reports are compared with such unions sorted, so only a real change of the API counts.
const sortedLiteralUnions = (report: string): string =>
  report.replace(/"[^"\n]*"(?: \| "[^"\n]*")+/g, (union) => union.split(' | ').sort().join(' | '));

const readOr = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

export interface EntryResult {
  readonly entry: EntryPoint;
  /** The report in api/ matches the built declarations. */
  readonly upToDate: boolean;
  /** With --local: the report in api/ was rewritten. */
  readonly written: boolean;
  /** Errors and warnings (a forgotten export, a compiler problem), formatted for people. */
  readonly problems: readonly string[];
  /** The difference between the committed report and the built declarations, as a patch. */
  readonly diff: string;
}

/**
 * Runs API Extractor on every entry point (or those whose package directory is in `only`).
 * `local`: write the changed reports into api/; otherwise only compare.
 */
export const checkApi = (options: { readonly local: boolean; readonly only?: readonly string[] }): EntryResult[] => {
  const base = ExtractorConfig.loadFile(join(root, 'api-extractor.json'));
  const temp = mkdtempSync(join(tmpdir(), 'renewal-api-'));
  try {
    const entries = entryPoints().filter(
      (e) => !options.only?.length || options.only.some((o) => relative(root, e.packageDir).includes(o)),
    );
    const missing = entries.filter((e) => !existsSync(e.declarations));
    if (missing.length)
      throw new Error(`not built: ${missing.map((e) => relative(root, e.declarations)).join(', ')} (run pnpm build first)`);
    const configs = entries.map((entry) => configFor(entry, base, temp));
    const [first] = configs;
    if (!first) return [];
    const compilerState = CompilerState.create(first, { additionalEntryPoints: entries.map((e) => e.declarations) });
    return entries.map((entry, i) => {
      const problems: string[] = [];
      let diff = '';
      const committedPath = join(reportFolder, `${entry.reportName}.api.md`);
      const committed = readOr(committedPath);
      const result = Extractor.invoke(configs[i]!, {
        localBuild: options.local,
        compilerState,
        printApiReportDiff: true,
        messageCallback: (message: ExtractorMessage) => {
          message.handled = true;
          if (message.messageId === 'console-api-report-diff') diff = message.text.replace(/^Changes to the API report:\s*/, '');
          else if (
            message.logLevel === 'error' ||
            (message.logLevel === 'warning' && !String(message.messageId).startsWith('console-api-report'))
          ) {
            const where = message.sourceFilePath ? `${relative(root, message.sourceFilePath)}:${message.sourceFileLine ?? 0}: ` : '';
            problems.push(`${where}(${message.messageId}) ${message.text}`);
          }
        },
      });
      if (result.apiReportChanged && committed !== undefined) {
        const built = readOr(options.local ? committedPath : join(temp, `${entry.reportName}.api.md`));
        if (built !== undefined && sortedLiteralUnions(built) === sortedLiteralUnions(committed)) {
          if (options.local) writeFileSync(committedPath, committed);
          return { entry, upToDate: true, written: false, problems, diff: '' };
        }
      }
      return { entry, upToDate: !result.apiReportChanged, written: options.local && result.apiReportChanged, problems, diff };
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
};

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const local = args.includes('--local');
  const started = Date.now();
  const results = checkApi({ local, only: args.filter((a) => a !== '--local') });
  let failed = false;
  for (const r of results) {
    const name = r.entry.subpath === '.' ? r.entry.packageName : `${r.entry.packageName}/${r.entry.subpath.replace(/^\.\//, '')}`;
    const state = r.written ? 'report updated' : r.upToDate ? 'unchanged' : 'CHANGED (run pnpm api to accept)';
    console.log(`${name}: ${state}  api/${r.entry.reportName}.api.md`);
    if (!r.upToDate && !local && r.diff) console.log(r.diff.replace(/^/gm, '    '));
    for (const p of r.problems) console.log(`  ${p}`);
    if (r.problems.length || (!local && !r.upToDate)) failed = true;
  }
  console.log(`${results.length} entry points in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}
