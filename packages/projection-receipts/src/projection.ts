// The receipts projection: one receipt per Paid and one refund note per Refunded, numbered in
// global event order (see numbering.ts), with the cycle's balance after each. The balance is
// core's cycleFigures on the cycle's state folded with core's evolveCycle, kept per cycle.
import { cycleFigures, RENEWAL_EVENT_TYPES, type Instant, type PaidData, type RefundedData } from '@renewal-ledger/core';
import {
  asNumber,
  asText,
  cycleIdOf,
  cycleStateToJson,
  defineProjection,
  foldBatch,
  loadCycleStates,
  type Projection,
} from '@renewal-ledger/projections';
import { formatReceiptNumber, localDateOf, type ReceiptSeries } from './numbering.js';

export const RECEIPTS_PROJECTION = 'receipts';
/** Tables readers query (SQL views over the live table set). */
export const RECEIPTS = 'receipts';
export const RECEIPTS_CYCLES = 'receipts_cycles';
export const RECEIPTS_COUNTERS = 'receipts_counters';

export interface ReceiptsProjectionOptions {
  /**
   * The time zone receipt years and takings dates are counted in, as a fixed offset from UTC in
   * minutes (480 for China Standard Time). Default 0: UTC. Part of the projection's definition:
   * changing it on a built view needs a rebuild.
   */
  readonly utcOffsetMinutes?: number;
}

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
  'global_position',
] as const;

export const getReceiptsProjection = (options: ReceiptsProjectionOptions = {}): Projection<'receipts' | 'receipts_cycles' | 'receipts_counters'> => {
  const offset = options.utcOffsetMinutes ?? 0;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) throw new TypeError('utcOffsetMinutes: an integer within ±840');
  return defineProjection({
    name: RECEIPTS_PROJECTION,
    version: 1,
    eventTypes: RENEWAL_EVENT_TYPES,
    tables: [RECEIPTS, RECEIPTS_CYCLES, RECEIPTS_COUNTERS],
    async createTables(tx, t) {
      const r = t.receipts;
      await tx.execute(`CREATE TABLE ${r} (
        number TEXT PRIMARY KEY,
        series TEXT NOT NULL,
        year BIGINT NOT NULL,
        sequence BIGINT NOT NULL,
        kind TEXT NOT NULL,
        cycle_id TEXT NOT NULL,
        contract_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
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
        balance_after_minor BIGINT NOT NULL,
        global_position BIGINT NOT NULL UNIQUE)`);
      await tx.execute(`CREATE INDEX ${r}_cycle ON ${r} (cycle_id, payment_id)`);
      await tx.execute(`CREATE INDEX ${r}_contract ON ${r} (contract_id, global_position)`);
      await tx.execute(`CREATE INDEX ${r}_at_date ON ${r} (at_date)`);
      await tx.execute(`CREATE INDEX ${r}_recorded_date ON ${r} (recorded_date)`);
      await tx.execute(`CREATE TABLE ${t.receipts_cycles} (cycle_id TEXT PRIMARY KEY, state_json TEXT NOT NULL)`);
      await tx.execute(
        `CREATE TABLE ${t.receipts_counters} (series TEXT NOT NULL, year BIGINT NOT NULL, last_sequence BIGINT NOT NULL, PRIMARY KEY (series, year))`,
      );
    },
    async applyBatch(events, tx, t) {
      const states = await loadCycleStates(tx, t.receipts_cycles, events.map(cycleIdOf));
      const counters = new Map<string, number>();
      const next = async (series: ReceiptSeries, year: number): Promise<number> => {
        const key = `${series}-${year}`;
        let last = counters.get(key);
        if (last === undefined) {
          const rows = await tx.query(`SELECT last_sequence FROM ${t.receipts_counters} WHERE series = ? AND year = ?`, [series, year]);
          last = rows[0] ? asNumber(rows[0].last_sequence) : 0;
        }
        counters.set(key, last + 1);
        return last + 1;
      };
      // Documents are inserted in event order, so a refund note finds the receipt it refunds
      // even when both are in this batch.
      const documents: { event: (typeof events)[number]; outstanding: number; state: ReturnType<typeof states.get> }[] = [];
      const touched = foldBatch(states, events, (event, _before, after) => {
        if (event.type === 'Paid' || event.type === 'Refunded') documents.push({ event, outstanding: cycleFigures(after).outstandingMinor, state: after });
      });
      const insert = `INSERT INTO ${t.receipts} (${RECEIPT_COLUMNS.join(', ')}) VALUES (${RECEIPT_COLUMNS.map(() => '?').join(', ')})`;
      for (const { event, outstanding, state } of documents) {
        const bill = state!.bill;
        if (!bill) throw new Error(`${event.type} on cycle ${cycleIdOf(event)}, which has no bill`);
        const recordedAt = event.metadata.recordedAt;
        const year = Number(localDateOf(recordedAt, offset).slice(0, 4));
        const common = {
          cycle_id: bill.cycleId as string,
          contract_id: bill.contractId as string,
          period_start: bill.period.start as string,
          period_end: bill.period.end as string,
          currency: bill.currency as string,
          recorded_at: recordedAt as string,
          recorded_date: localDateOf(recordedAt, offset),
          balance_after_minor: outstanding,
          global_position: event.globalPosition,
        };
        let row: Record<(typeof RECEIPT_COLUMNS)[number], string | number | bigint | null>;
        if (event.type === 'Paid') {
          const d = event.data as PaidData;
          const sequence = await next('R', year);
          row = {
            ...common,
            number: formatReceiptNumber('R', year, sequence),
            series: 'R',
            year,
            sequence,
            kind: 'receipt',
            payment_id: d.paymentId,
            refund_id: null,
            refunds_receipt: null,
            amount_minor: d.amountMinor,
            channel: d.channel,
            reference: d.reference ?? null,
            offline: d.offline ? 1 : 0,
            cashier: d.actor,
            at: d.at,
            at_date: localDateOf(d.at as Instant, offset),
            reason: null,
          };
        } else {
          const d = event.data as RefundedData;
          const refunded = await tx.query(
            `SELECT number, channel FROM ${t.receipts} WHERE cycle_id = ? AND payment_id = ? AND kind = 'receipt'`,
            [common.cycle_id, d.paymentId],
          );
          if (!refunded[0]) throw new Error(`refund ${d.refundId} names payment ${d.paymentId}, which has no receipt in cycle ${common.cycle_id}`);
          const sequence = await next('RN', year);
          row = {
            ...common,
            number: formatReceiptNumber('RN', year, sequence),
            series: 'RN',
            year,
            sequence,
            kind: 'refund-note',
            payment_id: d.paymentId,
            refund_id: d.refundId,
            refunds_receipt: asText(refunded[0].number),
            amount_minor: d.amountMinor,
            channel: refunded[0].channel === null ? null : asText(refunded[0].channel),
            reference: null,
            offline: 0,
            cashier: d.actor,
            at: d.at,
            at_date: localDateOf(d.at as Instant, offset),
            reason: d.reason,
          };
        }
        await tx.execute(insert, RECEIPT_COLUMNS.map((c) => row[c]));
      }
      for (const [key, last] of counters) {
        const dash = key.indexOf('-');
        await tx.execute(
          `INSERT INTO ${t.receipts_counters} (series, year, last_sequence) VALUES (?, ?, ?)
           ON CONFLICT (series, year) DO UPDATE SET last_sequence = excluded.last_sequence`,
          [key.slice(0, dash), Number(key.slice(dash + 1)), last],
        );
      }
      for (const id of touched)
        await tx.execute(
          `INSERT INTO ${t.receipts_cycles} (cycle_id, state_json) VALUES (?, ?) ON CONFLICT (cycle_id) DO UPDATE SET state_json = excluded.state_json`,
          [id, cycleStateToJson(states.get(id)!)],
        );
    },
  });
};

/** The receipts projection numbering in UTC. */
export const receiptsProjection = getReceiptsProjection();
