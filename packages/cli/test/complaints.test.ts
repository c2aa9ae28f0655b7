// Complaint cases through the built `renewal` binary (docs/complaints.md): a cashier hears a
// complaint about a bill, a clerk owns it, follows it up late (listed overdue as of the business
// day in Shanghai, not in UTC), resolves it with a compensation that goes through the approvals
// (a clerk's limit is 0, so the adjustment waits for a manager), and closes it satisfied.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill } from './support/commands.js';
import { ok, workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-02';
const FEB = { start: '2026-02-01', end: '2026-03-01' };
const at = (instant: string) => ({ RENEWAL_NOW: instant });

const test = suite<{ w: Workspace }>('renewal complaints');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

interface Listed {
  asOf: string;
  complaints: {
    caseId: string;
    status: string;
    owner: string | null;
    followUps: number;
    followUpBy: string | null;
    daysOverdue: number;
    outcome: string | null;
    compensation: { cycleId: string; adjustmentId: string; amountMinor: number; currency: string; approval: string } | null;
    satisfaction: string | null;
  }[];
}
const list = (w: Workspace, args: string[], now: string): Listed =>
  JSON.parse(ok(w.renewal(['complaints', 'list', '--format', 'json', ...args], { env: at(now) }))) as Listed;

/** A ledger in Asia/Shanghai with a manager, a clerk and a cashier, and a February bill of 300.00. */
const office = (w: Workspace) => {
  const now = at('2026-02-02T00:00:00Z');
  ok(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], { env: now }));
  ok(w.renewal(['users', 'add', 'manager-zhao', '--role', 'manager'], { env: now }));
  ok(w.renewal(['users', 'add', 'clerk-li', '--role', 'clerk', '--actor', 'manager-zhao'], { env: now }));
  ok(w.renewal(['users', 'add', 'cashier-chen', '--role', 'cashier', '--actor', 'manager-zhao'], { env: now }));
  w.writeLines('bill.jsonl', [bill(CYCLE, 'unit-0301', 30000, FEB, '2026-02-15')]);
  ok(w.renewal(['apply', 'bill.jsonl', '--actor', 'clerk-li'], { env: now }));
};

test('open, follow up late (listed overdue), resolve with a compensation through approval, close', async ({ w }) => {
  office(w);
  ok(
    w.renewal(
      [
        'complaints',
        'open',
        'c-1',
        '--contract',
        'unit-0301',
        '--by',
        'Mrs Zhang, unit 0301',
        '--about',
        'bill',
        '--ref',
        CYCLE,
        '--summary',
        'charged for a parking space she gave up',
        '--follow-up-by',
        '2026-03-05',
        '--actor',
        'cashier-chen',
      ],
      { env: at('2026-03-02T02:00:00Z') },
    ),
  );
  // A cashier hears complaints but does not own them.
  const byCashier = w.renewal(['complaints', 'assign', 'c-1', '--owner', 'cashier-chen', '--actor', 'cashier-chen'], {
    env: at('2026-03-02T03:00:00Z'),
  });
  assert.is(byCashier.status, 1);
  assert.match(byCashier.stderr, 'NOT_PERMITTED: role cashier may not issue AssignComplaint');
  // Resolving before anyone owns it: the rule code.
  const early = w.renewal(['complaints', 'resolve', 'c-1', '--solution', 'x', '--actor', 'clerk-li'], { env: at('2026-03-02T03:00:00Z') });
  assert.is(early.status, 1);
  assert.match(early.stderr, 'COMPLAINT_NOT_ASSIGNED');
  ok(w.renewal(['complaints', 'assign', 'c-1', '--owner', 'clerk-li', '--actor', 'clerk-li'], { env: at('2026-03-02T03:00:00Z') }));

  // 2026-03-05T17:30Z is 03-05 in UTC but 03-06 01:30 in Shanghai: the follow-up due on the 5th
  // is one day overdue on the ledger's day.
  const late = list(w, ['--overdue'], '2026-03-05T17:30:00Z');
  assert.is(late.asOf, '2026-03-06');
  assert.equal(
    late.complaints.map((c) => [c.caseId, c.followUpBy, c.daysOverdue, c.owner]),
    [['c-1', '2026-03-05', 1, 'clerk-li']],
  );
  assert.equal(list(w, ['--overdue', '--as-of', '2026-03-05'], '2026-03-05T17:30:00Z').complaints, []);

  ok(
    w.renewal(
      [
        'complaints',
        'follow-up',
        'c-1',
        '--note',
        'called back: space was given up on 02-01',
        '--next',
        '2026-03-10',
        '--actor',
        'clerk-li',
      ],
      {
        env: at('2026-03-06T02:00:00Z'),
      },
    ),
  );
  // Followed up on the 6th: as of a day, that day's events count, so the 6th (asked then or
  // later) has nothing overdue; the 12th finds the next follow-up (due the 10th) 2 days late.
  assert.equal(list(w, ['--overdue'], '2026-03-06T03:00:00Z').complaints, []);
  assert.equal(list(w, ['--overdue', '--as-of', '2026-03-06'], '2026-03-12T03:00:00Z').complaints, []);
  assert.equal(list(w, ['--overdue', '--as-of', '2026-03-05'], '2026-03-12T03:00:00Z').complaints, []);
  assert.equal(
    list(w, ['--overdue'], '2026-03-12T03:00:00Z').complaints.map((c) => [c.caseId, c.followUpBy, c.daysOverdue]),
    [['c-1', '2026-03-10', 2]],
  );

  // Compensation: 50.00 off February. A clerk's limit is 0, so the adjustment is asked for.
  const resolved = ok(
    w.renewal(
      [
        'complaints',
        'resolve',
        'c-1',
        '--solution',
        'parking line billed in error',
        '--compensate',
        '50.00',
        '--cycle',
        CYCLE,
        '--check-by',
        '2026-03-20',
        '--actor',
        'clerk-li',
      ],
      { env: at('2026-03-12T04:00:00Z') },
    ),
  );
  assert.match(resolved, 'waits for approval (request complaint:c-1)');
  const waiting = JSON.parse(ok(w.renewal(['approvals', 'list', '--format', 'json']))) as {
    pending: { requestId: string; kind: string; amountMinor: number }[];
  };
  assert.equal(
    waiting.pending.map((p) => [p.requestId, p.kind, p.amountMinor]),
    [['complaint:c-1', 'Adjust', 5000]],
  );
  // Running the same line again writes nothing new.
  const again = ok(
    w.renewal(
      [
        'complaints',
        'resolve',
        'c-1',
        '--solution',
        'parking line billed in error',
        '--compensate',
        '50.00',
        '--cycle',
        CYCLE,
        '--check-by',
        '2026-03-20',
        '--actor',
        'clerk-li',
      ],
      { env: at('2026-03-12T04:00:00Z') },
    ),
  );
  assert.match(again, 'already recorded');
  ok(
    w.renewal(['approvals', 'approve', 'complaint:c-1', '--cycle', CYCLE, '--actor', 'manager-zhao'], { env: at('2026-03-12T05:00:00Z') }),
  );
  const arrears = JSON.parse(ok(w.renewal(['arrears', '--contract', 'unit-0301', '--as-of', '2026-03-12', '--format', 'json']))) as {
    contract: { cycles: { cycleId: string; figures: { outstandingMinor: number } }[] };
  };
  // 300.00 billed - 50.00 adjusted = 250.00 still owed on the cycle.
  assert.equal(
    arrears.contract.cycles.map((c) => [c.cycleId, c.figures.outstandingMinor]),
    [[CYCLE, 25000]],
  );

  const closedEarly = w.renewal(['complaints', 'close', 'c-2', '--satisfaction', 'satisfied', '--actor', 'clerk-li'], {
    env: at('2026-03-13T02:00:00Z'),
  });
  assert.is(closedEarly.status, 1);
  assert.match(closedEarly.stderr, 'COMPLAINT_NOT_OPEN');
  ok(
    w.renewal(
      [
        'complaints',
        'close',
        'c-1',
        '--satisfaction',
        'satisfied',
        '--lesson',
        'end parking lines when a space is given up',
        '--actor',
        'clerk-li',
      ],
      {
        env: at('2026-03-13T02:00:00Z'),
      },
    ),
  );
  assert.equal(list(w, [], '2026-03-25T02:00:00Z').complaints, [], 'a closed case is no longer listed');
  assert.equal(list(w, ['--overdue'], '2026-03-25T02:00:00Z').complaints, [], 'nor overdue past its check-by day');
  const all = list(w, ['--all'], '2026-03-25T02:00:00Z').complaints;
  assert.equal(
    all.map((c) => [c.caseId, c.status, c.followUps, c.outcome, c.compensation?.approval, c.satisfaction]),
    [['c-1', 'closed', 1, 'compensation', 'requested', 'satisfied']],
  );
  const after = w.renewal(['complaints', 'follow-up', 'c-1', '--note', 'x', '--actor', 'clerk-li'], { env: at('2026-03-25T02:00:00Z') });
  assert.is(after.status, 1);
  assert.match(after.stderr, 'COMPLAINT_CLOSED');
});

test.run();
