// Views that keep cycle states, rebuilt one alone while the others stay live, end with the very
// rows (cycle states included) of views built incrementally and of a rebuild of all: a view
// started from zero never sees states another view has folded further. SQLite and PostgreSQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { arrearsProjection } from '../src/index.js';
import { openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { buildIncrementally } from '@renewal-ledger/testing/generated';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { dumpViews as dumpAll } from './support/shared-states.js';

const test = suite('one view rebuilt alone');

const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    const projections = [arrearsProjection, behaviourProjection];
    await buildIncrementally(env.store, env.views, projections);
    const incremental = await dumpAll(env.views);
    assert.ok(incremental.arrears_states!.length > 100 && incremental.behaviour_states!.length === incremental.arrears_states!.length);

    const runner = getProjectionRunner({ store: env.store, database: env.views, projections, batchSize: 250 });
    const alone = await runner.rebuild({ only: ['arrears'] });
    assert.equal(
      alone.map((r) => [r.projection, r.status, r.switched]),
      [['arrears', 'caught-up', true]],
    );
    assert.equal(await dumpAll(env.views), incremental);

    const all = await runner.rebuild();
    assert.equal(
      all.map((r) => [r.projection, r.status, r.switched]),
      [
        ['arrears', 'caught-up', true],
        ['behaviour', 'caught-up', true],
      ],
    );
    assert.equal(await dumpAll(env.views), incremental);
  } finally {
    await env.close();
  }
};

test('SQLite: arrears rebuilt alone while behaviour is live, then both: the same rows', scenario('sqlite'));
pgTest(test)('PostgreSQL: arrears rebuilt alone while behaviour is live, then both: the same rows', scenario('postgres'));

test.run();
