// A crash at any point leaves each view at a batch boundary, never half a batch: after a restart
// the views are exactly what one uninterrupted run builds. Runs the real views in child processes
// on SQLite files: killed inside a batch (rows written, checkpoint not), killed at an arbitrary
// moment from outside, and two processes running the same projections at once (from nothing, on
// split cycle-state sets after a view failed and fell behind, and rebuilding).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getSQLiteViewDatabase, listCheckpoints } from '../src/index.js';
import { dumpTable, tempDir } from '@renewal-ledger/testing/environments';
import { feed } from '@renewal-ledger/testing/feed';
import { generatePortfolio, getSQLiteEventStore } from './support/workspace.js';

const child = fileURLToPath(import.meta.resolve('@renewal-ledger/testing/run-projections'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
}

/** Runs the child; `killWhen` may kill it (SIGKILL) on a line of its output. */
const run = (args: object, killWhen?: (line: string, lines: string[]) => boolean): Promise<Run> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=@renewal-ledger/source', '--import', 'tsx', child, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (killWhen?.(line, lines)) p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ code, signal, lines });
    });
  });

/** The events file of a generated portfolio, shared by the tests of this file. */
const tmp = tempDir('crash');
const eventsPath = join(tmp.dir, 'events.db');
const views = (name: string) => join(tmp.dir, `${name}.db`);

const snapshot = async (path: string) => {
  const db = getSQLiteViewDatabase({ path });
  try {
    return {
      arrears: await dumpTable(db, 'arrears_cycles', 'cycle_id'),
      // The cycle states each view keeps commit with its rows: a crash leaves them at the same batch.
      arrearsStates: await dumpTable(db, 'arrears_states', 'cycle_id'),
      receiptsStates: await dumpTable(db, 'receipts_cycles', 'cycle_id'),
      receipts: await dumpTable(db, 'receipts', 'number'),
      audit: await dumpTable(db, 'audit_entries', 'position'),
      checkpoints: (await listCheckpoints(db)).map((c) => [c.projection, c.tableSet, String(c.position), c.events]),
      // Arrears and receipts share one cycle-state set, at their checkpoint.
      stateSets: (await db.query('SELECT position FROM renewal_cycle_state_sets')).map((r) => String(r.position)),
    };
  } finally {
    await db.close();
  }
};

const test = suite('crashes and concurrent runners');
let clean: Awaited<ReturnType<typeof snapshot>>;
let head = 0n;

test.before(async () => {
  const store = getSQLiteEventStore({ path: eventsPath, synchronous: 'NORMAL' });
  await feed(store, generatePortfolio({ accounts: 20, months: 12 }).commands);
  head = await store.headPosition();
  await store.close();
  const r = await run({ eventsPath, viewsPath: views('clean'), batchSize: 500 });
  assert.ok(r.lines.includes('done'));
  clean = await snapshot(views('clean'));
  assert.is(clean.checkpoints.length, 3);
  assert.ok(clean.checkpoints.every((c) => c[2] === String(head)));
  assert.equal(clean.stateSets, [String(head)]);
});

test.after(() => tmp.remove());

test('killed inside a batch, after its rows and before its checkpoint: the restart builds the same views', async () => {
  const path = views('inside');
  const killed = await run({ eventsPath, viewsPath: path, batchSize: 40, dieInsideBatch: 5 });
  assert.is(killed.signal, 'SIGKILL');
  assert.not.ok(killed.lines.includes('done'));
  // The three views read the log together and commit each batch in one transaction (they share
  // one cycle-state set): the kill inside the 5th batch leaves all three after 4 batches of 40.
  const db = getSQLiteViewDatabase({ path });
  const checkpoints = await listCheckpoints(db);
  await db.close();
  assert.equal(
    checkpoints.map((c) => [c.projection, c.position]),
    [
      ['arrears', 160n],
      ['audit', 160n],
      ['receipts', 160n],
    ],
  );
  const resumed = await run({ eventsPath, viewsPath: path, batchSize: 40 });
  assert.ok(resumed.lines.includes('done'));
  assert.equal(await snapshot(path), clean);
});

test('killed from outside at an arbitrary batch: the restart builds the same views', async () => {
  for (const [i, at] of [7, 23].entries()) {
    const path = views(`outside-${i}`);
    const killed = await run(
      { eventsPath, viewsPath: path, batchSize: 25 },
      (line, lines) => line.startsWith('progress') && lines.length === at,
    );
    assert.is(killed.signal, 'SIGKILL');
    const resumed = await run({ eventsPath, viewsPath: path, batchSize: 60 });
    assert.ok(resumed.lines.includes('done'), resumed.lines.join('\n'));
    assert.equal(await snapshot(path), clean);
  }
});

test('two processes running the same projections at once apply each event once', async () => {
  const path = views('racing');
  const [a, b] = await Promise.all([
    run({ eventsPath, viewsPath: path, batchSize: 15 }),
    run({ eventsPath, viewsPath: path, batchSize: 35 }),
  ]);
  assert.ok(a.lines.includes('done') && b.lines.includes('done'));
  assert.not.ok(
    [...a.lines, ...b.lines].some((l) => l.startsWith('failed')),
    [...a.lines, ...b.lines].filter((l) => l.startsWith('failed')).join('\n'),
  );
  assert.equal(await snapshot(path), clean);
});

/** Both children's output says each caught up, with no view failed. */
const bothDone = (a: Run, b: Run) => {
  assert.ok(a.lines.includes('done') && b.lines.includes('done'));
  const failed = [...a.lines, ...b.lines].filter((l) => l.startsWith('failed'));
  assert.equal(failed, []);
};

test('a view that failed and fell behind on a copy of the states: two processes catch up at once and merge the sets', async () => {
  const path = views('split');
  // Receipts refuses the events from a third of the log on: it stops there on a copy of the
  // states, arrears and audit go on to the head.
  const refuseFrom = Number(head / 3n);
  const split = await run({ eventsPath, viewsPath: path, batchSize: 50, refuseFrom });
  assert.ok(
    split.lines.some((l) => l.startsWith('failed receipts')),
    split.lines.join('\n'),
  );
  const db = getSQLiteViewDatabase({ path });
  const sets = (await db.query('SELECT position FROM renewal_cycle_state_sets ORDER BY position')).map((r) => Number(r.position));
  await db.close();
  assert.is(sets.length, 2);
  // Receipts' copy right before the first event it refused, the others' set at the head.
  assert.ok(sets[0]! >= refuseFrom - 1 && sets[0]! < Number(head) && sets[1] === Number(head), `state sets at ${sets.join(', ')}`);

  const [a, b] = await Promise.all([
    run({ eventsPath, viewsPath: path, batchSize: 15 }),
    run({ eventsPath, viewsPath: path, batchSize: 35 }),
  ]);
  bothDone(a, b);
  assert.equal(await snapshot(path), clean);
});

test('two processes rebuilding the same views at once end as one uninterrupted run', async () => {
  const path = views('rebuilding');
  const built = await run({ eventsPath, viewsPath: path, batchSize: 500 });
  assert.ok(built.lines.includes('done'));
  const [a, b] = await Promise.all([
    run({ eventsPath, viewsPath: path, batchSize: 20, rebuild: true }),
    run({ eventsPath, viewsPath: path, batchSize: 45, rebuild: true }),
  ]);
  bothDone(a, b);
  // A rebuild makes table sets of its own: the same rows, every checkpoint at the head.
  const rebuilt = await snapshot(path);
  assert.equal({ ...rebuilt, checkpoints: [] }, { ...clean, checkpoints: [] });
  assert.equal(
    rebuilt.checkpoints.map((c) => [c[0], c[2], c[3]]),
    clean.checkpoints.map((c) => [c[0], c[2], c[3]]),
  );
});

test.run();
