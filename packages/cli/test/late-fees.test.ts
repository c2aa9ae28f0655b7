// `renewal late-fees policy`, `late-fees run` and `late-fees waive` through the built binary, on
// two flats at 315.20 a month billed for January (due 2026-01-15); unit-0302 pays, unit-0301 does
// not. The policy: 0.05% a day after 15 days' grace, at most 10% of what is overdue. On 1 March
// January is 45 days overdue; the grace days are not counted, 30 are:
//   31520 x 5 x 30 / 10000 = 472.8, half-up 4.73.
// On 11 March 40 days are charged: 630.4, 6.30; the run charges 6.30 - 4.73 = 1.57 more.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openFlat, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';

const JAN = 'unit-0301/2026-01-01';
const POLICY = { rate: { kind: 'daily-rate', basisPoints: 5 }, graceDays: 15, cap: { kind: 'percent-of-overdue', basisPoints: 1000 } };

const test = suite<{ w: Workspace }>('renewal late-fees');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

const january = (w: Workspace) => {
  for (const args of [
    ['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'],
    ['apply', w.writeLines('contracts.jsonl', [openFlat('unit-0301'), openFlat('unit-0302')])],
    ['renew', '--as-of', '2026-01-01'],
    ['apply', w.writeLines('paid.jsonl', [pay('unit-0302/2026-01-01', 'p-0302', 31520, '2026-01-10T09:00:00Z')])],
  ]) {
    const r = w.renewal(args);
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  }
};

test('no policy: the run charges nothing and says why', ({ w }) => {
  january(w);
  const r = w.renewal(['late-fees', 'run', '--as-of', '2026-03-01']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'No late-fee policy is set');
  assert.match(w.renewal(['late-fees', 'policy']).stdout, 'Late fees: no policy set');
});

test('a policy set, a run as of 1 March charges 4.73 once, a later run the increase, a waiver, a payment of principal and late fee', async ({
  w,
}) => {
  january(w);
  w.write('policy.json', JSON.stringify(POLICY));
  const set = w.renewal(['late-fees', 'policy', '--set', 'policy.json', '--reason', 'contract clause 7', '--actor', 'manager-zhao']);
  assert.is(set.status, 0, set.stderr);
  assert.match(
    set.stdout,
    'Late fees: 0.05% a day after 15 grace days, at most 10.00% of the amount overdue, on every fee item; plans: not-while-kept; disputes: exclude-disputed; payments: principal-first',
  );

  const run = w.renewal(['late-fees', 'run', '--as-of', '2026-03-01', '--format', 'json']);
  assert.is(run.status, 0, run.stderr);
  const out = run.json();
  assert.equal(out.summary, { proposed: 1, charged: 1, alreadyCharged: 0, rejected: 0 });
  assert.equal(
    out.charges.map((c: any) => [c.cycleId, c.chargeId, c.asOf, c.currency, c.overdueMinor, c.chargeableDays, c.amountMinor]),
    [[JAN, `late-fee/${JAN}/2026-03-01`, '2026-03-01', 'CNY', 31520, 30, 473]],
  );
  const again = w.renewal(['late-fees', 'run', '--as-of', '2026-03-01']);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'Late fees as of 2026-03-01: 0 cycles charged (nothing more has accrued)');

  const later = w.renewal(['late-fees', 'run', '--as-of', '2026-03-11']);
  assert.is(later.status, 0, later.stderr);
  assert.match(later.stdout, 'Late fees as of 2026-03-11: 1 cycle charged (1.57 CNY)');

  const WAIVER = [
    'late-fees',
    'waive',
    JAN,
    '--amount',
    '0.30',
    '--reason',
    'first time late',
    '--waiver-id',
    'w-1',
    '--at',
    '2026-03-11T09:00:00Z',
  ];
  // 6.30 charged; 0.30 waived leaves 6.00; 7.00 more is refused with the figures.
  const waive = w.renewal(WAIVER);
  assert.is(waive.status, 0, waive.stderr);
  assert.is(
    waive.stdout.trim(),
    `Waived 0.30 CNY of the late fee on ${JAN}: charged 6.30 CNY, waived 0.30 CNY, paid 0.00 CNY, open 6.00 CNY`,
  );
  const same = w.renewal(WAIVER);
  assert.is(same.status, 0, same.stderr);
  assert.match(same.stdout, 'Waiver w-1 is recorded already');
  const tooMuch = w.renewal(['late-fees', 'waive', JAN, '--amount', '7.00', '--reason', 'goodwill']);
  assert.is(tooMuch.status, 1);
  assert.match(
    tooMuch.stderr,
    'WAIVER_EXCEEDS_LATE_FEE: waiving 7.00 exceeds the late fee open: 6.00 (charged 6.30, waived 0.30, paid 0.00)',
  );

  // 321.20 at the counter: 315.20 principal first, then 6.00 of late fee.
  const paid = w.renewal(['apply', w.writeLines('pay.jsonl', [pay(JAN, 'p-0301', 32120, '2026-03-12T09:00:00Z')]), '--format', 'json']);
  assert.is(paid.status, 0, paid.stderr);
  const figures = paid.json().lines[0].figures;
  assert.equal(
    [
      figures.outstandingMinor,
      figures.lateFeeChargedMinor,
      figures.lateFeeWaivedMinor,
      figures.lateFeePaidMinor,
      figures.lateFeeOutstandingMinor,
    ],
    [0, 630, 30, 600, 0],
  );
  // The receipt's table row says how much of the 321.20 was late fee (6.00); the balance after
  // is the principal's (0.00). The CSV has it in minor units, before the (empty) lump-sum lines.
  const receipts = w.renewal(['receipts', '--cycle', JAN]);
  assert.is(receipts.status, 0, receipts.stderr);
  assert.match(receipts.stdout, /late fee +\S* *balance after/);
  assert.match(receipts.stdout, /321\.20 +CNY +\S+ +6\.00 +0\.00/);
  const csv = w.renewal(['receipts', '--cycle', JAN, '--format', 'csv']).stdout.trim().split('\r\n');
  assert.ok(csv[0]!.endsWith(',late_fee_minor,lines'), csv[0]);
  assert.ok(csv[1]!.endsWith(',600,'), csv[1]);
});

test('on a ledger with users, the policy and waivers are a manager’s: a clerk is refused NOT_PERMITTED and nothing is written', ({ w }) => {
  january(w);
  for (const args of [
    ['users', 'add', 'manager-zhao', '--role', 'manager'],
    ['users', 'add', 'clerk-li', '--role', 'clerk', '--actor', 'manager-zhao'],
  ])
    assert.is(w.renewal(args).status, 0);
  w.write('policy.json', JSON.stringify(POLICY));
  const byClerk = w.renewal(['late-fees', 'policy', '--set', 'policy.json', '--actor', 'clerk-li']);
  assert.is(byClerk.status, 1);
  assert.match(byClerk.stderr, 'NOT_PERMITTED: role clerk may not issue SetLateFeePolicy');
  assert.match(w.renewal(['late-fees', 'policy']).stdout, 'Late fees: no policy set');
  const nobody = w.renewal(['late-fees', 'policy', '--set', 'policy.json'], { env: { RENEWAL_ACTOR: '' } });
  assert.is(nobody.status, 2);
  assert.match(nobody.stderr, 'this ledger has users');
  assert.is(w.renewal(['late-fees', 'policy', '--set', 'policy.json', '--actor', 'manager-zhao']).status, 0);
  // The run is checked too: it names who runs it, in a role that may charge late fees.
  const unnamed = w.renewal(['late-fees', 'run', '--as-of', '2026-03-01'], { env: { RENEWAL_ACTOR: '' } });
  assert.is(unnamed.status, 2);
  assert.match(unnamed.stderr, 'this ledger has users');
  const clerkRuns = w.renewal(['late-fees', 'run', '--as-of', '2026-03-01', '--actor', 'clerk-li']);
  assert.is(clerkRuns.status, 1);
  assert.match(clerkRuns.stdout, 'NOT_PERMITTED');
  assert.is(w.renewal(['late-fees', 'run', '--as-of', '2026-03-01', '--actor', 'manager-zhao']).status, 0);
  const WAIVE = ['late-fees', 'waive', JAN, '--amount', '1.00', '--reason', 'goodwill', '--waiver-id', 'w-1'];
  const clerkWaives = w.renewal([...WAIVE, '--actor', 'clerk-li']);
  assert.is(clerkWaives.status, 1);
  assert.match(clerkWaives.stderr, 'NOT_PERMITTED: role clerk may not issue WaiveLateFee');
  const managerWaives = w.renewal([...WAIVE, '--actor', 'manager-zhao']);
  assert.is(managerWaives.status, 0, managerWaives.stderr);
  // 4.73 charged as of 1 March; 1.00 waived by the manager, the clerk's attempt left nothing.
  assert.match(managerWaives.stdout, 'charged 4.73 CNY, waived 1.00 CNY, paid 0.00 CNY, open 3.73 CNY');
  const history = w.renewal(['audit', 'history', JAN]);
  assert.match(history.stdout, /Late fee of 1\.00 CNY waived: goodwill \(waiver w-1\)\. By manager-zhao \(manager\)/);
});

test('a waiver with an empty reason is a usage error, and nothing is written', async ({ w }) => {
  january(w);
  const before = await w.eventCount();
  const r = w.renewal(['late-fees', 'waive', JAN, '--amount', '1.00', '--reason', '']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'reason');
  assert.is(await w.eventCount(), before);
});

test('a policy file with a mistake is a usage error naming the field', ({ w }) => {
  january(w);
  w.write('bad.json', JSON.stringify({ ...POLICY, graceDays: -1, rate: { kind: 'daily-rate', basisPoint: 5 } }));
  const r = w.renewal(['late-fees', 'policy', '--set', 'bad.json']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'bad.json is not a late-fee policy');
  assert.match(r.stderr, 'graceDays');
  assert.match(r.stderr, 'basisPoint');
});

test.run();
