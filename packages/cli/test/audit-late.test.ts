// Through the CLI: `renewal audit verify` reports the entries recorded after a period was closed but
// dated inside it (late entries), beside the chain's verdict. A Shanghai ledger, worked by hand:
// one bill for December 2026; 2026 closed on 6 January 2027 at 10:00 in Shanghai (02:00Z). Entered
// on 10 January at 09:00 (01:00Z): a cash payment taken on 31 December at 16:00 (08:00Z, business
// day 2026-12-31: late for 2026) and one taken on 2 January (after the period: not late). A
// payment of 30 December entered on 5 January, before the closing, was in the closed books: not
// late either. Late entries are not tampering: the chain holds and the exit status is 0. On
// SQLite, and PostgreSQL where there is one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';
import { onBothStores as onBothStoresOf } from './support/postgres.js';

const test = suite('late entries in closed periods, through renewal audit verify');
const onBothStores = (name: string, scenario: (w: Workspace, store: string) => void) =>
  onBothStoresOf(test, 'late', workspace, name, scenario);

const CYCLE = 'unit-0201/2026-12';

onBothStores(
  'a payment dated inside 2026 and entered after its closing is flagged with its figures; one dated after 2026 is not',
  (w, store) => {
    const renewal = (args: string[], now: string) => w.renewal([...args, '--store', store], { env: { RENEWAL_NOW: now } });
    assert.is(renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], '2026-11-01T09:00:00+08:00').status, 0);
    w.writeLines('bill.jsonl', [bill(CYCLE, 'unit-0201', 31520, { start: '2026-12-01', end: '2027-01-01' }, '2026-12-15')]);
    assert.is(renewal(['apply', 'bill.jsonl'], '2026-12-01T10:00:00+08:00').status, 0);
    w.writeLines('before-closing.jsonl', [pay(CYCLE, 'cash-0417', 10000, '2026-12-30T10:00:00+08:00')]);
    assert.is(renewal(['apply', 'before-closing.jsonl'], '2027-01-05T09:00:00+08:00').status, 0);
    const closed = renewal(['close', '--period', '2026'], '2027-01-06T10:00:00+08:00');
    assert.is(closed.status, 0, closed.stderr);

    const clean = renewal(['audit', 'verify', '--format', 'json'], '2027-01-07T09:00:00+08:00');
    assert.is(clean.status, 0, clean.stderr);
    assert.equal([clean.json().ok, clean.json().lateEntries], [true, []]);
    assert.not.match(renewal(['audit', 'verify'], '2027-01-07T09:00:00+08:00').stdout, 'closed period');

    w.writeLines('after-closing.jsonl', [
      pay(CYCLE, 'cash-0420', 5000, '2026-12-31T16:00:00+08:00'),
      pay(CYCLE, 'cash-0421', 2000, '2027-01-02T10:00:00+08:00'),
    ]);
    const applied = renewal(['apply', 'after-closing.jsonl'], '2027-01-10T09:00:00+08:00');
    assert.is(applied.status, 0, applied.stderr);
    const positions = renewal(['audit', 'history', CYCLE, '--format', 'json'], '2027-01-10T10:00:00+08:00')
      .json()
      .history.filter((h: any) => h.type === 'Paid')
      .map((h: any) => h.position);
    assert.is(positions.length, 3);

    const r = renewal(['audit', 'verify', '--format', 'json'], '2027-01-10T10:00:00+08:00');
    assert.is(r.status, 0, 'a late entry is not tampering');
    const v = r.json();
    assert.is(v.ok, true);
    assert.is(v.problem, null);
    assert.equal(v.lateEntries, [
      {
        period: '2026',
        closedAt: '2027-01-06T02:00:00Z',
        position: positions[1],
        streamName: `renewal-cycle-${CYCLE}`,
        type: 'Paid',
        at: '2026-12-31T08:00:00Z',
        day: '2026-12-31',
        recordedAt: '2027-01-10T01:00:00Z',
        actor: 'cashier-chen',
      },
    ]);

    const text = renewal(['audit', 'verify'], '2027-01-10T10:00:00+08:00');
    assert.is(text.status, 0);
    assert.match(text.stdout, 'Audit chain verified');
    assert.match(text.stdout, '1 entry recorded after a closing but dated inside the closed period');
    assert.match(
      text.stdout,
      new RegExp(
        `2026\\s+2027-01-06T02:00:00Z\\s+${positions[1]}\\s+renewal-cycle-unit-0201/2026-12\\s+Paid\\s+2026-12-31\\s+2027-01-10T01:00:00Z\\s+cashier-chen`,
      ),
    );
    assert.match(text.stdout, 'not tampering');
    // `close --check` finds the same one entry (one function judges both).
    const check = renewal(['close', '--check', '--format', 'json'], '2027-01-10T10:00:00+08:00');
    assert.is(check.status, 1);
    assert.equal(check.json().lateEntries, v.lateEntries);
  },
);

test.run();
