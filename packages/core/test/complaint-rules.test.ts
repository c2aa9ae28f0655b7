// The complaint case's rules (docs/complaints.md): every transition, every refusal with its rule
// code, idempotency by command id and business id, and when a follow-up is overdue.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  addDaysTo,
  complaintDecider,
  COMPLAINT_RULE_CODES,
  DeciderSpecification,
  fold,
  overdueFollowUp,
  type BusinessDate,
  type ComplaintCommand,
  type ComplaintEvent,
} from '@renewal-ledger/core';

const test = suite('complaint rules');
const given = DeciderSpecification.for(complaintDecider);

const meta = (commandId: string, at = '2026-03-02T02:00:00.000Z') => ({ commandId, caseId: 'c-1', actor: 'clerk-li', at });
const open = {
  type: 'OpenComplaint',
  ...meta('open'),
  contractId: 'unit-0301',
  openedBy: 'Mrs Zhang, unit 0301',
  about: { subject: 'bill', ref: 'unit-0301/2026-02' },
  summary: 'charged twice for February',
  receivedOn: '2026-03-02',
  followUpBy: '2026-03-05',
} as ComplaintCommand;
const assign = { type: 'AssignComplaint', ...meta('assign'), owner: 'clerk-li' } as ComplaintCommand;
const followUp = {
  type: 'FollowUpComplaint',
  ...meta('fu-1'),
  followUpId: 'fu-1',
  note: 'called back',
  nextFollowUpBy: '2026-03-10',
} as ComplaintCommand;
const compensation = {
  cycleId: 'unit-0301/2026-02',
  adjustmentId: 'complaint:c-1',
  amountMinor: 5000,
  currency: 'CNY',
  approval: 'requested',
};
const resolve = {
  type: 'ResolveComplaint',
  ...meta('resolve'),
  outcome: 'compensation',
  solution: 'second charge was ours: 50.00 off February',
  compensation,
} as ComplaintCommand;
const close = { type: 'CloseComplaint', ...meta('close'), satisfaction: 'satisfied', lesson: 'check double taps' } as ComplaintCommand;

const eventOf = (c: ComplaintCommand): ComplaintEvent => {
  const { type, ...data } = c;
  const name = {
    OpenComplaint: 'ComplaintOpened',
    AssignComplaint: 'ComplaintAssigned',
    FollowUpComplaint: 'ComplaintFollowedUp',
    ResolveComplaint: 'ComplaintResolved',
    CloseComplaint: 'ComplaintClosed',
  }[type];
  return { type: name, data } as ComplaintEvent;
};
const history = (...cs: ComplaintCommand[]) => cs.map(eventOf);

test('open, assign, follow up, resolve with a compensation, close: each recorded as given', () => {
  given([]).when(open).then(history(open));
  given(history(open)).when(assign).then(history(assign));
  given(history(open, assign)).when(followUp).then(history(followUp));
  given(history(open, assign, followUp))
    .when(resolve)
    .then(history(resolve));
  const state = fold(complaintDecider)(history(open, assign, followUp, resolve, close));
  assert.equal(complaintDecider.figures(state), { caseId: 'c-1', status: 'closed', owner: 'clerk-li', followUps: 1, followUpBy: null });
});

test('refusals carry their rule code and figures', () => {
  given([]).when(assign).thenFails({ code: 'COMPLAINT_NOT_OPEN', caseId: 'c-1', commandType: 'AssignComplaint' });
  given(history(open)).when(followUp).thenFails({ code: 'COMPLAINT_NOT_ASSIGNED', commandType: 'FollowUpComplaint' });
  given(history(open)).when(resolve).thenFails({ code: 'COMPLAINT_NOT_ASSIGNED', commandType: 'ResolveComplaint' });
  given(history(open, assign)).when(close).thenFails({ code: 'COMPLAINT_NOT_RESOLVED' });
  given(history(open, assign, resolve, close))
    .when(followUp)
    .thenFails({ code: 'COMPLAINT_CLOSED', closedAt: '2026-03-02T02:00:00.000Z' });
  given(history(open))
    .when({ ...open, commandId: 'open-2', summary: 'another' } as ComplaintCommand)
    .thenFails({ code: 'COMPLAINT_EXISTS', contractId: 'unit-0301' });
  given(history(open, assign, followUp))
    .when({ ...followUp, commandId: 'fu-again', note: 'other note' } as ComplaintCommand)
    .thenFails({ code: 'FOLLOW_UP_EXISTS', followUpId: 'fu-1' });
  given(history(open, assign))
    .when({ ...followUp, nextFollowUpBy: '2026-03-01' } as ComplaintCommand)
    .thenFails({ code: 'FOLLOW_UP_DUE_TOO_EARLY', dueOn: '2026-03-01', receivedOn: '2026-03-02' });
  given([])
    .when({ ...open, followUpBy: '2026-03-01' } as ComplaintCommand)
    .thenFails({ code: 'FOLLOW_UP_DUE_TOO_EARLY' });
  given(history(open, assign, resolve))
    .when({ ...resolve, commandId: 'resolve-2', outcome: 'solution', compensation: undefined } as unknown as ComplaintCommand)
    .thenFails({ code: 'COMPLAINT_ALREADY_RESOLVED', outcome: 'compensation', resolvedByCommandId: 'resolve' });
  const { compensation: _c, ...noMoney } = resolve as Extract<ComplaintCommand, { type: 'ResolveComplaint' }>;
  given(history(open, assign)).when(noMoney).thenFails({ code: 'COMPENSATION_MISMATCH', compensated: false });
  given(history(open, assign))
    .when({ ...resolve, outcome: 'solution' } as ComplaintCommand)
    .thenFails({ code: 'COMPENSATION_MISMATCH', compensated: true });
  assert.equal(COMPLAINT_RULE_CODES.length, 9);
});

test('the same fact again is a duplicate, under its command id or another', () => {
  given(history(open)).when(open).thenNothing();
  given(history(open))
    .when({ ...open, commandId: 'open-again', actor: 'cashier-wu' } as ComplaintCommand)
    .thenNothing();
  given(history(open, assign))
    .when({ ...assign, commandId: 'assign-again' } as ComplaintCommand)
    .thenNothing();
  given(history(open, assign, followUp))
    .when({ ...followUp, commandId: 'fu-again' } as ComplaintCommand)
    .thenNothing();
  given(history(open, assign, resolve))
    .when({ ...resolve, commandId: 'resolve-again' } as ComplaintCommand)
    .thenNothing();
});

test('overdue as of a day: due before it and not followed up by then; due on the day is not yet overdue', () => {
  const opened = fold(complaintDecider)(history(open));
  // followUpBy 2026-03-05: on the 5th not overdue, on the 7th two days overdue.
  assert.is(overdueFollowUp(opened, '2026-03-05' as BusinessDate), null);
  assert.equal(overdueFollowUp(opened, '2026-03-07' as BusinessDate), { dueOn: '2026-03-05', daysOverdue: 2 });
  const followed = fold(complaintDecider)(history(open, assign, followUp));
  assert.is(overdueFollowUp(followed, '2026-03-07' as BusinessDate), null);
  assert.equal(overdueFollowUp(followed, '2026-03-12' as BusinessDate), { dueOn: '2026-03-10', daysOverdue: 2 });
  const closed = fold(complaintDecider)(history(open, assign, resolve, close));
  assert.is(overdueFollowUp(closed, '2026-12-31' as BusinessDate), null);
});

test('property: a case is overdue exactly on the days after its due day, by that many days', () => {
  const opened = fold(complaintDecider)(history(open));
  fc.assert(
    fc.property(fc.integer({ min: -400, max: 400 }), (offset) => {
      const day = addDaysTo(offset)('2026-03-05' as BusinessDate);
      const o = overdueFollowUp(opened, day);
      return offset <= 0 ? o === null : o !== null && o.daysOverdue === offset;
    }),
  );
});

test.run();
