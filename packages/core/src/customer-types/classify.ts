// A contract's customer type as of a date, and why (docs/customer-types.md). The figures come from
// where they are computed (punctuality, settlement days and reminders from the behaviour view,
// disputes and complaints from the ledger); here they are only compared with the thresholds.
// Each type the figures meet is listed with the figures and the rule; the first in the order
// demanding, loyal, hesitant, impulsive is the contract's type (a demanding customer is answered
// carefully even when they pay on time). Meeting none is no type.
import type { BusinessDate } from '../calendar.js';
import { formatMinor } from '../money-text.js';
import { CUSTOMER_APPROACHES, type CustomerApproach, type CustomerType } from './approaches.js';
import type { CustomerTypeThresholds } from './thresholds.js';

/** What the classification reads, per contract. */
export interface CustomerFigures {
  readonly contractId: string;
  readonly asOf: BusinessDate;
  /** The decided cycles judged (at most `lastCycles`, the most recent). */
  readonly cycles: number;
  /** Of them, paid on time. */
  readonly onTime: number;
  /** Of them, settled (paid, adjusted or written off), with the day each was settled. */
  readonly settledOn: readonly BusinessDate[];
  readonly reminders: number;
  /** Reminders followed by a payment within the reminder window. */
  readonly remindersFollowedByPayment: number;
  /** Disputes raised in the window `demandingWithinDays`. */
  readonly disputes: number;
  /** Complaint cases received in that window. */
  readonly complaints: number;
}

export interface TypeMatch {
  readonly type: CustomerType;
  /** The rule met, in words with its figures. */
  readonly because: string;
}

export interface CustomerClassification {
  readonly contractId: string;
  readonly asOf: BusinessDate;
  readonly type: CustomerType | null;
  readonly matches: readonly TypeMatch[];
  readonly figures: CustomerFigures & {
    /** onTime / cycles, basis points rounded down; null without cycles. */
    readonly onTimeBp: number | null;
    readonly paidAfterReminderBp: number | null;
    /** Settled cycles that share their settlement day with another. */
    readonly burstCycles: number;
    readonly burstBp: number | null;
  };
  readonly approach: CustomerApproach | null;
}

const bp = (part: number, whole: number): number | null => (whole === 0 ? null : Math.floor((part * 10000) / whole));
// Basis points are hundredths of a percent: written like minor units, 8888 is 88.88%.
const pct = (b: number) => `${formatMinor(b)}%`;

/** Cycles settled on a day on which at least one other cycle was settled too. */
export const burstCyclesOf = (settledOn: readonly BusinessDate[]): number => {
  const perDay = new Map<string, number>();
  for (const d of settledOn) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  let n = 0;
  for (const c of perDay.values()) if (c >= 2) n += c;
  return n;
};

export const classifyCustomer = (f: CustomerFigures, th: CustomerTypeThresholds): CustomerClassification => {
  const onTimeBp = bp(f.onTime, f.cycles);
  const paidAfterReminderBp = bp(f.remindersFollowedByPayment, f.reminders);
  const burstCycles = burstCyclesOf(f.settledOn);
  const burstBp = bp(burstCycles, f.settledOn.length);
  const enough = f.cycles >= th.minCycles;
  const matches: TypeMatch[] = [];
  const cases = f.disputes + f.complaints;
  if (cases >= th.demandingMinCases)
    matches.push({
      type: 'demanding',
      because: `${f.disputes} disputes and ${f.complaints} complaints in ${th.demandingWithinDays} days: at least ${th.demandingMinCases}`,
    });
  if (enough && onTimeBp !== null && onTimeBp >= th.loyalOnTimeBp)
    matches.push({
      type: 'loyal',
      because: `on time in ${f.onTime} of the last ${f.cycles} cycles (${pct(onTimeBp)}): at least ${pct(th.loyalOnTimeBp)}`,
    });
  if (enough && f.reminders >= th.hesitantMinReminders && paidAfterReminderBp !== null && paidAfterReminderBp >= th.hesitantPaidAfterBp)
    matches.push({
      type: 'hesitant',
      because: `${f.remindersFollowedByPayment} of ${f.reminders} reminders followed by a payment (${pct(paidAfterReminderBp)}): at least ${th.hesitantMinReminders} reminders and ${pct(th.hesitantPaidAfterBp)}`,
    });
  if (enough && burstBp !== null && burstBp >= th.impulsiveBurstBp)
    matches.push({
      type: 'impulsive',
      because: `${burstCycles} of ${f.settledOn.length} settled cycles paid in bursts (${pct(burstBp)}): at least ${pct(th.impulsiveBurstBp)}`,
    });
  const type = matches[0]?.type ?? null;
  return {
    contractId: f.contractId,
    asOf: f.asOf,
    type,
    matches,
    figures: { ...f, onTimeBp, paidAfterReminderBp, burstCycles, burstBp },
    approach: type === null ? null : CUSTOMER_APPROACHES[type],
  };
};
