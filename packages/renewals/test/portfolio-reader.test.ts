// The portfolio reader: each read folds only what was appended since the last one, and gives the
// same portfolio as a whole-log read; `knownUntil` stops at the first event recorded after a day.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BusinessDate, Instant, RenewalCommand } from '@renewal-ledger/core';
import { getPortfolioReader, loadCycle, readPortfolio, renewDue, type Portfolio } from '../src/index.js';
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

test('retireSettledAfterDays: a settled cycle quiet that long is let go, an open one kept, and one with news read again in its place', async () => {
  const engine = memoryEngine();
  await engine.contractHandler.handle(open({ startDate: '2026-01-01' }));
  const bill = async (day: string) => {
    engine.now.at = `${day}T00:05:00Z` as Instant;
    await renewDue({ ...engine, asOf: d(day) });
  };
  const record = async (day: string, command: Record<string, unknown>) => {
    engine.now.at = `${day}T10:00:00Z` as Instant;
    const r = await engine.handler.handle({ actor: 'clerk', at: engine.now.at, ...command } as unknown as RenewalCommand);
    assert.is(r.status, 'applied', r.status === 'rejected' ? r.error.code : r.status);
  };
  const jan = 'unit-0301/2026-01-01';
  const feb = 'unit-0301/2026-02-01';
  const mar = 'unit-0301/2026-03-01';
  await bill('2026-01-01');
  const total = (await loadCycle(engine.store, jan)).bill!.totalMinor;
  // January paid in full on the 10th; February never paid.
  await record('2026-01-10', {
    type: 'RecordPayment',
    commandId: 'pay-jan',
    cycleId: jan,
    paymentId: 'pay-jan',
    amountMinor: total,
    channel: 'cash',
  });
  await bill('2026-02-01');
  await bill('2026-03-01');
  // The 5th of March, 54 days after January's last event: a refund of part of it.
  await record('2026-03-05', {
    type: 'Refund',
    commandId: 'refund-jan',
    cycleId: jan,
    refundId: 'refund-jan',
    paymentId: 'pay-jan',
    amountMinor: 100,
    reason: 'paid twice',
  });

  let day = d('2026-02-13');
  const reader = getPortfolioReader(engine.store, { knownUntil: () => day, retireSettledAfterDays: 35 });
  const whole = getPortfolioReader(engine.store, { knownUntil: () => day });
  const held = async () => [...(await reader.read()).cycles.keys()];
  // On 1 February (the last event read), January's payment is 22 days old: kept.
  assert.equal(await held(), [jan, feb]);
  day = d('2026-03-01');
  // On 1 March, January has rested 50 days: let go. February is owed: kept however quiet.
  assert.equal(await held(), [feb, mar]);
  assert.ok((await reader.read()).billedCycleIds.has(jan), 'still known as billed');
  day = d('2026-03-05');
  // The refund: January read again from its stream, in the place a reader that keeps all gives it.
  const after = await reader.read();
  const all = await whole.read();
  assert.equal([...after.cycles.keys()], [...all.cycles.keys()]);
  assert.equal(after.cycles.get(jan), all.cycles.get(jan));
  assert.equal(after.cycles.get(jan), await loadCycle(engine.store, jan));
  assert.is(after.cycles.get(jan)!.refunds.length, 1);
});

test.run();
