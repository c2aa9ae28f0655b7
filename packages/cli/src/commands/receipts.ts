// `renewal receipts`: receipts and refund notes (numbered without gaps per series and year), a
// day's receipts issued per channel, a contract's or a cycle's documents.
import { businessTimeOf, businessTimeWithOffsetOf, type LedgerZones } from '@renewal-ledger/core';
import { asText } from '@renewal-ledger/projections';
import { getReceiptsView, RECEIPTS, type ReceiptDocument, type DayReceipts, type PendingRefund } from '@renewal-ledger/projection-receipts';
import { dateOf, formatOf, idOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { amount, csv, csvAmount, print, printJson, table } from '../output.js';
import { readLedger } from '../ledger.js';
import { renderReceiptsIssued } from '../reports.js';
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
    // The part of the money that paid (or gave back) a late fee: the balance is the principal's.
    const lateFee = (minor: number | undefined) => (minor === undefined ? '' : amount(minor, d.currency));
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
        lateFee(d.lines.length === 1 && d.cycleId !== null ? d.lines[0]!.lateFeeMinor : undefined),
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
            lateFee(l.lateFeeMinor),
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
    ['number', header, 'contract', 'cycle', 'channel', 'amount', 'cur', 'cashier', 'offline', 'late fee', 'balance after'],
    documentRows(docs, zones, one ? businessTimeOf : businessTimeWithOffsetOf),
  );
};

/** Refunds asked for over the requester's limit: no note until a manager approves (docs/roles-and-approvals.md). */
const renderPending = (pending: readonly PendingRefund[], zones: LedgerZones) =>
  pending.length === 0
    ? '  (no refunds waiting for approval)'
    : table(
        ['request', 'asked at', 'contract', 'cycle', 'refunds', 'amount', 'cur', 'asked by', 'reason'],
        pending.map((p) => [
          p.requestId,
          businessTimeWithOffsetOf(zones, p.requestedAt),
          p.contractId,
          p.cycleId,
          p.refundsReceipt ?? '',
          `-${amount(p.amountMinor, p.currency)}`,
          p.currency,
          `${p.requester} (${p.role})`,
          p.reason,
        ]),
      );

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
  'late_fee_minor',
  'lines',
] as const;

const PENDING_CSV_COLUMNS = [
  'request_id',
  'requested_at',
  'contract_id',
  'cycle_id',
  'refunds_receipt',
  'payment_id',
  'amount_minor',
  'amount',
  'currency',
  'requester',
  'role',
  'reason',
] as const;
const pendingCsvRow = (p: PendingRefund) => [
  p.requestId,
  p.requestedAt,
  p.contractId,
  p.cycleId,
  p.refundsReceipt,
  p.paymentId,
  p.amountMinor,
  csvAmount(p.amountMinor, p.currency),
  p.currency,
  p.requester,
  p.role,
  p.reason,
];

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
  // A lump sum's late-fee parts are its lines' (JSON has them line by line).
  d.lines.some((l) => l.lateFeeMinor !== undefined) ? d.lines.reduce((sum, l) => sum + (l.lateFeeMinor ?? 0), 0) : null,
  linesCell(d),
];

export const receiptsCommand: Command = {
  name: NAME,
  summary: 'receipts and refund notes; the receipts a day issued per channel',
  common: true,
  help: `usage: renewal receipts [--day DATE [--basis paid-at|recorded-at]] [--contract ID] [--cycle ID] [--limit N] [--pending] [--format table|json|csv]

Receipts (R-2026-000001) and refund notes (RN-2026-000001), numbered without gaps per series and
year in the order they were recorded. A lump sum is one receipt; its lines are the cycles it paid
(oldest due first) and the credit it left. A payment from credit moved no money: no receipt.

  --day DATE        the receipts, refund notes and reversal notes that day issued per channel,
                    and the documents (a business day: in the ledger's time zone, see renewal
                    ledger). Counted in documents (a lump sum is one receipt); the takings
                    report, counted in payments over any days, is renewal behaviour's
  --basis B         paid-at (default): money taken that day, an offline payment on the day it was
                    taken; recorded-at: entered that day
  --contract ID     the contract's documents
  --cycle ID        the cycle's documents
  --limit N         at most N documents (default: all with a filter, the latest 20 without)
  --pending         only the refunds waiting for approval (of the --contract or --cycle): asked
                    over the requester's limit, no refund note until a manager approves them

Refunds waiting for approval are listed after the documents (of the --contract or --cycle when
given; JSON: pendingRefunds); an approved one becomes its refund note, a rejected or expired one
leaves the list with nothing numbered.

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
      pending: { type: 'boolean' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format);
    const day = values.day === undefined ? null : dateOf(NAME, '--day', values.day);
    const basis = values.basis ?? 'paid-at';
    if (basis !== 'paid-at' && basis !== 'recorded-at')
      throw new UsageError(`--basis takes paid-at or recorded-at; got ${JSON.stringify(basis)}`, NAME);
    if (values.basis !== undefined && day === null) throw new UsageError('--basis goes with --day', NAME);
    if (values.pending && (day !== null || values.limit !== undefined))
      throw new UsageError('--pending lists every refund waiting for approval: it takes --contract or --cycle, not --day or --limit', NAME);
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
      const pendingRefunds = await view.pendingRefunds(
        cycleId !== undefined ? { cycleId } : contractId !== undefined ? { contractId } : {},
      );
      if (values.pending) {
        if (pendingRefunds.length === 0) {
          if (cycleId !== undefined) await requireCycle(session.store, cycleId);
          else if (contractId !== undefined) await requireContract(session, contractId, ledger.today);
        }
        if (format === 'json') printJson({ pendingRefunds });
        else if (format === 'csv') print(csv(PENDING_CSV_COLUMNS, pendingRefunds.map(pendingCsvRow)));
        else print(`Refunds waiting for approval\n${renderPending(pendingRefunds, ledger.zones)}`);
        return 0;
      }
      let issued: DayReceipts | null = null;
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
        issued = await view.receiptsIssued(day, { basis });
        if (contractId !== undefined || cycleId !== undefined)
          docs = docs.filter((d) => (basis === 'paid-at' ? d.atDate : d.recordedDate) === day);
      }
      if (limit !== null && docs.length > limit) docs = docs.slice(-limit);

      // A day's documents are what moved that day; a pending refund has not moved yet.
      const shownPending = day === null ? pendingRefunds : [];
      if (format === 'json')
        printJson({
          // Under `takings`, the key it always had: scripts read it there.
          ...(day ? { day, basis, takings: issued } : {}),
          documents: docs,
          ...(shownPending.length > 0 ? { pendingRefunds: shownPending } : {}),
        });
      else if (format === 'csv') print(csv(RECEIPT_CSV_COLUMNS, docs.map(csvRow)));
      else {
        const parts: string[] = [];
        if (issued)
          parts.push(
            renderReceiptsIssued(
              `Receipts issued on ${day} per channel (${basis === 'paid-at' ? 'money taken that day, offline payments included' : 'entered that day'})`,
              issued.channels,
            ),
          );
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
        if (shownPending.length > 0)
          parts.push(`Refunds waiting for approval (no note until approved)\n${renderPending(shownPending, ledger.zones)}`);
        print(parts.join('\n\n'));
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
