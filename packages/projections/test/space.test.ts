// A rebuild gives the space of the table set it replaced back to the file system: the views
// file after a rebuild is no larger than after the first build (plus a little), and holds no
// free pages. Before, every rebuild left the old set's pages free inside the file for good.
// New files are incremental-vacuum files; a file made before (no auto-vacuum) is rewritten once
// by its first rebuild and is incremental afterwards.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { getInMemoryEventStore, type EventStore } from '@renewal-ledger/eventstore';
import { asNumber, defineProjection, getProjectionRunner, getSQLiteViewDatabase, insertRows } from '../src/index.js';
import { tempDir } from '@renewal-ledger/testing/environments';
import { feed } from '@renewal-ledger/testing/feed';
import { generatedCommands } from '@renewal-ledger/testing/generated';

const test = suite('space given back after a rebuild');

// One row of about 1 KB per event: the generated portfolio's 2,800 events make a set of about 3 MB.
const wide = defineProjection({
  name: 'wide',
  version: 1,
  eventTypes: 'all',
  tables: ['wide_rows'],
  async createTables(tx, t) {
    await tx.execute(`CREATE TABLE ${t.wide_rows} (position BIGINT PRIMARY KEY, body TEXT NOT NULL)`);
  },
  async applyBatch(events, tx, t) {
    await insertRows(
      tx,
      t.wide_rows,
      ['position', 'body'],
      events.map((e) => [e.globalPosition, `${e.eventId}:`.padEnd(1000, 'x')]),
    );
  },
});

// The generated portfolio: about 2,800 events.
const storeOf = async (): Promise<EventStore> => {
  const store = getInMemoryEventStore();
  await feed(store, generatedCommands());
  return store;
};

const pages = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return {
      free: db.pragma('freelist_count', { simple: true }) as number,
      autoVacuum: db.pragma('auto_vacuum', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
};

// Sizes are taken with the file closed: then the WAL is checkpointed into it.
const rebuildTwice = async (path: string, store: EventStore) => {
  const run = async (work: (runner: ReturnType<typeof getProjectionRunner>) => Promise<void>) => {
    const views = getSQLiteViewDatabase({ path });
    try {
      await work(getProjectionRunner({ store, database: views, projections: [wide], batchSize: 500 }));
    } finally {
      await views.close();
    }
    return statSync(path).size;
  };
  const built = await run(async (runner) => {
    await runner.catchUp();
  });
  const rebuilt = await run(async (runner) => {
    for (let i = 0; i < 2; i++) {
      const [r] = await runner.rebuild();
      assert.is(r!.status, 'caught-up');
    }
  });
  return { built, rebuilt };
};

test('a new views file: each rebuild cuts the old set off the file', async () => {
  const tmp = tempDir('space');
  const store = await storeOf();
  try {
    const path = join(tmp.dir, 'views.db');
    const { built, rebuilt } = await rebuildTwice(path, store);
    assert.ok(built > 2_500_000, `a table set of about 3 MB (${built} bytes)`);
    // Without reclaiming, two rebuilds leave the file at about three sets' size.
    assert.ok(rebuilt <= built * 1.1, `rebuilt ${rebuilt} bytes, first build ${built}`);
    assert.equal(pages(path), { free: 0, autoVacuum: 2 });
  } finally {
    await store.close();
    tmp.remove();
  }
});

// A fresh file has no free page to give back, but a large transaction (a rebuild's batch) grew
// its WAL file, which keeps that size until cut: reclaimSpace cuts it, the file still open.
test('reclaimSpace cuts the WAL a large transaction grew, with no free page to give back', async () => {
  const tmp = tempDir('space-wal');
  const path = join(tmp.dir, 'views.db');
  const views = getSQLiteViewDatabase({ path });
  try {
    await views.execute('CREATE TABLE wide_rows (position BIGINT PRIMARY KEY, body TEXT NOT NULL)');
    await views.transaction((tx) =>
      insertRows(
        tx,
        'wide_rows',
        ['position', 'body'],
        Array.from({ length: 3000 }, (_, i) => [i, ''.padEnd(1000, 'x')]),
      ),
    );
    assert.ok(statSync(`${path}-wal`).size > 2_500_000, 'the transaction went through the WAL');
    assert.equal(await views.reclaimSpace!(), { freePages: 0, method: 'none' });
    assert.is(statSync(`${path}-wal`).size, 0);
    assert.is(asNumber((await views.query('SELECT COUNT(*) AS n FROM wide_rows'))[0]!.n), 3000);
  } finally {
    await views.close();
    tmp.remove();
  }
});

test('a views file made before (no auto-vacuum) is rewritten by its first rebuild, then incremental', async () => {
  const tmp = tempDir('space-old');
  const store = await storeOf();
  try {
    const path = join(tmp.dir, 'views.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE made_before (x INTEGER)');
    old.close();
    assert.is(pages(path).autoVacuum, 0);
    const { built, rebuilt } = await rebuildTwice(path, store);
    assert.ok(rebuilt <= built * 1.1, `rebuilt ${rebuilt} bytes, first build ${built}`);
    assert.equal(pages(path), { free: 0, autoVacuum: 2 });
  } finally {
    await store.close();
    tmp.remove();
  }
});

test.run();
