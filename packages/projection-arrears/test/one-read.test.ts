// One read of the log per run: the views the runner drives read the store together from their
// lowest checkpoint and share one cycle-state set. A view run alone (`--only`) leaves the others
// a copy of the states as of their own checkpoint; when they catch up, the two sets meet and one
// is dropped. SQLite and PostgreSQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStore } from '@renewal-ledger/eventstore';
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { arrearsProjection } from '../src/index.js';
import { dumpTable, openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { feed } from '@renewal-ledger/testing/feed';
import { buildIncrementally, generatedCommands } from '@renewal-ledger/testing/generated';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { dumpViews as dumpAll, refusing, stateSets } from './support/shared-states.js';

const test = suite('one read of the log per run');

/** The store, counting the events it hands out through readAll. */
const counting = (store: EventStore) => {
  const count = { events: 0 };
  const wrapped: EventStore = Object.create(store);
  wrapped.readAll = async function* (options) {
    for await (const e of store.readAll(options)) {
      count.events++;
      yield e;
    }
  };
  return { store: wrapped, count };
};

const eventsIn = async (store: EventStore): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

const scenario = (kind: StoreKind) => async () => {
  const reference = await openEnvironment(kind);
  const env = await openEnvironment(kind);
  try {
    const projections = [arrearsProjection, behaviourProjection];
    // What the views must end as: built incrementally, on a store of their own.
    await buildIncrementally(reference.store, reference.views, projections);
    const expected = await dumpAll(reference.views);

    const commands = generatedCommands();
    const half = Math.floor(commands.length / 2);
    await feed(env.store, commands.slice(0, half));
    const { store, count } = counting(env.store);
    const runner = getProjectionRunner({ store, database: env.views, projections, batchSize: 250 });
    const first = await eventsIn(env.store);

    // Two views from zero: each event is read once, not once per view, and folded into one set.
    const built = await runner.catchUp();
    assert.equal(
      built.map((r) => [r.projection, r.status, r.eventsRead]),
      [
        ['arrears', 'caught-up', first],
        ['behaviour', 'caught-up', first],
      ],
    );
    assert.is(count.events, first);
    assert.is(await stateSets(env.views), 1);

    // Arrears alone moves on: behaviour keeps a copy of the states as of its own checkpoint.
    await feed(env.store, commands.slice(half));
    const head = await eventsIn(env.store);
    count.events = 0;
    const alone = await runner.catchUp({ only: ['arrears'] });
    assert.equal(
      alone.map((r) => [r.projection, r.status, r.eventsRead]),
      [['arrears', 'caught-up', head - first]],
    );
    assert.is(await stateSets(env.views), 2);

    // Both again: behaviour reads only what it missed; at the head the two sets are one again.
    count.events = 0;
    const both = await runner.catchUp();
    assert.equal(
      both.map((r) => [r.projection, r.status, r.eventsRead]),
      [
        ['arrears', 'caught-up', 0],
        ['behaviour', 'caught-up', head - first],
      ],
    );
    assert.is(count.events, head - first);
    assert.is(await stateSets(env.views), 1);
    assert.equal(await dumpAll(env.views), expected);

    // A rebuild of both reads the log once, and ends on one set with the same rows.
    count.events = 0;
    const rebuilt = await runner.rebuild();
    assert.equal(
      rebuilt.map((r) => [r.projection, r.status, r.eventsRead, r.switched]),
      [
        ['arrears', 'caught-up', head, true],
        ['behaviour', 'caught-up', head, true],
      ],
    );
    assert.is(count.events, head);
    assert.is(await stateSets(env.views), 1);
    assert.equal(await dumpAll(env.views), expected);
  } finally {
    await env.close();
    await reference.close();
  }
};

test('SQLite: one read per catch-up and per rebuild, one cycle-state set', scenario('sqlite'));
pgTest(test)('PostgreSQL: one read per catch-up and per rebuild, one cycle-state set', scenario('postgres'));

/**
 * A view that fails while it shares states: behaviour refuses one event in the middle of the log.
 * It stops right before it, on a copy of the states as of its own checkpoint; arrears, which
 * shared the set with it, goes on to the head. Once behaviour is fixed it catches up from there
 * and the two sets are one again, with the rows of an incremental build.
 */
const failingWhileSharing = (kind: StoreKind) => async () => {
  const reference = await openEnvironment(kind);
  const env = await openEnvironment(kind);
  try {
    const projections = [arrearsProjection, behaviourProjection];
    await buildIncrementally(reference.store, reference.views, projections);
    const expected = await dumpAll(reference.views);

    await feed(env.store, generatedCommands());
    const handled = behaviourProjection.eventTypes;
    const log = [];
    for await (const e of env.store.readAll()) if (handled === 'all' || handled.includes(e.type)) log.push(e);
    const culprit = log[Math.floor(log.length / 2)]!;
    const fussy = refusing(culprit.eventId);

    const [arrears, behaviour] = await getProjectionRunner({
      store: env.store,
      database: env.views,
      projections: [arrearsProjection, fussy],
      batchSize: 250,
    }).catchUp();
    assert.is(arrears!.status, 'caught-up');
    assert.is(behaviour!.status, 'failed');
    if (behaviour!.status !== 'failed') return;
    assert.is(behaviour!.error.globalPosition, culprit.globalPosition);
    assert.is(behaviour!.position, culprit.globalPosition - 1n);
    assert.is(await stateSets(env.views), 2);
    // Behaviour never caught up, so readers have no behaviour view yet; arrears' is whole.
    assert.equal(await dumpTable(env.views, 'arrears_cycles', 'cycle_id'), expected.arrears_cycles);
    assert.equal(await dumpTable(env.views, 'arrears_states', 'cycle_id'), expected.arrears_states);

    const fixed = await getProjectionRunner({ store: env.store, database: env.views, projections, batchSize: 250 }).catchUp();
    assert.equal(
      fixed.map((r) => [r.projection, r.status]),
      [
        ['arrears', 'caught-up'],
        ['behaviour', 'caught-up'],
      ],
    );
    assert.is(await stateSets(env.views), 1);
    assert.equal(await dumpAll(env.views), expected);
  } finally {
    await env.close();
    await reference.close();
  }
};

test(
  'SQLite: a view that fails while it shares states stops on a copy; the others go on; fixed, it catches up',
  failingWhileSharing('sqlite'),
);
pgTest(test)(
  'PostgreSQL: a view that fails while it shares states stops on a copy; the others go on; fixed, it catches up',
  failingWhileSharing('postgres'),
);

test.run();
