// The takings report: money taken, refunded and reversed per channel and currency over business
// days. This module is its one home: the rule of what counts (a Taking per event), the one type
// (ChannelTakings) and the one function that sums takings into it (takingsTally, and
// channelTakings for takings in hand). The behaviour view, the books as they stood and the CLI all
// go through it. The receipts view's "receipts issued" counts documents instead (a lump sum is one
// receipt however many cycles it paid); it is a different figure, named so.
// New money only: a payment made from credit was counted when the credit was received (a lump
// sum's part that became credit, CreditReceived), so it counts nowhere; a refund or reversal of it
// neither. A reversal (a payment that bounced or was charged back) is money that never stayed: it
// comes off the net on the day it was reversed, on the payment's channel.
import type { BusinessDate, Instant } from '../calendar.js';
import type { CreditReceivedData } from '../contract/events.js';
import { businessDayOf, type LedgerZones } from '../ledger/business-days.js';
import type { RenewalEvent } from './events.js';
import type { CycleState } from './state.js';

export type TakingKind = 'taken' | 'refunded' | 'reversed';

export interface Taking {
  readonly kind: TakingKind;
  readonly channel: string;
  readonly currency: string;
  /** When the money moved: its business day in the ledger's zone is the takings day. */
  readonly at: Instant;
  readonly amountMinor: number;
}

/** The taking a cycle event makes, given the cycle's state before it; null for every other event. */
export const takingOfCycleEvent = (event: RenewalEvent, before: CycleState): Taking | null => {
  const bill = before.bill;
  if (!bill) return null;
  if (event.type === 'Paid') {
    const d = event.data;
    if (d.creditApplicationId !== undefined) return null;
    return { kind: 'taken', channel: d.channel, currency: bill.currency, at: d.at, amountMinor: d.amountMinor };
  }
  if (event.type === 'Refunded' || event.type === 'PaymentReversed') {
    const d = event.data;
    const payment = before.payments.find((p) => p.paymentId === d.paymentId);
    if (payment?.creditApplicationId !== undefined) return null;
    const kind = event.type === 'Refunded' ? 'refunded' : 'reversed';
    return { kind, channel: payment?.channel ?? 'other', currency: bill.currency, at: d.at, amountMinor: d.amountMinor };
  }
  return null;
};

/** A lump sum's part kept as credit is new money on the day it was received. */
export const takingOfCredit = (d: CreditReceivedData): Taking => ({
  kind: 'taken',
  channel: d.channel,
  currency: d.currency,
  at: d.at,
  amountMinor: d.amountMinor,
});

/** Takings per channel and currency over some days: sums over cycles, so bigints. */
export interface ChannelTakings {
  readonly channel: string;
  readonly currency: string;
  /** Payments taken (a lump sum's parts each count, and the part it left as credit). */
  readonly payments: number;
  readonly takenMinor: bigint;
  readonly refunds: number;
  readonly refundedMinor: bigint;
  /** Payments that bounced or were charged back: money that never stayed. */
  readonly reversals: number;
  readonly reversedMinor: bigint;
  /** taken - refunded - reversed. */
  readonly netMinor: bigint;
}

/** The takings report over the days `from`..`to` (inclusive, business days in the ledger's zone). */
export interface TakingsReport {
  readonly from: BusinessDate;
  readonly to: BusinessDate;
  /** Ordered by channel, then currency. */
  readonly channels: readonly ChannelTakings[];
}

type Sum = { -readonly [K in keyof ChannelTakings]: ChannelTakings[K] };

/** A channel's line with nothing on it: where a sum starts. */
export const noTakings = (channel: string, currency: string): ChannelTakings => ({
  channel,
  currency,
  payments: 0,
  takenMinor: 0n,
  refunds: 0,
  refundedMinor: 0n,
  reversals: 0,
  reversedMinor: 0n,
  netMinor: 0n,
});

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The one sum of the takings report. `add` takes `count` takings of one kind worth `amountMinor`
 * in all: one taking, or a sum a view's SQL already made (so a view sums rows, not events).
 */
export const takingsTally = () => {
  const sums = new Map<string, Sum>();
  const add = (kind: TakingKind, channel: string, currency: string, count: number, amountMinor: bigint): void => {
    const key = `${channel}\u0000${currency}`;
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = { ...noTakings(channel, currency) }));
    if (kind === 'taken') {
      sum.payments += count;
      sum.takenMinor += amountMinor;
      sum.netMinor += amountMinor;
    } else if (kind === 'refunded') {
      sum.refunds += count;
      sum.refundedMinor += amountMinor;
      sum.netMinor -= amountMinor;
    } else {
      sum.reversals += count;
      sum.reversedMinor += amountMinor;
      sum.netMinor -= amountMinor;
    }
  };
  return {
    add,
    take: (t: Taking): void => add(t.kind, t.channel, t.currency, 1, BigInt(t.amountMinor)),
    channels: (): ChannelTakings[] =>
      [...sums.values()].sort((a, b) => compareText(a.channel, b.channel) || compareText(a.currency, b.currency)),
  };
};

/** The takings report of some takings: those whose business day (in the ledger's zones) is in `from`..`to`. */
export const channelTakings = (
  zones: LedgerZones,
  days: { readonly from: BusinessDate; readonly to: BusinessDate },
  takings: Iterable<Taking>,
): TakingsReport => {
  const tally = takingsTally();
  for (const t of takings) {
    const day = businessDayOf(zones, t.at);
    if (day >= days.from && day <= days.to) tally.take(t);
  }
  return { from: days.from, to: days.to, channels: tally.channels() };
};
