// Collectors and targets through the built `renewal` binary (docs/collectors-and-targets.md): a
// March worked by hand for two collectors of one team in Asia/Shanghai, with a contract
// reassigned mid-month and cash taken at the counter on paper, entered four days later.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { ok, workspace, type Workspace } from './support/cli.js';

const at = (instant: string) => ({ RENEWAL_NOW: instant });
const test = suite<{ w: Workspace }>('renewal collectors');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

interface Row {
  id: string;
  teamId: string | null;
  rank: number;
  collectedMinor: number;
  dueMinor: number;
  collectedOfDueMinor: number;
  collectionRateBp: number | null;
  arrearsReducedMinor: number;
  share: { collected: number | null; collectionRate: number | null; arrearsReduced: number | null };
  channels: { channel: string; collectedMinor: number }[];
}
interface Report {
  month: string;
  asOf: string;
  collectors: Row[];
  teams: Row[];
  unassignedMinor: number;
}
const report = (w: Workspace, asOf: string): Report =>
  JSON.parse(ok(w.renewal(['collectors', 'report', '--month', '2026-03', '--as-of', asOf, '--format', 'json']))) as Report;

const MAR = { start: '2026-03-01', end: '2026-04-01' };
const FEB = { start: '2026-02-01', end: '2026-03-01' };

/**
 * Contracts: A (unit-0101) and B (unit-0102) with wang, C (unit-0103) with zhou, all team north
 * from 2026-01-01; B moves to zhou from 2026-03-16.
 * Bills: A February 300.00 due 02-15 (unpaid on 1 March: arrears); March: A 300.00 due 03-10,
 * B 200.00 due 03-20, C 250.00 due 03-05.
 * Money (days in Shanghai):
 *   03-03 A pays February's 300.00 by Alipay            -> wang
 *   03-04 wang takes 200.00 cash from C at the counter,  -> wang (offline: whoever took it),
 *         on paper; entered on 03-08                       known from 03-08
 *   03-09 A pays March's 300.00 by WeChat Pay            -> wang
 *   03-10 B pays 50.00 by Alipay                         -> wang (B is still his)
 *   03-18 B pays 150.00 by bank transfer                 -> zhou (B is hers from 03-16)
 *   2026-03-31T16:30Z C pays 50.00 by Alipay: 04-01 00:30 in Shanghai, not March's.
 */
const march = (w: Workspace) => {
  const setup = at('2026-02-01T02:00:00Z');
  ok(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], { env: at('2026-01-01T00:00:00Z') }));
  ok(w.renewal(['users', 'add', 'manager-zhao', '--role', 'manager'], { env: setup }));
  ok(w.renewal(['users', 'add', 'clerk-li', '--role', 'clerk', '--actor', 'manager-zhao'], { env: setup }));
  for (const [contract, collector] of [
    ['unit-0101', 'wang'],
    ['unit-0102', 'wang'],
    ['unit-0103', 'zhou'],
  ])
    ok(
      w.renewal(
        ['collectors', 'assign', contract!, '--collector', collector!, '--team', 'north', '--from', '2026-01-01', '--actor', 'clerk-li'],
        { env: setup },
      ),
    );
  w.writeLines('bills.jsonl', [
    bill('unit-0101/2026-02', 'unit-0101', 30000, FEB, '2026-02-15'),
    bill('unit-0101/2026-03', 'unit-0101', 30000, MAR, '2026-03-10'),
    bill('unit-0102/2026-03', 'unit-0102', 20000, MAR, '2026-03-20'),
    bill('unit-0103/2026-03', 'unit-0103', 25000, MAR, '2026-03-05'),
  ]);
  ok(w.renewal(['apply', 'bills.jsonl', '--actor', 'clerk-li'], { env: at('2026-03-01T02:00:00Z') }));
  const targets = at('2026-03-01T03:00:00Z');
  ok(
    w.renewal(['collectors', 'target', '--month', '2026-03', '--collector', 'wang', '--collected', '800.00', '--actor', 'manager-zhao'], {
      env: targets,
    }),
  );
  ok(
    w.renewal(
      [
        'collectors',
        'target',
        '--month',
        '2026-03',
        '--collector',
        'zhou',
        '--collected',
        '300.00',
        '--rate',
        '95',
        '--actor',
        'manager-zhao',
      ],
      { env: targets },
    ),
  );
  ok(
    w.renewal(
      [
        'collectors',
        'target',
        '--month',
        '2026-03',
        '--team',
        'north',
        '--collected',
        '1200.00',
        '--rate',
        '95',
        '--arrears-reduced',
        '500.00',
        '--actor',
        'manager-zhao',
      ],
      {
        env: targets,
      },
    ),
  );
  const payOn = (file: string, line: object, now: string) => {
    w.writeLines(file, [line]);
    ok(w.renewal(['apply', file, '--actor', 'manager-zhao'], { env: at(now) }));
  };
  payOn('p1.jsonl', pay('unit-0101/2026-02', 'p1', 30000, '2026-03-03T02:00:00Z', 'alipay', { actor: 'gateway' }), '2026-03-03T02:05:00Z');
  payOn(
    'p3.jsonl',
    pay('unit-0101/2026-03', 'p3', 30000, '2026-03-09T02:00:00Z', 'wechat-pay', { actor: 'gateway' }),
    '2026-03-09T02:05:00Z',
  );
  payOn('p4.jsonl', pay('unit-0102/2026-03', 'p4', 5000, '2026-03-10T02:00:00Z', 'alipay', { actor: 'gateway' }), '2026-03-10T02:05:00Z');
  payOn(
    'p2.jsonl',
    pay('unit-0103/2026-03', 'p2', 20000, '2026-03-04T03:00:00Z', 'cash', { actor: 'wang', offline: true }),
    '2026-03-08T02:00:00Z',
  );
  ok(
    w.renewal(
      ['collectors', 'assign', 'unit-0102', '--collector', 'zhou', '--team', 'north', '--from', '2026-03-16', '--actor', 'clerk-li'],
      { env: at('2026-03-15T02:00:00Z') },
    ),
  );
  payOn(
    'p5.jsonl',
    pay('unit-0102/2026-03', 'p5', 15000, '2026-03-18T02:00:00Z', 'bank-transfer', { actor: 'gateway' }),
    '2026-03-18T02:05:00Z',
  );
  payOn('p6.jsonl', pay('unit-0103/2026-03', 'p6', 5000, '2026-03-31T16:30:00Z', 'alipay', { actor: 'gateway' }), '2026-03-31T16:35:00Z');
};

test('a March worked by hand: collected, rate, arrears reduced, share and rank, per channel, as of any day', ({ w }) => {
  march(w);
  const end = report(w, '2026-03-31');
  const pick = (r: Row) => [
    r.id,
    r.rank,
    r.collectedMinor,
    r.dueMinor,
    r.collectedOfDueMinor,
    r.collectionRateBp,
    r.arrearsReducedMinor,
    r.share,
  ];
  assert.equal(end.collectors.map(pick), [
    // wang: 300.00 + 200.00 (cash he took for C) + 300.00 + 50.00 = 850.00 against 800.00: 106.25%.
    // His cycle due in March is A's 300.00 (B's falls due on 03-20, after it became zhou's), paid: 100%.
    // Arrears reduced: A February's 300.00 owed on 1 March, paid on 03-03.
    ['wang', 1, 85000, 30000, 30000, 10000, 30000, { collected: 10625, collectionRate: null, arrearsReduced: null }],
    // zhou: 150.00 (B after the move) against 300.00: 50%. Her cycles due: C 250.00 (paid 200.00,
    // by wang's cash) and B 200.00 (paid 50.00 + 150.00): 400.00 of 450.00 = 88.88% (rounded
    // down), 93.56% of her 95% target (8888 / 9500). C's 50.00 on 04-01 in Shanghai does not count.
    ['zhou', 2, 15000, 45000, 40000, 8888, 0, { collected: 5000, collectionRate: 9356, arrearsReduced: null }],
  ]);
  // Team north: 850.00 + 150.00 = 1,000.00 of 1,200.00 (83.33%); due 750.00, collected of it
  // 700.00 = 93.33% of 95% (9824); arrears reduced 300.00 of 500.00 = 60%.
  assert.equal(end.teams.map(pick), [
    ['north', 1, 100000, 75000, 70000, 9333, 30000, { collected: 8333, collectionRate: 9824, arrearsReduced: 6000 }],
  ]);
  assert.equal(end.collectors[0]!.channels, [
    { channel: 'alipay', collectedMinor: 35000 },
    { channel: 'cash', collectedMinor: 20000 },
    { channel: 'wechat-pay', collectedMinor: 30000 },
  ]);
  assert.equal(
    end.collectors.map((r) => r.teamId),
    ['north', 'north'],
  );

  // As of 03-07 the cash taken on 03-04 is not entered yet: wang has only A's February 300.00, and
  // zhou's C (due 03-05) shows nothing collected: 0%. A's March bill is not due yet.
  const before = report(w, '2026-03-07');
  assert.equal(before.collectors.map(pick), [
    ['wang', 1, 30000, 0, 0, null, 30000, { collected: 3750, collectionRate: null, arrearsReduced: null }],
    ['zhou', 2, 0, 25000, 0, 0, 0, { collected: 0, collectionRate: 0, arrearsReduced: null }],
  ]);
  // Entered on 03-08: from that day the cash counts, to the day it was taken, for wang.
  const entered = report(w, '2026-03-08');
  assert.equal(
    entered.collectors.map((r) => [r.id, r.collectedMinor, r.collectedOfDueMinor]),
    [
      ['wang', 50000, 0],
      ['zhou', 0, 20000],
    ],
  );
});

test('a reassignment must start after the current one; the same one again is a duplicate; a target names a figure', ({ w }) => {
  const setup = at('2026-02-01T02:00:00Z');
  ok(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], { env: at('2026-01-01T00:00:00Z') }));
  ok(w.renewal(['users', 'add', 'manager-zhao', '--role', 'manager'], { env: setup }));
  ok(w.renewal(['users', 'add', 'clerk-li', '--role', 'clerk', '--actor', 'manager-zhao'], { env: setup }));
  ok(
    w.renewal(
      ['collectors', 'assign', 'unit-0102', '--collector', 'wang', '--team', 'north', '--from', '2026-01-01', '--actor', 'clerk-li'],
      { env: setup },
    ),
  );
  ok(
    w.renewal(
      ['collectors', 'assign', 'unit-0102', '--collector', 'zhou', '--team', 'north', '--from', '2026-03-16', '--actor', 'clerk-li'],
      { env: at('2026-03-15T02:00:00Z') },
    ),
  );
  const early = w.renewal(
    ['collectors', 'assign', 'unit-0102', '--collector', 'wang', '--team', 'north', '--from', '2026-03-10', '--actor', 'clerk-li'],
    {
      env: at('2026-03-20T02:00:00Z'),
    },
  );
  assert.is(early.status, 1);
  assert.match(early.stderr, 'ASSIGNMENT_OUT_OF_ORDER: contract unit-0102 is assigned to zhou from 2026-03-16');
  const again = ok(
    w.renewal(
      ['collectors', 'assign', 'unit-0102', '--collector', 'zhou', '--team', 'north', '--from', '2026-03-16', '--actor', 'manager-zhao'],
      {
        env: at('2026-03-20T02:00:00Z'),
      },
    ),
  );
  assert.match(again, 'already recorded');
  const empty = w.renewal(['collectors', 'target', '--month', '2026-04', '--collector', 'wang', '--actor', 'manager-zhao'], {
    env: at('2026-03-20T02:00:00Z'),
  });
  assert.is(empty.status, 1);
  assert.match(empty.stderr, 'TARGET_EMPTY');
  const byClerk = w.renewal(
    ['collectors', 'target', '--month', '2026-04', '--collector', 'wang', '--collected', '1', '--actor', 'clerk-li'],
    {
      env: at('2026-03-20T02:00:00Z'),
    },
  );
  assert.is(byClerk.status, 1);
  assert.match(byClerk.stderr, 'NOT_PERMITTED: role clerk may not issue SetCollectionTarget');
});

test.run();
