// On a generated portfolio, on SQLite and PostgreSQL: the view built incrementally (catching up
// after each slice of history) equals a rebuild from zero, and its totals agree with core's
// figures folded straight from the store.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cycleEvents,
  agingAsOf,
  cycleFigures,
  evolveCycle,
  initialCycleState,
  type BusinessDate,
  type CycleState,
} from '@renewal-ledger/core';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '../src/index.js';
import { dumpTable, openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { buildIncrementally } from '@renewal-ledger/testing/generated';
import { pgTest } from '@renewal-ledger/testing/postgres';

const test = suite('arrears on a generated portfolio');
const asOf = '2026-11-28' as BusinessDate;

const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await buildIncrementally(env.store, env.views, [arrearsProjection]);
    const incremental = await dumpTable(env.views, 'arrears_cycles', 'cycle_id');
    const incrementalStates = await dumpTable(env.views, 'arrears_states', 'cycle_id');
    // The history the books as they stood are read from: the same versions and their next's, whatever the batches.
    const history = await dumpTable(env.views, 'arrears_history', 'cycle_id, position');
    const log = await dumpTable(env.views, 'arrears_log', 'position');
    const [rebuilt] = await getProjectionRunner({
      store: env.store,
      database: env.views,
      projections: [arrearsProjection],
      batchSize: 500,
    }).rebuild();
    assert.is(rebuilt!.status, 'caught-up');
    assert.is(rebuilt!.tableSet, 'v6_2');
    assert.equal(await dumpTable(env.views, 'arrears_cycles', 'cycle_id'), incremental);
    assert.equal(await dumpTable(env.views, 'arrears_states', 'cycle_id'), incrementalStates);
    assert.equal(await dumpTable(env.views, 'arrears_history', 'cycle_id, position'), history);
    assert.equal(await dumpTable(env.views, 'arrears_log', 'position'), log);

    // The same totals straight from the store, folded and aged by core.
    const states = new Map<string, CycleState>();
    for await (const e of env.store.readAll()) {
      const id = (e.data as { cycleId: string }).cycleId;
      states.set(id, evolveCycle(states.get(id) ?? initialCycleState(), cycleEvents.of(e)));
    }
    const buckets: Record<string, bigint> = { current: 0n, '1-30': 0n, '31-60': 0n, '61-90': 0n, '90+': 0n };
    let outstanding = 0n;
    for (const s of states.values()) {
      const a = agingAsOf(asOf)(s);
      if (a.overdueMinor > 0) buckets[a.bucket]! += BigInt(a.overdueMinor);
      buckets.current! += BigInt(a.notYetDueMinor);
      outstanding += BigInt(cycleFigures(s).outstandingMinor);
    }
    const portfolio = await getArrearsView(env.views).portfolio({ asOf });
    assert.is(portfolio.currencies.length, 1);
    assert.equal({ ...portfolio.currencies[0]!.buckets }, buckets);
    assert.is(portfolio.currencies[0]!.outstandingMinor, outstanding);
    assert.is(portfolio.currencies[0]!.cycles, states.size);
    assert.ok(buckets['90+']! > 0n && buckets['1-30']! > 0n, 'the portfolio has arrears of several ages');
  } finally {
    await env.close();
  }
};

test('SQLite: rebuild equals incremental, totals equal core folded from the store', scenario('sqlite'));
pgTest(test)('PostgreSQL: rebuild equals incremental, totals equal core folded from the store', scenario('postgres'));

test.run();
