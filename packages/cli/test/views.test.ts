// `renewal arrears` and `renewal receipts` on a small portfolio whose figures are worked out by
// hand below, in JSON (the stable output), CSV and the table people read.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, dispute, pay } from './support/commands.js';
import { hasStackTrace, workspace, type Workspace } from './support/cli.js';

const month = (m: string) => {
  const [y, mm] = m.split('-').map(Number) as [number, number];
  const next = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
  return { start: `${m}-01`, end: `${next}-01` };
};

// As of 2026-03-01:
//   A1 unit-A/2026-01  1,000.00 due 01-15, paid 400.00  -> 600.00 overdue, 45 days   (31-60)
//   A2 unit-A/2026-02  1,000.00 due 02-15, unpaid       -> 1,000.00 overdue, 14 days (1-30)
//   B  unit-B/2026-02    500.00 due 02-20, unpaid       ->   500.00 overdue, 9 days  (1-30)
//   C  unit-C/2026-03    300.00 due 03-15, unpaid       ->   300.00 not yet due       (current)
//   D  unit-D/2025-10    200.00 due 11-01, 50.00 disputed -> 150.00 collectible, 120 days (90+)
//   E  unit-E/2025-12    800.00 due 01-01, paid in full -> nothing
const PORTFOLIO = [
  bill('unit-A/2026-01', 'unit-A', 100000, month('2026-01'), '2026-01-15'),
  bill('unit-A/2026-02', 'unit-A', 100000, month('2026-02'), '2026-02-15'),
  bill('unit-B/2026-02', 'unit-B', 50000, month('2026-02'), '2026-02-20'),
  bill('unit-C/2026-03', 'unit-C', 30000, month('2026-03'), '2026-03-15'),
  bill('unit-D/2025-10', 'unit-D', 20000, month('2025-10'), '2025-11-01'),
  bill('unit-E/2025-12', 'unit-E', 80000, month('2025-12'), '2026-01-01'),
  pay('unit-A/2026-01', 'pay-a1', 40000, '2026-01-20T09:00:00Z', 'cash'),
  pay('unit-E/2025-12', 'pay-e1', 80000, '2026-01-20T15:00:00Z', 'wechat-pay', { reference: 'WX-1' }),
  dispute('unit-D/2025-10', 'disp-d1', 5000, '2025-11-20T10:00:00Z'),
];

const test = suite<{ w: Workspace }>('renewal arrears and receipts');
test.before((ctx) => {
  ctx.w = workspace();
  ctx.w.writeLines('portfolio.jsonl', PORTFOLIO);
  const r = ctx.w.renewal(['apply', 'portfolio.jsonl']);
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
});
test.after((ctx) => ctx.w.cleanup());

test('arrears --format json: every collectible amount in exactly one bucket, figures as worked by hand', ({ w }) => {
  const r = w.renewal(['arrears', '--as-of', '2026-03-01', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.is(out.asOf, '2026-03-01');
  assert.equal(out.currencies, [
    {
      currency: 'CNY',
      cycles: 6,
      dueMinor: '380000',
      netPaidMinor: '120000',
      outstandingMinor: '260000',
      openDisputedMinor: '5000',
      collectibleMinor: '255000',
      overdueMinor: '225000',
      creditMinor: '0',
      lateFeeOutstandingMinor: '0',
      buckets: { current: '30000', '1-30': '150000', '31-60': '60000', '61-90': '0', '90+': '15000' },
      bucketCycles: { current: 1, '1-30': 2, '31-60': 1, '61-90': 0, '90+': 1 },
    },
  ]);
});

test('arrears --top: contracts by overdue amount, aged from their oldest overdue cycle', ({ w }) => {
  const r = w.renewal(['arrears', '--as-of', '2026-03-01', '--top', '3', '--format', 'json']);
  assert.equal(r.json().topDebtors, [
    {
      contractId: 'unit-A',
      currency: 'CNY',
      overdueMinor: '160000',
      collectibleMinor: '160000',
      daysPastDue: 45,
      bucket: '31-60',
      cycles: 2,
    },
    { contractId: 'unit-B', currency: 'CNY', overdueMinor: '50000', collectibleMinor: '50000', daysPastDue: 9, bucket: '1-30', cycles: 1 },
    { contractId: 'unit-D', currency: 'CNY', overdueMinor: '15000', collectibleMinor: '15000', daysPastDue: 120, bucket: '90+', cycles: 1 },
  ]);
  const table = w.renewal(['arrears', '--as-of', '2026-03-01', '--top', '1']);
  assert.match(table.stdout, /unit-A\s+CNY\s+1,600.00\s+1,600.00\s+45\s+31-60\s+2/);
});

test('the same view asked about another date: aging moves, figures do not', ({ w }) => {
  // 2026-01-10: only D is overdue (70 days: 61-90). A1, A2, B and C are not due yet: current,
  // whatever their billing month; E is paid.
  const r = w.renewal(['arrears', '--as-of', '2026-01-10', '--format', 'json']).json();
  assert.equal(r.currencies[0].buckets, { current: '240000', '1-30': '0', '31-60': '0', '61-90': '15000', '90+': '0' });
  assert.is(r.currencies[0].collectibleMinor, '255000');
  assert.is(r.currencies[0].overdueMinor, '15000');
});

test('arrears --contract: each cycle with its figures and aging', ({ w }) => {
  const r = w.renewal(['arrears', '--as-of', '2026-03-01', '--contract', 'unit-A', '--format', 'json']);
  const c = r.json().contract;
  assert.equal(
    c.cycles.map((x: any) => [x.cycleId, x.figures.outstandingMinor, x.aging.overdueMinor, x.aging.daysPastDue, x.aging.bucket]),
    [
      ['unit-A/2026-01', 60000, 60000, 45, '31-60'],
      ['unit-A/2026-02', 100000, 100000, 14, '1-30'],
    ],
  );
  assert.is(c.totals[0].collectibleMinor, '160000');
  const csv = w.renewal(['arrears', '--as-of', '2026-03-01', '--contract', 'unit-A', '--format', 'csv']);
  assert.is(
    csv.stdout.split('\r\n')[1],
    'unit-A/2026-01,unit-A,CNY,2026-01,2026-01-15,100000,1000.00,100000,1000.00,40000,400.00,60000,600.00,0,0.00,60000,600.00,60000,600.00,0,0.00,45,31-60,none',
  );
  const none = w.renewal(['arrears', '--contract', 'unit-Z']);
  assert.is(none.status, 1);
  assert.match(none.stderr, 'no contract unit-Z in the store: none opened, and no cycle billed to it');
});

test('arrears --periods: the collection rate per billing month is collected / due', ({ w }) => {
  const periods = w.renewal(['arrears', '--periods', '--format', 'json']).json().billingPeriods;
  assert.equal(
    periods.map((p: any) => [p.billingMonth, p.cycles, p.dueMinor, p.collectedMinor, p.collectionRate]),
    [
      ['2025-10', 1, '20000', '0', 0],
      ['2025-12', 1, '80000', '80000', 1],
      ['2026-01', 1, '100000', '40000', 0.4],
      ['2026-02', 2, '150000', '0', 0],
      ['2026-03', 1, '30000', '0', 0],
    ],
  );
  const table = w.renewal(['arrears', '--periods', '--as-of', '2026-03-01']).stdout;
  assert.match(table, /2026-01\s+CNY\s+1\s+1,000.00\s+1,000.00\s+400.00\s+40.0%/);
});

test('arrears --format csv: one row per currency and bucket; the table adds up to the total', ({ w }) => {
  const csv = w.renewal(['arrears', '--as-of', '2026-03-01', '--format', 'csv']).stdout;
  assert.is(
    csv,
    'as_of,currency,bucket,cycles,amount_minor,amount\r\n2026-03-01,CNY,current,1,30000,300.00\r\n2026-03-01,CNY,1-30,2,150000,1500.00\r\n2026-03-01,CNY,31-60,1,60000,600.00\r\n2026-03-01,CNY,61-90,0,0,0.00\r\n2026-03-01,CNY,90+,1,15000,150.00\r\n',
  );
  const table = w.renewal(['arrears', '--as-of', '2026-03-01']).stdout;
  assert.match(table, /1-30\s+2\s+1,500.00/);
  assert.match(table, /total\s+2,550.00/);
});

test('receipts --day: the receipts issued per channel for money taken that day, and its documents', ({ w }) => {
  const r = w.renewal(['receipts', '--day', '2026-01-20', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal(
    out.takings.channels.map((c: any) => [c.channel, c.receipts, c.takenMinor, c.netMinor]),
    [
      ['cash', 1, '40000', '40000'],
      ['wechat-pay', 1, '80000', '80000'],
    ],
  );
  assert.equal(out.takings.totals, [
    {
      currency: 'CNY',
      receipts: 2,
      takenMinor: '120000',
      refundNotes: 0,
      refundedMinor: '0',
      reversalNotes: 0,
      reversedMinor: '0',
      netMinor: '120000',
    },
  ]);
  // Numbered without gaps in the order they were recorded, per year of recording.
  const year = out.documents[0].recordedAt.slice(0, 4);
  assert.equal(
    out.documents.map((d: any) => [d.number, d.paymentId, d.amountMinor, d.balanceAfterMinor]),
    [
      [`R-${year}-000001`, 'pay-a1', 40000, 60000],
      [`R-${year}-000002`, 'pay-e1', 80000, 0],
    ],
  );
  assert.is(w.renewal(['receipts', '--day', '2026-01-21', '--format', 'json']).json().documents.length, 0);
  const byContract = w.renewal(['receipts', '--contract', 'unit-E', '--format', 'csv']).stdout.split('\r\n');
  assert.is(byContract[0]!.split(',')[0], 'number');
  assert.match(
    byContract[1]!,
    new RegExp(
      `^R-${year}-000002,receipt,unit-E,unit-E/2025-12,2025-12-01,2026-01-01,80000,800.00,CNY,wechat-pay,WX-1,false,cashier-chen,pay-e1,`,
    ),
  );
  const table = w.renewal(['receipts', '--day', '2026-01-20']).stdout;
  assert.match(table, 'Receipts issued on 2026-01-20 per channel (money taken that day, offline payments included)');
  // receipts, taken, refund notes, refunded, reversal notes, reversed, net.
  assert.match(table, /total\s+CNY\s+2\s+1,200.00\s+0\s+0.00\s+0\s+0.00\s+1,200.00/);
});

test('bad dates and flags are usage errors: exit 2, one sentence', ({ w }) => {
  for (const args of [
    ['arrears', '--as-of', '2026-02-30'],
    ['arrears', '--top', 'ten'],
    ['arrears', '--format', 'xml'],
    ['receipts', '--day', 'yesterday'],
    ['receipts', '--basis', 'paid-at'],
  ]) {
    const r = w.renewal(args);
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 2, r.stderr);
    assert.not.ok(hasStackTrace(r.stderr));
  }
  assert.match(w.renewal(['arrears', '--as-of', '2026-02-30']).stderr, '--as-of takes a calendar date YYYY-MM-DD; got "2026-02-30"');
});

test.run();
