// `renewal invoices`: issued and red invoices (numbered without gaps per series and year), by
// contract or period, and a month's amounts and tax per rate for the tax return.
import { daysInMonth, formatTaxRate } from '@renewal-ledger/core';
import { getInvoicesView, type InvoiceDocument, type TaxRateTotals } from '@renewal-ledger/projection-invoices';
import { dateOf, formatOf, idOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { amount, csv, csvAmount, print, printJson, table } from '../output.js';
import { requireContract } from '../lookups.js';
import { readLedger } from '../ledger.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const NAME = 'invoices';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The last day of a month `YYYY-MM`, as a business date. */
const monthEnd = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
};

export const INVOICE_CSV_COLUMNS = [
  'number',
  'official_number',
  'kind',
  'issued_on',
  'contract_id',
  'buyer',
  'buyer_tax_id',
  'original_number',
  'line',
  'cycle_id',
  'code',
  'tax_rate_bp',
  'amount_minor',
  'amount',
  'tax_minor',
  'tax',
  'net_minor',
  'net',
  'currency',
] as const;

/** One CSV row per line, so a spreadsheet sums amounts and tax by rate directly. */
const csvRows = (docs: readonly InvoiceDocument[]) =>
  docs.flatMap((d) =>
    d.lines.map((l, i) => [
      d.number,
      d.officialNumber,
      d.kind,
      d.issuedOn,
      d.contractId,
      d.buyer.name,
      d.buyer.taxId ?? null,
      d.originalNumber,
      i + 1,
      l.cycleId,
      l.code,
      l.taxRateBp,
      l.amountMinor,
      csvAmount(l.amountMinor, d.currency),
      l.taxMinor,
      csvAmount(l.taxMinor, d.currency),
      l.netMinor,
      csvAmount(l.netMinor, d.currency),
      d.currency,
    ]),
  );

const renderInvoices = (docs: readonly InvoiceDocument[]) =>
  docs.length === 0
    ? '  (no invoices)'
    : table(
        ['number', 'official number', 'kind', 'issued on', 'contract', 'buyer', 'cycles', 'amount', 'tax', 'cur', 'corrects'],
        docs.map((d) => [
          d.number,
          d.officialNumber,
          d.kind,
          d.issuedOn,
          d.contractId,
          d.buyer.name,
          String(new Set(d.lines.map((l) => l.cycleId)).size),
          amount(d.amountMinor, d.currency),
          amount(d.taxMinor, d.currency),
          d.currency,
          d.originalNumber ?? '',
        ]),
      );

/** The month's tax per rate, the table `renewal demo` prints too. */
export const renderTaxTotals = (month: string, totals: readonly TaxRateTotals[]): string =>
  `Invoiced in ${month} per tax rate (red invoices netted)\n${
    totals.length === 0
      ? '  (no invoices)'
      : table(
          ['rate', 'cur', 'lines', 'red lines', 'amount with tax', 'net', 'tax'],
          totals.map((t) => [
            formatTaxRate(t.taxRateBp),
            t.currency,
            String(t.blueLines),
            String(t.redLines),
            amount(t.amountMinor, t.currency),
            amount(t.netMinor, t.currency),
            amount(t.taxMinor, t.currency),
          ]),
        )
  }`;

export const invoicesCommand: Command = {
  name: NAME,
  summary: "invoices (fapiao) and red invoices; a month's tax per rate",
  common: true,
  help: `usage: renewal invoices [--contract ID] [--month YYYY-MM | --from DATE --to DATE] [--limit N] [--format table|json|csv]

Issued invoices and red (credit) invoices, numbered without gaps per series and year in the order
they were issued (FP-2026-000001), with the issuer's official number beside. A red invoice's
amounts are negative and name the invoice it corrects. Invoices are issued by renewal demo and by
the invoicing run of @renewal-ledger/renewals (issueInvoices); see docs/invoices.md.

  --contract ID     the contract's invoices
  --month YYYY-MM   the month's invoices and its amounts and tax per rate, red invoices netted:
                    the figures of the tax return
  --from DATE, --to DATE
                    invoices issued on these days (business days, both included)
  --limit N         at most N invoices (default: all with a filter, the latest 20 without)

--format csv writes one row per invoice line (number, rate, amount, tax, net), for a spreadsheet.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      contract: { type: 'string' },
      month: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format);
    const contractId = values.contract === undefined ? undefined : idOf(NAME, '--contract', values.contract);
    const month = values.month;
    if (month !== undefined && !MONTH.test(month))
      throw new UsageError(`--month takes a month as YYYY-MM; got ${JSON.stringify(month)}`, NAME);
    if (month !== undefined && (values.from !== undefined || values.to !== undefined))
      throw new UsageError('--month and --from/--to name a period each: give one', NAME);
    if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together', NAME);
    const from = month !== undefined ? `${month}-01` : values.from === undefined ? undefined : dateOf(NAME, '--from', values.from);
    const to = month !== undefined ? monthEnd(month) : values.to === undefined ? undefined : dateOf(NAME, '--to', values.to);
    if (from !== undefined && to !== undefined && to < from) throw new UsageError(`--to ${to} is before --from ${from}`, NAME);
    const filtered = contractId !== undefined || from !== undefined;
    const limit = values.limit === undefined ? (filtered ? null : 20) : positiveIntOf(NAME, '--limit', values.limit);

    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: readViews('invoices') });
    try {
      await catchUp(session, { only: ['invoices'], required: ['invoices'] });
      const view = getInvoicesView(session.views);
      let docs: InvoiceDocument[];
      if (contractId !== undefined) {
        docs = [...(await view.byContract(contractId))];
        if (from !== undefined && to !== undefined) docs = docs.filter((d) => d.issuedOn >= from && d.issuedOn <= to);
        if (docs.length === 0) await requireContract(session, contractId, (await readLedger(session.store)).today);
      } else if (from !== undefined && to !== undefined) docs = [...(await view.byPeriod(from, to))];
      else docs = [...(await view.list())];
      if (limit !== null && docs.length > limit) docs = docs.slice(-limit);
      const totals = month !== undefined ? await view.taxTotals(month) : null;

      if (format === 'json') printJson({ ...(month !== undefined ? { month, taxTotals: totals } : {}), invoices: docs });
      else if (format === 'csv') print(csv(INVOICE_CSV_COLUMNS, csvRows(docs)));
      else {
        const what =
          contractId !== undefined
            ? `Invoices of contract ${contractId}`
            : from !== undefined
              ? `Invoices issued ${from} to ${to}`
              : docs.length === 1
                ? 'The latest invoice'
                : `The latest ${docs.length} invoices`;
        const parts = [`${what}\n${renderInvoices(docs)}`];
        if (totals && month !== undefined) parts.push(renderTaxTotals(month, totals));
        print(parts.join('\n\n'));
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
