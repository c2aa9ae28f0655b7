// The runner with views in PostgreSQL: exactly once under concurrent runners (row locks on the
// checkpoint), a failing batch rolled back, and a version bump switched over in one transaction.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryDatabase, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getPostgresViewDatabase, getProjectionRunner, listCheckpoints, type PostgresViewDatabase } from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';
import { logProjection, loggedPositions, tallyOf, tallyProjection } from './support/tally.js';
import { generatePortfolio } from './support/workspace.js';

const test = suite('the runner on PostgreSQL views');
const pg = pgTest(test);

const setup = async () => {
  const memory = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database: memory });
  await feed(store, generatePortfolio({ accounts: 20, months: 6 }).commands);
  const schema = uniqueSchema('runner');
  const opened: PostgresViewDatabase[] = [];
  const open = async () => {
    const db = await getPostgresViewDatabase({ connectionString: requirePostgresUrl(), schema });
    opened.push(db);
    return db;
  };
  const db = await open();
  return {
    memory,
    store,
    db,
    open,
    cleanup: async () => {
      for (const d of opened) await d.close();
      await dropSchemas(schema);
    },
  };
};

pg('several runners at once apply every event exactly once', async () => {
  const s = await setup();
  try {
    const dbs = [s.db, await s.open(), await s.open()];
    const results = await Promise.all(
      dbs.map((db, i) =>
        getProjectionRunner({
          store: s.store,
          database: db,
          projections: [logProjection(), tallyProjection()],
          batchSize: 10 + i * 7,
        }).catchUp(),
      ),
    );
    for (const r of results.flat()) assert.is(r.status, 'caught-up', r.status === 'failed' ? r.error.message : '');
    const head = s.memory.rows.length;
    assert.equal(
      await loggedPositions(s.db),
      Array.from({ length: head }, (_, i) => BigInt(i + 1)),
    );
    const counts = Object.values(await tallyOf(s.db)).reduce((a, b) => a + b, 0);
    assert.is(counts, head);
    assert.ok((await listCheckpoints(s.db)).every((c) => c.position === BigInt(head) && c.events === head));
  } finally {
    await s.cleanup();
  }
});

pg('an event that cannot be applied rolls its batch back and stops at its position', async () => {
  const s = await setup();
  try {
    const culprit = s.memory.rows[77]!;
    const [r] = await getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [logProjection({ failOn: (e) => e.eventId === culprit.eventId })],
      batchSize: 50,
    }).catchUp();
    assert.is(r!.status === 'failed' && r!.error.globalPosition, culprit.globalPosition);
    assert.is(r!.position, culprit.globalPosition - 1n);
    assert.equal(
      await loggedPositions(s.db, 'log_events_v1_1'),
      Array.from({ length: 77 }, (_, i) => BigInt(i + 1)),
    );
  } finally {
    await s.cleanup();
  }
});

pg('a version bump switches readers over when caught up and drops the old tables', async () => {
  const s = await setup();
  try {
    await getProjectionRunner({ store: s.store, database: s.db, projections: [tallyProjection()] }).catchUp();
    const v1 = await tallyOf(s.db);
    const reader = await s.open();
    const seen: Promise<Record<string, unknown>[]>[] = [];
    const [r] = await getProjectionRunner({
      store: s.store,
      database: s.db,
      projections: [tallyProjection({ version: 2 })],
      batchSize: 60,
      onProgress: () => seen.push(reader.query('SELECT * FROM tally_counts')),
    }).catchUp();
    assert.ok(r!.switched);
    // Queries sent while v2 was being built saw v1, whole; one sent at the last batch may run
    // after the switch (its own connection) and then sees v2, whole: never anything in between.
    const snapshots = await Promise.all(seen);
    assert.ok(
      snapshots.filter((rows) => !rows.some((row) => 'amount_minor' in row)).length >= snapshots.length - 1,
      'readers stayed on v1 while v2 was built',
    );
    for (const rows of snapshots) assert.equal(Object.fromEntries(rows.map((row) => [row.type, Number(row.events)]).sort()), v1);
    assert.equal(await tallyOf(s.db), v1);
    const tables = await s.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name LIKE 'tally%'`,
      [s.db.schema],
    );
    assert.equal(
      tables.map((t) => t.table_name),
      ['tally_counts_v2_2'],
    );
  } finally {
    await s.cleanup();
  }
});

test.run();
