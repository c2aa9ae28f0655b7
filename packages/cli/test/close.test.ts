// Through the CLI: the books as they stood (`arrears --known-at`, `behaviour --known-at`) and
// year-end closing (`close --period`, `close --check`). A Shanghai ledger, worked by hand:
// one bill of 315.20 due 2026-12-15; 100.00 cash taken on 30 December, entered on 5 January.
// As of 31 December the bill is 16 days past due (bucket 1-30): 315.20 overdue as known at
// 4 January, 215.20 as known at 6 January. On SQLite, and PostgreSQL where there is one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';
import { onBothStores as onBothStoresOf } from './support/postgres.js';

const test = suite('the books as they stood and closing a year, through the CLI');
const onBothStores = (name: string, scenario: (w: Workspace, store: string) => void) =>
  onBothStoresOf(test, 'close', workspace, name, scenario);

const CYCLE = 'unit-0201/2026-12';

const december = (w: Workspace, store: string) => {
  const renewal = (args: string[], now: string) => w.renewal([...args, '--store', store], { env: { RENEWAL_NOW: now } });
  assert.is(renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], '2026-11-01T09:00:00+08:00').status, 0);
  w.writeLines('bill.jsonl', [bill(CYCLE, 'unit-0201', 31520, { start: '2026-12-01', end: '2027-01-01' }, '2026-12-15')]);
  assert.is(renewal(['apply', 'bill.jsonl'], '2026-12-01T10:00:00+08:00').status, 0);
  w.writeLines('late.jsonl', [pay(CYCLE, 'cash-0417', 10000, '2026-12-30T10:00:00+08:00')]);
  const applied = renewal(['apply', 'late.jsonl'], '2027-01-05T09:00:00+08:00');
  assert.is(applied.status, 0, applied.stderr);
  return renewal;
};

onBothStores(
  'arrears and takings as of 31 December: without the late payment known at 4 January, with it known at 6 January',
  (w, store) => {
    const renewal = december(w, store);
    const now = '2027-01-07T09:00:00+08:00';
    const at4 = renewal(['arrears', '--as-of', '2026-12-31', '--known-at', '2027-01-04', '--top', '5', '--format', 'json'], now);
    assert.is(at4.status, 0, at4.stderr);
    const j4 = at4.json();
    assert.is(j4.currencies[0].overdueMinor, '31520');
    assert.is(j4.currencies[0].buckets['1-30'], '31520');
    // The end of 4 January in Shanghai.
    assert.is(j4.knownAt, '2027-01-04T15:59:59.999Z');
    assert.equal(j4.picture, { events: 2, recordedLater: 1, datedLater: 0 });
    const j6 = renewal(['arrears', '--as-of', '2026-12-31', '--known-at', '2027-01-06', '--top', '5', '--format', 'json'], now).json();
    // From the arrears view's history rows by default; --replay replays the log: the same books.
    for (const knownAt of ['2027-01-04', '2027-01-06'])
      assert.equal(
        renewal(['arrears', '--as-of', '2026-12-31', '--known-at', knownAt, '--top', '5', '--format', 'json', '--replay'], now).json(),
        knownAt === '2027-01-04' ? j4 : j6,
      );
    assert.is(renewal(['arrears', '--replay'], now).status, 2);
    assert.is(j6.currencies[0].overdueMinor, '21520');
    assert.equal(
      j6.topDebtors.map((d: any) => [d.contractId, d.overdueMinor, d.daysPastDue, d.bucket]),
      [['unit-0201', '21520', 16, '1-30']],
    );
    const text = renewal(['arrears', '--as-of', '2026-12-31', '--known-at', '2027-01-05T09:00:00+08:00'], now);
    assert.match(text.stdout, 'The books as of 2026-12-31 as known at 2027-01-05T01:00:00Z: 3 events in the picture');
    assert.match(text.stdout, /1-30\s+1\s+215\.20/);
    const takings6 = renewal(
      ['behaviour', '--from', '2026-12-01', '--to', '2026-12-31', '--known-at', '2027-01-06', '--format', 'json'],
      now,
    ).json();
    assert.equal(
      takings6.takings.channels.map((c: any) => [c.channel, c.payments, c.takenMinor]),
      [['cash', 1, '10000']],
    );
    const takings4 = renewal(
      ['behaviour', '--from', '2026-12-01', '--to', '2026-12-31', '--known-at', '2027-01-04', '--format', 'json'],
      now,
    ).json();
    assert.equal(takings4.takings.channels, []);
    const bad = renewal(['arrears', '--as-of', '2026-12-31', '--known-at', '2027-01-04T10:00'], now);
    assert.is(bad.status, 2);
    assert.match(bad.stderr, '--known-at: expected a date YYYY-MM-DD');
    assert.is(renewal(['arrears', '--known-at', '2027-01-04', '--periods'], now).status, 2);
  },
);

onBothStores('closing 2026 records the figures as they stood with the audit seal; a later entry dated in 2026 is flagged', (w, store) => {
  const renewal = december(w, store);
  const early = renewal(['close', '--period', '2026'], '2026-12-31T23:00:00+08:00');
  assert.is(early.status, 1);
  assert.match(early.stderr, 'PERIOD_NOT_ENDED');
  const closed = renewal(['close', '--period', '2026', '--reason', 'year-end'], '2027-01-06T10:00:00+08:00');
  assert.is(closed.status, 0, closed.stderr);
  assert.match(closed.stdout, /Period 2026 closed at 2027-01-06T02:00:00Z, audit chain sealed at position \d+/);
  // The aged debtors as they stood: 315.20 - 100.00 = 215.20, 16 days, 1-30.
  assert.match(closed.stdout, /Top debtors as of 2026-12-31\n(.*\n){2}\s*unit-0201\s+CNY\s+215\.20\s+215\.20\s+16\s+1-30\s+1/);
  const clean = renewal(['close', '--check', '--format', 'json'], '2027-01-06T11:00:00+08:00');
  assert.is(clean.status, 0, clean.stderr);
  const c = clean.json();
  assert.is(c.closed.length, 1);
  assert.is(c.closed[0].figures[0].outstandingMinor, '21520');
  assert.match(c.closed[0].seal.hash, /^[0-9a-f]{64}$/);
  assert.equal(c.lateEntries, []);

  // A cash payment of 31 December entered on 10 January: recorded, not refused, and flagged.
  w.writeLines('later.jsonl', [pay(CYCLE, 'cash-0420', 5000, '2026-12-31T16:00:00+08:00')]);
  assert.is(renewal(['apply', 'later.jsonl'], '2027-01-10T09:00:00+08:00').status, 0);
  const check = renewal(['close', '--check'], '2027-01-10T10:00:00+08:00');
  assert.is(check.status, 1);
  assert.match(check.stdout, '1 entry recorded after a closing but dated inside the closed period');
  assert.match(
    check.stdout,
    /2026\s+2027-01-06T02:00:00Z\s+\d+\s+renewal-cycle-unit-0201\/2026-12\s+Paid\s+2026-12-31\s+2027-01-10T01:00:00Z\s+cashier-chen/,
  );
  const again = renewal(['close', '--period', '2026'], '2027-01-11T10:00:00+08:00');
  assert.is(again.status, 1);
  assert.match(again.stderr, 'PERIOD_ALREADY_CLOSED: period 2026 was closed at 2027-01-06T02:00:00Z');
});

onBothStores('on a ledger with users, closing is a manager’s: a clerk is refused NOT_PERMITTED', (w, store) => {
  const renewal = december(w, store);
  const now = '2027-01-06T10:00:00+08:00';
  assert.is(renewal(['users', 'add', 'manager-zhao', '--role', 'manager'], now).status, 0);
  assert.is(renewal(['users', 'add', 'clerk-li', '--role', 'clerk', '--actor', 'manager-zhao'], now).status, 0);
  const byClerk = renewal(['close', '--period', '2026', '--actor', 'clerk-li'], now);
  assert.is(byClerk.status, 1);
  assert.match(byClerk.stderr, 'NOT_PERMITTED: role clerk may not issue ClosePeriod');
  assert.is(renewal(['close', '--period', '2026', '--actor', 'manager-zhao'], now).status, 0);
});

test.run();
