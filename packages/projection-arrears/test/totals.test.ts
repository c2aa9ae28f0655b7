// Sums over cycles are exact bigints, however many cycles: 1,100 bills of 2^53 - 1 add up past
// what a 64-bit integer holds (2^63 - 1 = 9,223,372,036,854,775,807), where SQLite's SUM fails
// with "integer overflow". The views sum quotient and remainder by 2^26 apart (projections' sql.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renewalCycle, type BusinessDate, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { behaviourProjection, getBehaviourView } from '@renewal-ledger/projection-behaviour';
import { arrearsProjection, getArrearsView } from '../src/index.js';
import { openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { pgTest } from '@renewal-ledger/testing/postgres';

const test = suite('totals past 64 bits');
const MAX = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991
const BILLS = 1100;
// 9,007,199,254,740,991 x 1,100 = 9,907,919,180,215,090,100: past 2^63 - 1.
const TOTAL = 9_907_919_180_215_090_100n;

const billOf = (i: number) =>
  ({
    type: 'Bill',
    commandId: `bill-${i}`,
    cycleId: `unit-${i}/2026-01`,
    actor: 'billing-run',
    at: '2026-01-01T01:00:00Z',
    contractId: `unit-${i % 3}`,
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Service', amountMinor: MAX }],
    discounts: [],
  }) as unknown as RenewalCommand;

const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    const results = await getCommandHandler(renewalCycle, { store: env.store }).handleBatch(
      Array.from({ length: BILLS }, (_, i) => billOf(i)),
    );
    assert.ok(results.every((r) => r.status === 'applied'));
    const [a, b] = await getProjectionRunner({
      store: env.store,
      database: env.views,
      projections: [arrearsProjection, behaviourProjection],
    }).catchUp();
    assert.equal([a!.status, b!.status], ['caught-up', 'caught-up']);
    const view = getArrearsView(env.views);
    const cny = (await view.portfolio({ asOf: '2026-03-01' as BusinessDate })).currencies[0]!;
    assert.equal([cny.dueMinor, cny.collectibleMinor, cny.overdueMinor, cny.buckets['31-60']], [TOTAL, TOTAL, TOTAL, TOTAL]);
    assert.is(Number.isSafeInteger(Number(cny.dueMinor)), false, 'a total no number can hold');
    const [period] = await view.billingPeriods();
    assert.equal([period!.billedMinor, period!.dueMinor, period!.collectedMinor], [TOTAL, TOTAL, 0n]);
    // unit-0 holds the bills 0, 3, 6 ... 1098: 367 of them.
    const [top] = await view.topDebtors({ asOf: '2026-03-01' as BusinessDate, limit: 1 });
    assert.equal([top!.contractId, top!.overdueMinor, top!.cycles], ['unit-0', 367n * BigInt(MAX), 367]);
    const [rates] = await getBehaviourView(env.views).collectionRates();
    assert.equal([rates!.billedMinor, rates!.dueMinor, rates!.collectionRate], [TOTAL, TOTAL, 0]);
  } finally {
    await env.close();
  }
};

test('SQLite: exact past 2^63', scenario('sqlite'));
pgTest(test)('PostgreSQL: exact past 2^63', scenario('postgres'));

test.run();
