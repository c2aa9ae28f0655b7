// The reminder run: core's remindersDue over every cycle as of a date, through the cycle handler's
// batch path. Reminder ids are deterministic, so a second run the same day sends nothing again.
import { businessHourOf, remindersDue, type BusinessDate, type Instant, type PolicyError, type ReminderStep } from '@renewal-ledger/core';
import { inBatches, type EngineOptions, type Tally } from './engine.js';
import { readPortfolio } from './ledger.js';

export interface SendRemindersOptions extends EngineOptions {
  readonly asOf: BusinessDate;
  /** When the reminders go out. Default 09:00 on `asOf` in the ledger's zone. */
  readonly at?: Instant;
  readonly policy?: readonly ReminderStep[];
  readonly actor?: string;
  readonly batchSize?: number;
}

export interface RemindersReport {
  readonly asOf: BusinessDate;
  readonly proposed: number;
  readonly reminders: Tally;
  /** Per channel and level: how many were sent now. */
  readonly sent: readonly { readonly channel: string; readonly level: number; readonly count: number }[];
  readonly refused: readonly { readonly cycleId: string; readonly error: PolicyError }[];
}

export const sendReminders = async (options: SendRemindersOptions): Promise<RemindersReport> => {
  const { store, handler, asOf } = options;
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(store, { cycles: true }));
  const due = remindersDue(portfolio.cycles.values(), asOf, {
    at: options.at ?? businessHourOf(portfolio.zones, asOf, 9),
    zones: portfolio.zones,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.actor ? { actor: options.actor } : {}),
  });
  const { tally, results } = await inBatches(handler, due.reminders, options.batchSize ?? 500);
  const sent = new Map<string, { channel: string; level: number; count: number }>();
  due.reminders.forEach((r, i) => {
    if (results[i]!.status !== 'applied') return;
    const key = `${r.channel}/${r.level}`;
    const s = sent.get(key) ?? { channel: r.channel, level: r.level ?? 0, count: 0 };
    sent.set(key, { ...s, count: s.count + 1 });
  });
  return { asOf, proposed: due.reminders.length, reminders: tally, sent: [...sent.values()], refused: due.refused };
};
