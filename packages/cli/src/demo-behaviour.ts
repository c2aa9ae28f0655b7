// The demo's payment behaviour reports (from @renewal-ledger/projection-behaviour): which
// reminders work, the collection rate per billing month and punctuality over the portfolio (the
// takings per channel are reports.ts's renderTakings, the one takings report). Data first (what --format json prints), text second.
import type { BusinessDate } from '@renewal-ledger/core';
import type { BehaviourView, PeriodCollection, ReminderEffect } from '@renewal-ledger/projection-behaviour';
import { amount, count, table } from './output.js';
import { rate } from './reports.js';

export interface Punctuality {
  readonly asOf: BusinessDate;
  /** Contracts with at least one decided cycle. */
  readonly contracts: number;
  readonly cycles: number;
  readonly onTime: number;
  readonly onTimeRate: number | null;
  /** Mean days late over every decided cycle (on time counts 0). */
  readonly averageDaysLate: number | null;
  /** Contracts by their own on-time rate. */
  readonly bands: readonly { readonly band: string; readonly contracts: number }[];
}

const BANDS = [
  { band: 'always on time', min: 1 },
  { band: '90% or more', min: 0.9 },
  { band: '50% to 90%', min: 0.5 },
  { band: 'under 50%', min: 0 },
] as const;

export const punctualityOf = async (view: BehaviourView, contractIds: readonly string[], asOf: BusinessDate): Promise<Punctuality> => {
  let contracts = 0;
  let cycles = 0;
  let onTime = 0;
  let daysLate = 0;
  const bands = new Map<string, number>(BANDS.map((b) => [b.band, 0]));
  for (const id of contractIds) {
    const b = await view.contract(id, { asOf });
    if (b.cycles === 0 || b.onTimeRate === null) continue;
    contracts++;
    cycles += b.cycles;
    onTime += b.onTime;
    daysLate += (b.averageDaysLate ?? 0) * b.cycles;
    const band = BANDS.find((x) => b.onTimeRate! >= x.min)!.band;
    bands.set(band, bands.get(band)! + 1);
  }
  return {
    asOf,
    contracts,
    cycles,
    onTime,
    onTimeRate: cycles > 0 ? onTime / cycles : null,
    averageDaysLate: cycles > 0 ? daysLate / cycles : null,
    bands: [...bands].map(([band, n]) => ({ band, contracts: n })),
  };
};

export const renderReminderEffects = (effects: readonly ReminderEffect[]): string =>
  [
    'Reminder effectiveness (share of the reminded amount paid within 7 days)',
    effects.length === 0
      ? '  (no reminders sent)'
      : table(
          ['channel', 'level', 'currency', 'reminders', 'reminded', 'paid within 7 days', 'share'],
          effects.map((e) => [
            e.channel,
            e.level ?? '-',
            e.currency,
            count(e.reminders),
            amount(e.remindedMinor, e.currency),
            amount(e.paidWithinMinor, e.currency),
            rate(e.share),
          ]),
        ),
  ].join('\n');

export const renderCollection = (periods: readonly PeriodCollection[]): string =>
  [
    'Collection rate per billing month, last six (behaviour view: each cycle counted up to what it owes)',
    periods.length === 0
      ? '  (no billing periods yet)'
      : table(
          ['month', 'currency', 'cycles', 'due', 'collected', 'rate'],
          periods.map((p) => [
            p.billingMonth,
            p.currency,
            count(p.cycles),
            amount(p.dueMinor, p.currency),
            amount(p.collectedMinor, p.currency),
            rate(p.collectionRate),
          ]),
        ),
  ].join('\n');

export const renderPunctuality = (asOf: BusinessDate, p: Punctuality): string =>
  [
    `Punctuality as of ${asOf}: ${count(p.onTime)} of ${count(p.cycles)} decided cycles paid on time (${rate(p.onTimeRate)}), ${p.averageDaysLate === null ? '-' : p.averageDaysLate.toFixed(1)} days late on average, over ${count(p.contracts)} contracts`,
    table(
      ['contracts paying on time', 'contracts'],
      p.bands.map((b) => [b.band, count(b.contracts)]),
    ),
  ].join('\n');
