// The collection office's rules and the performance figures: assignments as history, targets,
// and properties of the money: every taking counts to exactly one collector (or to nobody), and a
// team's figures are its members'.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  assignmentOn,
  basisPoints,
  collectorsDecider,
  collectorsPerformance,
  DeciderSpecification,
  fold,
  type BusinessDate,
  type CollectorsCommand,
  type CollectorsEvent,
  type CollectorTaking,
} from '@renewal-ledger/core';

const test = suite('collectors');
const given = DeciderSpecification.for(collectorsDecider);
const assign = (contractId: string, collectorId: string, from: string, teamId = 'north') =>
  ({
    type: 'AssignCollector',
    commandId: `a-${contractId}-${from}`,
    actor: 'clerk-li',
    at: '2026-01-01T00:00:00Z',
    contractId,
    collectorId,
    teamId,
    from,
  }) as CollectorsCommand;
const eventOf = (c: CollectorsCommand): CollectorsEvent => {
  const { type, ...data } = c;
  return { type: type === 'AssignCollector' ? 'CollectorAssigned' : 'CollectionTargetSet', data } as CollectorsEvent;
};

test('assignments are history: who answers for a contract on a day', () => {
  const state = fold(collectorsDecider)([assign('A', 'wang', '2026-01-01'), assign('A', 'zhou', '2026-03-16')].map(eventOf));
  assert.is(assignmentOn(state, 'A', '2025-12-31' as BusinessDate), null);
  assert.is(assignmentOn(state, 'A', '2026-03-15' as BusinessDate)?.collectorId, 'wang');
  assert.is(assignmentOn(state, 'A', '2026-03-16' as BusinessDate)?.collectorId, 'zhou');
});

test('refusals and duplicates', () => {
  const history = [assign('A', 'wang', '2026-01-01'), assign('A', 'zhou', '2026-03-16')].map(eventOf);
  given(history)
    .when({ ...assign('A', 'wang', '2026-03-16'), commandId: 'back-to-wang' } as CollectorsCommand)
    .thenFails({ code: 'ASSIGNMENT_OUT_OF_ORDER', currentFrom: '2026-03-16', currentCollectorId: 'zhou' });
  given(history)
    .when({ ...assign('A', 'zhou', '2026-03-16'), commandId: 'again', at: '2026-04-01T00:00:00Z' } as CollectorsCommand)
    .thenNothing();
  const target = {
    type: 'SetCollectionTarget',
    commandId: 't',
    actor: 'm',
    at: '2026-03-01T00:00:00Z',
    month: '2026-03',
    scope: 'team',
    subjectId: 'north',
    currency: 'CNY',
  } as CollectorsCommand;
  given([]).when(target).thenFails({ code: 'TARGET_EMPTY', month: '2026-03', subjectId: 'north' });
  const withFigure = { ...target, collectedMinor: 100 } as CollectorsCommand;
  given([eventOf(withFigure)])
    .when({ ...withFigure, commandId: 't2', at: '2026-03-02T00:00:00Z' } as CollectorsCommand)
    .thenNothing();
});

test('early in a month, before anything falls due, the collectors holding contracts are reported with zeros', () => {
  // wang holds A from January, zhou took B on 3 December: on 2 December only wang holds one.
  const state = fold(collectorsDecider)([assign('A', 'wang', '2026-01-01'), assign('B', 'zhou', '2026-12-03', 'south')].map(eventOf));
  const r = collectorsPerformance(state, {
    month: '2026-12',
    asOf: '2026-12-02' as BusinessDate,
    currency: 'CNY',
    cycles: [],
    takings: [],
  });
  assert.equal(
    r.collectors.map((c) => [c.id, c.teamId, c.collectedMinor, c.dueMinor, c.collectionRateBp]),
    [['wang', 'north', 0, 0, null]],
  );
  assert.equal(
    r.teams.map((t) => [t.id, t.collectedMinor]),
    [['north', 0]],
  );
});

test('basis points are exact and rounded down', () => {
  assert.is(basisPoints(40000, 45000), 8888);
  assert.is(basisPoints(0, 0), null);
  assert.is(basisPoints(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), 10000);
});

test('property: every taking of the month counts once, to a collector or to nobody; a team adds up its members', () => {
  const state = fold(collectorsDecider)(
    [
      assign('A', 'wang', '2026-01-01'),
      assign('B', 'zhou', '2026-01-01'),
      assign('B', 'wang', '2026-03-16'),
      assign('C', 'qian', '2026-03-10', 'south'),
    ].map(eventOf),
  );
  const taking = fc.record({
    contractId: fc.constantFrom('A', 'B', 'C', 'D'),
    day: fc.integer({ min: 1, max: 31 }).map((d) => `2026-03-${String(d).padStart(2, '0')}` as BusinessDate),
    channel: fc.constantFrom('cash', 'alipay'),
    amountMinor: fc.integer({ min: -50_000, max: 1_000_000 }),
    offline: fc.boolean(),
    actor: fc.constantFrom('wang', 'zhou', 'cashier-chen'),
  });
  fc.assert(
    fc.property(fc.array(taking, { maxLength: 40 }), (takings: CollectorTaking[]) => {
      const r = collectorsPerformance(state, {
        month: '2026-03',
        asOf: '2026-03-31' as BusinessDate,
        currency: 'CNY',
        cycles: [],
        takings,
      });
      const total = takings.reduce((s, t) => s + t.amountMinor, 0);
      const byCollectors = r.collectors.reduce((s, c) => s + c.collectedMinor, 0);
      const channelsAddUp = r.collectors.every((c) => c.channels.reduce((s, x) => s + x.collectedMinor, 0) === c.collectedMinor);
      const teamed = r.collectors.filter((c) => c.teamId !== null).reduce((s, c) => s + c.collectedMinor, 0);
      const byTeams = r.teams.reduce((s, t) => s + t.collectedMinor, 0);
      return byCollectors + r.unassignedMinor === total && channelsAddUp && teamed === byTeams;
    }),
  );
});

test.run();
