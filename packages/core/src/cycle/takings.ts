// What counts as takings (new money taken, and money refunded) for a takings report: the one
// rule the behaviour view's takings per channel and the books as they stood both apply.
// New money only: a payment made from credit was counted when the credit was received (a lump
// sum's part that became credit, CreditReceived), so it counts nowhere; a refund of it neither.
import type { Instant } from '../calendar.js';
import type { CreditReceivedData } from '../contract/events.js';
import type { RenewalEvent } from './events.js';
import type { CycleState } from './state.js';

export interface Taking {
  readonly kind: 'taken' | 'refunded';
  readonly channel: string;
  readonly currency: string;
  /** When the money moved: its business day is the takings day. */
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
  if (event.type === 'Refunded') {
    const d = event.data;
    const payment = before.payments.find((p) => p.paymentId === d.paymentId);
    if (payment?.creditApplicationId !== undefined) return null;
    return { kind: 'refunded', channel: payment?.channel ?? 'other', currency: bill.currency, at: d.at, amountMinor: d.amountMinor };
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
  readonly payments: number;
  readonly takenMinor: bigint;
  readonly refunds: number;
  readonly refundedMinor: bigint;
  /** taken - refunded. */
  readonly netMinor: bigint;
}
