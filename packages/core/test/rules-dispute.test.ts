// The rules of `RaiseDispute` and `ResolveDispute`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { adjust, bill, BILL_TOTAL, cast, dispute, duplicateOf, event, given, history, meta, pay, resolve, writeOff } from './builders.js';

const raise = suite('RaiseDispute');
const billed = () => history(bill());

raise('a dispute on a line is recorded and counted as open', () => {
  const c = dispute('d1', 1120, { lineCode: 'service' });
  given(billed())
    .when(c)
    .then([event('Disputed', { ...meta(c), disputeId: 'd1', amountMinor: 1120, reason: 'area is 95 m2, not 98.50', lineCode: 'service' })]);
  const s = given(billed()).when(c).thenState();
  assert.is(cycleFigures(s).openDisputedMinor, 1120);
  assert.is(cycleFigures(s).collectibleMinor, BILL_TOTAL - 1120);
});

raise('UNKNOWN_LINE: a dispute about a line the bill does not have', () => {
  given(billed())
    .when(dispute('d1', 100, { lineCode: 'water' }))
    .thenFails({ code: 'UNKNOWN_LINE', lineCode: 'water', lineCodes: ['service', 'parking'] });
  given(billed())
    .when(dispute('d1', 100, { lineCode: 'parking' }))
    .thenState();
  given(billed()).when(dispute('d1', 100)).thenState();
});

raise('DISPUTE_EXCEEDS_DUE: open disputes add up to more than is due', () => {
  given(billed())
    .when(dispute('d1', BILL_TOTAL + 1))
    .thenFails({ code: 'DISPUTE_EXCEEDS_DUE', dueMinor: BILL_TOTAL, openDisputedMinor: 0, attemptedMinor: BILL_TOTAL + 1 });
  given(billed()).when(dispute('d1', BILL_TOTAL)).thenState();
  const open = history(bill(), dispute('d1', 30000));
  given(open)
    .when(dispute('d2', 14001))
    .thenFails({ code: 'DISPUTE_EXCEEDS_DUE', dueMinor: BILL_TOTAL, openDisputedMinor: 30000, attemptedMinor: 14001 });
  given(open).when(dispute('d2', 14000)).thenState();
});

raise('DISPUTE_EXCEEDS_DUE counts what is due after adjustments, not the bill', () => {
  const events = history(bill(), adjust('a1', 4000), dispute('d1', 10000), resolve('d1', 'upheld', 10000));
  // due = 44000 - 4000 - 10000 = 30000; the resolved dispute is no longer open.
  given(events).when(dispute('d2', 30001)).thenFails({ code: 'DISPUTE_EXCEEDS_DUE', dueMinor: 30000, openDisputedMinor: 0 });
  given(events).when(dispute('d2', 30000)).thenState();
});

raise('ID_CONFLICT: a disputeId used again with other data; the same dispute again is a duplicate', () => {
  const events = history(bill(), dispute('d1', 500));
  given(events)
    .when(dispute('d1', 600, { commandId: 'dispute-d1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'disputeId', id: 'd1', existingCommandId: 'dispute-d1' });
  given(events)
    .when(dispute('d1', 500, { commandId: 'dispute-d1-b', lineCode: 'service' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'disputeId' });
  const again = dispute('d1', 500, { commandId: 'dispute-d1-b', actor: 'clerk-wang' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'disputeId', id: 'd1' });
});

raise('INVALID_AMOUNT through decide', () => {
  for (const value of [0, -100, 0.5])
    given(billed())
      .when(cast(dispute('d1', 100), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor', value });
});

raise.run();

// ---------------------------------------------------------------------------------------------
const settle = suite('ResolveDispute');
const disputed = () => history(bill(), dispute('d1', 6000, { lineCode: 'service' }));

settle('UNKNOWN_DISPUTE', () => {
  given(disputed())
    .when(resolve('d9', 'rejected', 0))
    .thenFails({ code: 'UNKNOWN_DISPUTE', disputeId: 'd9' });
});

settle('upheld adjusts the whole disputed amount: due and open disputes go down', () => {
  const c = resolve('d1', 'upheld', 6000, { note: 'measured again: 95 m2' });
  given(disputed())
    .when(c)
    .then([
      event('DisputeResolved', { ...meta(c), disputeId: 'd1', outcome: 'upheld', adjustmentMinor: 6000, note: 'measured again: 95 m2' }),
    ]);
  const f = cycleFigures(given(disputed()).when(c).thenState());
  assert.is(f.dueMinor, BILL_TOTAL - 6000);
  assert.is(f.openDisputedMinor, 0);
  assert.is(f.disputeAdjustedMinor, 6000);
});

settle('partially-upheld adjusts more than zero and less than disputed', () => {
  given(disputed())
    .when(resolve('d1', 'partially-upheld', 1))
    .thenState();
  given(disputed())
    .when(resolve('d1', 'partially-upheld', 5999))
    .thenState((s) => cycleFigures(s).dueMinor === BILL_TOTAL - 5999);
});

settle('rejected adjusts nothing but closes the dispute', () => {
  const s = given(disputed())
    .when(resolve('d1', 'rejected', 0))
    .thenState();
  assert.is(cycleFigures(s).dueMinor, BILL_TOTAL);
  assert.is(cycleFigures(s).openDisputedMinor, 0);
});

settle('OUTCOME_MISMATCH: the adjustment must fit the outcome', () => {
  const cases: Array<[string, number]> = [
    ['upheld', 5999],
    ['upheld', 0],
    ['partially-upheld', 0],
    ['partially-upheld', 6000],
    ['rejected', 1],
    ['rejected', 6000],
  ];
  for (const [outcome, adjustmentMinor] of cases)
    given(disputed())
      .when(resolve('d1', outcome, adjustmentMinor))
      .thenFails({ code: 'OUTCOME_MISMATCH', disputeId: 'd1', outcome, disputedMinor: 6000, adjustmentMinor });
});

settle('ADJUSTMENT_EXCEEDS_DISPUTE: more than was disputed, whatever the outcome', () => {
  for (const outcome of ['upheld', 'partially-upheld', 'rejected'])
    given(disputed())
      .when(resolve('d1', outcome, 6001))
      .thenFails({ code: 'ADJUSTMENT_EXCEEDS_DISPUTE', disputeId: 'd1', disputedMinor: 6000, attemptedMinor: 6001 });
});

settle('ADJUSTMENT_EXCEEDS_DUE: due fell after the dispute was raised', () => {
  // due 44000 - adjusted 40000 = 4000 < the 6000 upheld.
  const events = history(bill(), dispute('d1', 6000), adjust('a1', 40000));
  given(events)
    .when(resolve('d1', 'upheld', 6000))
    .thenFails({ code: 'ADJUSTMENT_EXCEEDS_DUE', dueMinor: 4000, attemptedMinor: 6000 });
  given(events)
    .when(resolve('d1', 'partially-upheld', 4000))
    .thenState((s) => cycleFigures(s).dueMinor === 0);
  // A written-off balance lowers due the same way.
  const writtenOff = history(bill(), pay('p1', 4000), dispute('d1', 6000), writeOff('w1', 39000));
  given(writtenOff)
    .when(resolve('d1', 'upheld', 6000))
    .thenFails({ code: 'ADJUSTMENT_EXCEEDS_DUE', dueMinor: 5000, attemptedMinor: 6000 });
});

settle('DISPUTE_ALREADY_RESOLVED: another resolution of a closed dispute; the same resolution is a duplicate', () => {
  const events = history(bill(), dispute('d1', 6000), resolve('d1', 'partially-upheld', 2000));
  given(events)
    .when(resolve('d1', 'upheld', 6000, { commandId: 'resolve-d1-b' }))
    .thenFails({ code: 'DISPUTE_ALREADY_RESOLVED', disputeId: 'd1', outcome: 'partially-upheld', adjustmentMinor: 2000 });
  const again = resolve('d1', 'partially-upheld', 2000, { commandId: 'resolve-d1-b', actor: 'supervisor-zhao' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'disputeId', id: 'd1' });
});

settle('INVALID_AMOUNT through decide: a negative or fractional adjustment', () => {
  for (const value of [-1, 0.5])
    given(disputed())
      .when(cast(resolve('d1', 'partially-upheld', 100), { adjustmentMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'adjustmentMinor', value });
});

settle.run();
