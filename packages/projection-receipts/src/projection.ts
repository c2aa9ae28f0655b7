// The receipts projection: one receipt per receipt of money, one refund note per Refunded and one
// reversal note per PaymentReversed (series RV: the money did not stay, nothing was given back),
// numbered in global event order (see numbering.ts), with the cycle's balance after each.
// - A payment at the counter (a `Paid` of its own) is a receipt for its cycle.
// - A lump sum (`LumpSumReceived` on the contract) is one receipt for the whole amount; its parts
//   (`Paid` with `lumpSumId`, recorded after it) and the rest that became credit
//   (`CreditReceived`) are its allocation lines, in `receipts_lines`.
// - A payment from credit (`Paid` with `creditApplicationId`) moved no money: no receipt (the
//   receipt that brought the credit shows it as a credit line).
// The balance is core's cycleFigures on the cycle's state folded with core's evolveCycle.
// Takings days (`at_date`, `recorded_date`) and the year of a number are business days: the day
// in the ledger's zone, learned from the ledger's settings events as the log is read.
import {
  cycleFigures,
  initialCycleState,
  pendingRequests,
  RENEWAL_EVENT_TYPES,
  type CreditReceivedData,
  businessDayOf,
  type CycleState,
  type Instant,
  type LumpSumReceivedData,
  type PaidData,
  type RecordedEvent,
  type PaymentReversedData,
  type RefundedData,
} from '@renewal-ledger/core';
import {
  asNumber,
  asText,
  createLedgerSettingsTable,
  LEDGER_ZONE_EVENT_TYPES,
  trackLedgerZones,
  cycleIdOf,
  defineProjection,
  insertRows,
  bufferInserts,
  type Projection,
  type SqlExecutor,
  type SqlValue,
  type TableNames,
} from '@renewal-ledger/projections';
import { formatReceiptNumber, type ReceiptSeries } from './numbering.js';

export const RECEIPTS_PROJECTION = 'receipts';
/** Tables readers query (SQL views over the live table set). */
export const RECEIPTS = 'receipts';
export const RECEIPTS_LINES = 'receipts_lines';
export const RECEIPTS_CYCLES = 'receipts_cycles';
export const RECEIPTS_COUNTERS = 'receipts_counters';
export const RECEIPTS_LEDGER = 'receipts_ledger';
/** Refunds asked for and waiting for approval: no note yet, no number (docs/roles-and-approvals.md). */
export const RECEIPTS_PENDING = 'receipts_pending';

/** The base names of the receipts view's tables. */
export type ReceiptsTable = 'receipts' | 'receipts_lines' | 'receipts_counters' | 'receipts_ledger' | 'receipts_pending';

const APPROVAL_EVENTS = new Set(['ApprovalRequested', 'RequestApproved', 'RequestRejected', 'RequestExpired']);
const PENDING_COLUMNS = [
  'cycle_id',
  'request_id',
  'contract_id',
  'currency',
  'payment_id',
  'refunds_receipt',
  'amount_minor',
  'reason',
  'requester',
  'role',
  'requested_at',
] as const;

const RECEIPT_COLUMNS = [
  'number',
  'series',
  'year',
  'sequence',
  'kind',
  'cycle_id',
  'contract_id',
  'period_start',
  'period_end',
  'payment_id',
  'refund_id',
  'refunds_receipt',
  'amount_minor',
  'currency',
  'channel',
  'reference',
  'offline',
  'cashier',
  'at',
  'at_date',
  'recorded_at',
  'recorded_date',
  'reason',
  'balance_after_minor',
  'late_fee_minor',
  'global_position',
] as const;
type ReceiptRow = Record<(typeof RECEIPT_COLUMNS)[number], SqlValue>;

const LINE_COLUMNS = [
  'receipt_number',
  'line',
  'kind',
  'cycle_id',
  'period_start',
  'period_end',
  'payment_id',
  'amount_minor',
  'balance_after_minor',
  'late_fee_minor',
  'global_position',
] as const;
type LineRow = Record<(typeof LINE_COLUMNS)[number], SqlValue>;

const isContractEvent = (e: RecordedEvent) => e.type === 'LumpSumReceived' || e.type === 'CreditReceived';

const createTables = async (tx: SqlExecutor, t: TableNames<ReceiptsTable>) => {
  const r = t.receipts;
  // A lump sum's receipt has no cycle (nor period, nor balance): its lines have them.
  await tx.execute(`CREATE TABLE ${r} (
    number TEXT PRIMARY KEY,
    series TEXT NOT NULL,
    year BIGINT NOT NULL,
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    cycle_id TEXT,
    contract_id TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    payment_id TEXT NOT NULL,
    refund_id TEXT,
    refunds_receipt TEXT,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    channel TEXT,
    reference TEXT,
    offline BIGINT NOT NULL,
    cashier TEXT NOT NULL,
    at TEXT NOT NULL,
    at_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_date TEXT NOT NULL,
    reason TEXT,
    balance_after_minor BIGINT,
    late_fee_minor BIGINT,
    global_position BIGINT NOT NULL UNIQUE)`);
  await tx.execute(`CREATE INDEX ${r}_cycle ON ${r} (cycle_id, payment_id)`);
  await tx.execute(`CREATE INDEX ${r}_contract ON ${r} (contract_id, global_position)`);
  await tx.execute(`CREATE INDEX ${r}_at_date ON ${r} (at_date)`);
  await tx.execute(`CREATE INDEX ${r}_recorded_date ON ${r} (recorded_date)`);
  const l = t.receipts_lines;
  await tx.execute(`CREATE TABLE ${l} (
    receipt_number TEXT NOT NULL,
    line BIGINT NOT NULL,
    kind TEXT NOT NULL,
    cycle_id TEXT,
    period_start TEXT,
    period_end TEXT,
    payment_id TEXT,
    amount_minor BIGINT NOT NULL,
    balance_after_minor BIGINT,
    late_fee_minor BIGINT,
    global_position BIGINT NOT NULL UNIQUE,
    PRIMARY KEY (receipt_number, line))`);
  await tx.execute(`CREATE INDEX ${l}_cycle ON ${l} (cycle_id, payment_id)`);
  await tx.execute(
    `CREATE TABLE ${t.receipts_counters} (series TEXT NOT NULL, year BIGINT NOT NULL, last_sequence BIGINT NOT NULL, PRIMARY KEY (series, year))`,
  );
  await createLedgerSettingsTable(tx, t.receipts_ledger);
  await tx.execute(`CREATE TABLE ${t.receipts_pending} (
    cycle_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    refunds_receipt TEXT,
    amount_minor BIGINT NOT NULL,
    reason TEXT NOT NULL,
    requester TEXT NOT NULL,
    role TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    PRIMARY KEY (cycle_id, request_id))`);
  await tx.execute(`CREATE INDEX ${t.receipts_pending}_contract ON ${t.receipts_pending} (contract_id)`);
};

export const getReceiptsProjection = (): Projection<ReceiptsTable> =>
  defineProjection({
    name: RECEIPTS_PROJECTION,
    // 2: lump sums became one receipt with allocation lines; payments from credit, no receipt.
    // 3: days and number years in the ledger's zone.
    // 4: zone changeovers that never recount a day, the opening a change from UTC (business-days.ts).
    // 5: the late-fee part of a payment or refund (late_fee_minor); the balance is the principal's.
    // 6: refunds waiting for approval (receipts_pending).
    // 7: cycle states in the compact row (createCycleStateTable), not JSON.
    // 8: receipts_cycles is the runner's shared cycle-state set, no longer a table of the view's own.
    version: 8,
    eventTypes: [...RENEWAL_EVENT_TYPES, 'LumpSumReceived', 'CreditReceived', ...LEDGER_ZONE_EVENT_TYPES],
    tables: [RECEIPTS, RECEIPTS_LINES, RECEIPTS_COUNTERS, RECEIPTS_LEDGER, RECEIPTS_PENDING],
    cycleStates: RECEIPTS_CYCLES,
    createTables,
    async applyBatch(events, tx, t, cycles) {
      const ledger = await trackLedgerZones(tx, t.receipts_ledger);
      const states = cycles.load(events.filter((e) => !isContractEvent(e) && !LEDGER_ZONE_EVENT_TYPES.includes(e.type)).map(cycleIdOf));
      // Receipts and lines are queued and written many to a statement; a query flushes them first.
      const w = bufferInserts(tx);

      /** The columns of a receipt for money received: a payment of its own, or a lump sum. */
      const moneyReceived = (
        paymentId: string,
        d: { amountMinor: number; channel: string; reference?: string; offline?: boolean; actor: string; at: Instant },
      ) => ({
        kind: 'receipt',
        payment_id: paymentId,
        refund_id: null,
        refunds_receipt: null,
        amount_minor: d.amountMinor,
        channel: d.channel,
        reference: d.reference ?? null,
        offline: d.offline ? 1 : 0,
        cashier: d.actor,
        at: d.at,
        at_date: businessDayOf(ledger.zones, d.at),
        reason: null,
      });

      const counters = new Map<string, number>();
      const next = async (series: ReceiptSeries, year: number): Promise<number> => {
        const key = `${series}-${year}`;
        let last = counters.get(key);
        if (last === undefined) {
          const rows = await w.query(`SELECT last_sequence FROM ${t.receipts_counters} WHERE series = ? AND year = ?`, [series, year]);
          last = rows[0] ? asNumber(rows[0].last_sequence) : 0;
        }
        counters.set(key, last + 1);
        return last + 1;
      };

      // A lump sum's receipt by contract and lump sum id, with its number of lines so far; the
      // parts usually come in the same batch, but a pending allocation may finish much later.
      const lumpReceipts = new Map<string, { number: string; lines: number }>();
      const lumpReceipt = async (contractId: string, lumpSumId: string) => {
        const key = `${contractId}\u0000${lumpSumId}`;
        let found = lumpReceipts.get(key);
        if (!found) {
          const rows = await w.query(
            `SELECT number, (SELECT COUNT(*) FROM ${t.receipts_lines} l WHERE l.receipt_number = r.number) AS lines
               FROM ${t.receipts} r WHERE contract_id = ? AND payment_id = ? AND kind = 'receipt' AND cycle_id IS NULL`,
            [contractId, lumpSumId],
          );
          if (!rows[0]) return null;
          found = { number: asText(rows[0].number), lines: asNumber(rows[0].lines) };
          lumpReceipts.set(key, found);
        }
        return found;
      };
      const addLine = async (receipt: { number: string; lines: number }, line: Omit<LineRow, 'receipt_number' | 'line'>) => {
        receipt.lines++;
        const row: LineRow = { receipt_number: receipt.number, line: receipt.lines, ...line };
        w.insert(
          t.receipts_lines,
          LINE_COLUMNS,
          LINE_COLUMNS.map((c) => row[c]),
        );
      };

      const issue = async (
        event: RecordedEvent,
        series: ReceiptSeries,
        row: Omit<ReceiptRow, 'number' | 'series' | 'year' | 'sequence' | 'recorded_at' | 'recorded_date' | 'global_position'>,
      ) => {
        const recordedAt = event.metadata.recordedAt;
        const recordedDate = businessDayOf(ledger.zones, recordedAt);
        const year = Number(recordedDate.slice(0, 4));
        const sequence = await next(series, year);
        const number = formatReceiptNumber(series, year, sequence);
        const full: ReceiptRow = {
          ...row,
          number,
          series,
          year,
          sequence,
          recorded_at: recordedAt,
          recorded_date: recordedDate,
          global_position: event.globalPosition,
        };
        w.insert(
          t.receipts,
          RECEIPT_COLUMNS,
          RECEIPT_COLUMNS.map((c) => full[c]),
        );
        return number;
      };

      // Documents are issued in event order, so a refund note finds the receipt it refunds and a
      // part finds its lump sum's receipt even when both are in this batch.
      for (const event of events) {
        if (ledger.apply(event)) continue;
        if (event.type === 'LumpSumReceived') {
          const d = event.data as LumpSumReceivedData;
          const number = await issue(event, 'R', {
            ...moneyReceived(d.lumpSumId, d),
            cycle_id: null,
            contract_id: d.contractId,
            period_start: null,
            period_end: null,
            currency: d.currency,
            balance_after_minor: null,
            late_fee_minor: null,
          });
          lumpReceipts.set(`${d.contractId}\u0000${d.lumpSumId}`, { number, lines: 0 });
          continue;
        }
        if (event.type === 'CreditReceived') {
          const d = event.data as CreditReceivedData;
          const receipt = await lumpReceipt(d.contractId, d.lumpSumId);
          if (!receipt) throw new Error(`credit from lump sum ${d.lumpSumId} of contract ${d.contractId}, which has no receipt`);
          await addLine(receipt, {
            kind: 'credit',
            cycle_id: null,
            period_start: null,
            period_end: null,
            payment_id: null,
            amount_minor: d.amountMinor,
            balance_after_minor: null,
            late_fee_minor: null,
            global_position: event.globalPosition,
          });
          continue;
        }

        const cycleId = cycleIdOf(event);
        const before: CycleState = states.get(cycleId) ?? initialCycleState();
        cycles.fold(states, [event]);
        const after = states.get(cycleId)!;
        if (event.type !== 'Paid' && event.type !== 'Refunded' && event.type !== 'PaymentReversed') continue;
        const bill = after.bill;
        if (!bill) throw new Error(`${event.type} on cycle ${cycleId}, which has no bill`);
        const forCycle = {
          cycle_id: bill.cycleId as string,
          contract_id: bill.contractId as string,
          period_start: bill.period.start as string,
          period_end: bill.period.end as string,
          currency: bill.currency as string,
          balance_after_minor: cycleFigures(after).outstandingMinor,
        };

        if (event.type === 'Paid') {
          const d = event.data as PaidData;
          if (d.creditApplicationId !== undefined) continue;
          const receipt = d.lumpSumId === undefined ? null : await lumpReceipt(forCycle.contract_id, d.lumpSumId);
          if (receipt) {
            await addLine(receipt, {
              kind: 'cycle',
              cycle_id: forCycle.cycle_id,
              period_start: forCycle.period_start,
              period_end: forCycle.period_end,
              payment_id: d.paymentId,
              amount_minor: d.amountMinor,
              balance_after_minor: forCycle.balance_after_minor,
              late_fee_minor: d.lateFeeMinor ?? null,
              global_position: event.globalPosition,
            });
            continue;
          }
          // A payment of its own (or a part whose lump sum was never recorded on a contract).
          await issue(event, 'R', { ...forCycle, ...moneyReceived(d.paymentId, d), late_fee_minor: d.lateFeeMinor ?? null });
        } else if (event.type === 'PaymentReversed') {
          const d = event.data as PaymentReversedData;
          const payment = before.payments.find((p) => p.paymentId === d.paymentId);
          await issue(event, 'RV', {
            ...forCycle,
            kind: 'reversal-note',
            payment_id: d.paymentId,
            refund_id: d.reversalId,
            refunds_receipt: await refundedReceipt(w, t, forCycle.cycle_id, d.paymentId),
            amount_minor: d.amountMinor,
            channel: payment?.channel ?? null,
            reference: d.reference ?? null,
            offline: 0,
            cashier: d.actor,
            at: d.at,
            at_date: businessDayOf(ledger.zones, d.at),
            reason: d.reason,
            late_fee_minor: d.lateFeeMinor ?? null,
          });
        } else {
          const d = event.data as RefundedData;
          const payment = before.payments.find((p) => p.paymentId === d.paymentId);
          await issue(event, 'RN', {
            ...forCycle,
            kind: 'refund-note',
            payment_id: d.paymentId,
            refund_id: d.refundId,
            refunds_receipt: await refundedReceipt(w, t, forCycle.cycle_id, d.paymentId),
            amount_minor: d.amountMinor,
            channel: payment?.channel ?? null,
            reference: null,
            offline: 0,
            cashier: d.actor,
            at: d.at,
            at_date: businessDayOf(ledger.zones, d.at),
            reason: d.reason,
            late_fee_minor: d.lateFeeMinor ?? null,
          });
        }
      }

      await w.flush();
      for (const [key, last] of counters) {
        const dash = key.indexOf('-');
        await tx.execute(
          `INSERT INTO ${t.receipts_counters} (series, year, last_sequence) VALUES (?, ?, ?)
           ON CONFLICT (series, year) DO UPDATE SET last_sequence = excluded.last_sequence`,
          [key.slice(0, dash), Number(key.slice(dash + 1)), last],
        );
      }
      // Refunds waiting for approval: rewritten from the state for the few cycles whose requests
      // changed. An approved one leaves the list in the batch that numbers its refund note.
      const asked = [...new Set(events.filter((e) => APPROVAL_EVENTS.has(e.type)).map(cycleIdOf))];
      if (asked.length > 0) {
        await tx.execute(`DELETE FROM ${t.receipts_pending} WHERE cycle_id IN (${asked.map(() => '?').join(', ')})`, asked);
        const rows: SqlValue[][] = [];
        for (const id of asked) {
          const state = states.get(id)!;
          if (!state.bill) continue;
          for (const r of pendingRequests(state)) {
            if (r.kind !== 'Refund' || r.paymentId === undefined) continue;
            rows.push([
              id,
              r.requestId,
              state.bill.contractId,
              state.bill.currency,
              r.paymentId,
              await refundedReceipt(tx, t, id, r.paymentId),
              r.amountMinor,
              r.reason,
              r.actor,
              r.role,
              r.at,
            ]);
          }
        }
        await insertRows(tx, t.receipts_pending, PENDING_COLUMNS, rows);
      }
      await ledger.save();
    },
  });

/**
 * The receipt a refund gives money back from: the payment's own receipt, or the lump sum's that
 * the payment was a line of; none for a payment from credit.
 */
const refundedReceipt = async (
  tx: SqlExecutor,
  t: TableNames<ReceiptsTable>,
  cycleId: string,
  paymentId: string,
): Promise<string | null> => {
  const own = await tx.query(`SELECT number FROM ${t.receipts} WHERE cycle_id = ? AND payment_id = ? AND kind = 'receipt'`, [
    cycleId,
    paymentId,
  ]);
  if (own[0]) return asText(own[0].number);
  const line = await tx.query(`SELECT receipt_number FROM ${t.receipts_lines} WHERE cycle_id = ? AND payment_id = ?`, [cycleId, paymentId]);
  return line[0] ? asText(line[0].receipt_number) : null;
};

/** The receipts projection (days and years in the ledger's zone). */
export const receiptsProjection = getReceiptsProjection();
