// The portfolio reader: each read folds only what was appended since the last one, and gives the
// same portfolio as a whole-log read; `knownUntil` stops at the first event recorded after a day.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate, Instant } from '@renewal-ledger/core';
import { getPortfolioReader, readPortfolio, renewDue, type Portfolio } from '../src/index.js';
import { memoryEngine, open } from '@renewal-ledger/testing/engine';

const test = suite('portfolio reader');
const d = (s: string) => s as BusinessDate;

const summary = (p: Portfolio) => ({
  contracts: [...p.contracts.keys()].sort(),
  billed: [...p.billedCycleIds].sort(),
  cycles: [...p.cycles.entries()].map(([id, c]) => [id, c.bill?.dueDate ?? null]).sort(),
  position: p.position,
});

test('reads what was appended since, and ends with what a whole-log read gives', async () => {
  const engine = memoryEngine();
  const reader = getPortfolioReader(engine.store);
  assert.is((await reader.read()).contracts.size, 0);
  await engine.contractHandler.handle(open({ startDate: '2026-01-17' }));
  await renewDue({ ...engine, portfolio: reader, asOf: d('2026-02-01') });
  const afterFebruary = await reader.read();
  assert.equal(afterFebruary.billedCycleIds, new Set(['unit-0301/2026-01-17', 'unit-0301/2026-02-01']));
  engine.now.at = '2026-03-01T00:00:00Z' as Instant;
  const march = await renewDue({ ...engine, portfolio: reader, asOf: d('2026-03-01') });
  assert.is(march.proposed, 1, 'only March: the reader saw the bills it wrote before');
  assert.equal(summary(await reader.read()), summary(await readPortfolio(engine.store, { cycles: true })));
});

test('knownUntil: a replay of the days sees each day as it was known then', async () => {
  const engine = memoryEngine();
  await engine.contractHandler.handle(open({ startDate: '2026-01-17' }));
  engine.now.at = '2026-02-01T00:00:00Z' as Instant;
  await renewDue({ ...engine, asOf: d('2026-02-01') });
  engine.now.at = '2026-03-01T00:00:00Z' as Instant;
  await renewDue({ ...engine, asOf: d('2026-03-01') });
  let day = d('2026-02-01');
  const reader = getPortfolioReader(engine.store, { knownUntil: () => day });
  assert.equal([...(await reader.read()).billedCycleIds].sort(), ['unit-0301/2026-01-17', 'unit-0301/2026-02-01']);
  day = d('2026-03-01');
  assert.equal([...(await reader.read()).billedCycleIds].sort(), ['unit-0301/2026-01-17', 'unit-0301/2026-02-01', 'unit-0301/2026-03-01']);
});

test.run();
