// The ledger's side of a reconciliation: the money it recorded through one channel over the
// statement's days (and a month either side, for references), read once from the store. Memory grows with
// the ledger's payments in that window, never with the statement.
import {
  addDaysTo,
  businessDayOf,
  type BusinessDate,
  type LedgerZones,
  type LumpSumReceivedData,
  type PaidData,
  type RefundedData,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';

export interface LedgerEntry {
  readonly direction: 'payment' | 'refund';
  /** `<cycleId>/<paymentId>` (a cycle's payment), `<contractId>/<lumpSumId>` (a lump sum), `<cycleId>/<refundId>`. */
  readonly key: string;
  /** The payment's, lump sum's or refund's own id: what a merchant reference may carry. */
  readonly id: string;
  readonly cycleId: string | null;
  readonly reference: string | null;
  readonly amountMinor: number;
  readonly day: BusinessDate;
  matched: boolean;
}

export interface LedgerWindow {
  readonly channel: string;
  readonly from: BusinessDate;
  readonly to: BusinessDate;
  /** Entries this many days either side are read too: a line found by reference that far off is a date difference, not a missing payment. */
  readonly lookaroundDays: number;
}

/** How far around the statement's days the ledger is read for references (a month). */
export const LOOKAROUND_DAYS = 31;

/**
 * Payments recorded through the channel (a payment from credit moved no money; a lump sum's parts
 * are its one receipt), lump sums received through it, and refunds of its payments.
 */
export const readLedgerEntries = async (store: EventStore, zones: LedgerZones, window: LedgerWindow): Promise<LedgerEntry[]> => {
  const earliest = addDaysTo(-window.lookaroundDays)(window.from);
  const latest = addDaysTo(window.lookaroundDays)(window.to);
  const inWindow = (day: BusinessDate) => day >= earliest && day <= latest;
  const channelPayments = new Set<string>();
  const entries: LedgerEntry[] = [];
  for await (const e of store.readAll({ batchSize: 1000 })) {
    if (e.type === 'Paid') {
      const d = e.data as PaidData;
      if (d.channel !== window.channel || d.creditApplicationId !== undefined || d.lumpSumId !== undefined) continue;
      const key = `${d.cycleId}/${d.paymentId}`;
      channelPayments.add(key);
      const day = businessDayOf(zones, d.at);
      if (inWindow(day))
        entries.push({
          direction: 'payment',
          key,
          id: d.paymentId,
          cycleId: d.cycleId,
          reference: d.reference ?? null,
          amountMinor: d.amountMinor,
          day,
          matched: false,
        });
    } else if (e.type === 'LumpSumReceived') {
      const d = e.data as LumpSumReceivedData;
      if (d.channel !== window.channel) continue;
      const day = businessDayOf(zones, d.at);
      if (inWindow(day))
        entries.push({
          direction: 'payment',
          key: `${d.contractId}/${d.lumpSumId}`,
          id: d.lumpSumId,
          cycleId: null,
          reference: d.reference ?? null,
          amountMinor: d.amountMinor,
          day,
          matched: false,
        });
    } else if (e.type === 'Refunded') {
      const d = e.data as RefundedData;
      if (!channelPayments.has(`${d.cycleId}/${d.paymentId}`)) continue;
      const day = businessDayOf(zones, d.at);
      if (inWindow(day))
        entries.push({
          direction: 'refund',
          key: `${d.cycleId}/${d.refundId}`,
          id: d.refundId,
          cycleId: d.cycleId,
          reference: null,
          amountMinor: d.amountMinor,
          day,
          matched: false,
        });
    }
  }
  return entries;
};
