// The rules of `WriteOff`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { adjust, bill, BILL_TOTAL, cast, duplicateOf, event, given, history, meta, pay, writeOff } from './builders.js';

const test = suite('WriteOff');
const partPaid = () => history(bill(), pay('p1', 40000));

test('a write-off of what is left lowers due and settles the cycle', () => {
  const c = writeOff('w1', 4000);
  given(partPaid())
    .when(c)
    .then([event('WrittenOff', { ...meta(c), writeOffId: 'w1', amountMinor: 4000, reason: 'uncollectable after the tenant left' })]);
  const f = cycleFigures(given(partPaid()).when(c).thenState());
  assert.is(f.dueMinor, 40000);
  assert.is(f.outstandingMinor, 0);
  assert.is(f.writtenOffMinor, 4000);
});

test('WRITE_OFF_EXCEEDS_OUTSTANDING: more than outstanding; part of it is accepted', () => {
  given(partPaid())
    .when(writeOff('w1', 4001))
    .thenFails({ code: 'WRITE_OFF_EXCEEDS_OUTSTANDING', outstandingMinor: 4000, attemptedMinor: 4001 });
  given(partPaid())
    .when(writeOff('w1', 1))
    .thenState((s) => cycleFigures(s).outstandingMinor === 3999);
});

test('NOTHING_OUTSTANDING: a write-off on a settled cycle, or one in credit', () => {
  given(history(bill(), pay('p1', BILL_TOTAL)))
    .when(writeOff('w1', 1))
    .thenFails({ code: 'NOTHING_OUTSTANDING', outstandingMinor: 0 });
  given(history(bill(), pay('p1', BILL_TOTAL), adjust('a1', 10)))
    .when(writeOff('w1', 1))
    .thenFails({ code: 'NOTHING_OUTSTANDING', outstandingMinor: -10 });
});

test('ID_CONFLICT: a writeOffId used again with other data; the same write-off again is a duplicate', () => {
  const events = history(bill(), pay('p1', 40000), writeOff('w1', 1000));
  given(events)
    .when(writeOff('w1', 1500, { commandId: 'write-off-w1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'writeOffId', id: 'w1', existingCommandId: 'write-off-w1' });
  const again = writeOff('w1', 1000, { commandId: 'write-off-w1-b', actor: 'manager-chen' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'writeOffId', id: 'w1' });
});

test('the same write-off entered again after it settled the cycle is a duplicate, not NOTHING_OUTSTANDING', () => {
  const events = history(bill(), pay('p1', 40000), writeOff('w1', 4000));
  assert.equal(duplicateOf(events, writeOff('w1', 4000, { commandId: 'write-off-w1-retry' })), { key: 'writeOffId', id: 'w1' });
});

test('INVALID_AMOUNT through decide', () => {
  for (const value of [0, -4000, 0.01])
    given(partPaid())
      .when(cast(writeOff('w1', 4000), { amountMinor: value }))
      .thenFails({ code: 'INVALID_AMOUNT', field: 'amountMinor', value });
});

test.run();
