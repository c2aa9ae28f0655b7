// Reading receipts and refund notes, and the documents a day issued per channel (receipts issued:
// documents, not core's takings report, which counts payments; see DayReceipts).
import { takingsTally, type BusinessDate, type ChannelTakings, type Instant, type Period, type TakingKind } from '@renewal-ledger/core';
import {
  asBigInt,
  asExactSum,
  asNumber,
  exactSumSql,
  asOptionalText,
  asText,
  placeholders,
  requireLiveView,
  type SqlExecutor,
  type SqlRow,
} from '@renewal-ledger/projections';
import { RECEIPTS, RECEIPTS_LINES, RECEIPTS_PENDING, RECEIPTS_PROJECTION } from './projection.js';
import type { ReceiptSeries } from './numbering.js';

/** What a document was for: a cycle's payment or refund, or what a lump sum left as credit. */
export interface ReceiptLine {
  readonly kind: 'cycle' | 'credit';
  readonly cycleId: string | null;
  readonly period: Period | null;
  /** The payment on the cycle (a lump sum's part: `<lumpSumId>/<period start>`). */
  readonly paymentId: string | null;
  readonly amountMinor: number;
  /** The cycle's outstanding balance right after this line (null for credit): the principal's. */
  readonly balanceAfterMinor: number | null;
  /** The part of the amount that paid (or gave back) a late fee; absent when none (docs/late-fees.md). */
  readonly lateFeeMinor?: number;
}

export interface ReceiptDocument {
  /** `receipt` for a payment, `refund-note` for a refund, `reversal-note` for a payment that bounced or was charged back. */
  readonly kind: 'receipt' | 'refund-note' | 'reversal-note';
  /** `R-2026-000001`, `RN-2026-000001` or `RV-2026-000001`. */
  readonly number: string;
  readonly series: ReceiptSeries;
  readonly year: number;
  readonly sequence: number;
  readonly contractId: string;
  /** The cycle paid or refunded; null for a lump sum's receipt, whose `lines` name the cycles. */
  readonly cycleId: string | null;
  readonly period: Period | null;
  readonly amountMinor: number;
  readonly currency: string;
  /** Receipt: how it was paid. Refund note: the channel of the payment it refunds. */
  readonly channel: string | null;
  readonly reference: string | null;
  /** Taken on paper while systems were down, entered later. */
  readonly offline: boolean;
  /** Who recorded it (the command's actor). */
  readonly cashier: string;
  /** The payment's id; for a lump sum's receipt, the lump sum's id. */
  readonly paymentId: string;
  /** Refund note: the refund's id; reversal note: the reversal's id. */
  readonly refundId: string | null;
  /** Refund or reversal note: the number of the receipt it refunds or reverses (null: a payment made from credit). */
  readonly refundsReceipt: string | null;
  /** Refund note: why. */
  readonly reason: string | null;
  /** When the money moved: paid (receipt) or refunded (refund note). Business time. */
  readonly at: Instant;
  /** The business day of `at`: its day in the ledger's zone (the takings day). */
  readonly atDate: BusinessDate;
  readonly recordedAt: Instant;
  /** The business day of `recordedAt` (whose year numbers the document). */
  readonly recordedDate: BusinessDate;
  /**
   * The cycle's outstanding balance right after this document (negative: owed to the customer);
   * null for a lump sum's receipt (each line has its cycle's).
   */
  readonly balanceAfterMinor: number | null;
  /**
   * What the money went to: one line for a payment or refund of a cycle; for a lump sum, a line
   * per cycle it paid, oldest due first, and a credit line for the rest.
   */
  readonly lines: readonly ReceiptLine[];
  /** A lump sum's amount not allocated yet (its allocation is pending); 0 otherwise. */
  readonly unallocatedMinor: number;
  readonly globalPosition: bigint;
}

/**
 * The documents a day issued on one channel and their money: sums over cycles, so bigints
 * (docs/projections.md, "Totals"). Counted in documents: a lump sum is one receipt however many
 * cycles it paid, where the takings report (core's ChannelTakings) counts its parts as payments.
 */
export interface ChannelReceipts {
  readonly channel: string;
  readonly currency: string;
  readonly receipts: number;
  readonly takenMinor: bigint;
  readonly refundNotes: number;
  readonly refundedMinor: bigint;
  /** Payments that bounced or were charged back: money that never stayed (reversal notes). */
  readonly reversalNotes: number;
  readonly reversedMinor: bigint;
  /** taken - refunded - reversed. */
  readonly netMinor: bigint;
}

/**
 * Receipts issued on a day per channel, the cashier's day: the money on the receipts, refund notes
 * and reversal notes dated that day (or entered that day). Not the takings report: that counts
 * payments and leaves out refunds of payments made from credit (core's channelTakings).
 */
export interface DayReceipts {
  readonly date: string;
  /** `paid-at`: money that moved that day (an offline payment counts on the day it was taken); `recorded-at`: entered that day. */
  readonly basis: 'paid-at' | 'recorded-at';
  readonly channels: readonly ChannelReceipts[];
  /** Per currency, all channels. */
  readonly totals: readonly Omit<ChannelReceipts, 'channel'>[];
}

/**
 * A refund asked for over its requester's limit and waiting for a second person: no money has
 * moved and no refund note is numbered until it is approved; a rejection or an expiry takes it off.
 */
export interface PendingRefund {
  readonly cycleId: string;
  /** The request's id: the refund's `refundId`. */
  readonly requestId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly paymentId: string;
  /** The receipt the refund would give money back from (null: a payment from credit). */
  readonly refundsReceipt: string | null;
  readonly amountMinor: number;
  readonly reason: string;
  readonly requester: string;
  readonly role: string;
  readonly requestedAt: Instant;
}

export interface ReceiptsView {
  /** Refunds waiting for approval, oldest first; of one contract or one cycle when asked. */
  pendingRefunds(options?: { readonly contractId?: string; readonly cycleId?: string }): Promise<readonly PendingRefund[]>;
  byNumber(number: string): Promise<ReceiptDocument | null>;
  /** Receipts and refund notes of a cycle (a lump sum's receipt too), in the order they were issued. */
  byCycle(cycleId: string): Promise<readonly ReceiptDocument[]>;
  byContract(contractId: string): Promise<readonly ReceiptDocument[]>;
  /** A page of every document in issue order, after a global position. */
  list(options?: { readonly after?: bigint; readonly limit?: number }): Promise<readonly ReceiptDocument[]>;
  /** Receipts issued on a business day (in the ledger's zone) per channel and currency, by the day the money moved or was entered. */
  receiptsIssued(date: BusinessDate | string, options?: { readonly basis?: 'paid-at' | 'recorded-at' }): Promise<DayReceipts>;
}

const KIND_OF_DOCUMENT: Readonly<Record<ReceiptDocument['kind'], TakingKind>> = {
  receipt: 'taken',
  'refund-note': 'refunded',
  'reversal-note': 'reversed',
};

/** A tally's sums in documents' names (the order of a line stays: currency, counts and amounts, net). */
const documentsOfSums = (c: Omit<ChannelTakings, 'channel'>): Omit<ChannelReceipts, 'channel'> => ({
  currency: c.currency,
  receipts: c.payments,
  takenMinor: c.takenMinor,
  refundNotes: c.refunds,
  refundedMinor: c.refundedMinor,
  reversalNotes: c.reversals,
  reversedMinor: c.reversedMinor,
  netMinor: c.netMinor,
});

const periodOf = (start: unknown, end: unknown): Period | null =>
  start === null || start === undefined ? null : { start: asText(start) as BusinessDate, end: asText(end) as BusinessDate };

/** `{ lateFeeMinor }` when the row has a late-fee part, else nothing: documents without late fees keep their shape. */
const lateFeeOf = (r: SqlRow): { lateFeeMinor?: number } =>
  r.late_fee_minor === null || r.late_fee_minor === undefined ? {} : { lateFeeMinor: asNumber(r.late_fee_minor) };

const lineOf = (r: SqlRow): ReceiptLine => ({
  kind: asText(r.kind) as ReceiptLine['kind'],
  cycleId: asOptionalText(r.cycle_id),
  period: periodOf(r.period_start, r.period_end),
  paymentId: asOptionalText(r.payment_id),
  amountMinor: asNumber(r.amount_minor),
  balanceAfterMinor: r.balance_after_minor === null ? null : asNumber(r.balance_after_minor),
  ...lateFeeOf(r),
});

const documentOf = (r: SqlRow, lumpSumLines: ReadonlyMap<string, ReceiptLine[]>): ReceiptDocument => {
  const cycleId = asOptionalText(r.cycle_id);
  const amountMinor = asNumber(r.amount_minor);
  const balanceAfterMinor = r.balance_after_minor === null ? null : asNumber(r.balance_after_minor);
  const period = periodOf(r.period_start, r.period_end);
  const lines: readonly ReceiptLine[] =
    cycleId === null
      ? (lumpSumLines.get(asText(r.number)) ?? [])
      : [{ kind: 'cycle', cycleId, period, paymentId: asText(r.payment_id), amountMinor, balanceAfterMinor, ...lateFeeOf(r) }];
  return {
    kind: asText(r.kind) as ReceiptDocument['kind'],
    number: asText(r.number),
    series: asText(r.series) as ReceiptSeries,
    year: asNumber(r.year),
    sequence: asNumber(r.sequence),
    contractId: asText(r.contract_id),
    cycleId,
    period,
    amountMinor,
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
    atDate: asText(r.at_date) as BusinessDate,
    recordedAt: asText(r.recorded_at) as Instant,
    recordedDate: asText(r.recorded_date) as BusinessDate,
    balanceAfterMinor,
    lines,
    unallocatedMinor: amountMinor - lines.reduce((sum, l) => sum + l.amountMinor, 0),
    globalPosition: asBigInt(r.global_position),
  };
};

/** Documents with their lines: a lump sum's receipts read theirs in one query per 500. */
const documentsOf = async (db: SqlExecutor, rows: readonly SqlRow[]): Promise<ReceiptDocument[]> => {
  const lumpSums = rows.filter((r) => r.cycle_id === null).map((r) => asText(r.number));
  const lines = new Map<string, ReceiptLine[]>();
  for (let i = 0; i < lumpSums.length; i += 500) {
    const chunk = lumpSums.slice(i, i + 500);
    const found = await db.query(
      `SELECT * FROM ${RECEIPTS_LINES} WHERE receipt_number IN (${placeholders(chunk.length)}) ORDER BY receipt_number, line`,
      chunk,
    );
    for (const l of found) {
      const number = asText(l.receipt_number);
      const list = lines.get(number);
      if (list) list.push(lineOf(l));
      else lines.set(number, [lineOf(l)]);
    }
  }
  return rows.map((r) => documentOf(r, lines));
};

export const getReceiptsView = (db: SqlExecutor): ReceiptsView => {
  const ready = () => requireLiveView(db, RECEIPTS_PROJECTION);
  return {
    async pendingRefunds(options = {}) {
      await ready();
      const where = options.cycleId !== undefined ? 'WHERE cycle_id = ?' : options.contractId !== undefined ? 'WHERE contract_id = ?' : '';
      const rows = await db.query(
        `SELECT * FROM ${RECEIPTS_PENDING} ${where} ORDER BY requested_at, cycle_id, request_id`,
        options.cycleId !== undefined ? [options.cycleId] : options.contractId !== undefined ? [options.contractId] : [],
      );
      return rows.map((r) => ({
        cycleId: asText(r.cycle_id),
        requestId: asText(r.request_id),
        contractId: asText(r.contract_id),
        currency: asText(r.currency),
        paymentId: asText(r.payment_id),
        refundsReceipt: asOptionalText(r.refunds_receipt),
        amountMinor: asNumber(r.amount_minor),
        reason: asText(r.reason),
        requester: asText(r.requester),
        role: asText(r.role),
        requestedAt: asText(r.requested_at) as Instant,
      }));
    },
    async byNumber(number) {
      await ready();
      const rows = await db.query(`SELECT * FROM ${RECEIPTS} WHERE number = ?`, [number]);
      return (await documentsOf(db, rows))[0] ?? null;
    },
    async byCycle(cycleId) {
      await ready();
      const rows = await db.query(
        `SELECT * FROM ${RECEIPTS} WHERE cycle_id = ? OR number IN (SELECT receipt_number FROM ${RECEIPTS_LINES} WHERE cycle_id = ?) ORDER BY global_position`,
        [cycleId, cycleId],
      );
      return documentsOf(db, rows);
    },
    async byContract(contractId) {
      await ready();
      return documentsOf(db, await db.query(`SELECT * FROM ${RECEIPTS} WHERE contract_id = ? ORDER BY global_position`, [contractId]));
    },
    async list(options = {}) {
      await ready();
      const limit = options.limit ?? 1000;
      const rows = await db.query(
        `SELECT * FROM ${RECEIPTS} WHERE global_position > ? ORDER BY global_position LIMIT ${Math.max(1, Math.floor(limit))}`,
        [options.after ?? -1n],
      );
      return documentsOf(db, rows);
    },
    async receiptsIssued(date, options = {}) {
      await ready();
      const basis = options.basis ?? 'paid-at';
      const column = basis === 'paid-at' ? 'at_date' : 'recorded_date';
      const rows = await db.query(
        `SELECT channel, currency, kind, COUNT(*) AS n, ${exactSumSql('amount_minor', 'amount')}
           FROM ${RECEIPTS} WHERE ${column} = ? GROUP BY channel, currency, kind`,
        [date],
      );
      // Core's takings tally sums documents as it sums payments: a receipt is money taken, a
      // refund note money refunded, a reversal note money reversed; per channel, and per currency.
      const channels = takingsTally();
      const totals = takingsTally();
      for (const r of rows) {
        const kind = KIND_OF_DOCUMENT[asText(r.kind) as ReceiptDocument['kind']];
        const [currency, n, amount] = [asText(r.currency), asNumber(r.n), asExactSum(r, 'amount')];
        channels.add(kind, asOptionalText(r.channel) ?? 'unknown', currency, n, amount);
        totals.add(kind, '', currency, n, amount);
      }
      return {
        date,
        basis,
        channels: channels.channels().map(({ channel, ...c }) => ({ channel, ...documentsOfSums(c) })),
        totals: totals.channels().map(({ channel: _, ...c }) => documentsOfSums(c)),
      };
    },
  };
};
