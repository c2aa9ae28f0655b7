// Approvals: money asked for moves nothing until a second person approves it; rejection and
// expiry close a request with nothing moved; approving twice is a duplicate, approving your own
// request is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cycleFigures,
  fixedZone,
  pendingRequests,
  requestExpiresOn,
  requestsToExpire,
  type BusinessDate,
  type Instant,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { bill, BILL_TOTAL, command, CYCLE, duplicateOf, event, given, history, meta, pay, refund, stateOf } from './builders.js';

const test = suite('approvals');

// What the access check makes of a cashier's refund of 600.00 (over a 500.00 limit).
const request = (requestId: string, over: Record<string, unknown> = {}): RenewalCommand =>
  command({
    type: 'RequestApproval',
    commandId: `ask-${requestId}`,
    cycleId: CYCLE,
    actor: 'cashier-wang',
    at: '2026-01-12T09:00:00Z',
    requestId,
    role: 'cashier',
    kind: 'Refund',
    amountMinor: 6000,
    reason: 'paid twice at the counter',
    paymentId: 'p1',
    ...over,
  });
const closing = (
  type: 'ApproveRequest' | 'RejectRequest' | 'ExpireRequest',
  requestId: string,
  actor: string,
  over: Record<string, unknown> = {},
) =>
  command({
    type,
    commandId: `${type}-${requestId}-${actor}`,
    cycleId: CYCLE,
    actor,
    at: '2026-01-13T10:00:00Z',
    requestId,
    ...(type === 'RejectRequest' ? { reason: 'the customer paid by card, refund to the card' } : {}),
    ...over,
  });
const approve = (requestId: string, actor = 'manager-zhao', over: Record<string, unknown> = {}) =>
  closing('ApproveRequest', requestId, actor, over);

const paid = () => history(bill(), pay('p1', 10000));
const asked = () => history(bill(), pay('p1', 10000), request('r1'));

test('a request is recorded with amount, reason, requester and role, and moves no money', () => {
  const c = request('r1');
  given(paid())
    .when(c)
    .then([
      event('ApprovalRequested', {
        ...meta(c),
        requestId: 'r1',
        role: 'cashier',
        kind: 'Refund',
        amountMinor: 6000,
        reason: 'paid twice at the counter',
        paymentId: 'p1',
      }),
    ]);
  const s = given(paid()).when(c).thenState();
  assert.is(cycleFigures(s).outstandingMinor, BILL_TOTAL - 10000, 'nothing refunded yet');
  assert.is(pendingRequests(s).length, 1);
});

test('a request the money-out rules would refuse is refused at once, with their rule', () => {
  given(paid())
    .when(request('r1', { amountMinor: 10001 }))
    .thenFails({ code: 'REFUND_EXCEEDS_PAYMENT', paymentMinor: 10000, attemptedMinor: 10001 });
  given(paid())
    .when(request('r1', { paymentId: 'p9' }))
    .thenFails({ code: 'UNKNOWN_PAYMENT', paymentId: 'p9' });
});

test('approval by someone else: the approval and the refund in one decision, the money moves then', () => {
  const c = approve('r1');
  given(asked())
    .when(c)
    .then([
      event('RequestApproved', { ...meta(c), requestId: 'r1' }),
      // The refund as asked for, issued at the approval: money goes out when it is approved.
      event('Refunded', { ...meta(c), refundId: 'r1', paymentId: 'p1', amountMinor: 6000, reason: 'paid twice at the counter' }),
    ]);
  const s = given(asked()).when(c).thenState();
  assert.is(cycleFigures(s).outstandingMinor, BILL_TOTAL - 10000 + 6000);
  assert.is(pendingRequests(s).length, 0);
});

test('SELF_APPROVAL: the requester cannot approve their own request', () => {
  given(asked()).when(approve('r1', 'cashier-wang')).thenFails({ code: 'SELF_APPROVAL', requestId: 'r1', requester: 'cashier-wang' });
});

test('a rejected request moves no money and cannot be approved afterwards', () => {
  const reject = closing('RejectRequest', 'r1', 'manager-zhao');
  const s = given(asked()).when(reject).thenState();
  assert.is(cycleFigures(s).refundedMinor, 0);
  assert.is(cycleFigures(s).outstandingMinor, BILL_TOTAL - 10000);
  const rejected = [
    ...asked(),
    event('RequestRejected', { ...meta(reject), requestId: 'r1', reason: 'the customer paid by card, refund to the card' }),
  ];
  given(rejected).when(approve('r1')).thenFails({ code: 'REQUEST_CLOSED', requestId: 'r1', status: 'rejected' });
});

test('an expired request moves no money and is closed', () => {
  const expire = closing('ExpireRequest', 'r1', 'system');
  const expired = [...asked(), event('RequestExpired', { ...meta(expire), requestId: 'r1' })];
  given(asked()).when(expire).then(expired.slice(-1));
  given(expired).when(approve('r1')).thenFails({ code: 'REQUEST_CLOSED', status: 'expired' });
});

test('a duplicate approval is a duplicate; a second approver comes too late', () => {
  const c = approve('r1');
  const approved = history(bill(), pay('p1', 10000), request('r1'), c);
  assert.equal(duplicateOf(approved, c), { key: 'commandId', id: c.commandId });
  assert.equal(duplicateOf(approved, approve('r1', 'manager-zhao', { commandId: 'retry-with-a-new-id' })), { key: 'requestId', id: 'r1' });
  given(approved).when(approve('r1', 'manager-qian')).thenFails({ code: 'REQUEST_CLOSED', status: 'approved' });
  const s = given(approved)
    .when(approve('r1', 'manager-zhao', { commandId: 'retry-with-a-new-id' }))
    .thenState();
  assert.is(cycleFigures(s).refundedMinor, 6000, 'refunded once');
});

test('the same request again is a duplicate; other data under its id an ID_CONFLICT', () => {
  assert.equal(duplicateOf(asked(), request('r1', { commandId: 'ask-again' })), { key: 'requestId', id: 'r1' });
  given(asked())
    .when(request('r1', { commandId: 'ask-again', amountMinor: 5000 }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'requestId', id: 'r1' });
});

test('UNKNOWN_REQUEST, and an approval that the money-out rules now refuse', () => {
  given(paid()).when(approve('r9')).thenFails({ code: 'UNKNOWN_REQUEST', requestId: 'r9' });
  // Meanwhile a manager refunded 5,000 of the 10,000: 6,000 more would exceed the payment.
  const meanwhile = history(bill(), pay('p1', 10000), request('r1'), refund('r2', 'p1', 5000, { actor: 'manager-zhao' }));
  given(meanwhile).when(approve('r1')).thenFails({ code: 'REFUND_EXCEEDS_PAYMENT', refundedMinor: 5000, attemptedMinor: 6000 });
});

test('approved adjustments and write-offs record Adjusted and WrittenOff', () => {
  const a = request('a1', { kind: 'Adjust', paymentId: undefined, amountMinor: 3000, reason: 'goodwill' });
  given(history(bill(), a))
    .when(approve('a1'))
    .thenState((s) => cycleFigures(s).outstandingMinor === BILL_TOTAL - 3000 && s.adjustments[0]!.adjustmentId === 'a1');
  const w = request('w1', { kind: 'WriteOff', paymentId: undefined, amountMinor: 4000, reason: 'gone', at: '2026-06-30T09:00:00Z' });
  given(history(bill(), w))
    .when(approve('w1', 'manager-zhao', { at: '2026-06-30T10:00:00Z' }))
    .thenState((s) => s.writeOffs[0]!.writeOffId === 'w1' && cycleFigures(s).writtenOffMinor === 4000);
});

test('a request expires on its business day in the ledger zone plus the window, as of that day, once', () => {
  // Asked at 2026-01-12T17:00Z: 13 January in Shanghai (UTC+8), 12 January in UTC. With a
  // 14-day window it expires on 27 January in Shanghai, on the 26th in UTC.
  const state = stateOf(
    history(bill(), pay('p1', 10000), request('r1', { at: '2026-01-12T17:00:00Z' }), request('r2', { amountMinor: 100 })),
  );
  const shanghai = fixedZone('Asia/Shanghai');
  assert.is(requestExpiresOn(shanghai, '2026-01-12T17:00:00Z' as Instant, 14), '2026-01-27');
  assert.is(requestExpiresOn(fixedZone('UTC'), '2026-01-12T17:00:00Z' as Instant, 14), '2026-01-26');
  const at = '2026-01-26T16:00:00Z' as Instant;
  const due = (asOf: string, zones = shanghai) =>
    requestsToExpire([state], asOf as BusinessDate, { zones, windowDays: 14, at }).expiries.map((c) => [c.requestId, c.commandId, c.actor]);
  // r2 was asked at 2026-01-12T09:00Z: the 12th in both zones, expiring on the 26th.
  assert.equal(due('2026-01-25'), []);
  assert.equal(due('2026-01-26'), [['r2', `expire:${CYCLE}:r2`, 'request-expiry']]);
  assert.equal(due('2026-01-27'), [
    ['r1', `expire:${CYCLE}:r1`, 'request-expiry'],
    ['r2', `expire:${CYCLE}:r2`, 'request-expiry'],
  ]);
  assert.equal(due('2026-01-26', fixedZone('UTC')).length, 2);
  // Once expired (or closed otherwise), a request is not proposed again.
  const [first] = requestsToExpire([state], '2026-01-26' as BusinessDate, { zones: shanghai, windowDays: 14, at }).expiries;
  assert.ok(first);
  const after = stateOf(
    history(bill(), pay('p1', 10000), request('r1', { at: '2026-01-12T17:00:00Z' }), request('r2', { amountMinor: 100 }), first!),
  );
  assert.equal(
    pendingRequests(after).map((r) => r.requestId),
    ['r1'],
  );
  assert.equal(
    requestsToExpire([after], '2026-01-27' as BusinessDate, { zones: shanghai, windowDays: 14, at }).expiries.map((c) => c.requestId),
    ['r1'],
  );
});

test.run();
