// `renewal invoices` through the built binary, on a SQLite store written by the invoicing run:
// the list, a contract's invoices, a month's tax per rate with a red invoice netted (the tax
// return's figures), CSV one row per line, and usage errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeContractCommand,
  decodeInvoicingRulesCommand,
  invoicingRulesDecider,
  renewalCycle,
  contractDecider,
  type BusinessDate,
  type Instant,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { getMemoryInvoiceIssuer, issueInvoices, renewDue } from '@renewal-ledger/renewals';
import { openFlat, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';

const must = <A>(r: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }): A => {
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/**
 * unit-0301 at 315.20 a month: January to March paid on 5 March (one invoice, 945.60, tax 53.52),
 * 100.00 of February refunded on 20 March (a red invoice, tax 5.66 back), April paid on 10 April.
 */
const write = async (w: Workspace) => {
  const store = await openStore(`sqlite:${w.path('renewal.db')}`);
  try {
    let now = '2026-12-01T00:00:00Z' as Instant;
    const clock = () => now;
    const cycles = getCommandHandler(renewalCycle, { store, clock });
    const contracts = getCommandHandler(contractDecider, { store, clock });
    assert.is((await contracts.handle(must(decodeContractCommand(openFlat('unit-0301'))))).status, 'applied');
    await renewDue({ store, handler: cycles, contractHandler: contracts, asOf: '2026-04-01' as BusinessDate });
    const rules = decodeInvoicingRulesCommand({
      type: 'SetInvoicingRules',
      commandId: 'rules-1',
      actor: 'manager-zhao',
      at: '2026-01-01T00:00:00Z',
      rules: { issueOn: 'payment', rates: [{ feeCode: 'service', rateBp: 600 }], series: 'FP', refundCredit: 'automatic' },
    });
    assert.is((await getCommandHandler(invoicingRulesDecider, { store, clock }).handle(must(rules))).status, 'applied');
    const issuer = getMemoryInvoiceIssuer();
    const run = (day: string) =>
      issueInvoices({ store, handler: cycles, issuer, asOf: day as BusinessDate, at: `${day}T10:00:00Z` as Instant });
    for (const m of ['01', '02', '03'])
      await cycles.handle(pay(`unit-0301/2026-${m}-01`, `p-${m}`, 31520, '2026-03-05T09:00:00Z') as unknown as RenewalCommand);
    assert.equal((await run('2026-03-05')).issued.length, 1);
    await cycles.handle({
      type: 'Refund',
      commandId: 'refund-1',
      cycleId: 'unit-0301/2026-02-01',
      actor: 'clerk-li',
      at: '2026-03-20T09:00:00Z',
      refundId: 'rf1',
      paymentId: 'p-02',
      amountMinor: 10000,
      reason: 'moved out early',
    } as unknown as RenewalCommand);
    assert.equal(
      (await run('2026-03-20')).issued.map((i) => i.kind),
      ['red'],
    );
    await cycles.handle(pay('unit-0301/2026-04-01', 'p-04', 31520, '2026-04-10T09:00:00Z') as unknown as RenewalCommand);
    assert.equal((await run('2026-04-10')).issued.length, 1);
    now = '2026-12-01T00:00:00Z' as Instant;
  } finally {
    await store.close();
  }
};

const test = suite<{ w: Workspace }>('renewal invoices');
test.before.each((ctx) => {
  ctx.w = workspace();
});
test.after.each((ctx) => ctx.w.cleanup());

test("a month's invoices and its tax per rate, the red invoice netted", async ({ w }) => {
  await write(w);
  const r = w.renewal(['invoices', '--month', '2026-03']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /FP-2026-000001 +FP-2026-00000001 +blue +2026-03-05 +unit-0301 .* 945\.60 +53\.52 +CNY/);
  assert.match(r.stdout, /FP-2026-000002 +FP-2026-00000002 +red +2026-03-20 +unit-0301 .* -100\.00 +-5\.66 +CNY +FP-2026-000001/);
  assert.not.match(r.stdout, /FP-2026-000003/);
  // 945.60 - 100.00 = 845.60 with tax; tax 53.52 - 5.66 = 47.86; net 845.60 - 47.86 = 797.74.
  assert.match(r.stdout, /6% +CNY +3 +1 +845\.60 +797\.74 +47\.86/);
  const json = w.renewal(['invoices', '--month', '2026-03', '--format', 'json']).json();
  assert.equal(json.taxTotals, [
    { currency: 'CNY', taxRateBp: 600, blueLines: 3, redLines: 1, amountMinor: '84560', taxMinor: '4786', netMinor: '79774' },
  ]);
});

test('all invoices, a contract, a period; CSV one row per line', async ({ w }) => {
  await write(w);
  const all = w.renewal(['invoices', '--format', 'json']).json();
  assert.equal(
    all.invoices.map((i: { number: string }) => i.number),
    ['FP-2026-000001', 'FP-2026-000002', 'FP-2026-000003'],
  );
  const april = w.renewal(['invoices', '--from', '2026-04-01', '--to', '2026-04-30', '--format', 'json']).json();
  assert.equal(
    april.invoices.map((i: { number: string }) => i.number),
    ['FP-2026-000003'],
  );
  assert.is(w.renewal(['invoices', '--contract', 'unit-0301', '--format', 'json']).json().invoices.length, 3);
  const csv = w.renewal(['invoices', '--format', 'csv']).stdout.trim().split(/\r?\n/);
  // A header, three lines of the quarterly invoice, one red line, one line of April's.
  assert.is(csv.length, 6);
  assert.is(
    csv[4],
    'FP-2026-000002,FP-2026-00000002,red,2026-03-20,unit-0301,Wang Fang,,FP-2026-000001,1,unit-0301/2026-02-01,service,600,-10000,-100.00,-566,-5.66,-9434,-94.34,CNY',
  );
  const unknown = w.renewal(['invoices', '--contract', 'unit-9999']);
  assert.is(unknown.status, 1, unknown.stderr);
});

test('usage errors: exit 2 naming the flag', async ({ w }) => {
  await write(w);
  for (const [args, message] of [
    [['--month', '2026-13'], '--month takes a month as YYYY-MM'],
    [['--month', '2026-03', '--from', '2026-03-01', '--to', '2026-03-31'], '--month and --from/--to'],
    [['--from', '2026-03-01'], '--from and --to go together'],
    [['--from', '2026-04-01', '--to', '2026-03-01'], 'is before --from'],
  ] as const) {
    const r = w.renewal(['invoices', ...args]);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message);
  }
});

test.run();
