// The rules of `Adjust`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { adjust, bill, BILL_TOTAL, cast, dispute, duplicateOf, event, given, history, meta, pay, resolve } from './builders.js';

const test = suite('Adjust');
const billed = () => history(bill());

test('an adjustment lowers what is due', () => {
  const c = adjust('a1', 2000);
  given(billed())
    .when(c)
    .then([event('Adjusted', { ...meta(c), adjustmentId: 'a1', amountMinor: 2000, reason: 'goodwill after a lift outage' })]);
  const f = cycleFigures(given(billed()).when(c).thenState());
  assert.is(f.dueMinor, BILL_TOTAL - 2000);
  assert.is(f.totalMinor, BILL_TOTAL);
});

test('ADJUSTMENT_EXCEEDS_DUE: more than is due; exactly what is due is accepted', () => {
  given(billed())
    .when(adjust('a1', BILL_TOTAL + 1))
    .thenFails({ code: 'ADJUSTMENT_EXCEEDS_DUE', dueMinor: BILL_TOTAL, attemptedMinor: BILL_TOTAL + 1 });
  given(billed())
    .when(adjust('a1', BILL_TOTAL))
    .thenState((s) => cycleFigures(s).dueMinor === 0);
  // After an upheld dispute of 6000 and an adjustment of 1000, 37000 is due.
  const events = history(bill(), dispute('d1', 6000), resolve('d1', 'upheld', 6000), adjust('a1', 1000));
  given(events).when(adjust('a2', 37001)).thenFails({ code: 'ADJUSTMENT_EXCEEDS_DUE', dueMinor: 37000, attemptedMinor: 37001 });
  given(events).when(adjust('a2', 37000)).thenState();
});

test('an adjustment after full payment leaves the customer in credit (negative outstanding)', () => {
  const s = given(history(bill(), pay('p1', BILL_TOTAL)))
    .when(adjust('a1', 500))
    .thenState();
  assert.is(cycleFigures(s).outstandingMinor, -500);
  assert.is(cycleFigures(s).collectibleMinor, 0);
});

test('ID_CONFLICT: an adjustmentId used again with other data; the same adjustment again is a duplicate', () => {
  const events = history(bill(), adjust('a1', 2000));
  given(events)
    .when(adjust('a1', 2500, { commandId: 'adjust-a1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'adjustmentId', id: 'a1', existingCommandId: 'adjust-a1' });
  given(events)
    .when(adjust('a1', 2000, { commandId: 'adjust-a1-b', reason: 'another reason' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'adjustmentId' });
  const again = adjust('a1', 2000, { commandId: 'adjust-a1-b', actor: 'clerk-wang' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'adjustmentId', id: 'a1' });
});

test('INVALID_AMOUNT through decide', () => {
  for (const value of [0, -2000, 20.5])
    given(billed())
      .when(cast(adjust('a1', 2000), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor', value });
});

test.run();
