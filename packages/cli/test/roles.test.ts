// Roles and approvals through the built `renewal` binary: users kept in the ledger, --actor
// checked against them, a cashier's refund over the limit waiting in `approvals list` until a
// manager approves it, self-approval refused, and `audit history` showing roles and the approver.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { ok, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };
const NOW = { RENEWAL_NOW: '2026-01-25T10:00:00Z' };

const test = suite<{ w: Workspace }>('renewal users and approvals');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

/** A ledger with a manager, a cashier, a clerk and an auditor, a bill and a payment of 1,000.00. */
const office = (w: Workspace) => {
  ok(w.renewal(['users', 'add', 'manager-zhao', '--role', 'manager'], { env: NOW }));
  for (const [user, role] of [
    ['cashier-chen', 'cashier'],
    ['clerk-li', 'clerk'],
    ['auditor-sun', 'auditor'],
  ])
    ok(w.renewal(['users', 'add', user!, '--role', role!, '--actor', 'manager-zhao'], { env: NOW }));
  w.writeLines('bill.jsonl', [bill(CYCLE, 'unit-0301', 100000, JAN, '2026-01-15')]);
  ok(w.renewal(['apply', 'bill.jsonl', '--actor', 'clerk-li'], { env: NOW }));
  w.writeLines('pay.jsonl', [pay(CYCLE, 'pay-1', 100000, '2026-01-20T10:30:00Z')]);
  ok(w.renewal(['apply', 'pay.jsonl', '--actor', 'cashier-chen'], { env: NOW }));
};

test('users are kept in the ledger; the first may be added by anyone, then only by a manager', ({ w }) => {
  office(w);
  const list = JSON.parse(ok(w.renewal(['users', 'list', '--format', 'json']))) as {
    users: { userId: string; role: string; status: string }[];
  };
  assert.equal(
    list.users.map((u) => [u.userId, u.role, u.status]),
    [
      ['manager-zhao', 'manager', 'active'],
      ['cashier-chen', 'cashier', 'active'],
      ['clerk-li', 'clerk', 'active'],
      ['auditor-sun', 'auditor', 'active'],
    ],
  );
  const byCashier = w.renewal(['users', 'add', 'cashier-2', '--role', 'cashier', '--actor', 'cashier-chen'], { env: NOW });
  assert.is(byCashier.status, 1);
  assert.match(byCashier.stderr, 'NOT_PERMITTED: role cashier may not issue AddUser');
  const badRole = w.renewal(['users', 'add', 'x', '--role', 'boss', '--actor', 'manager-zhao'], { env: NOW });
  assert.is(badRole.status, 2);
  assert.match(badRole.stderr, '--role boss is not a role of the access policy');
});

test('--actor is required once the ledger has users, must be one of them, and enabled', async ({ w }) => {
  office(w);
  w.writeLines('pay2.jsonl', [pay(CYCLE, 'pay-2', 100, '2026-01-21T10:30:00Z')]);
  const before = await w.eventCount();
  const nobody = w.renewal(['apply', 'pay2.jsonl'], { env: NOW });
  assert.is(nobody.status, 2);
  assert.match(nobody.stderr, 'this ledger has users: say who you are with --actor USER or RENEWAL_ACTOR');
  const stranger = w.renewal(['apply', 'pay2.jsonl', '--actor', 'mallory'], { env: NOW });
  assert.is(stranger.status, 1);
  assert.match(stranger.stderr, 'no user mallory in this ledger');
  ok(w.renewal(['users', 'disable', 'cashier-chen', '--actor', 'manager-zhao'], { env: NOW }));
  const disabled = w.renewal(['apply', 'pay2.jsonl'], { env: { ...NOW, RENEWAL_ACTOR: 'cashier-chen' } });
  assert.is(disabled.status, 1);
  assert.match(disabled.stderr, 'user cashier-chen is disabled');
  // An auditor may change nothing: the line is rejected NOT_PERMITTED and nothing is written.
  const audited = w.renewal(['apply', 'pay2.jsonl', '--actor', 'auditor-sun', '--format', 'json'], { env: NOW });
  assert.is(audited.status, 1);
  assert.match(audited.stdout, 'NOT_PERMITTED');
  assert.is(await w.eventCount(), before + 1, 'only the DisableUser event was written');
});

test('a refund over the cashier limit waits for a manager; self-approval is refused; history shows who and in which role', ({ w }) => {
  office(w);
  // 600.00, over the cashier's 500.00.
  w.writeLines('refund.jsonl', [
    {
      type: 'Refund',
      commandId: 'refund-1',
      cycleId: CYCLE,
      actor: 'cashier-chen',
      at: '2026-01-22T09:00:00Z',
      refundId: 'r1',
      paymentId: 'pay-1',
      amountMinor: 60000,
      reason: 'paid twice',
    },
  ]);
  const asked = JSON.parse(ok(w.renewal(['apply', 'refund.jsonl', '--actor', 'cashier-chen', '--format', 'json'], { env: NOW }))) as {
    lines: { events: { type: string }[]; figures: { refundedMinor: number } }[];
  };
  assert.equal(
    asked.lines[0]!.events.map((e) => e.type),
    ['ApprovalRequested'],
  );
  assert.is(asked.lines[0]!.figures.refundedMinor, 0);

  const pending = JSON.parse(ok(w.renewal(['approvals', 'list', '--format', 'json']))) as { pending: Record<string, unknown>[] };
  assert.equal(
    pending.pending.map((p) => [p.cycleId, p.requestId, p.kind, p.amountMinor, p.requester, p.role]),
    [[CYCLE, 'r1', 'Refund', 60000, 'cashier-chen', 'cashier']],
  );

  const self = w.renewal(['approvals', 'approve', 'r1', '--cycle', CYCLE, '--actor', 'cashier-chen'], { env: NOW });
  assert.is(self.status, 1);
  assert.match(self.stderr, 'NOT_PERMITTED: role cashier may not issue ApproveRequest');
  const approved = ok(w.renewal(['approvals', 'approve', 'r1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: NOW }));
  assert.match(approved, 'approved request r1 of unit-0301/2026-01: RequestApproved, Refunded');
  assert.match(
    ok(w.renewal(['approvals', 'approve', 'r1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: NOW })),
    'already approved',
  );
  assert.match(ok(w.renewal(['approvals', 'list'])), 'no requests waiting for approval');

  const history = ok(w.renewal(['audit', 'history', CYCLE]));
  assert.match(history, 'Approval requested by cashier-chen (cashier) for a refund of');
  assert.match(history, 'Request r1 approved by manager-zhao (asked by cashier-chen, cashier)');
  assert.match(history, 'By manager-zhao (manager)');
  const json = JSON.parse(ok(w.renewal(['audit', 'history', CYCLE, '--format', 'json']))) as {
    history: { type: string; actor: string; role: string | null }[];
  };
  assert.equal(
    json.history.map((h) => [h.type, h.actor, h.role]),
    [
      ['Billed', 'billing-run', 'clerk'],
      ['Paid', 'cashier-chen', 'cashier'],
      ['ApprovalRequested', 'cashier-chen', 'cashier'],
      ['RequestApproved', 'manager-zhao', 'manager'],
      ['Refunded', 'manager-zhao', 'manager'],
    ],
  );
});

test('a clerk adjustment (limit 0) waits; a manager rejects it and nothing moves', ({ w }) => {
  office(w);
  w.writeLines('adjust.jsonl', [
    {
      type: 'Adjust',
      commandId: 'adj-1',
      cycleId: CYCLE,
      actor: 'clerk-li',
      at: '2026-01-22T09:00:00Z',
      adjustmentId: 'a1',
      amountMinor: 1000,
      reason: 'goodwill',
    },
  ]);
  ok(w.renewal(['apply', 'adjust.jsonl', '--actor', 'clerk-li'], { env: NOW }));
  const noReason = w.renewal(['approvals', 'reject', 'a1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: NOW });
  assert.is(noReason.status, 2);
  assert.match(
    ok(w.renewal(['approvals', 'reject', 'a1', '--cycle', CYCLE, '--reason', 'not agreed', '--actor', 'manager-zhao'], { env: NOW })),
    'rejected request a1',
  );
  assert.match(ok(w.renewal(['approvals', 'list'])), 'no requests waiting for approval');
  const late = w.renewal(['approvals', 'approve', 'a1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: NOW });
  assert.is(late.status, 1);
  assert.match(late.stderr, 'REQUEST_CLOSED');
  const arrears = JSON.parse(ok(w.renewal(['arrears', '--contract', 'unit-0301', '--format', 'json']))) as {
    contract: { cycles: { figures: { adjustedMinor: number } }[] };
  };
  assert.is(arrears.contract.cycles[0]!.figures.adjustedMinor, 0);
});

test('a ledger without users works as before: nothing is checked, no role recorded', ({ w }) => {
  w.writeLines('day.jsonl', [bill(CYCLE, 'unit-0301', 100000, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 100000, '2026-01-20T10:30:00Z')]);
  ok(w.renewal(['apply', 'day.jsonl'], { env: NOW }));
  assert.match(ok(w.renewal(['users', 'list'])), 'no users: anyone may act');
  const json = JSON.parse(ok(w.renewal(['audit', 'history', CYCLE, '--format', 'json']))) as { history: { role: string | null }[] };
  assert.equal(
    json.history.map((h) => h.role),
    [null, null],
  );
});

test.run();
