// Invoices (fapiao): the tax split worked by hand, a contract's invoices through their decider
// (a quarterly invoice, the cap of what was billed, red invoices), the invoicing rules, the buyer
// on the contract, and property tests for the split.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  creditTaxOf,
  DeciderSpecification,
  decodeInvoiceCommand,
  decodeInvoicingRulesCommand,
  fold,
  formatTaxRate,
  invoiceableLinesOf,
  invoiceDecider,
  invoicedOnCycle,
  invoiceFigures,
  invoicingRulesDecider,
  redLinesForRefund,
  shareOut,
  splitTax,
  taxPartOf,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoicingRules,
} from '@renewal-ledger/core';
import { adjust, bill, history, must, stateOf } from './builders.js';
import { contractOf, open } from '@renewal-ledger/testing/contracts';
import { decideContract, decodeContractCommand } from '@renewal-ledger/core';
import * as E from 'fp-ts/lib/Either.js';

type Json = Record<string, unknown>;
const CONTRACT = 'unit-0301';
const buyer = {
  name: '张伟',
  taxId: '91310000MA1FL0XX1X',
  address: '上海市浦东新区 1 号',
  bank: '工商银行',
  bankAccount: '6222 0000 1111',
};
const at = (day: string) => `${day}T09:00:00Z`;
const cmd = (json: Json): InvoiceCommand => must(decodeInvoiceCommand({ contractId: CONTRACT, actor: 'clerk-li', ...json }));
const cycle = (month: string) => `${CONTRACT}/2026-${month}`;

/** A property-service line of 315.20 on a cycle, at 6%. */
const serviceLine = (month: string, amountMinor = 31520) => ({
  cycleId: cycle(month),
  code: 'service',
  description: 'Property service',
  amountMinor,
  taxRateBp: 600,
});
const request = (invoiceId: string, lines: Json[], billed: Json[], over: Json = {}) =>
  cmd({
    type: 'RequestInvoice',
    commandId: `req-${invoiceId}`,
    invoiceId,
    at: at('2026-03-31'),
    currency: 'CNY',
    buyer,
    trigger: 'payment',
    lines,
    billed,
    ...over,
  });
const issued = (invoiceId: string, officialNumber: string, issuedOn = '2026-03-31', over: Json = {}) =>
  cmd({
    type: 'RecordInvoiceIssued',
    commandId: `iss-${invoiceId}`,
    invoiceId,
    at: at(issuedOn),
    officialNumber,
    issuedOn,
    issuer: 'file',
    ...over,
  });
const credit = (invoiceId: string, originalInvoiceId: string, lines: Json[], over: Json = {}) =>
  cmd({
    type: 'CreditInvoice',
    commandId: `credit-${invoiceId}`,
    invoiceId,
    at: at('2026-04-02'),
    originalInvoiceId,
    reason: 'refund',
    lines,
    ...over,
  });

const given = DeciderSpecification.for(invoiceDecider);
const historyOf = (...commands: InvoiceCommand[]): InvoiceEvent[] => {
  const events: InvoiceEvent[] = [];
  for (const c of commands) {
    const d = invoiceDecider.decide(c, fold(invoiceDecider)(events));
    if (E.isLeft(d)) throw new Error(`${c.type} refused: ${d.left.message}`);
    events.push(...d.right.events);
  }
  return events;
};

const tax = suite('the tax part of a tax-inclusive amount');

tax('315.20 at 6%: tax 17.84, net 297.36', () => {
  // 31520 x 600 / (10000 + 600) = 18912000 / 10600 = 1784.15..., half up: 1784.
  // net = 31520 - 1784 = 29736; check: 297.36 x 1.06 = 315.2016, so 315.20 is 297.36 with 6% on top.
  assert.equal(splitTax(31520, 600), { grossMinor: 31520, taxMinor: 1784, netMinor: 29736 });
});

tax('150.00 parking at 9%, and half up on an exact half', () => {
  // 15000 x 900 / 10900 = 13500000 / 10900 = 1238.53..., half up 1239; net 13761.
  assert.equal(splitTax(15000, 900), { grossMinor: 15000, taxMinor: 1239, netMinor: 13761 });
  // 53 x 600 / 10600 = 3 exactly; 159 x 100 / 10100 = 1.574... -> 2; 101 x 100 / 10100 = 1 exactly.
  assert.is(taxPartOf(53, 600), 3);
  // 2 x 10000 / 20000 = 1; 1 x 10000 / 20000 = 0.5, half up: 1 (at a rate of 100%).
  assert.is(taxPartOf(1, 10000), 1);
  assert.is(taxPartOf(0, 600), 0);
  assert.is(taxPartOf(12345, 0), 0);
});

tax('refuses what is not an amount or a rate', () => {
  assert.throws(() => taxPartOf(-1, 600), /non-negative/);
  assert.throws(() => taxPartOf(100, 10001), /basis points/);
  assert.throws(() => taxPartOf(0.5, 600), /non-negative/);
});

tax('rates read as people write them', () => {
  assert.equal([600, 900, 1300, 150, 0, 1005].map(formatTaxRate), ['6%', '9%', '13%', '1.5%', '0%', '10.05%']);
});

tax('property: tax + net = gross, 0 <= tax <= gross, per line and per invoice', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          gross: fc.integer({ min: 0, max: Math.floor(Number.MAX_SAFE_INTEGER / 64) }),
          rate: fc.integer({ min: 0, max: 10000 }),
        }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      (lines) => {
        let gross = 0;
        let taxes = 0;
        let nets = 0;
        for (const l of lines) {
          const s = splitTax(l.gross, l.rate);
          if (s.taxMinor + s.netMinor !== l.gross || s.taxMinor < 0 || s.taxMinor > l.gross) return false;
          // Exactly the rounded quotient: |tax x (10000 + rate) - gross x rate| <= (10000 + rate) / 2.
          const err = BigInt(s.taxMinor) * BigInt(10000 + l.rate) - BigInt(l.gross) * BigInt(l.rate);
          if (2n * (err < 0n ? -err : err) > BigInt(10000 + l.rate)) return false;
          gross += l.gross;
          taxes += s.taxMinor;
          nets += s.netMinor;
        }
        return taxes + nets === gross;
      },
    ),
  );
});

tax('property: red lines that take back a whole line, in any parts, take back exactly its tax', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.integer({ min: 0, max: 10000 }),
      fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 6 }),
      (gross, rate, parts) => {
        const lineTax = taxPartOf(gross, rate);
        let remaining = gross;
        let remainingTax = lineTax;
        let taken = 0;
        for (const p of [...parts.map((x) => Math.min(x, remaining)).filter((x) => x > 0), Number.POSITIVE_INFINITY]) {
          if (remaining === 0) break;
          const amount = Math.min(p, remaining);
          const t = creditTaxOf(amount, remaining, remainingTax);
          if (t < 0 || t > amount) return false;
          taken += t;
          remaining -= amount;
          remainingTax -= t;
          if (remainingTax > remaining || remainingTax < 0) return false;
        }
        return taken === lineTax && remaining === 0;
      },
    ),
  );
});

tax('property: shares add up, and none is more than its weight', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 8 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (weights, f) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        const total = Math.floor(sum * f);
        const shares = shareOut(weights, total);
        return shares.reduce((a, b) => a + b, 0) === (sum === 0 ? 0 : total) && shares.every((s, i) => s >= 0 && s <= weights[i]!);
      },
    ),
  );
});

const invoices = suite("a contract's invoices");

invoices('a quarterly invoice for three cycles: 3 x 315.20 at 6%', () => {
  const billed = ['01', '02', '03'].map((m) => ({ cycleId: cycle(m), billedMinor: 31520 }));
  const r = request(
    'inv-q1',
    ['01', '02', '03'].map((m) => serviceLine(m)),
    billed,
  );
  const state = given([]).when(r).thenState();
  const requested = state.invoices[0]!.requested;
  // Each line: 1784 of tax (see above); the invoice: 3 x 31520 = 94560, tax 3 x 1784 = 5352.
  assert.equal(
    requested.lines.map((l) => [l.cycleId, l.amountMinor, l.taxMinor, l.netMinor]),
    ['01', '02', '03'].map((m) => [cycle(m), 31520, 1784, 29736]),
  );
  assert.is(requested.amountMinor, 94560);
  assert.is(requested.taxMinor, 5352);
  const after = given(historyOf(r)).when(issued('inv-q1', '044031900111-00000001')).thenState();
  assert.equal(invoiceFigures(after), {
    pending: 0,
    issuedBlueMinor: 94560,
    issuedRedMinor: 0,
    netInvoicedMinor: 94560,
    netTaxMinor: 5352,
  });
});

invoices('invoicing beyond what was billed net of adjustments is refused with the figures', () => {
  const billed = [{ cycleId: cycle('01'), billedMinor: 31520 }];
  const first = request('inv-1', [serviceLine('01', 30000)], billed);
  given(historyOf(first))
    .when(request('inv-2', [serviceLine('01', 1521)], billed))
    .thenFails({ code: 'INVOICE_EXCEEDS_BILLED', cycleId: cycle('01'), billedMinor: 31520, invoicedMinor: 30000, requestedMinor: 1521 });
  const e = given([])
    .when(request('inv-3', [serviceLine('01', 31521)], billed))
    .thenFails({ code: 'INVOICE_EXCEEDS_BILLED' });
  assert.match(e.message, /315\.21 on cycle unit-0301\/2026-01 exceeds what was billed net of adjustments: 315\.20 billed, 0\.00 invoiced/);
  // The rest, 1520, is fine; a cycle the request has no billed figure for is refused.
  given(historyOf(first))
    .when(request('inv-2', [serviceLine('01', 1520)], billed))
    .thenState();
  given([])
    .when(request('inv-4', [serviceLine('02')], billed))
    .thenFails({ code: 'CYCLE_NOT_BILLED', cycleId: cycle('02') });
  given([])
    .when(request('inv-5', [serviceLine('01', 100), serviceLine('01', 100)], billed))
    .thenFails({ code: 'DUPLICATE_INVOICE_LINE' });
});

invoices('a cancelled or refused invoice no longer counts; an issued one cannot be cancelled', () => {
  const billed = [{ cycleId: cycle('01'), billedMinor: 31520 }];
  const first = request('inv-1', [serviceLine('01')], billed);
  const cancel = cmd({ type: 'CancelInvoice', commandId: 'cancel-1', invoiceId: 'inv-1', at: at('2026-03-31'), reason: 'wrong buyer' });
  given(historyOf(first, cancel))
    .when(request('inv-2', [serviceLine('01')], billed))
    .thenState();
  const refuse = cmd({
    type: 'RecordInvoiceRefused',
    commandId: 'refuse-1',
    invoiceId: 'inv-1',
    at: at('2026-03-31'),
    refusalCode: 'BUYER_TAX_ID',
    reason: 'tax id unknown',
    issuer: 'file',
  });
  assert.is(invoicedOnCycle(fold(invoiceDecider)(historyOf(first, refuse)), cycle('01')), 0);
  given(historyOf(first, refuse)).when(issued('inv-1', 'N-1')).thenFails({ code: 'INVOICE_CLOSED', status: 'refused' });
  given(historyOf(first, issued('inv-1', 'N-1')))
    .when(cancel)
    .thenFails({ code: 'INVOICE_ALREADY_ISSUED', invoiceId: 'inv-1', officialNumber: 'N-1' });
  // The issuer's answer again is a duplicate; another number for it is refused.
  given(historyOf(first, issued('inv-1', 'N-1')))
    .when(issued('inv-1', 'N-1', '2026-03-31', { commandId: 'iss-again' }))
    .thenNothing();
  given(historyOf(first, issued('inv-1', 'N-1')))
    .when(issued('inv-1', 'N-2', '2026-03-31', { commandId: 'iss-other' }))
    .thenFails({ code: 'INVOICE_ALREADY_ISSUED' });
});

invoices('the same request again is a duplicate; other content under its id is refused', () => {
  const billed = [{ cycleId: cycle('01'), billedMinor: 31520 }];
  const first = request('inv-1', [serviceLine('01')], billed);
  given(historyOf(first))
    .when(request('inv-1', [serviceLine('01')], billed, { commandId: 'req-again', actor: 'clerk-wang' }))
    .thenNothing();
  given(historyOf(first))
    .when(request('inv-1', [serviceLine('01', 100)], billed, { commandId: 'req-other' }))
    .thenFails({ code: 'INVOICE_ID_CONFLICT', invoiceId: 'inv-1', existingCommandId: 'req-inv-1' });
});

const red = suite('red invoices');

red('a red invoice for part, then the rest, nets the line to zero, tax included', () => {
  const events = historyOf(request('inv-1', [serviceLine('01')], [{ cycleId: cycle('01'), billedMinor: 31520 }]), issued('inv-1', 'N-1'));
  // 100.00 of 315.20 back: tax 1784 x 10000 / 31520 = 565.99..., half up 566; net 9434.
  const part = credit('red-1', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 10000 }]);
  const after = given(events).when(part).thenState();
  const redLine = after.invoices[1]!.requested.lines[0]!;
  assert.equal([redLine.amountMinor, redLine.taxMinor, redLine.netMinor], [10000, 566, 9434]);
  assert.is(invoicedOnCycle(after, cycle('01')), 21520);
  // The rest, 215.20, takes the rest of the tax: 1784 - 566 = 1218.
  const rest = credit('red-2', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 21520 }], { commandId: 'credit-red-2' });
  const full = fold(invoiceDecider)(
    historyOf(
      request('inv-1', [serviceLine('01')], [{ cycleId: cycle('01'), billedMinor: 31520 }]),
      issued('inv-1', 'N-1'),
      part,
      issued('red-1', 'R-1'),
      rest,
      issued('red-2', 'R-2'),
    ),
  );
  assert.equal(full.invoices[2]!.requested.lines[0]!.taxMinor, 1218);
  assert.equal(full.invoices[2]!.originalInvoiceId, 'inv-1');
  assert.equal(invoiceFigures(full), { pending: 0, issuedBlueMinor: 31520, issuedRedMinor: 31520, netInvoicedMinor: 0, netTaxMinor: 0 });
});

red('a red invoice beyond the original is refused; one against an invoice not issued too', () => {
  const req = request('inv-1', [serviceLine('01')], [{ cycleId: cycle('01'), billedMinor: 31520 }]);
  const events = historyOf(
    req,
    issued('inv-1', 'N-1'),
    credit('red-1', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 30000 }]),
  );
  given(events)
    .when(credit('red-2', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 1521 }]))
    .thenFails({ code: 'CREDIT_EXCEEDS_INVOICE', invoicedMinor: 31520, creditedMinor: 30000, requestedMinor: 1521 });
  given(historyOf(req))
    .when(credit('red-1', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 100 }]))
    .thenFails({ code: 'CREDIT_NEEDS_ISSUED_INVOICE', status: 'requested', kind: 'blue' });
  given(events)
    .when(credit('red-3', 'inv-1', [{ cycleId: cycle('01'), code: 'parking', amountMinor: 100 }]))
    .thenFails({ code: 'UNKNOWN_INVOICE_LINE' });
  // The same red request again is a duplicate.
  given(events)
    .when(credit('red-1', 'inv-1', [{ cycleId: cycle('01'), code: 'service', amountMinor: 30000 }], { commandId: 'credit-again' }))
    .thenNothing();
});

red("a refund's red lines: shared over what is left of the cycle's lines", () => {
  // 100.00 refunded over 315.20 (service) and 150.00 (parking) left: 10000 x 31520 / 46520 = 6775.58 -> 6775,
  // 10000 x 15000 / 46520 = 3224.42 -> 3224; one unit left goes to the larger remainder (.58): 6776 + 3224.
  assert.equal(
    redLinesForRefund(
      [
        { cycleId: cycle('01'), code: 'service', remainingMinor: 31520 },
        { cycleId: cycle('01'), code: 'parking', remainingMinor: 15000 },
      ],
      10000,
    ).map((l) => [l.code, l.amountMinor]),
    [
      ['service', 6776],
      ['parking', 3224],
    ],
  );
  // A refund larger than what is invoiced takes back only what is invoiced.
  assert.equal(
    redLinesForRefund([{ cycleId: cycle('01'), code: 'service', remainingMinor: 5000 }], 9000).map((l) => l.amountMinor),
    [5000],
  );
});

const rules = suite('invoicing rules and what a cycle may be invoiced');
const RULES: InvoicingRules = must(
  decodeInvoicingRulesCommand({
    type: 'SetInvoicingRules',
    commandId: 'rules',
    actor: 'manager-zhao',
    at: '2026-01-01T00:00:00Z',
    rules: {
      issueOn: 'payment',
      rates: [
        { feeCode: 'service', rateBp: 600 },
        { feeCode: 'parking', rateBp: 900 },
      ],
      series: 'FP',
      refundCredit: 'automatic',
    },
  }),
).rules;

rules('the bill net of discounts and adjustments, shared over the invoiced lines', () => {
  // The default bill: service 315.20 + parking 150.00 - discount 25.20 = 440.00.
  // 44000 x 31520 / 46520 = 29812.55 -> 29812; 44000 x 15000 / 46520 = 14187.45 -> 14187; the unit
  // left goes to the larger remainder: service 29813, parking 14187.
  const billed = stateOf(history(bill()));
  const lines = invoiceableLinesOf(billed, RULES)!;
  assert.equal(
    lines.lines.map((l) => [l.code, l.amountMinor, l.taxRateBp]),
    [
      ['service', 29813, 600],
      ['parking', 14187, 900],
    ],
  );
  assert.is(lines.billed.billedMinor, 44000);
  // Adjusted by 10.00: 43000 x 31520 / 46520 = 29134.996 -> 29134; 43000 x 15000 / 46520 = 13865.004 -> 13865;
  // the unit left goes to service (.996): 29135 + 13865 = 43000.
  const adjusted = stateOf(history(bill(), adjust('adj-1', 1000)));
  assert.equal(
    invoiceableLinesOf(adjusted, RULES)!.lines.map((l) => l.amountMinor),
    [29135, 13865],
  );
  // Parking not invoiced: only the service line, and the cap is its share alone.
  const serviceOnly = invoiceableLinesOf(billed, { ...RULES, rates: [RULES.rates[0]!] })!;
  assert.equal(
    serviceOnly.lines.map((l) => l.code),
    ['service'],
  );
  assert.is(serviceOnly.billed.billedMinor, 29813);
  assert.is(invoiceableLinesOf(stateOf([]), RULES), null);
});

rules('set through their own aggregate: audited, the same rules again a duplicate, one rate per fee code', () => {
  const set = (commandId: string, r: Json) =>
    must(
      decodeInvoicingRulesCommand({
        type: 'SetInvoicingRules',
        commandId,
        actor: 'manager-zhao',
        at: at('2026-01-01'),
        rules: r,
        reason: 'tax office',
      }),
    );
  const givenRules = DeciderSpecification.for(invoicingRulesDecider);
  const state = givenRules([]).when(set('rules-1', RULES)).thenState();
  assert.is(state.rules!.series, 'FP');
  assert.is(state.changes[0]!.actor, 'manager-zhao');
  givenRules([{ type: 'InvoicingRulesSet', data: state.changes[0]! }])
    .when(set('rules-2', RULES))
    .thenNothing();
  givenRules([])
    .when(set('rules-3', { ...RULES, rates: [RULES.rates[0], RULES.rates[0]] }))
    .thenFails({ code: 'DUPLICATE_TAX_RATE', feeCode: 'service' });
});

rules('the buyer is kept on the contract and changed by an audited event', () => {
  const opened = contractOf(open());
  const setBuyer = (commandId: string, b: Json) =>
    must(
      decodeContractCommand({
        type: 'SetInvoiceBuyer',
        commandId,
        contractId: 'unit-0301',
        actor: 'clerk-li',
        at: '2026-01-05T09:00:00Z',
        buyer: b,
        reason: 'the tenant asked for a VAT invoice',
      }),
    );
  const d = must(decideContract(setBuyer('buyer-1', buyer), opened));
  assert.is(d.events[0]!.type, 'InvoiceBuyerSet');
  assert.equal((d.events[0]!.data as { buyer: unknown }).buyer, buyer);
  const withBuyer = contractOf(open(), setBuyer('buyer-1', buyer));
  assert.is(withBuyer.invoiceBuyer!.actor, 'clerk-li');
  // The same buyer again changes nothing; another one is a new audited event.
  assert.equal(must(decideContract(setBuyer('buyer-2', buyer), withBuyer)).events, []);
  const moved = must(decideContract(setBuyer('buyer-3', { ...buyer, address: '上海市黄浦区 2 号' }), withBuyer));
  assert.is(moved.events[0]!.type, 'InvoiceBuyerSet');
  // A buyer without a name does not decode.
  assert.ok(
    E.isLeft(
      decodeContractCommand({
        type: 'SetInvoiceBuyer',
        commandId: 'b',
        contractId: 'unit-0301',
        actor: 'a',
        at: '2026-01-05T09:00:00Z',
        buyer: {},
      }),
    ),
  );
});

tax.run();
invoices.run();
red.run();
rules.run();
