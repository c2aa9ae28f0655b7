// Roles and approvals through the built `renewal` binary: users kept in the ledger, --actor
// checked against them, a cashier's refund over the limit waiting in `approvals list` until a
// manager approves it, self-approval refused, and `audit history` showing roles and the approver.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, openFlat, pay } from './support/commands.js';
import { ok, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };
const NOW = { RENEWAL_NOW: '2026-01-25T10:00:00Z' };

const test = suite<{ w: Workspace }>('renewal users and approvals');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

/** A cashier's refund of the 1,000.00 payment `pay-1`. */
const refund = (refundId: string, amountMinor: number, at = '2026-01-22T09:00:00Z', reason = 'paid twice') => ({
  type: 'Refund',
  commandId: `refund-${refundId}`,
  cycleId: CYCLE,
  actor: 'cashier-chen',
  at,
  refundId,
  paymentId: 'pay-1',
  amountMinor,
  reason,
});

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
  w.writeLines('refund.jsonl', [refund('r1', 60000)]);
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

test('renewal receipts lists a refund waiting for approval until it is approved (its note), rejected or expired', ({ w }) => {
  office(w);
  // 600.00 and 550.00, both over the cashier's 500.00: two requests, no refund note.
  w.writeLines('refunds.jsonl', [refund('r1', 60000), refund('r2', 55000)]);
  ok(w.renewal(['apply', 'refunds.jsonl', '--actor', 'cashier-chen'], { env: NOW }));
  const pending = () =>
    (
      JSON.parse(ok(w.renewal(['receipts', '--pending', '--contract', 'unit-0301', '--format', 'json']))) as { pendingRefunds: any[] }
    ).pendingRefunds.map((p) => [p.requestId, p.amountMinor, p.refundsReceipt, p.requester]);
  assert.equal(pending(), [
    ['r1', 60000, 'R-2026-000001', 'cashier-chen'],
    ['r2', 55000, 'R-2026-000001', 'cashier-chen'],
  ]);
  const table = ok(w.renewal(['receipts', '--cycle', CYCLE]));
  assert.match(table, 'Refunds waiting for approval');
  assert.match(table, /r1 .*-600\.00 .*cashier-chen \(cashier\)/);
  const all = JSON.parse(ok(w.renewal(['receipts', '--format', 'json']))) as { documents: any[]; pendingRefunds: any[] };
  assert.equal(
    all.documents.map((d) => d.number),
    ['R-2026-000001'],
  );
  assert.is(all.pendingRefunds.length, 2);

  ok(w.renewal(['approvals', 'approve', 'r1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: NOW }));
  assert.equal(pending(), [['r2', 55000, 'R-2026-000001', 'cashier-chen']]);
  const docs = JSON.parse(ok(w.renewal(['receipts', '--cycle', CYCLE, '--format', 'json']))) as { documents: any[] };
  assert.equal(
    docs.documents.map((d) => [d.number, d.amountMinor, d.refundId, d.refundsReceipt]),
    [
      ['R-2026-000001', 100000, null, null],
      ['RN-2026-000001', 60000, 'r1', 'R-2026-000001'],
    ],
  );
  ok(w.renewal(['approvals', 'reject', 'r2', '--cycle', CYCLE, '--reason', 'refund to the card', '--actor', 'manager-zhao'], { env: NOW }));
  assert.equal(pending(), []);
  assert.match(ok(w.renewal(['receipts', '--pending'])), '(no refunds waiting for approval)');
  assert.not.match(ok(w.renewal(['receipts', '--cycle', CYCLE])), 'waiting for approval');
  const csv = ok(w.renewal(['receipts', '--cycle', CYCLE, '--format', 'csv']))
    .trim()
    .split('\r\n');
  assert.is(csv.length, 3, 'a receipt and one refund note: nothing numbered for the rejected request');
});

test('renewal approvals expire closes the requests whose window has passed as of a business day, once; only a role that may', async ({
  w,
}) => {
  office(w);
  // Asked on 22 January (UTC: this ledger has no zone set): with the default 14 days it expires
  // on 5 February, not on the 4th.
  w.writeLines('refund.jsonl', [refund('r1', 60000)]);
  ok(w.renewal(['apply', 'refund.jsonl', '--actor', 'cashier-chen'], { env: NOW }));
  const LATER = { RENEWAL_NOW: '2026-02-10T10:00:00Z' };
  const expire = (asOf: string, actor?: string, extra: string[] = []) =>
    w.renewal(['approvals', 'expire', '--as-of', asOf, '--format', 'json', ...(actor ? ['--actor', actor] : []), ...extra], { env: LATER });

  const nobody = expire('2026-02-05');
  assert.is(nobody.status, 2);
  assert.match(nobody.stderr, 'this ledger has users: say who you are');
  const before = await w.eventCount();
  const cashier = expire('2026-02-05', 'cashier-chen');
  assert.is(cashier.status, 1);
  assert.match(cashier.stdout, 'NOT_PERMITTED');
  assert.is(await w.eventCount(), before, 'a cashier may not expire requests: nothing written');

  const early = JSON.parse(ok(expire('2026-02-04', 'manager-zhao')));
  assert.equal([early.windowDays, early.summary.proposed], [14, 0]);
  const out = JSON.parse(ok(expire('2026-02-05', 'manager-zhao')));
  assert.equal(out.summary, { proposed: 1, expired: 1, alreadyExpired: 0, rejected: 0 });
  assert.equal(
    out.expired.map((e: any) => [e.cycleId, e.requestId, e.kind, e.amountMinor, e.requester]),
    [[CYCLE, 'r1', 'Refund', 60000, 'cashier-chen']],
  );
  assert.equal(JSON.parse(ok(expire('2026-02-06', 'manager-zhao'))).summary, { proposed: 0, expired: 0, alreadyExpired: 0, rejected: 0 });
  assert.match(ok(w.renewal(['approvals', 'list'])), 'no requests waiting for approval');
  assert.equal(JSON.parse(ok(w.renewal(['receipts', '--pending', '--format', 'json']))).pendingRefunds, []);
  const history = JSON.parse(ok(w.renewal(['audit', 'history', CYCLE, '--format', 'json']))) as {
    history: { type: string; actor: string; role: string | null }[];
  };
  assert.equal(history.history.at(-1), { ...history.history.at(-1)!, type: 'RequestExpired', actor: 'manager-zhao', role: 'manager' });
  // Approving it now is too late.
  const late = w.renewal(['approvals', 'approve', 'r1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: LATER });
  assert.is(late.status, 1);
  assert.match(late.stderr, 'REQUEST_CLOSED');

  // --window-days: a request asked on 10 February expires on the 13th with a 3-day window.
  w.writeLines('refund2.jsonl', [refund('r2', 55000, '2026-02-10T09:00:00Z', 'moved out')]);
  ok(w.renewal(['apply', 'refund2.jsonl', '--actor', 'cashier-chen'], { env: LATER }));
  const LATEST = { RENEWAL_NOW: '2026-02-20T10:00:00Z' };
  const short = (asOf: string) =>
    JSON.parse(
      ok(
        w.renewal(['approvals', 'expire', '--as-of', asOf, '--window-days', '3', '--format', 'json', '--actor', 'manager-zhao'], {
          env: LATEST,
        }),
      ),
    ).summary.expired;
  assert.is(short('2026-02-12'), 0);
  assert.is(short('2026-02-13'), 1);
});

test('renew, remind, late-fees run and reconcile check --actor against the ledger users and their role', async ({ w }) => {
  office(w);
  ok(w.renewal(['apply', w.writeLines('contract.jsonl', [openFlat('unit-0302')]), '--actor', 'clerk-li'], { env: NOW }));
  for (const args of [
    ['renew', '--as-of', '2026-01-01'],
    ['remind', '--as-of', '2026-01-20'],
    ['late-fees', 'run', '--as-of', '2026-03-01'],
  ]) {
    const nobody = w.renewal(args, { env: NOW });
    assert.is(nobody.status, 2, `${args[0]}: ${nobody.stderr}`);
    assert.match(nobody.stderr, 'this ledger has users: say who you are with --actor USER or RENEWAL_ACTOR');
    const stranger = w.renewal([...args, '--actor', 'mallory'], { env: NOW });
    assert.is(stranger.status, 1);
    assert.match(stranger.stderr, 'no user mallory in this ledger');
  }
  // A cashier may not bill: the run's bill is rejected NOT_PERMITTED and nothing is written.
  const before = await w.eventCount();
  const cashier = w.renewal(['renew', '--as-of', '2026-01-01', '--actor', 'cashier-chen', '--format', 'json'], { env: NOW });
  assert.is(cashier.status, 1);
  assert.match(cashier.stdout, 'NOT_PERMITTED');
  assert.is(await w.eventCount(), before);
  // A clerk may: the bill is recorded with the clerk's role.
  const renewed = JSON.parse(ok(w.renewal(['renew', '--as-of', '2026-01-01', '--actor', 'clerk-li', '--format', 'json'], { env: NOW })));
  assert.is(renewed.summary.issued, 1);
  const history = JSON.parse(ok(w.renewal(['audit', 'history', 'unit-0302/2026-01-01', '--format', 'json']))) as {
    history: { type: string; role: string | null }[];
  };
  assert.equal(
    history.history.map((h) => [h.type, h.role]),
    [['Billed', 'clerk']],
  );
  assert.is(w.renewal(['remind', '--as-of', '2026-01-20', '--actor', 'RENEWAL_ACTOR-unused'], { env: NOW }).status, 1);
  ok(w.renewal(['remind', '--as-of', '2026-01-20'], { env: { ...NOW, RENEWAL_ACTOR: 'clerk-li' } }));
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
