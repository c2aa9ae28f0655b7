// The reminder policy: steps relative to the date a payment is due (the bill's due date, or the
// instalment's under a plan), each with a channel and an escalation level. As of a date, a cycle
// with something collectible gets the most escalated step that has come, once:
//   default: 7 days before: app (1); 1 day after: sms (2); 15 days after: phone (3); 30: letter (4).
// A step before the due date is only sent until the due date. Steps are not sent in a burst: a
// run that comes after several steps (the reminder job did not run for a week) sends the latest
// one only. A reminder is "sent before" when its id is on the cycle, or a reminder of the same or
// a higher level was sent since the step's date (a clerk phoned already). Reminder ids are
// `<cycleId>/reminder/<due date>/<level>`, command ids `remind:<reminderId>`.
import { addDaysTo, daysBetween, type BusinessDate, type Instant } from '../calendar.js';
import { businessDayOf, UTC_ZONES, type LedgerZones } from '../ledger/business-days.js';
import type { SendReminder } from '../cycle/commands.js';
import { agingAsOf, cycleFigures } from '../cycle/figures.js';
import type { ReminderChannel } from '../cycle/shapes.js';
import type { CycleState } from '../cycle/state.js';
import { derivedId, type PolicyError } from '../policy-errors.js';

export interface ReminderStep {
  /** Days from the due date: negative before it, positive after. */
  readonly offsetDays: number;
  readonly channel: ReminderChannel;
  readonly level: number;
}

export const DEFAULT_REMINDER_POLICY: readonly ReminderStep[] = [
  { offsetDays: -7, channel: 'app', level: 1 },
  { offsetDays: 1, channel: 'sms', level: 2 },
  { offsetDays: 15, channel: 'phone', level: 3 },
  { offsetDays: 30, channel: 'letter', level: 4 },
];

export const reminderIdFor = (cycleId: string, dueDate: string, level: number): string => `${cycleId}/reminder/${dueDate}/${level}`;
export const reminderCommandId = (reminderId: string): string => `remind:${reminderId}`;

export interface ReminderOptions {
  /** When the reminders go out (business time of the `SendReminder` commands). */
  readonly at: Instant;
  readonly actor?: string;
  readonly policy?: readonly ReminderStep[];
  /** The ledger's zones: the day a reminder already sent counts as. Default UTC. */
  readonly zones?: LedgerZones;
}

export interface RemindersDue {
  readonly reminders: readonly SendReminder[];
  readonly refused: readonly { readonly cycleId: string; readonly error: PolicyError }[];
}

/** The step a cycle is at as of the date, with the due date it counts from, or null. */
export const reminderStepOf = (
  state: CycleState,
  asOf: BusinessDate,
  policy: readonly ReminderStep[] = DEFAULT_REMINDER_POLICY,
): { readonly step: ReminderStep; readonly dueDate: BusinessDate } | null => {
  const bill = state.bill;
  if (!bill || cycleFigures(state).collectibleMinor <= 0) return null;
  const aging = agingAsOf(asOf)(state);
  const dueDate =
    aging.overdueMinor > 0 && aging.agedFrom
      ? aging.agedFrom
      : aging.planStatus === 'active'
        ? aging.nextInstallment?.dueDate
        : bill.dueDate;
  if (!dueDate) return null;
  const days = daysBetween(dueDate, asOf);
  let best: ReminderStep | null = null;
  for (const step of policy) {
    if (step.offsetDays > days) continue;
    // A step before the due date reminds of a payment to come: pointless once it is due.
    if (step.offsetDays <= 0 && days > 0) continue;
    if (!best || step.level > best.level) best = step;
  }
  return best ? { step: best, dueDate } : null;
};

const sentAlready = (state: CycleState, reminderId: string, step: ReminderStep, stepDate: BusinessDate, zones: LedgerZones): boolean =>
  state.reminders.some(
    (r) => r.reminderId === reminderId || (r.level !== undefined && r.level >= step.level && businessDayOf(zones, r.at) >= stepDate),
  );

/** The reminders due as of a date over many cycles: at most one per cycle. */
export const remindersDue = (cycles: Iterable<CycleState>, asOf: BusinessDate, options: ReminderOptions): RemindersDue => {
  const reminders: SendReminder[] = [];
  const refused: { cycleId: string; error: PolicyError }[] = [];
  for (const state of cycles) {
    const found = reminderStepOf(state, asOf, options.policy);
    if (!found) continue;
    const { step, dueDate } = found;
    const cycleId = state.bill!.cycleId as string;
    const reminderId = reminderIdFor(cycleId, dueDate, step.level);
    if (sentAlready(state, reminderId, step, addDaysTo(step.offsetDays)(dueDate), options.zones ?? UTC_ZONES)) continue;
    const tooLong = derivedId(reminderCommandId(reminderId));
    if (tooLong) {
      refused.push({ cycleId, error: tooLong });
      continue;
    }
    reminders.push({
      type: 'SendReminder',
      commandId: reminderCommandId(reminderId),
      cycleId,
      actor: options.actor ?? 'reminder-policy',
      at: options.at,
      reminderId,
      channel: step.channel,
      level: step.level,
    } as SendReminder);
  }
  return { reminders, refused };
};
