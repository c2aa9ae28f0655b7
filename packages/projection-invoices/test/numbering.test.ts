// The invoices view end to end, on SQLite and on PostgreSQL: invoices issued by the invoicing run
// through the generic command handler, numbered without gaps per series and year, the same after
// a rebuild; a refund's red invoice refers to the original and nets the month's tax per rate.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeInvoicingRulesCommand, invoiceDecider, invoicingRulesDecider, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { getFileInvoiceIssuer, issueInvoices, renewDue } from '@renewal-ledger/renewals';
import { getInvoicesView, invoicesProjection } from '../src/index.js';
import { cycleCommand, engineOn } from '@renewal-ledger/testing/engine';
import { open } from '@renewal-ledger/testing/contracts';
import { dumpTable, openEnvironment, tempDir, type Environment, type StoreKind } from '@renewal-ledger/testing/environments';
import { pgTest } from '@renewal-ledger/testing/postgres';

const rulesCommand = (commandId: string, series: string, at: string) => {
  const c = decodeInvoicingRulesCommand({
    type: 'SetInvoicingRules',
    commandId,
    actor: 'manager-zhao',
    at,
    rules: { issueOn: 'payment', rates: [{ feeCode: 'service', rateBp: 600 }], series, refundCredit: 'automatic' },
  });
  if (c._tag === 'Left') throw new Error(c.left.message);
  return c.right;
};

const build = async (env: Environment, rebuild = false) => {
  const runner = getProjectionRunner({ store: env.store, database: env.views, projections: [invoicesProjection] });
  for (const r of await (rebuild ? runner.rebuild() : runner.catchUp()))
    assert.is(r.status, 'caught-up', r.status === 'failed' ? r.error.message : r.status);
};

/**
 * unit-0301 at 315.20 a month: January to March paid on 5 March (one invoice of three cycles),
 * 100.00 of February refunded on 20 March (a red invoice), April paid on 10 April, the series
 * changed to FQ in May, May paid on 12 May, December paid on 4 January 2027.
 */
const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  const files = tempDir('invoices-view');
  try {
    const e = engineOn(env.store);
    const clock = () => e.now.at;
    const invoiceHandler = getCommandHandler(invoiceDecider, { store: env.store, clock });
    const rules = getCommandHandler(invoicingRulesDecider, { store: env.store, clock });
    const issuer = getFileInvoiceIssuer({ dir: files.dir });
    const pay = async (month: string, day: string) =>
      e.handler.handle(
        cycleCommand({
          type: 'RecordPayment',
          commandId: `pay-${month}`,
          cycleId: `unit-0301/${month}-01`,
          actor: 'cashier-chen',
          at: `${day}T09:00:00Z`,
          paymentId: `p-${month}`,
          amountMinor: 31520,
          channel: 'cash',
        }),
      );
    const run = async (day: string) => {
      e.now.at = `${day}T10:00:00Z` as Instant;
      const r = await issueInvoices({ ...e, issuer, invoiceHandler, asOf: day as BusinessDate, at: `${day}T10:00:00Z` as Instant });
      assert.equal(r.rejected, []);
      return r;
    };

    await e.contractHandler.handle(open());
    e.now.at = '2026-12-01T00:00:00Z' as Instant;
    // Bills January to December 2026 (recorded on 1 December; the payments come after, in business time).
    await renewDue({ ...e, asOf: '2026-12-01' as BusinessDate });
    assert.is((await rules.handle(rulesCommand('rules-1', 'FP', '2026-03-01T09:00:00Z'))).status, 'applied');
    for (const m of ['2026-01', '2026-02', '2026-03']) await pay(m, '2026-03-05');
    await run('2026-03-05');
    e.now.at = '2026-12-01T00:00:00Z' as Instant;
    await e.handler.handle(
      cycleCommand({
        type: 'Refund',
        commandId: 'refund-1',
        cycleId: 'unit-0301/2026-02-01',
        actor: 'clerk-li',
        at: '2026-03-20T09:00:00Z',
        refundId: 'rf1',
        paymentId: 'p-2026-02',
        amountMinor: 10000,
        reason: 'moved out early',
      }),
    );
    await run('2026-03-20');
    await pay('2026-04', '2026-04-10');
    await run('2026-04-10');
    e.now.at = '2026-05-01T09:00:00Z' as Instant;
    assert.is((await rules.handle(rulesCommand('rules-2', 'FQ', '2026-05-01T09:00:00Z'))).status, 'applied');
    await pay('2026-05', '2026-05-12');
    await run('2026-05-12');
    await pay('2026-12', '2027-01-04');
    await run('2027-01-04');

    await build(env);
    const view = getInvoicesView(env.views);
    const numbers = async () => (await view.list()).map((i) => [i.number, i.kind, i.issuedOn, i.amountMinor, i.taxMinor, i.originalNumber]);
    const expected = [
      // 3 x 315.20 = 945.60, tax 3 x 17.84 = 53.52.
      ['FP-2026-000001', 'blue', '2026-03-05', 94560, 5352, null],
      // 100.00 back: tax 1784 x 10000 / 31520 = 565.99 -> 5.66.
      ['FP-2026-000002', 'red', '2026-03-20', -10000, -566, 'FP-2026-000001'],
      ['FP-2026-000003', 'blue', '2026-04-10', 31520, 1784, null],
      // A new series starts at 1; so does a new year.
      ['FQ-2026-000001', 'blue', '2026-05-12', 31520, 1784, null],
      ['FQ-2027-000001', 'blue', '2027-01-04', 31520, 1784, null],
    ];
    assert.equal(await numbers(), expected);
    // The issuer's own numbers are kept beside them (the file issuer numbers per series and year too).
    assert.equal(
      (await view.list()).map((i) => i.officialNumber),
      ['FP-2026-00000001', 'FP-2026-00000002', 'FP-2026-00000003', 'FQ-2026-00000001', 'FQ-2027-00000001'],
    );
    // March for the tax return, red netted: 945.60 - 100.00 = 845.60; tax 53.52 - 5.66 = 47.86;
    // net 3 x 297.36 - (100.00 - 5.66) = 892.08 - 94.34 = 797.74.
    assert.equal(await view.taxTotals('2026-03'), [
      { currency: 'CNY', taxRateBp: 600, blueLines: 3, redLines: 1, amountMinor: 84560n, taxMinor: 4786n, netMinor: 79774n },
    ]);
    assert.equal((await view.byContract('unit-0301')).length, 5);
    assert.equal(
      (await view.byPeriod('2026-03-01', '2026-04-30')).map((i) => i.number),
      ['FP-2026-000001', 'FP-2026-000002', 'FP-2026-000003'],
    );
    const red = await view.byNumber('FP-2026-000002');
    assert.equal(
      red!.lines.map((l) => [l.cycleId, l.amountMinor, l.taxMinor, l.netMinor]),
      [['unit-0301/2026-02-01', -10000, -566, -9434]],
    );
    // A rebuild gives every invoice the same number, row for row.
    const before = await dumpTable(env.views, 'invoices', 'number', ['global_position']);
    await build(env, true);
    assert.equal(await numbers(), expected);
    assert.equal(await dumpTable(env.views, 'invoices', 'number', ['global_position']), before);
  } finally {
    files.remove();
    await env.close();
  }
};

const test = suite('invoice numbers');
test('SQLite: gapless per series and year, identical after a rebuild; March nets the red invoice', scenario('sqlite'));
pgTest(test)('PostgreSQL: gapless per series and year, identical after a rebuild; March nets the red invoice', scenario('postgres'));
test.run();
