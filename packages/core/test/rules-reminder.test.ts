// The rules of `SendReminder`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adjust, bill, BILL_TOTAL, dispute, duplicateOf, event, given, history, meta, pay, remind } from './builders.js';

const test = suite('SendReminder');

test('a reminder on a cycle with something outstanding is recorded', () => {
  const c = remind('m1', 'letter', { level: 2 });
  given(history(bill(), pay('p1', 100)))
    .when(c)
    .then([event('ReminderSent', { ...meta(c), reminderId: 'm1', channel: 'letter', level: 2 })]);
});

test('a reminder is still allowed when everything outstanding is disputed (outstanding, not collectible, counts)', () => {
  given(history(bill(), pay('p1', 40000), dispute('d1', 4000)))
    .when(remind('m1'))
    .thenState((s) => s.reminders.length === 1);
});

test('NOTHING_OUTSTANDING: a reminder on a settled cycle, or one in credit', () => {
  given(history(bill(), pay('p1', BILL_TOTAL)))
    .when(remind('m1'))
    .thenFails({ code: 'NOTHING_OUTSTANDING', outstandingMinor: 0 });
  given(history(bill(), pay('p1', BILL_TOTAL), adjust('a1', 300)))
    .when(remind('m1'))
    .thenFails({ code: 'NOTHING_OUTSTANDING', outstandingMinor: -300 });
  given(history(bill(), pay('p1', BILL_TOTAL - 1)))
    .when(remind('m1'))
    .thenState();
});

test('ID_CONFLICT: a reminderId used again with other data; the same reminder again is a duplicate', () => {
  const events = history(bill(), remind('m1', 'sms'));
  given(events)
    .when(remind('m1', 'email', { commandId: 'remind-m1-b' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'reminderId', id: 'm1', existingCommandId: 'remind-m1' });
  given(events)
    .when(remind('m1', 'sms', { commandId: 'remind-m1-b', level: 2 }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'reminderId' });
  const again = remind('m1', 'sms', { commandId: 'remind-m1-b', actor: 'reminder-robot' });
  given(events).when(again).thenNothing();
  assert.equal(duplicateOf(events, again), { key: 'reminderId', id: 'm1' });
});

test('the same reminder entered again after the cycle was settled is a duplicate, not NOTHING_OUTSTANDING', () => {
  const events = history(bill(), remind('m1'), pay('p1', BILL_TOTAL));
  assert.equal(duplicateOf(events, remind('m1', 'sms', { commandId: 'remind-m1-retry' })), { key: 'reminderId', id: 'm1' });
});

test.run();
