// `renewal apply` with contract commands, `renewal renew`, `renewal remind` (and its simulated
// auto-debit) and `renewal behaviour`, on a portfolio of two contracts whose figures are worked
// out by hand:
//   unit-0301: a 98.50 m2 flat at 3.20/m2 = 315.20 a month from 2026-01-01, due on the 15th;
//   bay-12:    a parking pass at 310.00 a month from 2026-01-17 (first period 15 of 31 days:
//              310.00 x 15/31 = 150.00), due 10 days after each period starts, with a mandate.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { giveMandate, openFlat, openParking, pay } from './support/commands.js';
import { hasStackTrace, workspace, type Workspace } from './support/cli.js';

const CONTRACTS = [openFlat('unit-0301'), openParking('bay-12', '2026-01-17'), giveMandate('bay-12')];

const test = suite<{ w: Workspace }>('renewal renew, remind, behaviour');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

const open = (w: Workspace) => {
  w.writeLines('contracts.jsonl', CONTRACTS);
  const r = w.renewal(['apply', 'contracts.jsonl', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  return r.json();
};

test('apply opens contracts from a JSON-lines file; again, they are duplicates', async ({ w }) => {
  const out = open(w);
  assert.equal(out.summary, {
    lines: 3,
    applied: 3,
    duplicate: 0,
    rejected: 0,
    malformed: 0,
    contended: 0,
    notWritten: 0,
    eventsWritten: 3,
  });
  assert.equal(
    out.lines.map((l: any) => [l.line, l.status, l.type, l.contractId, l.cycleId, l.events.map((e: any) => e.type)]),
    [
      [1, 'applied', 'OpenContract', 'unit-0301', null, ['ContractOpened']],
      [2, 'applied', 'OpenContract', 'bay-12', null, ['ContractOpened']],
      [3, 'applied', 'GiveMandate', 'bay-12', null, ['MandateGiven']],
    ],
  );
  assert.is(out.lines[0].figures.creditBalanceMinor, 0);
  const again = w.renewal(['apply', 'contracts.jsonl', '--format', 'json']);
  assert.is(again.status, 0, again.stderr);
  assert.equal(again.json().summary.duplicate, 3);
  assert.is(await w.eventCount(), 3);
});

test('apply reports a contract rule and a malformed contract line like any other line', async ({ w }) => {
  const { feePlan: _dropped, ...noFeePlan } = openFlat('unit-0302');
  w.writeLines('bad.jsonl', [
    giveMandate('bay-99'),
    noFeePlan,
    openFlat('unit-0303'),
    pay('unit-0303/2026-01-01', 'p-1', 100, '2026-01-02T10:00:00Z'),
  ]);
  const r = w.renewal(['apply', 'bad.jsonl', '--format', 'json']);
  assert.is(r.status, 1);
  const lines = r.json().lines;
  assert.equal([lines[0].status, lines[0].error.code], ['rejected', 'NOT_OPENED']);
  assert.is(lines[1].status, 'malformed');
  assert.ok(
    lines[1].problems.some((p: any) => p.path.includes('feePlan')),
    JSON.stringify(lines[1].problems),
  );
  assert.is(lines[2].status, 'applied');
  // A cycle command after the contract lines still goes through the cycle handler (no bill yet).
  assert.equal([lines[3].status, lines[3].cycleId, lines[3].error.code], ['rejected', 'unit-0303/2026-01-01', 'NOT_BILLED']);
  assert.is(await w.eventCount(), 1, 'only the contract that opened');
});

test('apply --atomic refuses a file with contract commands, writing nothing', async ({ w }) => {
  w.writeLines('contracts.jsonl', CONTRACTS);
  const r = w.renewal(['apply', 'contracts.jsonl', '--atomic']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'renewal apply: --atomic takes cycle commands only; line 1 is a contract command');
  assert.not.ok(hasStackTrace(r.stderr));
  assert.is(w.renewal(['renew', '--as-of', '2026-02-01', '--format', 'json']).json().summary.contracts, 0, 'nothing opened');
});

test("renew bills every period due by the date with the fee plan's amounts; a rerun issues nothing", async ({ w }) => {
  open(w);
  const r = w.renewal(['renew', '--as-of', '2026-02-01', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal(out.summary, { contracts: 2, proposed: 4, issued: 4, alreadyBilled: 0, rejected: 0, refused: 0 });
  assert.equal(out.bills.map((b: any) => [b.cycleId, b.period.start, b.period.end, b.dueDate, b.totalMinor]).sort(), [
    ['bay-12/2026-01-17', '2026-01-17', '2026-02-01', '2026-01-27', 15000],
    ['bay-12/2026-02-01', '2026-02-01', '2026-03-01', '2026-02-11', 31000],
    ['unit-0301/2026-01-01', '2026-01-01', '2026-02-01', '2026-01-15', 31520],
    ['unit-0301/2026-02-01', '2026-02-01', '2026-03-01', '2026-02-15', 31520],
  ]);
  assert.is(await w.eventCount(), 3 + 4);

  const again = w.renewal(['renew', '--as-of', '2026-02-01']);
  assert.is(again.status, 0, again.stderr);
  assert.match(
    again.stdout,
    'Renewals as of 2026-02-01: 2 open contracts; 0 bills issued (every period due by 2026-02-01 is already billed)',
  );
  assert.is(await w.eventCount(), 3 + 4, 'nothing written the second time');

  // A month later: only March, one bill per contract.
  const march = w.renewal(['renew', '--as-of', '2026-03-01', '--format', 'csv']);
  assert.is(march.status, 0, march.stderr);
  const [header, ...rows] = march.stdout.trim().split('\r\n');
  assert.is(header, 'contract_id,cycle_id,period_start,period_end,due_date,currency,total_minor,total');
  assert.equal(rows.sort(), [
    'bay-12,bay-12/2026-03-01,2026-03-01,2026-04-01,2026-03-11,CNY,31000,310.00',
    'unit-0301,unit-0301/2026-03-01,2026-03-01,2026-04-01,2026-03-15,CNY,31520,315.20',
  ]);

  const table = w.renewal(['renew', '--as-of', '2026-01-31']);
  assert.match(table.stdout, '0 bills issued');
});

test('remind sends what the policy says for the date, once', async ({ w }) => {
  open(w);
  assert.is(w.renewal(['renew', '--as-of', '2026-02-01']).status, 0);
  // As of 2026-02-14: unit-0301 January (due 01-15) is 30 days late: letter (4); its February
  // (due 02-15) is a week away: app (1); bay-12 January (due 01-27) 18 days late: phone (3); its
  // February (due 02-11) 3 days late: sms (2).
  const r = w.renewal(['remind', '--as-of', '2026-02-14', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal(out.summary, { proposed: 4, sent: 4, alreadySent: 0, rejected: 0 });
  assert.equal(out.reminders.map((x: any) => [x.cycleId, x.channel, x.level]).sort(), [
    ['bay-12/2026-01-17', 'phone', 3],
    ['bay-12/2026-02-01', 'sms', 2],
    ['unit-0301/2026-01-01', 'letter', 4],
    ['unit-0301/2026-02-01', 'app', 1],
  ]);
  assert.is(out.reminders.find((x: any) => x.cycleId === 'unit-0301/2026-01-01').reminderId, 'unit-0301/2026-01-01/reminder/2026-01-15/4');
  assert.is(out.autoDebit, undefined, 'no auto-debit unless asked');
  const events = await w.eventCount();

  const again = w.renewal(['remind', '--as-of', '2026-02-14']);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'Reminders as of 2026-02-14: 0 reminders sent (nothing new is due)');
  assert.is(await w.eventCount(), events);

  // Two days later only unit-0301 February has a new step: the sms the day after its due date.
  const later = w.renewal(['remind', '--as-of', '2026-02-16', '--format', 'csv']);
  assert.equal(later.stdout.trim().split('\r\n'), [
    'cycle_id,reminder_id,channel,level,at',
    'unit-0301/2026-02-01,unit-0301/2026-02-01/reminder/2026-02-15/2,sms,2,2026-02-16T09:00:00Z',
  ]);
});

test('remind --auto-debit collects through the simulated gateway first; what it collects is not chased', async ({ w }) => {
  open(w);
  assert.is(w.renewal(['renew', '--as-of', '2026-02-01']).status, 0);
  const r = w.renewal(['remind', '--as-of', '2026-02-14', '--auto-debit', '--failure-rate', '0', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal([out.autoDebit.gateway, out.autoDebit.simulated, out.autoDebit.attempted], ['simulated', true, 2]);
  assert.equal(out.autoDebit.collected, { count: 2, amountMinor: String(15000 + 31000), byCurrency: { CNY: String(15000 + 31000) } }); // totals: decimal strings
  assert.equal(out.autoDebit.payments.map((p: any) => [p.cycleId, p.amountMinor, p.attemptId]).sort(), [
    ['bay-12/2026-01-17', 15000, 'bay-12/2026-01-17/auto-debit/2026-01-27/1'],
    ['bay-12/2026-02-01', 31000, 'bay-12/2026-02-01/auto-debit/2026-02-11/1'],
  ]);
  assert.equal(
    out.reminders.map((x: any) => x.cycleId).sort(),
    ['unit-0301/2026-01-01', 'unit-0301/2026-02-01'],
    'bay-12 paid: no reminder',
  );

  const table = w.renewal(['remind', '--as-of', '2026-02-14', '--auto-debit']);
  assert.match(table.stdout, 'through the SIMULATED gateway');
  assert.match(table.stdout, '0 attempts: 0 collected (nothing)');
  assert.match(w.renewal(['remind', '--help']).stdout, 'SIMULATED payment gateway');
});

test('remind --auto-debit records failures, and a rerun the same day does not ask again', async ({ w }) => {
  open(w);
  assert.is(w.renewal(['renew', '--as-of', '2026-02-01']).status, 0);
  const out = w
    .renewal(['remind', '--as-of', '2026-02-14', '--auto-debit', '--failure-rate', '1', '--seed', '7', '--format', 'json'])
    .json();
  assert.equal([out.autoDebit.attempted, out.autoDebit.collected.count, out.autoDebit.failed.count], [2, 0, 2]);
  for (const f of out.autoDebit.failures) assert.is(f.retryable, ['insufficient-funds', 'provider-unavailable'].includes(f.code), f.code);
  assert.is(out.reminders.length, 4, 'nothing collected: every cycle is chased');
  const again = w
    .renewal(['remind', '--as-of', '2026-02-14', '--auto-debit', '--failure-rate', '1', '--seed', '7', '--format', 'json'])
    .json();
  assert.equal([again.autoDebit.attempted, again.summary.sent], [0, 0]);
});

test("behaviour: collection rate per month, takings per channel, one contract's punctuality", async ({ w }) => {
  open(w);
  assert.is(w.renewal(['renew', '--as-of', '2026-02-01']).status, 0);
  w.writeLines('cash.jsonl', [pay('unit-0301/2026-01-01', 'pay-jan', 31520, '2026-02-03T10:00:00Z', 'cash')]);
  assert.is(w.renewal(['apply', 'cash.jsonl']).status, 0);
  assert.is(w.renewal(['remind', '--as-of', '2026-02-14', '--auto-debit', '--failure-rate', '0']).status, 0);

  const r = w.renewal(['behaviour', '--as-of', '2026-02-20', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal(Object.keys(out), ['asOf', 'reminderEffectiveness', 'collectionRates', 'takings']);
  // January: 315.20 + 150.00 billed, all collected; February: 315.20 + 310.00, only the pass's 310.00.
  assert.equal(
    out.collectionRates.map((p: any) => [p.billingMonth, p.currency, p.cycles, p.billedMinor, p.dueMinor, p.collectedMinor]),
    [
      ['2026-01', 'CNY', 2, '46520', '46520', '46520'],
      ['2026-02', 'CNY', 2, '62520', '62520', '31000'],
    ],
  );
  assert.is(out.collectionRates[0].collectionRate, 1);
  assert.is(out.collectionRates[1].collectionRate, 31000 / 62520);
  assert.equal(out.takings.from, '2026-02-01');
  assert.equal(out.takings.to, '2026-02-20');
  assert.equal(out.takings.channels.map((t: any) => [t.channel, t.payments, t.takenMinor, t.netMinor]).sort(), [
    ['auto-debit', 2, '46000', '46000'],
    ['cash', 1, '31520', '31520'],
  ]);
  // The one reminder sent (unit-0301 February, app, a week before) chased 315.20; nothing paid yet.
  assert.equal(out.reminderEffectiveness, [
    { channel: 'app', level: 1, currency: 'CNY', reminders: 1, remindedMinor: '31520', paidWithinMinor: '0', share: 0 },
  ]);

  // unit-0301 as of 02-20: January paid 02-03, 19 days after its due date; February open 5 days late.
  const c = w.renewal(['behaviour', '--contract', 'unit-0301', '--as-of', '2026-02-20', '--format', 'json']).json().contract;
  assert.equal([c.cycles, c.onTime, c.onTimeRate, c.averageDaysLate, c.currentStreak], [2, 0, 0, 12, 0]);
  assert.equal(
    c.standings.map((s: any) => [s.cycleId, s.status, s.daysLate, s.settledOn]),
    [
      ['unit-0301/2026-01-01', 'late', 19, '2026-02-03'],
      ['unit-0301/2026-02-01', 'open-late', 5, null],
    ],
  );
  const table = w.renewal(['behaviour', '--as-of', '2026-02-20']);
  assert.match(table.stdout, /2026-01\s+CNY\s+2\s+465\.20\s+465\.20\s+465\.20\s+100\.0%/);

  const unknown = w.renewal(['behaviour', '--contract', 'bay-99']);
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, 'renewal behaviour: no contract bay-99 in the store: none opened, and no cycle billed to it');

  // The 315.20 cash bounces on 5 February (10:00 in the ledger's zone): the takings report nets it
  // off the cash line, as a reversal: 1 payment 315.20 taken, 1 reversal 315.20, net 0.00. The
  // total: 460.00 + 315.20 = 775.20 taken, 315.20 reversed, net 460.00.
  w.writeLines('bounce.jsonl', [
    {
      type: 'ReversePayment',
      commandId: 'cmd-bounce',
      cycleId: 'unit-0301/2026-01-01',
      actor: 'cashier-chen',
      at: '2026-02-05T02:00:00Z',
      reversalId: 'rv-jan',
      paymentId: 'pay-jan',
      amountMinor: 31520,
      reason: 'cheque bounced',
    },
  ]);
  const bounced = w.renewal(['apply', 'bounce.jsonl']);
  assert.is(bounced.status, 0, bounced.stderr);
  const cash = w
    .renewal(['behaviour', '--as-of', '2026-02-20', '--format', 'json'])
    .json()
    .takings.channels.find((t: any) => t.channel === 'cash');
  assert.equal(
    [cash.payments, cash.takenMinor, cash.refunds, cash.reversals, cash.reversedMinor, cash.netMinor],
    [1, '31520', 0, 1, '31520', '0'],
  );
  const text = w.renewal(['behaviour', '--as-of', '2026-02-20']).stdout;
  // channel, currency, payments, taken, refunds, refunded, reversals, reversed, net.
  assert.match(text, /cash\s+CNY\s+1\s+315\.20\s+0\s+0\.00\s+1\s+315\.20\s+0\.00/);
  assert.match(text, /total\s+CNY\s+3\s+775\.20\s+0\s+0\.00\s+1\s+315\.20\s+460\.00/);
});

test('a lump sum is one receipt whose lines are the cycles it paid and the credit it left', async ({ w }) => {
  open(w);
  assert.is(w.renewal(['renew', '--as-of', '2026-03-01']).status, 0);
  // 1,000.00 by transfer for the flat's January to March (315.20 each): 54.40 is left as credit.
  w.writeLines('transfer.jsonl', [
    {
      type: 'ReceiveLumpSum',
      commandId: 'lump-trf-77',
      contractId: 'unit-0301',
      actor: 'cashier-zhao',
      at: '2026-03-10T10:00:00Z',
      lumpSumId: 'trf-77',
      amountMinor: 100000,
      channel: 'bank-transfer',
      reference: 'TRF-77',
    },
  ]);
  assert.is(w.renewal(['apply', 'transfer.jsonl']).status, 0);
  assert.is(w.renewal(['renew', '--as-of', '2026-03-10']).status, 0, 'renew spreads the lump sum');
  // April's bill takes the credit: a payment that moved no money, so no receipt.
  assert.is(w.renewal(['renew', '--as-of', '2026-04-01']).status, 0);

  const r = w.renewal(['receipts', '--contract', 'unit-0301', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const docs = r.json().documents;
  assert.equal(
    docs.map((d: any) => [d.number, d.paymentId, d.amountMinor, d.channel, d.reference, d.cycleId, d.unallocatedMinor]),
    [['R-2026-000001', 'trf-77', 100000, 'bank-transfer', 'TRF-77', null, 0]],
  );
  assert.equal(
    docs[0].lines.map((l: any) => [l.kind, l.cycleId, l.amountMinor, l.balanceAfterMinor]),
    [
      ['cycle', 'unit-0301/2026-01-01', 31520, 0],
      ['cycle', 'unit-0301/2026-02-01', 31520, 0],
      ['cycle', 'unit-0301/2026-03-01', 31520, 0],
      ['credit', null, 5440, null],
    ],
  );
  const byCycle = w.renewal(['receipts', '--cycle', 'unit-0301/2026-02-01', '--format', 'json']).json().documents;
  assert.equal(
    byCycle.map((d: any) => d.number),
    ['R-2026-000001'],
  );
  assert.equal(w.renewal(['receipts', '--cycle', 'unit-0301/2026-04-01', '--format', 'json']).json().documents, []);

  const table = w.renewal(['receipts', '--contract', 'unit-0301']).stdout;
  assert.match(table, /R-2026-000001 .* lump sum, 4 lines .* 1,000\.00/);
  assert.match(table, /unit-0301\/2026-03-01\s+315\.20\s+0\.00/);
  assert.match(table, /credit\s+54\.40/);
  const csv = w.renewal(['receipts', '--contract', 'unit-0301', '--format', 'csv']).stdout.trim().split('\r\n');
  assert.ok(csv[0]!.endsWith(',lines'), csv[0]);
  assert.ok(csv[1]!.endsWith(',unit-0301/2026-01-01=31520;unit-0301/2026-02-01=31520;unit-0301/2026-03-01=31520;credit=5440'), csv[1]);
  // The day's takings count the transfer once, whole.
  const day = w.renewal(['receipts', '--day', '2026-03-10', '--format', 'json']).json();
  assert.equal(
    day.takings.channels.map((c: any) => [c.channel, c.receipts, c.takenMinor]),
    [['bank-transfer', 1, '100000']],
  );
});

test('the views list has the behaviour view; usage mistakes are one sentence and exit 2', ({ w }) => {
  open(w);
  const status = w.renewal(['projections', 'status', '--format', 'json']).json();
  assert.ok(status.projections.some((p: any) => p.projection === 'behaviour'));
  for (const args of [
    ['renew', '--as-of', '2026-02-30'],
    ['renew', '--batch', '0'],
    ['remind', '--seed', '3'],
    ['remind', '--auto-debit', '--failure-rate', '1.5'],
    ['behaviour', '--from', '2026-03-01', '--to', '2026-02-01'],
    ['behaviour', '--format', 'xml'],
  ]) {
    const r = w.renewal(args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, `renewal ${args[0]}: `);
    assert.not.ok(hasStackTrace(r.stderr), r.stderr);
  }
});

test.run();
