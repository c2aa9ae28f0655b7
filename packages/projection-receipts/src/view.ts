// Reading receipts and refund notes, and a day's takings per channel.
import type { BusinessDate, Instant, Period } from '@renewal-ledger/core';
import { asBigInt, asNumber, asOptionalText, asText, requireLiveView, type SqlExecutor, type SqlRow } from '@renewal-ledger/projections';
import { RECEIPTS, RECEIPTS_PROJECTION } from './projection.js';
import type { ReceiptSeries } from './numbering.js';

export interface ReceiptDocument {
  /** `receipt` for a payment, `refund-note` for a refund. */
  readonly kind: 'receipt' | 'refund-note';
  /** `R-2026-000001` or `RN-2026-000001`. */
  readonly number: string;
  readonly series: ReceiptSeries;
  readonly year: number;
  readonly sequence: number;
  readonly contractId: string;
  readonly cycleId: string;
  readonly period: Period;
  readonly amountMinor: number;
  readonly currency: string;
  /** Receipt: how it was paid. Refund note: the channel of the payment it refunds. */
  readonly channel: string | null;
  readonly reference: string | null;
  /** Taken on paper while systems were down, entered later. */
  readonly offline: boolean;
  /** Who recorded it (the command's actor). */
  readonly cashier: string;
  readonly paymentId: string;
  readonly refundId: string | null;
  /** Refund note: the number of the receipt it refunds. */
  readonly refundsReceipt: string | null;
  /** Refund note: why. */
  readonly reason: string | null;
  /** When the money moved: paid (receipt) or refunded (refund note). Business time. */
  readonly at: Instant;
  readonly recordedAt: Instant;
  /** The cycle's outstanding balance right after this document (negative: owed to the customer). */
  readonly balanceAfterMinor: number;
  readonly globalPosition: bigint;
}

export interface ChannelTakings {
  readonly channel: string;
  readonly currency: string;
  readonly receipts: number;
  readonly takenMinor: number;
  readonly refundNotes: number;
  readonly refundedMinor: number;
  /** taken - refunded. */
  readonly netMinor: number;
}

export interface DayTakings {
  readonly date: string;
  /** `paid-at`: money that moved that day (an offline payment counts on the day it was taken); `recorded-at`: entered that day. */
  readonly basis: 'paid-at' | 'recorded-at';
  readonly channels: readonly ChannelTakings[];
  /** Per currency, all channels. */
  readonly totals: readonly Omit<ChannelTakings, 'channel'>[];
}

export interface ReceiptsView {
  byNumber(number: string): Promise<ReceiptDocument | null>;
  /** Receipts and refund notes of a cycle, in the order they were issued. */
  byCycle(cycleId: string): Promise<readonly ReceiptDocument[]>;
  byContract(contractId: string): Promise<readonly ReceiptDocument[]>;
  /** A page of every document in issue order, after a global position. */
  list(options?: { readonly after?: bigint; readonly limit?: number }): Promise<readonly ReceiptDocument[]>;
  /** A day's takings per channel and currency. Dates are in the projection's time zone (UTC unless configured). */
  takings(date: BusinessDate | string, options?: { readonly basis?: 'paid-at' | 'recorded-at' }): Promise<DayTakings>;
}

const documentOf = (r: SqlRow): ReceiptDocument => ({
  kind: asText(r.kind) as ReceiptDocument['kind'],
  number: asText(r.number),
  series: asText(r.series) as ReceiptSeries,
  year: asNumber(r.year),
  sequence: asNumber(r.sequence),
  contractId: asText(r.contract_id),
  cycleId: asText(r.cycle_id),
  period: { start: asText(r.period_start) as BusinessDate, end: asText(r.period_end) as BusinessDate },
  amountMinor: asNumber(r.amount_minor),
  currency: asText(r.currency),
  channel: asOptionalText(r.channel),
  reference: asOptionalText(r.reference),
  offline: asNumber(r.offline) === 1,
  cashier: asText(r.cashier),
  paymentId: asText(r.payment_id),
  refundId: asOptionalText(r.refund_id),
  refundsReceipt: asOptionalText(r.refunds_receipt),
  reason: asOptionalText(r.reason),
  at: asText(r.at) as Instant,
  recordedAt: asText(r.recorded_at) as Instant,
  balanceAfterMinor: asNumber(r.balance_after_minor),
  globalPosition: asBigInt(r.global_position),
});

export const getReceiptsView = (db: SqlExecutor): ReceiptsView => {
  const ready = () => requireLiveView(db, RECEIPTS_PROJECTION);
  return {
    async byNumber(number) {
      await ready();
      const rows = await db.query(`SELECT * FROM ${RECEIPTS} WHERE number = ?`, [number]);
      return rows[0] ? documentOf(rows[0]) : null;
    },
    async byCycle(cycleId) {
      await ready();
      return (await db.query(`SELECT * FROM ${RECEIPTS} WHERE cycle_id = ? ORDER BY global_position`, [cycleId])).map(documentOf);
    },
    async byContract(contractId) {
      await ready();
      return (await db.query(`SELECT * FROM ${RECEIPTS} WHERE contract_id = ? ORDER BY global_position`, [contractId])).map(documentOf);
    },
    async list(options = {}) {
      await ready();
      const limit = options.limit ?? 1000;
      const rows = await db.query(`SELECT * FROM ${RECEIPTS} WHERE global_position > ? ORDER BY global_position LIMIT ${Math.max(1, Math.floor(limit))}`, [
        options.after ?? -1n,
      ]);
      return rows.map(documentOf);
    },
    async takings(date, options = {}) {
      await ready();
      const basis = options.basis ?? 'paid-at';
      const column = basis === 'paid-at' ? 'at_date' : 'recorded_date';
      const rows = await db.query(
        `SELECT channel, currency, kind, COUNT(*) AS n, SUM(amount_minor) AS amount
           FROM ${RECEIPTS} WHERE ${column} = ? GROUP BY channel, currency, kind ORDER BY channel, currency, kind`,
        [date],
      );
      type Acc = { channel: string; currency: string; receipts: number; takenMinor: number; refundNotes: number; refundedMinor: number; netMinor: number };
      const channels = new Map<string, Acc>();
      const totals = new Map<string, Omit<Acc, 'channel'>>();
      for (const r of rows) {
        const channel = asOptionalText(r.channel) ?? 'unknown';
        const currency = asText(r.currency);
        const key = `${channel}\u0000${currency}`;
        const c = channels.get(key) ?? { channel, currency, receipts: 0, takenMinor: 0, refundNotes: 0, refundedMinor: 0, netMinor: 0 };
        const t = totals.get(currency) ?? { currency, receipts: 0, takenMinor: 0, refundNotes: 0, refundedMinor: 0, netMinor: 0 };
        const n = asNumber(r.n);
        const amount = asNumber(r.amount);
        for (const acc of [c, t]) {
          if (asText(r.kind) === 'receipt') {
            acc.receipts += n;
            acc.takenMinor += amount;
            acc.netMinor += amount;
          } else {
            acc.refundNotes += n;
            acc.refundedMinor += amount;
            acc.netMinor -= amount;
          }
        }
        channels.set(key, c);
        totals.set(currency, t);
      }
      return { date, basis, channels: [...channels.values()], totals: [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)) };
    },
  };
};
