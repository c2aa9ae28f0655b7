// The course's approach for each customer type: how to reach them, in what tone, when, and what
// to offer. `reminderSteps` is a reminder policy (core's ReminderStep list) the reminder run can
// use for a contract of the type instead of the default one.
import type { ReminderChannel } from '../cycle/shapes.js';
import type { ReminderStep } from '../reminders/policy.js';

export const CUSTOMER_TYPES = ['loyal', 'hesitant', 'demanding', 'impulsive'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export interface CustomerApproach {
  readonly channel: ReminderChannel;
  readonly tone: string;
  readonly timing: string;
  readonly offer: string | null;
  readonly reminderSteps: readonly ReminderStep[];
}

export const CUSTOMER_APPROACHES: Readonly<Record<CustomerType, CustomerApproach>> = {
  // 忠诚型: thank and reward; they pay anyway, so remind lightly and never chase early.
  loyal: {
    channel: 'app',
    tone: 'thank them for paying on time; no warnings',
    timing: 'one notice when the bill is issued; no reminder before the due date',
    offer: 'a loyalty reward: a discount for paying the year ahead',
    reminderSteps: [
      { offsetDays: 3, channel: 'app', level: 1 },
      { offsetDays: 15, channel: 'sms', level: 2 },
      { offsetDays: 30, channel: 'phone', level: 3 },
    ],
  },
  // 犹豫型: give the details; they pay once they understand, so explain early and clearly.
  hesitant: {
    channel: 'sms',
    tone: 'give the details: what the bill is for, how it was computed, how to pay',
    timing: 'early: ten days before the due date, again on the day after',
    offer: 'instalments when the amount is what holds them back',
    reminderSteps: [
      { offsetDays: -10, channel: 'sms', level: 1 },
      { offsetDays: 1, channel: 'sms', level: 2 },
      { offsetDays: 10, channel: 'phone', level: 3 },
      { offsetDays: 30, channel: 'letter', level: 4 },
    ],
  },
  // 挑剔型: answer carefully and report back; a person, not a machine, and no pressure.
  demanding: {
    channel: 'phone',
    tone: 'careful and exact: answer every point, confirm, report back what was done',
    timing: 'after their open questions are answered; never while a complaint or dispute is open',
    offer: null,
    reminderSteps: [
      { offsetDays: 5, channel: 'phone', level: 1 },
      { offsetDays: 20, channel: 'letter', level: 2 },
    ],
  },
  // 冲动型: a time-limited promotion; they act on the moment, so reach them where they act.
  impulsive: {
    channel: 'app',
    tone: 'short and direct, with a deadline',
    timing: 'at the start of a promotion, and on the due date',
    offer: 'a time-limited promotion: a discount for paying the next months now',
    reminderSteps: [
      { offsetDays: 0, channel: 'app', level: 1 },
      { offsetDays: 3, channel: 'sms', level: 2 },
      { offsetDays: 15, channel: 'phone', level: 3 },
      { offsetDays: 30, channel: 'letter', level: 4 },
    ],
  },
};
