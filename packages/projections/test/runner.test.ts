// The runner's promises: every event applied exactly once with the checkpoint in the same
// transaction; failures stop one projection at a named position; version bumps and rebuilds
// build fresh tables and switch readers over only when caught up.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { createInMemoryDatabase, getInMemoryEventStore, type EventStore, type InMemoryDatabase } from '@renewal-ledger/eventstore';
import {
  dropProjection,
  getProjectionRunner,
  getSQLiteViewDatabase,
  listCheckpoints,
  readRegistration,
  type ProgressReport,
  type ProjectionRunResult,
  type SQLiteViewDatabase,
  ViewsBusyError,
} from '../src/index.js';
import { readCheckpoint } from '../src/table-sets.js';
import { feed } from '@renewal-ledger/testing/feed';
import { tempDir } from '@renewal-ledger/testing/environments';
import { propertyPortfolio } from '@renewal-ledger/testing/property-portfolio';
import { logProjection, loggedPositions, tallyOf, tallyProjection } from './support/tally.js';
import { generatePortfolio, getSQLiteEventStore } from './support/workspace.js';

const portfolio = generatePortfolio({ accounts: 20, months: 6 });

interface Setup {
  memory: InMemoryDatabase;
  store: EventStore;
  db: SQLiteViewDatabase;
  path: string;
  cleanup: () => Promise<void>;
}
const setup = async (): Promise<Setup> => {
  const memory = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database: memory });
  await feed(store, portfolio.commands);
  const tmp = tempDir('runner');
  const path = join(tmp.dir, 'views.db');
  const db = getSQLiteViewDatabase({ path });
  return {
    memory,
    store,
    db,
    path,
    cleanup: async () => {
      await db.close();
      tmp.remove();
    },
  };
};

/** What the tally must say, counted straight from the store. */
const expectedTally = async (store: EventStore, through?: bigint): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for await (const e of store.readAll(through === undefined ? {} : { limit: Number(through) })) out[e.type] = (out[e.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
};

const test = suite('the projection runner');

test('catch-up applies every event once and checkpoints at the head; a second run applies nothing', async () => {
  const s = await setup();
  try {
    const head = await s.store.headPosition();
    const runner = getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection(), logProjection()],
      batchSize: 37,
    });
    const first = await runner.catchUp();
    assert.equal(
      first.map((r) => [r.projection, r.status, r.position, r.eventsApplied]),
      [
        ['tally', 'caught-up', head, Number(head)],
        ['log', 'caught-up', head, Number(head)],
      ],
    );
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
    assert.equal(
      await loggedPositions(s.db),
      Array.from({ length: Number(head) }, (_, i) => BigInt(i + 1)),
    );
    const second = await runner.catchUp();
    assert.equal(
      second.map((r) => [r.status, r.position, r.eventsApplied, r.eventsRead]),
      [
        ['caught-up', head, 0, 0],
        ['caught-up', head, 0, 0],
      ],
    );
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
    const checkpoints = await listCheckpoints(s.db);
    assert.equal(
      checkpoints.map((c) => [c.projection, c.tableSet, c.position, c.events]),
      [
        ['log', 'v1_1', head, Number(head)],
        ['tally', 'v1_1', head, Number(head)],
      ],
    );
  } finally {
    await s.cleanup();
  }
});

test('events of types a projection does not handle only move its checkpoint', async () => {
  const s = await setup();
  try {
    const head = await s.store.headPosition();
    const [r] = await getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [logProjection({ eventTypes: ['Paid'] })],
    }).catchUp();
    const paid: bigint[] = [];
    for await (const e of s.store.readAll()) if (e.type === 'Paid') paid.push(e.globalPosition);
    assert.equal(await loggedPositions(s.db), paid);
    assert.is(r!.position, head);
    assert.is(r!.eventsApplied, paid.length);
    assert.is(r!.eventsRead, Number(head));
  } finally {
    await s.cleanup();
  }
});

test('an event a projection cannot apply stops it at that position, keeps what came before, and the others go on', async () => {
  const s = await setup();
  try {
    const culprit = s.memory.rows[99]!;
    const fussy = logProjection({ name: 'fussy', failOn: (e) => e.eventId === culprit.eventId });
    const runner = getProjectionRunner({ store: s.store, database: s.db, projections: [fussy, tallyProjection()], batchSize: 30 });
    const [failed, other] = await runner.catchUp();
    assert.is(failed!.status, 'failed');
    if (failed!.status !== 'failed') return;
    assert.is(failed!.error.globalPosition, culprit.globalPosition);
    assert.match(failed!.error.message, `global position ${culprit.globalPosition}`);
    assert.match(failed!.error.reason, `refusing ${culprit.eventId}`);
    assert.is(failed!.position, culprit.globalPosition - 1n);
    assert.is((await readCheckpoint(s.db, 'fussy', 'v1_1'))!.position, culprit.globalPosition - 1n);
    // Its first build never caught up, so readers have no view yet: look at the table being built.
    assert.equal(
      await loggedPositions(s.db, 'fussy_events_v1_1'),
      Array.from({ length: 99 }, (_, i) => BigInt(i + 1)),
    );
    assert.is(other!.status, 'caught-up');
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
    // Still refused on the next run, at the same place.
    const [again] = await runner.catchUp();
    assert.is(again!.status === 'failed' && again!.error.globalPosition, culprit.globalPosition);
  } finally {
    await s.cleanup();
  }
});

test('a batch that throws after writing its rows leaves nothing behind: no event counted twice', async () => {
  const s = await setup();
  try {
    let crashes = 0;
    const crashing = tallyProjection({
      afterBatch: (events) => {
        // Rows of the whole batch are written: throw before the checkpoint, once.
        if (crashes === 0 && events.some((e) => e.globalPosition === 120n)) {
          crashes++;
          throw new Error('power cut');
        }
      },
    });
    const [r] = await getProjectionRunner({ store: s.store, database: s.db, projections: [crashing], batchSize: 50 }).catchUp();
    assert.is(crashes, 1);
    assert.is(r!.status, 'caught-up');
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
  } finally {
    await s.cleanup();
  }
});

test('a stored event that no longer decodes stops every projection right before it; fixed, they go on', async () => {
  const s = await setup();
  try {
    const bad = s.memory.rows[150]!;
    const original = bad.data;
    bad.data = original.replace(/"at":"[^"]+"/, '"at":"yesterday"');
    const runner = getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection(), logProjection()],
      batchSize: 64,
    });
    const results = await runner.catchUp();
    for (const r of results) {
      assert.is(r.status, 'failed');
      if (r.status !== 'failed') continue;
      assert.is(r.error.globalPosition, bad.globalPosition);
      assert.match(r.error.reason, 'does not decode');
      assert.match(r.error.reason, 'data/at');
      assert.is(r.position, bad.globalPosition - 1n);
    }
    assert.equal(await tallyOf(s.db, 'tally_counts_v1_1'), await expectedTally(s.store, bad.globalPosition - 1n));
    bad.data = original;
    const fixed = await runner.catchUp();
    assert.equal(
      fixed.map((r) => r.status),
      ['caught-up', 'caught-up'],
    );
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
    assert.is((await loggedPositions(s.db)).length, s.memory.rows.length);
  } finally {
    await s.cleanup();
  }
});

test('a version bump builds into fresh tables; readers see the old view until the new one caught up', async () => {
  const s = await setup();
  try {
    await getProjectionRunner({ store: s.store, database: s.db, projections: [tallyProjection()] }).catchUp();
    const v1 = await tallyOf(s.db);
    const reader = getSQLiteViewDatabase({ path: s.path });
    const seenWhileBuilding: Promise<unknown>[] = [];
    const phases: ProgressReport['phase'][] = [];
    const runner = getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection({ version: 2 })],
      batchSize: 40,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'building') seenWhileBuilding.push(reader.query('SELECT * FROM tally_counts ORDER BY type'));
      },
    });
    const [r] = await runner.catchUp();
    assert.is(r!.status, 'caught-up');
    assert.ok(r!.switched);
    assert.is(r!.tableSet, 'v2_2');
    assert.ok(phases.length > 2 && phases.every((p) => p === 'building'));
    for (const rows of (await Promise.all(seenWhileBuilding)) as Record<string, unknown>[][]) {
      // The old view, whole: no amount column, every event counted.
      assert.not.ok(rows.some((row) => 'amount_minor' in row));
      assert.equal(Object.fromEntries(rows.map((row) => [row.type, Number(row.events)])), v1);
    }
    const after = await s.db.query('SELECT * FROM tally_counts ORDER BY type');
    assert.ok(after.every((row) => 'amount_minor' in row));
    assert.equal(await tallyOf(s.db), v1);
    const tables = (await s.db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'tally_counts%'`)).map(
      (x) => x.name,
    );
    assert.equal(tables, ['tally_counts_v2_2']);
    // Code of the old version refuses to run against the newer view.
    const [old] = await getProjectionRunner({ store: s.store, database: s.db, projections: [tallyProjection()] }).catchUp();
    assert.is(old!.status, 'failed');
    assert.match(old!.status === 'failed' ? old!.error.message : '', 'newer than this code');
    await reader.close();
  } finally {
    await s.cleanup();
  }
});

test('rebuild replays from zero into a new table set and gives the same view', async () => {
  const s = await setup();
  try {
    const runner = getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection(), logProjection()],
      batchSize: 25,
    });
    await runner.catchUp();
    const before = [await tallyOf(s.db), await loggedPositions(s.db)];
    const [t, l] = await runner.rebuild({ only: ['tally'] });
    assert.is(l, undefined);
    assert.is(t!.tableSet, 'v1_2');
    assert.ok(t!.switched);
    assert.is(t!.eventsApplied, s.memory.rows.length);
    assert.equal([await tallyOf(s.db), await loggedPositions(s.db)], before);
    assert.is((await readRegistration(s.db, 'log'))!.live!.id, 'v1_1');
    await dropProjection(s.db, 'tally');
    assert.is(await readRegistration(s.db, 'tally'), null);
    assert.equal((await s.db.query(`SELECT name FROM sqlite_master WHERE name LIKE 'tally%'`)).length, 0);
  } finally {
    await s.cleanup();
  }
});

test('progress reports events done, the total to the head, and a rate', async () => {
  const s = await setup();
  try {
    const head = Number(await s.store.headPosition());
    const reports: ProgressReport[] = [];
    await getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection()],
      batchSize: 100,
      onProgress: (p) => reports.push(p),
    }).catchUp();
    assert.equal(
      reports.map((r) => r.done),
      Array.from({ length: Math.ceil(head / 100) }, (_, i) => Math.min(head, (i + 1) * 100)),
    );
    assert.ok(reports.every((r) => r.total === head && r.projection === 'tally' && r.eventsPerSecond >= 0));
    assert.is(reports[reports.length - 1]!.position, BigInt(head));
  } finally {
    await s.cleanup();
  }
});

test('a table set being built takes batches of buildingBatchSize; a live one catching up, of batchSize', async () => {
  const store = getInMemoryEventStore();
  const half = Math.floor(portfolio.commands.length / 2);
  await feed(store, portfolio.commands.slice(0, half));
  const tmp = tempDir('runner-batches');
  const db = getSQLiteViewDatabase({ path: join(tmp.dir, 'views.db') });
  try {
    const reports: ProgressReport[] = [];
    const runner = getProjectionRunner({
      store,
      database: db,
      projections: [tallyProjection()],
      batchSize: 50,
      buildingBatchSize: 200,
      onProgress: (p) => reports.push(p),
    });
    const steps = (from: number, to: number, size: number) =>
      Array.from({ length: Math.ceil((to - from) / size) }, (_, i) => Math.min(to - from, (i + 1) * size));
    // The first run builds the view's first table set: batches of 200.
    const first = Number(await store.headPosition());
    await runner.catchUp();
    assert.equal(
      reports.map((r) => [r.phase, r.done]),
      steps(0, first, 200).map((d) => ['building', d]),
    );
    // The live set catches up on what came since: batches of 50.
    reports.length = 0;
    await feed(store, portfolio.commands.slice(half));
    const head = Number(await store.headPosition());
    await runner.catchUp();
    assert.equal(
      reports.map((r) => [r.phase, r.done]),
      steps(first, head, 50).map((d) => ['catching-up', d]),
    );
    // A rebuild builds again: batches of 200, and the same tally.
    reports.length = 0;
    await runner.rebuild();
    assert.equal(
      reports.map((r) => [r.phase, r.done]),
      steps(0, head, 200).map((d) => ['building', d]),
    );
    assert.equal(await tallyOf(db), await expectedTally(store));
    // Given only batchSize, building uses it too.
    reports.length = 0;
    await getProjectionRunner({
      store,
      database: db,
      projections: [tallyProjection()],
      batchSize: 50,
      onProgress: (p) => reports.push(p),
    }).rebuild();
    assert.equal(
      reports.map((r) => r.done),
      steps(0, head, 50),
    );
  } finally {
    await db.close();
    tmp.remove();
  }
});

test('follow picks up events appended after the catch-up until aborted', async () => {
  const memory = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database: memory });
  const commands = propertyPortfolio();
  await feed(store, commands.slice(0, 10), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const controller = new AbortController();
  const heads: bigint[] = [];
  const following = getProjectionRunner({ store, database: db, projections: [tallyProjection()] }).follow({
    signal: controller.signal,
    pollIntervalMs: 5,
    onCaughtUp: (results) => {
      heads.push(results[0]!.position!);
      if (heads.length === 1) void feed(store, commands.slice(10), { strict: true });
      else if (results[0]!.position === BigInt(commands.length)) controller.abort();
    },
  });
  const [last] = await following;
  assert.is(heads[0], 10n);
  assert.is(last!.position, BigInt(commands.length));
  assert.equal(await tallyOf(db), await expectedTally(store));
  await db.close();
});

test('follow wakes on a store that pushes (waitForEvents), not on the poll interval', async () => {
  const memory = createInMemoryDatabase();
  const inner = getInMemoryEventStore({ database: memory });
  // The in-memory store with push notification, as EventStoreDB's subscribeToAll gives it.
  const waiters: Array<{ after: bigint; resolve: () => void }> = [];
  let waits = 0;
  const store = {
    ...inner,
    waitForEvents: (after: bigint, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        waits++;
        waiters.push({ after, resolve });
        signal.addEventListener('abort', () => resolve(), { once: true });
        // As the contract says: an event already there resolves at once.
        void notify();
      }),
  };
  const notify = async () => {
    const head = await inner.headPosition();
    for (const w of waiters.splice(0)) {
      if (head > w.after) w.resolve();
      else waiters.push(w);
    }
  };
  const commands = propertyPortfolio();
  await feed(inner, commands.slice(0, 10), { strict: true });
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const controller = new AbortController();
  const heads: bigint[] = [];
  const following = getProjectionRunner({ store, database: db, projections: [tallyProjection()] }).follow({
    signal: controller.signal,
    // An hour: only the push can wake it in time.
    pollIntervalMs: 3_600_000,
    onCaughtUp: (results) => {
      heads.push(results[0]!.position!);
      if (heads.length === 1) void feed(inner, commands.slice(10), { strict: true }).then(notify);
      else if (results[0]!.position === BigInt(commands.length)) controller.abort();
    },
  });
  const [last] = await following;
  assert.is(heads[0], 10n);
  assert.ok(waits >= 1, 'the follower waited on the store');
  assert.is(last!.position, BigInt(commands.length));
  assert.equal(await tallyOf(db), await expectedTally(store));
  await db.close();
});

test('two runners on one view database never apply an event twice', async () => {
  const s = await setup();
  try {
    const other = getSQLiteViewDatabase({ path: s.path });
    // Same process, two connections: SQLite's write lock and the checkpoint check serialise them.
    const a = getProjectionRunner({ store: s.store, database: s.db, projections: [logProjection()], batchSize: 20 });
    const b = getProjectionRunner({ store: s.store, database: other, projections: [logProjection()], batchSize: 20 });
    await a.catchUp();
    await feed(s.store, generatePortfolio({ accounts: 3, months: 2, seed: 9 }).commands);
    const results = await Promise.all([a.catchUp(), b.catchUp()].map((p) => p.catch((e: unknown) => e)));
    for (const r of results) {
      assert.ok(Array.isArray(r), String(r));
      assert.is((r as ProjectionRunResult[])[0]!.status, 'caught-up');
    }
    assert.equal(
      await loggedPositions(s.db),
      Array.from({ length: s.memory.rows.length }, (_, i) => BigInt(i + 1)),
    );
    await other.close();
  } finally {
    await s.cleanup();
  }
});

test('views held by another connection past the wait: no event blamed, a ViewsBusyError at the checkpoint; run again, they go on', async () => {
  const s = await setup();
  try {
    const store = getInMemoryEventStore();
    const half = Math.floor(portfolio.commands.length / 2);
    await feed(store, portfolio.commands.slice(0, half));
    const impatient = getSQLiteViewDatabase({ path: s.path, busyTimeoutMs: 50 });
    const holder = getSQLiteViewDatabase({ path: s.path });
    // Another connection takes the write lock as the run opens its third transaction: after the
    // two preparations, the first batch (a tool, a VACUUM, a stuck process holding it).
    let transactions = 0;
    let armed = false;
    const held: typeof impatient = {
      ...impatient,
      transaction: (work) => {
        if (armed && ++transactions === 3) holder.connection.exec('BEGIN IMMEDIATE');
        return impatient.transaction(work);
      },
    };
    const runner = getProjectionRunner({ store, database: held, projections: [logProjection(), tallyProjection()], batchSize: 40 });
    assert.equal(
      (await runner.catchUp()).map((r) => r.status),
      ['caught-up', 'caught-up'],
    );
    const before = await listCheckpoints(s.db);
    await feed(store, portfolio.commands.slice(half));

    armed = true;
    const busy = await runner.catchUp();
    assert.ok(holder.connection.inTransaction, 'the lock was held through the run');
    for (const r of busy) {
      assert.is(r.status, 'failed');
      if (r.status !== 'failed') continue;
      assert.is(r.error.globalPosition, null, `${r.projection}: no event is to blame, yet ${r.error.message}`);
      assert.instance(r.error.cause, ViewsBusyError);
      assert.is((r.error.cause as ViewsBusyError).code, 'VIEWS_BUSY');
      assert.match(String(((r.error.cause as ViewsBusyError).cause as { code?: string }).code), /^SQLITE_BUSY/);
      assert.match(r.error.message, /the views database is busy/);
    }
    assert.equal(await listCheckpoints(s.db), before, 'nothing written');

    holder.connection.exec('ROLLBACK');
    assert.equal(
      (await runner.catchUp()).map((r) => r.status),
      ['caught-up', 'caught-up'],
    );
    let head = 0;
    for await (const _ of store.readAll()) head++;
    assert.equal(
      await loggedPositions(s.db),
      Array.from({ length: head }, (_, i) => BigInt(i + 1)),
    );
    assert.equal(await tallyOf(s.db), await expectedTally(store));
    await holder.close();
    await impatient.close();
  } finally {
    await s.cleanup();
  }
});

test('follow: views busy past the wait stop no projection; the follower goes on once the lock is let go', async () => {
  const s = await setup();
  try {
    const holder = getSQLiteViewDatabase({ path: s.path });
    const impatient = getSQLiteViewDatabase({ path: s.path, busyTimeoutMs: 20 });
    const runner = getProjectionRunner({ store: s.store, database: impatient, projections: [tallyProjection()], batchSize: 50 });
    // The runner's tables made, then the lock held from the follower's first batch on.
    assert.equal(
      (await runner.catchUp({ only: [] })).map((r) => r.status),
      [],
    );
    holder.connection.exec('BEGIN IMMEDIATE');
    const controller = new AbortController();
    const seen: string[] = [];
    const [last] = await runner.follow({
      signal: controller.signal,
      pollIntervalMs: 5,
      onCaughtUp: ([r]) => {
        seen.push(r!.status === 'failed' ? (r!.error.cause as Error).name : r!.status);
        if (r!.status === 'failed' && holder.connection.inTransaction) holder.connection.exec('ROLLBACK');
        if (r!.status === 'caught-up') controller.abort();
      },
    });
    assert.equal(seen, ['ViewsBusyError', 'caught-up']);
    assert.is(last!.status, 'caught-up');
    assert.equal(await tallyOf(s.db), await expectedTally(s.store));
    await holder.close();
    await impatient.close();
  } finally {
    await s.cleanup();
  }
});

test("views may live in the SQLite event store's own file", async () => {
  const tmp = tempDir('same-file');
  const path = join(tmp.dir, 'ledger.db');
  const store = getSQLiteEventStore({ path });
  const db = getSQLiteViewDatabase({ path });
  try {
    const commands = propertyPortfolio();
    const runner = getProjectionRunner({ store, database: db, projections: [tallyProjection()] });
    await feed(store, commands.slice(0, 15), { strict: true });
    await runner.catchUp();
    await feed(store, commands.slice(15), { strict: true });
    const [r] = await runner.catchUp();
    assert.is(r!.position, BigInt(commands.length));
    assert.equal(await tallyOf(db), await expectedTally(store));
    const tables = (await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).map((x) => x.name);
    assert.ok(tables.includes('events') && tables.includes('tally_counts_v1_1'));
  } finally {
    await db.close();
    await store.close();
    tmp.remove();
  }
});

test.run();
