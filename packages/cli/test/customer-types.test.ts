// Customer types through the built `renewal` binary (docs/customer-types.md): ten contracts with
// histories written out below get the documented types as of 2026-01-31 (Asia/Shanghai, default
// thresholds: the last 12 decided cycles, at least 3; loyal 90% on time; hesitant 2 reminders,
// half followed by a payment within 7 days; demanding 2 disputes and complaints in 365 days;
// impulsive half the settled cycles paid in bursts), each with the figures behind it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { ok, workspace, type Workspace } from './support/cli.js';

const test = suite<{ w: Workspace }>('renewal customers types');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

const month = (m: number) => `2025-${String(m).padStart(2, '0')}`;
const next = (m: number) => (m === 12 ? '2026-01' : `2025-${String(m + 1).padStart(2, '0')}`);
const cycleOf = (contract: string, m: number) => `${contract}/${month(m)}`;
/** A bill of 100.00 for month m of 2025, due on the 15th. */
const monthly = (contract: string, m: number) =>
  bill(cycleOf(contract, m), contract, 10000, { start: `${month(m)}-01`, end: `${next(m)}-01` }, `${month(m)}-15`);
/** Paid in full at 10:00 in Shanghai on `day` (YYYY-MM-DD). */
const paid = (contract: string, m: number, day: string) =>
  pay(cycleOf(contract, m), `${contract}-${m}`, 10000, `${day}T02:00:00Z`, 'alipay');
const remind = (contract: string, m: number, day: string) => ({
  type: 'SendReminder',
  commandId: `remind-${contract}-${m}`,
  cycleId: cycleOf(contract, m),
  actor: 'reminder-run',
  at: `${day}T01:00:00Z`,
  reminderId: `${contract}-${m}-r`,
  channel: 'sms',
  level: 2,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every line of the portfolio; the comments give each contract's history and the type it earns. */
const portfolio = (): object[] => {
  const lines: object[] = [];
  const add = (
    contract: string,
    months: number[],
    payDay: (m: number) => string | null,
    reminded: (m: number) => string | null = () => null,
  ) => {
    for (const m of months) lines.push(monthly(contract, m));
    for (const m of months) {
      const r = reminded(m);
      if (r) lines.push(remind(contract, m, r));
      const d = payDay(m);
      if (d) lines.push(paid(contract, m, d));
    }
  };
  // c01: 12 cycles, all paid on the 10th: 12 of 12 on time (100%) -> loyal.
  add('c01', range(1, 12), (m) => `${month(m)}-10`);
  // c02: 12 cycles, June paid on the 20th: 11 of 12 (91.66%, at least 90%) -> loyal.
  add('c02', range(1, 12), (m) => `${month(m)}-${m === 6 ? 20 : 10}`);
  // c03: 12 cycles, May and June late: 10 of 12 (83.33%) -> no type.
  add('c03', range(1, 12), (m) => `${month(m)}-${m === 5 || m === 6 ? 20 : 10}`);
  // c04: July to December, each reminded by SMS on the 16th and paid on the 18th: 6 of 6 reminders
  // followed by a payment -> hesitant.
  add(
    'c04',
    range(7, 12),
    (m) => `${month(m)}-18`,
    (m) => `${month(m)}-16`,
  );
  // c05: July to October reminded on the 16th; July to September paid on the 19th, October on the
  // 30th (14 days after, outside the 7-day window); November and December paid on the 10th:
  // 3 of 4 reminders followed (75%) -> hesitant.
  add(
    'c05',
    range(7, 12),
    (m) => `${month(m)}-${m <= 9 ? 19 : m === 10 ? 30 : 10}`,
    (m) => (m <= 10 ? `${month(m)}-16` : null),
  );
  // c06: July to December on time (6 of 6) and two complaints (below): demanding before loyal.
  add('c06', range(7, 12), (m) => `${month(m)}-10`);
  // c07: July to November on time, December disputed and unpaid (5 of 6, 83.33%), one complaint:
  // 1 dispute + 1 complaint = 2 -> demanding.
  add('c07', range(7, 12), (m) => (m === 12 ? null : `${month(m)}-10`));
  lines.push({
    type: 'RaiseDispute',
    commandId: 'dispute-c07',
    cycleId: cycleOf('c07', 12),
    actor: 'clerk-li',
    at: '2025-12-12T02:00:00Z',
    disputeId: 'd-c07',
    amountMinor: 3000,
    reason: 'lift out of order',
  });
  // c08: July to September all paid on 09-25, October to December all on 12-28: 6 of 6 settled
  // cycles paid in bursts -> impulsive (and never on time).
  add('c08', range(7, 12), (m) => (m <= 9 ? '2025-09-25' : '2025-12-28'));
  // c09: only December, on time: 1 decided cycle, fewer than 3 -> no type.
  add('c09', [12], () => '2025-12-10');
  // c10: July to December, each paid on the 25th, no reminders, no bursts -> no type.
  add('c10', range(7, 12), (m) => `${month(m)}-25`);
  return lines;
};

interface Classified {
  contractId: string;
  type: string | null;
  matches: { type: string; because: string }[];
  figures: {
    cycles: number;
    onTime: number;
    onTimeBp: number | null;
    reminders: number;
    remindersFollowedByPayment: number;
    paidAfterReminderBp: number | null;
    burstCycles: number;
    burstBp: number | null;
    disputes: number;
    complaints: number;
  };
  approach: { channel: string; offer: string | null; reminderSteps: { offsetDays: number; channel: string; level: number }[] } | null;
}
const types = (w: Workspace, asOf: string, env: NodeJS.ProcessEnv = {}) =>
  (JSON.parse(ok(w.renewal(['customers', 'types', '--as-of', asOf, '--format', 'json'], { env }))) as { customers: Classified[] })
    .customers;

test('ten contracts with known histories get the documented types, each with its figures', ({ w }) => {
  ok(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], { env: { RENEWAL_NOW: '2025-01-01T00:00:00Z' } }));
  w.writeLines('portfolio.jsonl', portfolio());
  ok(w.renewal(['apply', 'portfolio.jsonl'], { env: { RENEWAL_NOW: '2026-01-20T00:00:00Z' } }));
  const complaint = (caseId: string, contract: string, received: string) =>
    ok(
      w.renewal(
        [
          'complaints',
          'open',
          caseId,
          '--contract',
          contract,
          '--by',
          'the owner',
          '--about',
          'service',
          '--ref',
          'cleaning',
          '--summary',
          'stairs not cleaned',
          '--received-on',
          received,
          '--follow-up-by',
          received,
          '--actor',
          'clerk-li',
        ],
        { env: { RENEWAL_NOW: '2026-01-20T00:00:00Z' } },
      ),
    );
  complaint('k-1', 'c06', '2025-10-02');
  complaint('k-2', 'c06', '2025-11-05');
  complaint('k-3', 'c07', '2025-12-13');

  const all = types(w, '2026-01-31');
  assert.equal(
    all.map((c) => [c.contractId, c.type, c.matches.map((m) => m.type)]),
    [
      ['c01', 'loyal', ['loyal']],
      ['c02', 'loyal', ['loyal']],
      ['c03', null, []],
      ['c04', 'hesitant', ['hesitant']],
      ['c05', 'hesitant', ['hesitant']],
      ['c06', 'demanding', ['demanding', 'loyal']],
      ['c07', 'demanding', ['demanding']],
      ['c08', 'impulsive', ['impulsive']],
      ['c09', null, []],
      ['c10', null, []],
    ],
  );
  const byId = new Map(all.map((c) => [c.contractId, c]));
  const figures = (id: string) => {
    const f = byId.get(id)!.figures;
    return [f.cycles, f.onTime, f.onTimeBp, f.reminders, f.remindersFollowedByPayment, f.burstCycles, f.disputes, f.complaints];
  };
  assert.equal(figures('c01'), [12, 12, 10000, 0, 0, 0, 0, 0]);
  assert.equal(figures('c02'), [12, 11, 9166, 0, 0, 0, 0, 0]);
  assert.equal(figures('c03'), [12, 10, 8333, 0, 0, 0, 0, 0]);
  assert.equal(figures('c04'), [6, 0, 0, 6, 6, 0, 0, 0]);
  assert.equal(figures('c05'), [6, 2, 3333, 4, 3, 0, 0, 0]);
  assert.equal(figures('c06'), [6, 6, 10000, 0, 0, 0, 0, 2]);
  // December is open and late as of 2026-01-31: decided, not on time.
  assert.equal(figures('c07'), [6, 5, 8333, 0, 0, 0, 1, 1]);
  assert.equal(figures('c08'), [6, 0, 0, 0, 0, 6, 0, 0]);
  assert.equal(figures('c09'), [1, 1, 10000, 0, 0, 0, 0, 0]);
  assert.equal(figures('c10'), [6, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(byId.get('c02')!.matches[0]!.because, 'on time in 11 of the last 12 cycles (91.66%): at least 90.00%');
  assert.equal(byId.get('c05')!.matches[0]!.because, '3 of 4 reminders followed by a payment (75.00%): at least 2 reminders and 50.00%');
  assert.equal(byId.get('c07')!.matches[0]!.because, '1 disputes and 1 complaints in 365 days: at least 2');
  assert.equal(byId.get('c08')!.matches[0]!.because, '6 of 6 settled cycles paid in bursts (100.00%): at least 50.00%');
  // The approach the reminder run can use: the hesitant get the details early, by SMS, ten days before.
  assert.equal(byId.get('c04')!.approach!.channel, 'sms');
  assert.equal(byId.get('c04')!.approach!.reminderSteps[0], { offsetDays: -10, channel: 'sms', level: 1 });
  assert.is(byId.get('c03')!.approach, null);

  // As of 2025-08-31 c04 has two decided cycles: too little history for any type.
  const early = types(w, '2025-08-31').find((c) => c.contractId === 'c04')!;
  assert.equal([early.type, early.figures.cycles, early.figures.reminders], [null, 2, 2]);

  // Thresholds are configuration: at 80% on time, c03 (83.33%) is loyal too.
  w.write('types.json', JSON.stringify({ loyalOnTimeBp: 8000 }));
  const relaxed = types(w, '2026-01-31', { RENEWAL_CUSTOMER_TYPES: 'types.json' }).find((c) => c.contractId === 'c03')!;
  assert.is(relaxed.type, 'loyal');
  w.write('bad.json', JSON.stringify({ loyalOnTime: 8000 }));
  const bad = w.renewal(['customers', 'types', '--as-of', '2026-01-31'], { env: { RENEWAL_CUSTOMER_TYPES: 'bad.json' } });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, 'loyalOnTime');
});

test.run();
