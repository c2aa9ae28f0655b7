// Documentation that is checked. Every ```ts block of README.md, docs/ and the packages' and
// examples' READMEs is type-checked against the built packages (as a user's program that imports
// them would be), unless it is marked ```ts fragment (see CONTRIBUTING.md). A failure names the
// file and line. And README's tables list every package, example, docs page and CLI command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { COMMANDS } from '@renewal-ledger/cli';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const list = (dir: string) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).sort() : []);

const markdownFiles = [
  'README.md',
  'CONTRIBUTING.md',
  ...list('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...['packages', 'examples'].flatMap((dir) => list(dir).map((p) => `${dir}/${p}/README.md`)),
].filter((f) => existsSync(join(root, f)));

interface Block {
  readonly file: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

/** Fenced code blocks: a fence of N backticks (or tildes) is closed by one of at least N. */
const blocksOf = (file: string): Block[] => {
  const lines = read(file).split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!);
    }
    blocks.push({ file, line: i + 1, info: open[2]!.trim(), code: body.join('\n') });
    i = j;
  }
  return blocks;
};

const blocks = markdownFiles.flatMap(blocksOf);
const tsBlocks = blocks.filter((b) => /^(ts|typescript)\b/.test(b.info));
const FRAGMENT = 'fragment';

test('every ts block is either checked or marked `fragment` (nothing else after the language)', () => {
  const unknown = tsBlocks.filter((b) =>
    b.info
      .split(/\s+/)
      .slice(1)
      .some((word) => word !== FRAGMENT),
  );
  assert.equal(
    unknown.map((b) => `${b.file}:${b.line}: \`\`\`${b.info}`),
    [],
    'unknown words after ```ts',
  );
  assert.ok(
    tsBlocks.some((b) => !b.info.includes(FRAGMENT)),
    'some blocks are checked',
  );
});

/**
 * A directory outside the workspace whose node_modules links every workspace package (resolved
 * through its published `exports`, without the workspace's source condition: the built dist/) and
 * the third-party packages snippets import.
 */
const sandbox = () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-doc-snippets-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const modules = join(dir, 'node_modules');
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(target, join(modules, name), 'dir');
  };
  for (const p of list('packages')) {
    const manifest = join(root, 'packages', p, 'package.json');
    if (existsSync(manifest)) link(JSON.parse(readFileSync(manifest, 'utf8')).name, join(root, 'packages', p));
  }
  // Where the workspace has them: the drivers are the projections package's (dev) dependencies.
  const from = createRequire(join(root, 'packages/projections/package.json'));
  const rootRequire = createRequire(join(root, 'package.json'));
  for (const name of ['fp-ts', 'io-ts', 'pg', 'better-sqlite3', '@types/node', '@types/pg', '@types/better-sqlite3']) {
    const resolve = (r: NodeRequire) => dirname(r.resolve(`${name}/package.json`));
    let target: string;
    try {
      target = resolve(from);
    } catch {
      target = resolve(rootRequire);
    }
    link(name, target);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return dir;
};

test('every ts block that is not a fragment type-checks against the built packages', () => {
  const dir = sandbox();
  const where = new Map<string, Block>();
  const files = tsBlocks
    .filter((b) => !b.info.includes(FRAGMENT))
    .map((b) => {
      const file = join(dir, `${b.file.replace(/[^a-z0-9]+/gi, '_')}_${b.line}.ts`);
      // `export {}` makes each block a module of its own: top-level await, no clashing names.
      writeFileSync(file, `${b.code}\nexport {};\n`);
      where.set(file, b);
      return file;
    });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    const block = d.file && where.get(d.file.fileName);
    if (!d.file || !block) return `${d.file ? relative(root, d.file.fileName) : '(no file)'}: TS${d.code} ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    // The block's first line of code is the line after its fence.
    return `${block.file}:${block.line + 1 + line}:${character + 1}: TS${d.code} ${text}`;
  });
  assert.ok(files.length > 0);
  if (problems.length)
    assert.unreachable(
      `${problems.length} problems in documentation snippets (mark illustrations \`\`\`ts fragment):\n${problems.join('\n')}`,
    );
});

// --- README's tables ---------------------------------------------------------------------------

const readme = read('README.md');

test('README lists every package, example and docs page', () => {
  const missing: string[] = [];
  for (const p of list('packages').filter((p) => existsSync(join(root, 'packages', p, 'package.json')))) {
    const { name } = JSON.parse(read(`packages/${p}/package.json`)) as { name: string };
    if (!readme.includes(`\`${name}\``) && !readme.includes(`\`${name.replace('@renewal-ledger/', '')}\``)) missing.push(name);
  }
  for (const e of list('examples').filter((e) => existsSync(join(root, 'examples', e, 'package.json'))))
    if (!readme.includes(`examples/${e}`)) missing.push(`examples/${e}`);
  for (const d of list('docs').filter((d) => d.endsWith('.md'))) if (!readme.includes(`(docs/${d})`)) missing.push(`docs/${d}`);
  assert.equal(missing, [], 'README.md does not mention these');
});

test('README names every command of the renewal CLI', () => {
  const names = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];
  const table = readme.slice(readme.indexOf('`@renewal-ledger/cli`'));
  const missing = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(table));
  assert.equal(missing, [], 'README.md does not name these CLI commands in its package table');
});

test.run();
