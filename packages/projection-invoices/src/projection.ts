// The invoices projection: one row per issued invoice (blue or red), numbered in global event
// order (numbering.ts), with its lines; red rows and lines carry negative amounts, so a month's
// sums per tax rate net them. Only issued invoices are documents: one asked for, refused or
// cancelled is not in the view.
import type { InvoiceIssuedData, InvoicingRulesSetData, RecordedEvent } from '@renewal-ledger/core';
import {
  asNumber,
  asOptionalText,
  defineProjection,
  insertRows,
  type Projection,
  type SqlExecutor,
  type TableNames,
} from '@renewal-ledger/projections';
import { formatInvoiceNumber } from './numbering.js';

export const INVOICES_PROJECTION = 'invoices';
/** Tables readers query (SQL views over the live table set). */
export const INVOICES = 'invoices';
export const INVOICES_LINES = 'invoices_lines';
export const INVOICES_COUNTERS = 'invoices_counters';
export const INVOICES_SETTINGS = 'invoices_settings';

/** The base names of the invoices view's tables. */
export type InvoicesTable = 'invoices' | 'invoices_lines' | 'invoices_counters' | 'invoices_settings';

/** The series numbers are in before any invoicing rules are read (never, in practice: issuing needs them). */
export const DEFAULT_INVOICE_SERIES = 'INV';

const INVOICE_COLUMNS = [
  'number',
  'series',
  'year',
  'sequence',
  'official_number',
  'kind',
  'invoice_id',
  'contract_id',
  'original_invoice_id',
  'original_number',
  'currency',
  'buyer_name',
  'buyer_tax_id',
  'buyer_json',
  'amount_minor',
  'tax_minor',
  'issued_on',
  'issued_month',
  'issuer',
  'actor',
  'at',
  'recorded_at',
  'global_position',
] as const;
const LINE_COLUMNS = [
  'number',
  'line',
  'contract_id',
  'cycle_id',
  'code',
  'description',
  'amount_minor',
  'tax_rate_bp',
  'tax_minor',
  'net_minor',
  'currency',
  'issued_month',
  'global_position',
] as const;

const createTables = async (tx: SqlExecutor, t: TableNames<InvoicesTable>) => {
  const i = t.invoices;
  await tx.execute(`CREATE TABLE ${i} (
    number TEXT PRIMARY KEY,
    series TEXT NOT NULL,
    year BIGINT NOT NULL,
    sequence BIGINT NOT NULL,
    official_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    original_invoice_id TEXT,
    original_number TEXT,
    currency TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_tax_id TEXT,
    buyer_json TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_month TEXT NOT NULL,
    issuer TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    global_position BIGINT NOT NULL UNIQUE,
    UNIQUE (contract_id, invoice_id))`);
  await tx.execute(`CREATE INDEX ${i}_contract ON ${i} (contract_id, global_position)`);
  await tx.execute(`CREATE INDEX ${i}_issued_on ON ${i} (issued_on)`);
  const l = t.invoices_lines;
  await tx.execute(`CREATE TABLE ${l} (
    number TEXT NOT NULL,
    line BIGINT NOT NULL,
    contract_id TEXT NOT NULL,
    cycle_id TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    tax_rate_bp BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    net_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    issued_month TEXT NOT NULL,
    global_position BIGINT NOT NULL,
    PRIMARY KEY (number, line))`);
  await tx.execute(`CREATE INDEX ${l}_cycle ON ${l} (cycle_id)`);
  await tx.execute(`CREATE INDEX ${l}_month ON ${l} (issued_month, currency, tax_rate_bp)`);
  await tx.execute(
    `CREATE TABLE ${t.invoices_counters} (series TEXT NOT NULL, year BIGINT NOT NULL, last_sequence BIGINT NOT NULL, PRIMARY KEY (series, year))`,
  );
  await tx.execute(`CREATE TABLE ${t.invoices_settings} (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
};

export const getInvoicesProjection = (): Projection<InvoicesTable> =>
  defineProjection({
    name: INVOICES_PROJECTION,
    version: 1,
    eventTypes: ['InvoiceIssued', 'InvoicingRulesSet'],
    tables: [INVOICES, INVOICES_LINES, INVOICES_COUNTERS, INVOICES_SETTINGS],
    createTables,
    async applyBatch(events: readonly RecordedEvent[], tx, t) {
      const settings = await tx.query(`SELECT value FROM ${t.invoices_settings} WHERE name = 'series'`);
      let series = asOptionalText(settings[0]?.value) ?? DEFAULT_INVOICE_SERIES;
      let seriesChanged = false;
      const counters = new Map<string, { series: string; year: number; last: number }>();
      const next = async (year: number): Promise<number> => {
        const key = `${series}\u0000${year}`;
        let c = counters.get(key);
        if (!c) {
          const rows = await tx.query(`SELECT last_sequence FROM ${t.invoices_counters} WHERE series = ? AND year = ?`, [series, year]);
          c = { series, year, last: rows[0] ? asNumber(rows[0].last_sequence) : 0 };
          counters.set(key, c);
        }
        c.last++;
        return c.last;
      };
      // The ledger numbers of the blue invoices issued in this batch, for red ones that follow them.
      const numbers = new Map<string, string>();
      const numberOf = async (contractId: string, invoiceId: string): Promise<string | null> => {
        const key = `${contractId}\u0000${invoiceId}`;
        const known = numbers.get(key);
        if (known) return known;
        const rows = await tx.query(`SELECT number FROM ${t.invoices} WHERE contract_id = ? AND invoice_id = ?`, [contractId, invoiceId]);
        return asOptionalText(rows[0]?.number);
      };

      for (const event of events) {
        if (event.type === 'InvoicingRulesSet') {
          series = (event.data as InvoicingRulesSetData).rules.series;
          seriesChanged = true;
          continue;
        }
        const d = event.data as InvoiceIssuedData;
        const year = Number(d.issuedOn.slice(0, 4));
        const sequence = await next(year);
        const number = formatInvoiceNumber(series, year, sequence);
        numbers.set(`${d.contractId}\u0000${d.invoiceId}`, number);
        const sign = d.kind === 'red' ? -1 : 1;
        const month = d.issuedOn.slice(0, 7);
        const row: Record<(typeof INVOICE_COLUMNS)[number], string | number | bigint | null> = {
          number,
          series,
          year,
          sequence,
          official_number: d.officialNumber,
          kind: d.kind,
          invoice_id: d.invoiceId,
          contract_id: d.contractId,
          original_invoice_id: d.originalInvoiceId ?? null,
          original_number: d.originalInvoiceId === undefined ? null : await numberOf(d.contractId, d.originalInvoiceId),
          currency: d.currency,
          buyer_name: d.buyer.name,
          buyer_tax_id: d.buyer.taxId ?? null,
          buyer_json: JSON.stringify(d.buyer),
          amount_minor: sign * d.amountMinor,
          tax_minor: sign * d.taxMinor,
          issued_on: d.issuedOn,
          issued_month: month,
          issuer: d.issuer,
          actor: d.actor,
          at: d.at,
          recorded_at: event.metadata.recordedAt,
          global_position: event.globalPosition,
        };
        await insertRows(tx, t.invoices, INVOICE_COLUMNS, [INVOICE_COLUMNS.map((c) => row[c])]);
        await insertRows(
          tx,
          t.invoices_lines,
          LINE_COLUMNS,
          d.lines.map((l, i) => [
            number,
            i + 1,
            d.contractId,
            l.cycleId,
            l.code,
            l.description,
            sign * l.amountMinor,
            l.taxRateBp,
            sign * l.taxMinor,
            sign * l.netMinor,
            d.currency,
            month,
            event.globalPosition,
          ]),
        );
      }

      for (const c of counters.values())
        await tx.execute(
          `INSERT INTO ${t.invoices_counters} (series, year, last_sequence) VALUES (?, ?, ?)
           ON CONFLICT (series, year) DO UPDATE SET last_sequence = excluded.last_sequence`,
          [c.series, c.year, c.last],
        );
      if (seriesChanged)
        await tx.execute(
          `INSERT INTO ${t.invoices_settings} (name, value) VALUES ('series', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
          [series],
        );
    },
  });

/** The invoices projection. */
export const invoicesProjection = getInvoicesProjection();
