// Two runners at once on one PostgreSQL views database whose views share cycle-state sets
// (renewal_cycle_states_<n>, registered in renewal_cycle_state_sets): each on a pool of its own,
// as two processes would be. Whatever the interleaving, both finish without a deadlock, the
// views end as a single incremental build leaves them, every checkpoint equals its state set's
// position, and split sets end merged into one.
//
// The interleaving that deadlocked is forced, not hoped for: runner B (arrears alone) holds its
// batch transaction open right after locking arrears' checkpoint row, runner A (both views)
// moves behaviour up to arrears' position, meets arrears' state set there and merges it (locking
// the set, then wanting arrears' checkpoint row), and B then locks its set. Every transaction of
// a runner now takes the views database's runner lock first, so A waits for B instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStore } from '@renewal-ledger/eventstore';
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import {
  getPostgresViewDatabase,
  getProjectionRunner,
  type ProjectionRunResult,
  type SqlExecutor,
  type ViewDatabase,
} from '@renewal-ledger/projections';
import { arrearsProjection } from '../src/index.js';
import { openEnvironment } from '@renewal-ledger/testing/environments';
import { feed } from '@renewal-ledger/testing/feed';
import { buildIncrementally, generatedCommands } from '@renewal-ledger/testing/generated';
import { adminPool, dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';
import { dumpViews as dumpAll, refusing, stateSets } from './support/shared-states.js';

const test = suite('two runners at once on shared cycle states (PostgreSQL)');
const pg = pgTest(test);
const projections = [arrearsProjection, behaviourProjection];

/** What the views must end as: built incrementally by one runner, on a store of its own. */
let expected: Record<string, string[]>;
const reference = async () => {
  if (expected) return expected;
  const env = await openEnvironment('postgres');
  try {
    await buildIncrementally(env.store, env.views, projections);
    expected = await dumpAll(env.views);
  } finally {
    await env.close();
  }
  return expected;
};

/** A views schema and the runners' pools on it, each pool named so pg_stat_activity tells them apart. */
const viewsSchema = async () => {
  const schema = uniqueSchema('concurrent');
  const opened: ViewDatabase[] = [];
  const open = async (name: string) => {
    const url = new URL(requirePostgresUrl());
    url.searchParams.set('application_name', `${schema}-${name}`);
    const db = await getPostgresViewDatabase({ connectionString: url.toString(), schema, max: 2 });
    opened.push(db);
    return db;
  };
  return {
    schema,
    open,
    close: async () => {
      for (const db of opened) await db.close();
      await dropSchemas(schema);
    },
  };
};

/**
 * A view database whose transactions can be held at a statement (the first one matching
 * `at` once armed), and which records every error a transaction ended with.
 */
const holdable = (db: ViewDatabase, at = /$^/) => {
  let armed = false;
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const errors: unknown[] = [];
  const wrapped: ViewDatabase = {
    ...db,
    transaction: (work) =>
      db
        .transaction((tx) =>
          work({
            dialect: tx.dialect,
            execute: (sql, params) => tx.execute(sql, params),
            query: async (sql, params) => {
              if (armed && at.test(sql)) {
                armed = false;
                reached();
                await gate;
              }
              return tx.query(sql, params);
            },
          } as SqlExecutor),
        )
        .catch((e: unknown) => {
          errors.push(e);
          throw e;
        }),
  };
  return { db: wrapped, arm: () => void (armed = true), held, release, errors };
};

/** Waits until a connection of the named pool waits for a lock. */
const waitUntilWaiting = async (applicationName: string): Promise<void> => {
  const admin = adminPool();
  try {
    // A guard against a hang, not a speed check: the wait is for a state, polled.
    for (let i = 0; i < 6000; i++) {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [applicationName],
      );
      if (rows[0]!.n !== '0') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${applicationName} never waited for a lock`);
  } finally {
    await admin.end();
  }
};

const deadlocks = (errors: readonly unknown[]) =>
  errors.filter((e) => (e as { code?: string }).code === '40P01' || /deadlock/i.test(String((e as Error).message)));

const statuses = (results: readonly ProjectionRunResult[]) =>
  results.map((r) => [r.projection, r.status === 'failed' ? `failed: ${r.error.message}` : r.status]);

/**
 * The runner's bookkeeping is whole: one live table set per projection at the store's head and
 * none being built, each checkpoint on a registered state set at the same position, one state
 * set left, and no state-set table that the registry does not list.
 */
const assertConsistent = async (db: ViewDatabase, store: EventStore) => {
  const head = await store.headPosition();
  const registry = await db.query('SELECT projection, live_set, building_set FROM renewal_projection_registry ORDER BY projection');
  assert.equal(
    registry.map((r) => [r.projection, r.building_set]),
    [
      ['arrears', null],
      ['behaviour', null],
    ],
  );
  const checkpoints = await db.query(
    `SELECT c.projection, c.table_set, c.position, c.state_set, s.position AS set_position
       FROM renewal_projection_checkpoints c LEFT JOIN renewal_cycle_state_sets s ON s.id = c.state_set ORDER BY c.projection`,
  );
  assert.equal(
    checkpoints.map((c) => [c.projection, c.table_set, String(c.position), String(c.set_position)]),
    registry.map((r) => [r.projection, r.live_set, String(head), String(head)]),
  );
  const sets = await db.query('SELECT id FROM renewal_cycle_state_sets');
  assert.equal(
    sets.map((s) => String(s.id)),
    [String(checkpoints[0]!.state_set)],
    'one state set, shared',
  );
  const tables = await db.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name LIKE 'renewal_cycle_states_%' AND table_type = 'BASE TABLE'`,
  );
  assert.equal(
    tables.map((t) => String(t.name)),
    [`renewal_cycle_states_${String(checkpoints[0]!.state_set)}`],
  );
};

pg('the merge that met a runner moving the other view: no deadlock, one set, the views of one build', async () => {
  const want = await reference();
  const env = await openEnvironment('postgres');
  const views = await viewsSchema();
  try {
    // Split sets: both views to the first third, then arrears alone to two thirds (behaviour
    // keeps a copy as of its own checkpoint), then the rest of the log.
    const commands = generatedCommands();
    const third = Math.floor(commands.length / 3);
    const setup = await views.open('setup');
    await feed(env.store, commands.slice(0, third));
    await getProjectionRunner({ store: env.store, database: setup, projections }).catchUp();
    await feed(env.store, commands.slice(third, 2 * third));
    await getProjectionRunner({ store: env.store, database: setup, projections }).catchUp({ only: ['arrears'] });
    await feed(env.store, commands.slice(2 * third));
    assert.is(await stateSets(setup), 2);

    const b = holdable(await views.open('b'), /^SELECT position FROM renewal_cycle_state_sets WHERE id = \? FOR UPDATE$/);
    const a = holdable(await views.open('a'));
    // B holds its first batch right after locking arrears' checkpoint, before locking its set.
    b.arm();
    const runB = getProjectionRunner({ store: env.store, database: b.db, projections: [arrearsProjection], batchSize: 200 }).catchUp();
    await b.held;
    // A moves behaviour up to arrears' checkpoint in one batch, where the two sets meet.
    const runA = getProjectionRunner({ store: env.store, database: a.db, projections, batchSize: 5000 }).catchUp();
    await waitUntilWaiting(`${views.schema}-a`);
    b.release();
    const [resultsA, resultsB] = await Promise.all([runA, runB]);

    assert.equal(deadlocks([...a.errors, ...b.errors]), [], 'no transaction was ended by a deadlock');
    assert.equal(statuses(resultsA), [
      ['arrears', 'caught-up'],
      ['behaviour', 'caught-up'],
    ]);
    assert.equal(statuses(resultsB), [['arrears', 'caught-up']]);
    await assertConsistent(setup, env.store);
    assert.equal(await dumpAll(setup), want);
  } finally {
    await views.close();
    await env.close();
  }
});

/** Two runners on pools of their own, with different batch sizes, doing `run` at once. */
const both = async (
  store: EventStore,
  open: (name: string) => Promise<ViewDatabase>,
  run: (runner: ReturnType<typeof getProjectionRunner>) => Promise<readonly ProjectionRunResult[]>,
) => {
  const [dbA, dbB] = [holdable(await open('a')), holdable(await open('b'))];
  const results = await Promise.all(
    [dbA, dbB].map((h, i) => run(getProjectionRunner({ store, database: h.db, projections, batchSize: [40, 97][i] }))),
  );
  assert.equal(deadlocks([...dbA.errors, ...dbB.errors]), [], 'no transaction was ended by a deadlock');
  for (const r of results)
    assert.equal(statuses(r), [
      ['arrears', 'caught-up'],
      ['behaviour', 'caught-up'],
    ]);
};

pg('two runners building, catching up and rebuilding the same views at once end as one build', async () => {
  const want = await reference();
  const env = await openEnvironment('postgres');
  const views = await viewsSchema();
  try {
    const commands = generatedCommands();
    const half = Math.floor(commands.length / 2);
    const check = await views.open('check');
    // From nothing: both make the runner's tables and the first table sets at once.
    await feed(env.store, commands.slice(0, half));
    await both(env.store, views.open, (r) => r.catchUp());
    await feed(env.store, commands.slice(half));
    await both(env.store, views.open, (r) => r.catchUp());
    await assertConsistent(check, env.store);
    assert.equal(await dumpAll(check), want);
    // Both rebuild: each throws away the set the other is building, and they end on one.
    await both(env.store, views.open, (r) => r.rebuild());
    await assertConsistent(check, env.store);
    assert.equal(await dumpAll(check), want);
  } finally {
    await views.close();
    await env.close();
  }
});

pg('a view that failed and fell behind on a copy: two runners catch up at once and merge the sets into one', async () => {
  const want = await reference();
  const env = await openEnvironment('postgres');
  const views = await viewsSchema();
  try {
    await feed(env.store, generatedCommands());
    const handled = behaviourProjection.eventTypes;
    const log = [];
    for await (const e of env.store.readAll()) if (handled === 'all' || handled.includes(e.type)) log.push(e);
    const culprit = log[Math.floor(log.length / 3)]!;
    const fussy = refusing(culprit.eventId);
    const check = await views.open('check');
    const [arrears, behaviour] = await getProjectionRunner({
      store: env.store,
      database: check,
      projections: [arrearsProjection, fussy],
      batchSize: 250,
    }).catchUp();
    assert.is(arrears!.status, 'caught-up');
    assert.is(behaviour!.status, 'failed');
    assert.is(await stateSets(check), 2);

    await both(env.store, views.open, (r) => r.catchUp());
    await assertConsistent(check, env.store);
    assert.equal(await dumpAll(check), want);
  } finally {
    await views.close();
    await env.close();
  }
});

test.run();
