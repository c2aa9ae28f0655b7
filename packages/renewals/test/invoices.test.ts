// The invoicing run through the generic command handler on a store: a quarter paid at once is one
// invoice of three cycles, issued by the file-based issuer; a refund leads to a red invoice that
// refers to the original; an issuer that does not answer, or a run that stops after issuing,
// never issues twice; invoicing beyond what was billed is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeInvoiceCommand,
  decodeInvoicingRulesCommand,
  invoiceDecider,
  invoiceFigures,
  invoicingRulesDecider,
  type BusinessDate,
  type Instant,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import {
  getFileInvoiceIssuer,
  getInvoicesReader,
  getMemoryInvoiceIssuer,
  getPortfolioReader,
  issueInvoices,
  loadInvoices,
  readPortfolio,
  renewDue,
  type InvoiceIssuer,
} from '../src/index.js';
import { cycleCommand, engineOn, memoryEngine } from '@renewal-ledger/testing/engine';
import { must, open } from '@renewal-ledger/testing/contracts';
import { openEnvironment, tempDir, type StoreKind } from '@renewal-ledger/testing/environments';
import { pgTest } from '@renewal-ledger/testing/postgres';

const CYCLES = ['unit-0301/2026-01-01', 'unit-0301/2026-02-01', 'unit-0301/2026-03-01'];
const RULES = {
  issueOn: 'payment',
  rates: [{ feeCode: 'service', rateBp: 600 }],
  series: 'FP',
  refundCredit: 'automatic',
};

/** unit-0301 at 315.20 a month, billed January to March, with invoicing rules set; 5 March. */
const quarterBilled = async <E extends ReturnType<typeof engineOn>>(e: E, rules: Record<string, unknown>): Promise<E> => {
  await e.contractHandler.handle(open());
  await renewDue({ ...e, asOf: '2026-03-01' as BusinessDate });
  e.now.at = '2026-03-05T10:00:00Z' as Instant;
  const set = decodeInvoicingRulesCommand({
    type: 'SetInvoicingRules',
    commandId: 'rules-1',
    actor: 'manager-zhao',
    at: '2026-03-01T09:00:00Z',
    rules,
  });
  await getCommandHandler(invoicingRulesDecider, { store: e.store, clock: () => e.now.at }).handle(must(set));
  return e;
};

/** The quarter billed, all three paid on 5 March (unless `paid` is false). */
const quarterPaid = async (rules: Record<string, unknown> = RULES, paid = true) => {
  const e = await quarterBilled(memoryEngine(), rules);
  if (paid)
    await e.handler.handleBatch(
      CYCLES.map((cycleId, i) =>
        cycleCommand({
          type: 'RecordPayment',
          commandId: `pay-${i}`,
          cycleId,
          actor: 'cashier-chen',
          at: '2026-03-05T09:30:00Z',
          paymentId: `p${i}`,
          amountMinor: 31520,
          channel: 'wechat-pay',
        }),
      ),
    );
  const files = tempDir('invoices');
  return { ...e, files, issuer: getFileInvoiceIssuer({ dir: files.dir, seller: 'Green Garden Property Management' }) };
};

const run = (e: Awaited<ReturnType<typeof quarterPaid>>, asOf: string, issuer: InvoiceIssuer = e.issuer) =>
  issueInvoices({ ...e, issuer, asOf: asOf as BusinessDate, at: `${asOf}T10:00:00Z` as Instant });

const test = suite('the invoicing run');

test('a quarter paid at once: one invoice of three cycles, numbered by the file issuer, written as JSON and text', async () => {
  const e = await quarterPaid();
  try {
    const r = await run(e, '2026-03-05');
    // 3 x 315.20 = 945.60; tax 3 x 17.84 = 53.52 (31520 x 600 / 10600 = 1784.15 -> 1784 per line).
    assert.equal(r.issued, [
      {
        invoiceId: 'unit-0301/invoice/1',
        contractId: 'unit-0301',
        kind: 'blue',
        officialNumber: 'FP-2026-00000001',
        amountMinor: 94560,
        taxMinor: 5352,
      },
    ]);
    const state = await loadInvoices(e.store, 'unit-0301');
    assert.equal(
      state.invoices[0]!.requested.lines.map((l) => [l.cycleId, l.amountMinor, l.taxMinor]),
      CYCLES.map((c) => [c, 31520, 1784]),
    );
    assert.is(state.invoices[0]!.issued!.issuedOn, '2026-03-05');
    const json = JSON.parse(readFileSync(join(e.files.dir, 'FP-2026', 'FP-2026-00000001.json'), 'utf8'));
    assert.is(json.buyer.name, 'Wang Fang');
    const text = readFileSync(join(e.files.dir, 'FP-2026', 'FP-2026-00000001.txt'), 'utf8');
    assert.match(text, /Total: 945\.60 CNY \(net 892\.08, tax 53\.52\)/);
    // A second run the same day finds nothing to do.
    const again = await run(e, '2026-03-05');
    assert.equal([again.requested, again.issued.length], [0, 0]);
  } finally {
    e.files.remove();
  }
});

/** 100.00 of February's payment refunded at 09:00 on `day`, recorded at 10:00. */
const refundFebruary = async (e: Awaited<ReturnType<typeof quarterPaid>>, day: string) => {
  e.now.at = `${day}T10:00:00Z` as Instant;
  await e.handler.handle(
    cycleCommand({
      type: 'Refund',
      commandId: 'refund-1',
      cycleId: CYCLES[1],
      actor: 'clerk-li',
      at: `${day}T09:00:00Z`,
      refundId: 'rf1',
      paymentId: 'p1',
      amountMinor: 10000,
      reason: 'moved out early',
    }),
  );
};

test('a refund leads to a red invoice that refers to the original and nets the totals', async () => {
  const e = await quarterPaid();
  try {
    await run(e, '2026-03-05');
    await refundFebruary(e, '2026-03-20');
    const r = await run(e, '2026-03-20');
    // 100.00 back of February's 315.20: tax 1784 x 10000 / 31520 = 565.99 -> 566.
    assert.equal(r.issued, [
      {
        invoiceId: 'unit-0301/invoice/2',
        contractId: 'unit-0301',
        kind: 'red',
        officialNumber: 'FP-2026-00000002',
        amountMinor: 10000,
        taxMinor: 566,
      },
    ]);
    const state = await loadInvoices(e.store, 'unit-0301');
    const red = state.invoices[1]!;
    assert.equal(
      [red.originalInvoiceId, (red.requested as { refundId?: string }).refundId, red.requested.lines[0]!.cycleId],
      ['unit-0301/invoice/1', 'rf1', CYCLES[1]],
    );
    // 945.60 - 100.00 = 845.60 invoiced; tax 53.52 - 5.66 = 47.86.
    assert.equal(invoiceFigures(state), {
      pending: 0,
      issuedBlueMinor: 94560,
      issuedRedMinor: 10000,
      netInvoicedMinor: 84560,
      netTaxMinor: 4786,
    });
    assert.match(
      readFileSync(join(e.files.dir, 'FP-2026', 'FP-2026-00000002.txt'), 'utf8'),
      /RED INVOICE[\s\S]*Corrects: FP-2026-00000001[\s\S]*Total: -100\.00 CNY/,
    );
    // Once is enough: the next run takes nothing back again.
    assert.is((await run(e, '2026-03-21')).requested, 0);
  } finally {
    e.files.remove();
  }
});

test('readers that hold only the open cycles and their invoices: a refund on a cycle let go still gets its red invoice', async () => {
  const e = await quarterPaid();
  try {
    const portfolio = getPortfolioReader(e.store, {
      retireSettledAfterDays: 35,
      onReadAgain: (cycle) => invoices.readWhole(cycle.bill!.contractId),
    });
    const held = (await portfolio.read()).cycles;
    const invoices = getInvoicesReader(e.store, { onlyFor: (cycleId) => held.has(cycleId) });
    // Recorded on the test's clock (the run's day), so that what is known by a day can be read.
    const invoiceHandler = getCommandHandler(invoiceDecider, { store: e.store, clock: () => e.now.at });
    const runHeld = (asOf: string) =>
      issueInvoices({ ...e, portfolio, invoices, invoiceHandler, asOf: asOf as BusinessDate, at: `${asOf}T10:00:00Z` as Instant });
    assert.equal(
      (await runHeld('2026-03-05')).issued.map((i) => i.invoiceId),
      ['unit-0301/invoice/1'],
    );
    // Read as known by a day: nothing invoiced on 4 March, the quarter's invoice on the 5th.
    const knownBy = (day: string) => getInvoicesReader(e.store, { knownUntil: () => day as BusinessDate }).read();
    assert.is((await knownBy('2026-03-04')).get('unit-0301'), undefined);
    assert.equal(
      (await knownBy('2026-03-05')).get('unit-0301')!.invoices.map((f) => [f.invoiceId, f.status]),
      [['unit-0301/invoice/1', 'issued']],
    );
    // 20 April: April billed (and owed); the quarter paid on 5 March has rested 46 days.
    e.now.at = '2026-04-20T00:05:00Z' as Instant;
    await renewDue({ ...e, asOf: '2026-04-01' as BusinessDate });
    assert.is((await runHeld('2026-04-20')).requested, 0);
    assert.equal([...held.keys()], ['unit-0301/2026-04-01']);
    const book = (await invoices.read()).get('unit-0301')!;
    assert.equal(
      book.invoices.map((f) => f.invoiceId),
      [''],
      "the quarter's invoice let go, its place kept",
    );
    await refundFebruary(e, '2026-04-22');
    // The same red invoice as with every invoice held (the test above): 100.00, tax 566.
    const r = await runHeld('2026-04-22');
    assert.equal(
      r.issued.map((i) => [i.invoiceId, i.kind, i.amountMinor, i.taxMinor]),
      [['unit-0301/invoice/2', 'red', 10000, 566]],
    );
    assert.is((await loadInvoices(e.store, 'unit-0301')).invoices[1]!.originalInvoiceId, 'unit-0301/invoice/1');
  } finally {
    e.files.remove();
  }
});

test('refunds as tasks when the rules say so: nothing recorded, the task names refund and invoice', async () => {
  const e = await quarterPaid({ ...RULES, refundCredit: 'task' });
  try {
    await run(e, '2026-03-05');
    await refundFebruary(e, '2026-03-20');
    const r = await run(e, '2026-03-20');
    assert.equal(r.tasks, [
      {
        contractId: 'unit-0301',
        cycleId: CYCLES[1],
        reason: 'refund',
        refundId: 'rf1',
        sourceId: 'rf1',
        originalInvoiceId: 'unit-0301/invoice/1',
        amountMinor: 10000,
      },
    ]);
    assert.is((await loadInvoices(e.store, 'unit-0301')).invoices.length, 1);
  } finally {
    e.files.remove();
  }
});

// Invoiced on billing (nothing paid), then February adjusted by 50.00 and a dispute upheld on March
// for 100.00: each leads to a red invoice of what it took off the bill. Tax taken back, half up,
// of the original line's 17.84 (31520 x 600 / 10600 = 1784.15 -> 1784):
//   1784 x 5000 / 31520 = 282.99 -> 2.83;   1784 x 10000 / 31520 = 565.99 -> 5.66.
const adjustedAndDisputed = async (refundCredit: 'automatic' | 'task') => {
  const e = await quarterPaid({ ...RULES, issueOn: 'billing', refundCredit }, false);
  await run(e, '2026-03-05');
  e.now.at = '2026-03-20T10:00:00Z' as Instant;
  for (const c of [
    { type: 'Adjust', commandId: 'adj-1', cycleId: CYCLES[1], adjustmentId: 'a1', amountMinor: 5000, reason: 'lift out of order' },
    {
      type: 'RaiseDispute',
      commandId: 'dis-1',
      cycleId: CYCLES[2],
      disputeId: 'd1',
      amountMinor: 10000,
      reason: 'billed for a closed parking space',
    },
    { type: 'ResolveDispute', commandId: 'res-1', cycleId: CYCLES[2], disputeId: 'd1', outcome: 'upheld', adjustmentMinor: 10000 },
  ])
    assert.is(
      (await e.handler.handle(cycleCommand({ actor: 'manager-zhao', at: '2026-03-20T09:00:00Z', ...c }))).status,
      'applied',
      c.type,
    );
  return e;
};

test('an adjustment and an upheld dispute on invoiced cycles lead to red invoices of what they took off', async () => {
  const e = await adjustedAndDisputed('automatic');
  try {
    const r = await run(e, '2026-03-20');
    assert.equal(
      r.issued.map((i) => [i.invoiceId, i.kind, i.amountMinor, i.taxMinor]),
      [
        ['unit-0301/invoice/2', 'red', 5000, 283],
        ['unit-0301/invoice/3', 'red', 10000, 566],
      ],
    );
    const state = await loadInvoices(e.store, 'unit-0301');
    assert.equal(
      state.invoices
        .slice(1)
        .map((f) => [
          f.originalInvoiceId,
          (f.requested as { reason?: string }).reason,
          f.requested.lines.map((l) => [l.cycleId, l.amountMinor]),
        ]),
      [
        ['unit-0301/invoice/1', 'adjustment', [[CYCLES[1], 5000]]],
        ['unit-0301/invoice/1', 'dispute', [[CYCLES[2], 10000]]],
      ],
    );
    // 945.60 - 50.00 - 100.00 = 795.60 invoiced, what the three cycles are billed now; tax 53.52 - 2.83 - 5.66 = 45.03.
    assert.equal(invoiceFigures(state), {
      pending: 0,
      issuedBlueMinor: 94560,
      issuedRedMinor: 15000,
      netInvoicedMinor: 79560,
      netTaxMinor: 4503,
    });
    assert.is((await run(e, '2026-03-21')).requested, 0, 'nothing is taken back twice');
  } finally {
    e.files.remove();
  }
});

test('with refundCredit task, an adjustment and an upheld dispute are tasks: nothing recorded', async () => {
  const e = await adjustedAndDisputed('task');
  try {
    const r = await run(e, '2026-03-20');
    assert.equal(r.tasks, [
      {
        contractId: 'unit-0301',
        cycleId: CYCLES[1],
        reason: 'adjustment',
        refundId: null,
        sourceId: 'a1',
        originalInvoiceId: 'unit-0301/invoice/1',
        amountMinor: 5000,
      },
      {
        contractId: 'unit-0301',
        cycleId: CYCLES[2],
        reason: 'dispute',
        refundId: null,
        sourceId: 'd1',
        originalInvoiceId: 'unit-0301/invoice/1',
        amountMinor: 10000,
      },
    ]);
    assert.is((await loadInvoices(e.store, 'unit-0301')).invoices.length, 1);
  } finally {
    e.files.remove();
  }
});

// The cap at write time. The run reads the cycles, then an adjustment of 50.00 lands on February
// before the run asks for the invoice. Without a check at write time the invoice would carry
// February's stale 315.20 and the cycle would be invoiced 50.00 above its bill net of
// adjustments (265.20). The interleaving is made deterministic by giving the run the portfolio as
// it was read before the adjustment: the request names February at revision 0 (its Billed), the
// store holds revision 1, so the append is refused and the contract is computed again from its
// cycles as they are: 315.20 + 265.20 + 315.20 = 895.60, tax 1784 + 1501 + 1784 = 50.69
// (26520 x 600 / 10600 = 1501.13 -> 1501).
const capAtWriteTime = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    const e = await quarterBilled(engineOn(env.store), { ...RULES, issueOn: 'billing' });
    const readBefore = await readPortfolio(env.store, { cycles: true });
    assert.is(
      (
        await e.handler.handle(
          cycleCommand({
            type: 'Adjust',
            commandId: 'adj-1',
            cycleId: CYCLES[1],
            actor: 'manager-zhao',
            at: '2026-03-05T09:00:00Z',
            adjustmentId: 'a1',
            amountMinor: 5000,
            reason: 'lift out of order',
          }),
        )
      ).status,
      'applied',
    );
    const r = await issueInvoices({
      ...e,
      issuer: getMemoryInvoiceIssuer(),
      asOf: '2026-03-05' as BusinessDate,
      at: '2026-03-05T10:00:00Z' as Instant,
      portfolio: { read: async () => readBefore },
    });
    assert.equal(
      r.issued.map((i) => [i.invoiceId, i.kind, i.amountMinor, i.taxMinor]),
      [['unit-0301/invoice/1', 'blue', 89560, 5069]],
    );
    const state = await loadInvoices(env.store, 'unit-0301');
    assert.equal(
      state.invoices[0]!.requested.lines.map((l) => [l.cycleId, l.amountMinor]),
      [
        [CYCLES[0], 31520],
        [CYCLES[1], 26520],
        [CYCLES[2], 31520],
      ],
    );
    assert.equal(r.rejected, []);
    assert.is(state.invoices.length, 1, 'asked for once');
  } finally {
    await env.close();
  }
};
test('the cap holds at write time on SQLite: an adjustment between the run’s read and its request', capAtWriteTime('sqlite'));
pgTest(test)('the cap holds at write time on PostgreSQL: an adjustment between the run’s read and its request', capAtWriteTime('postgres'));

test('an issuer without an answer records nothing; one that issued before its answer was recorded is not asked to issue twice', async () => {
  const e = await quarterPaid();
  try {
    const silent: InvoiceIssuer = { name: 'file', issue: async () => Promise.reject(new Error('timeout')) };
    const r = await run(e, '2026-03-05', silent);
    assert.equal([r.requested, r.issued.length, r.noAnswer], [1, 0, [{ invoiceId: 'unit-0301/invoice/1', error: 'timeout' }]]);
    // The issuer issues, then the run stops before recording: the file is written, the ledger knows nothing.
    const issuedFirst = await e.issuer.issue({
      invoiceId: 'unit-0301/invoice/1',
      contractId: 'unit-0301',
      kind: 'blue',
      original: null,
      series: 'FP',
      issuedOn: '2026-03-05' as BusinessDate,
      currency: 'CNY',
      buyer: (await loadInvoices(e.store, 'unit-0301')).invoices[0]!.requested.buyer,
      lines: (await loadInvoices(e.store, 'unit-0301')).invoices[0]!.requested.lines,
      amountMinor: 94560,
      taxMinor: 5352,
    });
    assert.equal(issuedFirst, { status: 'issued', officialNumber: 'FP-2026-00000001' });
    const next = await run(e, '2026-03-06');
    assert.equal(
      next.issued.map((i) => i.officialNumber),
      ['FP-2026-00000001'],
    );
    assert.not.ok(existsSync(join(e.files.dir, 'FP-2026', 'FP-2026-00000002.json')));
  } finally {
    e.files.remove();
  }
});

test('an issuer refusal is recorded; the cycles are invoiced again by the next run', async () => {
  const e = await quarterPaid();
  try {
    const refusing: InvoiceIssuer = {
      name: 'strict',
      issue: async () => ({ status: 'refused', code: 'BUYER_TAX_ID', reason: 'a company buyer needs a tax id' }),
    };
    const r = await run(e, '2026-03-05', refusing);
    assert.equal(r.refused, [{ invoiceId: 'unit-0301/invoice/1', code: 'BUYER_TAX_ID', reason: 'a company buyer needs a tax id' }]);
    const next = await run(e, '2026-03-06');
    assert.equal(
      next.issued.map((i) => [i.invoiceId, i.officialNumber]),
      [['unit-0301/invoice/2', 'FP-2026-00000001']],
    );
  } finally {
    e.files.remove();
  }
});

test('the memory issuer told to forget recorded answers keeps its numbering and answers a known id it still holds', async () => {
  const issuer = getMemoryInvoiceIssuer();
  const invoice = (invoiceId: string) =>
    ({
      invoiceId,
      contractId: 'unit-0301',
      kind: 'blue',
      original: null,
      series: 'FP',
      issuedOn: '2026-03-05',
      currency: 'CNY',
      buyer: { name: 'Household 1' },
      lines: [],
      amountMinor: 100,
      taxMinor: 6,
    }) as unknown as Parameters<typeof issuer.issue>[0];
  assert.equal(await issuer.issue(invoice('a')), { status: 'issued', officialNumber: 'FP-2026-00000001' });
  assert.equal(await issuer.issue(invoice('b')), { status: 'issued', officialNumber: 'FP-2026-00000002' });
  issuer.forget(['a']);
  assert.equal([...issuer.issued.keys()], ['FP-2026-00000002']);
  // b's answer is not recorded yet: asked again, the same number; the next one follows on from it.
  assert.equal(await issuer.issue(invoice('b')), { status: 'issued', officialNumber: 'FP-2026-00000002' });
  assert.equal(await issuer.issue(invoice('c')), { status: 'issued', officialNumber: 'FP-2026-00000003' });
});

test('invoicing beyond what was billed is refused through the handler, with the figures', async () => {
  const e = await quarterPaid();
  try {
    await run(e, '2026-03-05');
    const handler = getCommandHandler(invoiceDecider, { store: e.store, clock: () => e.now.at });
    const command = decodeInvoiceCommand({
      type: 'RequestInvoice',
      commandId: 'by-hand',
      contractId: 'unit-0301',
      invoiceId: 'by-hand',
      actor: 'clerk-li',
      at: '2026-03-05T09:00:00Z',
      currency: 'CNY',
      buyer: { name: 'Wang Fang' },
      trigger: 'request',
      lines: [{ cycleId: CYCLES[0], code: 'service', description: 'Property service', amountMinor: 100, taxRateBp: 600 }],
      billed: [{ cycleId: CYCLES[0], billedMinor: 31520 }],
    });
    const r = await handler.handle(must(command));
    assert.is(r.status, 'rejected');
    assert.equal(r.status === 'rejected' && { ...r.error, message: undefined }, {
      code: 'INVOICE_EXCEEDS_BILLED',
      message: undefined,
      cycleId: CYCLES[0],
      billedMinor: 31520,
      invoicedMinor: 31520,
      requestedMinor: 100,
    });
  } finally {
    e.files.remove();
  }
});

test.run();
