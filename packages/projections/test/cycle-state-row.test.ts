// The compact cycle-state row gives back the state core folded: every state along generated
// histories (core's property scenarios: every event type, plans, disputes, approvals, late fees,
// ids colliding) written to a real SQLite table and read back equals the folded one as JSON,
// `commandIds` aside (views never decide commands).
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { evolveCycle, initialCycleState, type CycleState } from '@renewal-ledger/core';
import {
  createCycleStateTable,
  getSQLiteViewDatabase,
  readCycleStates,
  saveCycleStates,
  cycleStateFromRow,
  cycleStateRow,
  CYCLE_STATE_COLUMNS,
} from '../src/index.js';
import { play, scenarioArb } from '../../core/test/scenarios.js';

const test = suite('cycle state row');

/** What views may rely on: the state as JSON (as it was stored before), without command ids. */
const asViewsSeeIt = (s: CycleState) => JSON.parse(JSON.stringify({ ...s, commandIds: [] })) as unknown;

const throughColumns = (cycleId: string, s: CycleState): CycleState => {
  const values = cycleStateRow(cycleId, s);
  return cycleStateFromRow(Object.fromEntries(CYCLE_STATE_COLUMNS.map((c, i) => [c, values[i]])));
};

test('every state of a generated history comes back as folded (in memory)', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      const { events } = play(scenario);
      let state = initialCycleState();
      for (const e of events) {
        state = evolveCycle(state, e);
        const cycleId = (e.data as { cycleId: string }).cycleId;
        assert.equal(asViewsSeeIt(throughColumns(cycleId, state)), asViewsSeeIt(state));
      }
    }),
    { numRuns: 300 },
  );
});

test('states written to and read from a SQLite table come back as folded, and fold on alike', async () => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  try {
    await createCycleStateTable(db, 'states');
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { events } = play(scenario);
        await db.execute('DELETE FROM states');
        let state = initialCycleState();
        for (const e of events) {
          const cycleId = (e.data as { cycleId: string }).cycleId;
          // Read back the state stored after the previous event and fold on from it, as a view does.
          const stored = (await readCycleStates(db, 'states', [cycleId])).get(cycleId) ?? initialCycleState();
          state = evolveCycle(state, e);
          const next = evolveCycle(stored, e);
          assert.equal(asViewsSeeIt(next), asViewsSeeIt(state));
          await saveCycleStates(db, 'states', new Map([[cycleId, next]]), [cycleId]);
        }
      }),
      { numRuns: 60 },
    );
  } finally {
    await db.close();
  }
});

test('an id that embeds the cycle id is written as the parts around it; other values as they are', () => {
  const cycleId = 'bldg-06-unit-0168/2025-10-01';
  let state = initialCycleState();
  state = evolveCycle(state, {
    type: 'Billed',
    data: {
      cycleId,
      commandId: `bill:${cycleId}`,
      actor: 'renewal-engine',
      at: '2025-09-30T16:00:00Z',
      contractId: 'bldg-06-unit-0168',
      period: { start: '2025-10-01', end: '2025-11-01' },
      dueDate: '2025-10-15',
      currency: 'CNY',
      lines: [{ code: 'utilities', description: 'Shared utilities', amountMinor: 2000, basis: { kind: 'fixed', rateMinor: 2000 } }],
      discounts: [],
      totalMinor: 2000,
    },
  } as never);
  state = evolveCycle(state, {
    type: 'Paid',
    data: {
      cycleId,
      commandId: 'c-1',
      actor: 'cashier-chen',
      at: '2025-10-03T06:49:00Z',
      paymentId: `${cycleId}/pay-1`,
      amountMinor: 2000,
      channel: 'card',
    },
  } as never);
  const row = Object.fromEntries(CYCLE_STATE_COLUMNS.map((c, i) => [c, cycleStateRow(cycleId, state)[i]]));
  // Positions: cycle (0: the row's), command id, actor, at, then the payment's own fields.
  assert.is(row.facts, '{"p":[[0,"c-1","cashier-chen","2025-10-03T06:49:00Z",["","/pay-1"],2000,"card"]]}');
  // The bill's rest: cycle, command id around the cycle id, actor, at, lines (basis rides along), discounts.
  assert.is(
    row.bill,
    '[0,["bill:",""],"renewal-engine","2025-09-30T16:00:00Z",[["utilities","Shared utilities",2000,{"basis":{"kind":"fixed","rateMinor":2000}}]],[]]',
  );
  assert.equal(
    [row.contract_id, row.billing_month, row.due_date, row.total_minor, row.paid_minor],
    ['bldg-06-unit-0168', '2025-10', '2025-10-15', 2000, 2000],
  );
  assert.equal(asViewsSeeIt(throughColumns(cycleId, state)), asViewsSeeIt(state));
});

test('fields the positions do not name, and items of another shape, are kept as they are', () => {
  const cycleId = 'c/1';
  const state = {
    ...initialCycleState(),
    payments: [
      {
        cycleId,
        commandId: 'x',
        actor: 'a',
        at: '2026-01-01T00:00:00Z',
        paymentId: 'p',
        amountMinor: 5,
        channel: 'cash',
        newerField: { n: 1 },
      },
      { cycleId: 'another/cycle', commandId: 'y', actor: 'a', at: '2026-01-01T00:00:00Z', paymentId: 'q', amountMinor: 6 },
    ],
    newerList: [1, 2],
  } as unknown as CycleState;
  assert.equal(asViewsSeeIt(throughColumns(cycleId, state)), asViewsSeeIt(state));
});

test.run();
