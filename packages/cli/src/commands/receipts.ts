// `renewal receipts`: receipts and refund notes (numbered without gaps per series and year), a
// day's takings per channel, a contract's or a cycle's documents.
import { businessTimeOf, businessTimeWithOffsetOf, type LedgerZones } from '@renewal-ledger/core';
import { asText } from '@renewal-ledger/projections';
import { getReceiptsView, RECEIPTS, type ReceiptDocument, type DayTakings } from '@renewal-ledger/projection-receipts';
import { dateOf, formatOf, idOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { amount, csv, csvAmount, print, printJson, table } from '../output.js';
import { readLedger } from '../ledger.js';
import { renderTakings } from '../reports.js';
import { requireContract, requireCycle } from '../lookups.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const NAME = 'receipts';

/** A document's row; a lump sum's receipt is followed by a row per allocation line. */
const documentRows = (
  docs: readonly ReceiptDocument[],
  zones: LedgerZones,
  timeOf: (zones: LedgerZones, at: ReceiptDocument['at']) => string,
) =>
  docs.flatMap((d) => {
    const balance = (minor: number | null) => (minor === null ? '' : amount(minor, d.currency));
    return [
      [
        d.number,
        timeOf(zones, d.at),
        d.contractId,
        d.cycleId ??
          `lump sum, ${d.lines.length} line${d.lines.length === 1 ? '' : 's'}${d.unallocatedMinor > 0 ? `, ${amount(d.unallocatedMinor, d.currency)} not allocated yet` : ''}`,
        d.channel ?? '',
        `${d.kind === 'refund-note' ? '-' : ''}${amount(d.amountMinor, d.currency)}`,
        d.currency,
        d.cashier,
        d.offline ? 'offline' : '',
        balance(d.balanceAfterMinor),
      ],
      ...(d.cycleId !== null
        ? []
        : d.lines.map((l) => [
            '',
            '',
            '',
            `  ${l.kind === 'credit' ? 'credit' : l.cycleId}`,
            '',
            amount(l.amountMinor, d.currency),
            '',
            '',
            '',
            balance(l.balanceAfterMinor),
          ])),
    ];
  });

/**
 * Business times in the ledger's zone at each instant. A ledger that has only ever had one zone
 * names it in the header; one that has had more (a change, or UTC before a late opening) shows
 * each time with its offset, so two rows six hours apart never read the same.
 */
const renderDocuments = (docs: readonly ReceiptDocument[], zones: LedgerZones) => {
  if (docs.length === 0) return '  (no receipts)';
  const one = zones.spans.length === 1;
  const header = one ? `at (${zones.spans[0]!.timeZone})` : 'at (local time, offset)';
  return table(
    ['number', header, 'contract', 'cycle', 'channel', 'amount', 'cur', 'cashier', 'offline', 'balance after'],
    documentRows(docs, zones, one ? businessTimeOf : businessTimeWithOffsetOf),
  );
};

export const RECEIPT_CSV_COLUMNS = [
  'number',
  'kind',
  'contract_id',
  'cycle_id',
  'period_start',
  'period_end',
  'amount_minor',
  'amount',
  'currency',
  'channel',
  'reference',
  'offline',
  'cashier',
  'payment_id',
  'refund_id',
  'refunds_receipt',
  'reason',
  'at',
  'recorded_at',
  'balance_after_minor',
  'position',
  'lines',
] as const;

/** A lump sum's allocation in one cell: `unit-0301/2026-01-01=31520;credit=15440`. */
const linesCell = (d: ReceiptDocument) =>
  d.cycleId !== null ? '' : d.lines.map((l) => `${l.kind === 'credit' ? 'credit' : l.cycleId}=${l.amountMinor}`).join(';');

const csvRow = (d: ReceiptDocument) => [
  d.number,
  d.kind,
  d.contractId,
  d.cycleId,
  d.period?.start ?? null,
  d.period?.end ?? null,
  d.amountMinor,
  csvAmount(d.amountMinor, d.currency),
  d.currency,
  d.channel,
  d.reference,
  d.offline,
  d.cashier,
  d.paymentId,
  d.refundId,
  d.refundsReceipt,
  d.reason,
  d.at,
  d.recordedAt,
  d.balanceAfterMinor,
  d.globalPosition.toString(),
  linesCell(d),
];

export const receiptsCommand: Command = {
  name: NAME,
  summary: "receipts and refund notes; a day's takings per channel",
  common: true,
  help: `usage: renewal receipts [--day DATE [--basis paid-at|recorded-at]] [--contract ID] [--cycle ID] [--limit N] [--format table|json|csv]

Receipts (R-2026-000001) and refund notes (RN-2026-000001), numbered without gaps per series and
year in the order they were recorded. A lump sum is one receipt; its lines are the cycles it paid
(oldest due first) and the credit it left. A payment from credit moved no money: no receipt.

  --day DATE        that day's takings per channel and its documents (a business day: in the
                    ledger's time zone, see renewal ledger)
  --basis B         paid-at (default): money taken that day, an offline payment on the day it was
                    taken; recorded-at: entered that day
  --contract ID     the contract's documents
  --cycle ID        the cycle's documents
  --limit N         at most N documents (default: all with a filter, the latest 20 without)

The views are caught up with the store first where they are built (renewal projections rebuild),
else computed in memory for this run; PostgreSQL views this user cannot write are read as they
are when they reach the store's head, else computed in memory too. A --cycle or --contract the store does not hold is exit 1.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      day: { type: 'string' },
      basis: { type: 'string' },
      contract: { type: 'string' },
      cycle: { type: 'string' },
      limit: { type: 'string' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format);
    const day = values.day === undefined ? null : dateOf(NAME, '--day', values.day);
    const basis = values.basis ?? 'paid-at';
    if (basis !== 'paid-at' && basis !== 'recorded-at')
      throw new UsageError(`--basis takes paid-at or recorded-at; got ${JSON.stringify(basis)}`, NAME);
    if (values.basis !== undefined && day === null) throw new UsageError('--basis goes with --day', NAME);
    const cycleId = values.cycle === undefined ? undefined : idOf(NAME, '--cycle', values.cycle);
    const contractId = values.contract === undefined ? undefined : idOf(NAME, '--contract', values.contract);
    const filtered = day !== null || contractId !== undefined || cycleId !== undefined;
    const limit = values.limit === undefined ? (filtered ? null : 20) : positiveIntOf(NAME, '--limit', values.limit);

    const session = await openSession({
      storeUrl: storeUrlOf(values.store),
      views: values.views,
      access: readViews(...(contractId === undefined ? ['receipts'] : ['receipts', 'arrears'])),
    });
    try {
      const ledger = await readLedger(session.store, { daysFromInstants: day !== null });
      await catchUp(session, { only: ['receipts'], required: ['receipts'] });
      const view = getReceiptsView(session.views);
      let takings: DayTakings | null = null;
      let docs: ReceiptDocument[];
      if (cycleId !== undefined) {
        docs = [...(await view.byCycle(cycleId))];
        if (docs.length === 0) await requireCycle(session.store, cycleId);
      } else if (contractId !== undefined) {
        docs = [...(await view.byContract(contractId))];
        if (docs.length === 0) await requireContract(session, contractId, day ?? ledger.today);
      } else if (day !== null) {
        const column = basis === 'paid-at' ? 'at_date' : 'recorded_date';
        const numbers = await session.views.query(`SELECT number FROM ${RECEIPTS} WHERE ${column} = ? ORDER BY global_position`, [day]);
        docs = [];
        for (const r of numbers) docs.push((await view.byNumber(asText(r.number)))!);
      } else {
        // The latest documents, shown oldest first.
        const rows = await session.views.query(`SELECT number FROM ${RECEIPTS} ORDER BY global_position DESC LIMIT ${limit ?? 20}`);
        docs = [];
        for (const r of rows.reverse()) docs.push((await view.byNumber(asText(r.number)))!);
      }
      if (day !== null) {
        takings = await view.takings(day, { basis });
        if (contractId !== undefined || cycleId !== undefined)
          docs = docs.filter((d) => (basis === 'paid-at' ? d.atDate : d.recordedDate) === day);
      }
      if (limit !== null && docs.length > limit) docs = docs.slice(-limit);

      if (format === 'json') printJson({ ...(day ? { day, basis, takings } : {}), documents: docs });
      else if (format === 'csv') print(csv(RECEIPT_CSV_COLUMNS, docs.map(csvRow)));
      else {
        const parts: string[] = [];
        if (takings) {
          const channels = takings.channels.map((c) => ({ ...c }));
          parts.push(
            renderTakings(
              `Takings on ${day} per channel (${basis === 'paid-at' ? 'money taken that day, offline payments included' : 'entered that day'})`,
              channels,
            ),
          );
        }
        const what =
          cycleId !== undefined
            ? `Documents of cycle ${cycleId}`
            : contractId !== undefined
              ? `Documents of contract ${contractId}`
              : day !== null
                ? `Documents of ${day}`
                : docs.length === 1
                  ? 'The latest document'
                  : `The latest ${docs.length} documents`;
        parts.push(`${what}${day && (cycleId || contractId) ? ` on ${day}` : ''}\n${renderDocuments(docs, ledger.zones)}`);
        print(parts.join('\n\n'));
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
