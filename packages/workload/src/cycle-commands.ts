// How a generator writes one cycle's commands, the same for both portfolios: ids numbered in the
// order they are written, instants counted in days from the cycle's due date, and who did it.
// Each helper draws from the cycle's own random stream in a fixed order (minute, channel, hour,
// offline, actor): the figures quoted in the docs come from these streams, so reordering or
// adding a draw changes them.
import { addDaysTo, type BusinessDate, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { instant } from './calendar.js';
import type { Random } from './random.js';

export interface ScheduledCommand {
  readonly command: RenewalCommand;
  /** When a clerk or system entered it: later than `command.at` for offline payments. */
  readonly recordedAt: Instant;
}

/** How customers pay by hand; `alipay` and `wechat-pay` are listed twice to be drawn twice as often. */
export const PAYMENT_CHANNELS = ['cash', 'card', 'bank-transfer', 'alipay', 'alipay', 'wechat-pay', 'wechat-pay'] as const;
/** The office's clerks, who key in what customers bring to the counter. */
export const CLERKS = ['clerk-li', 'clerk-wang', 'clerk-zhang'];
const CASHIERS = ['cashier-chen', 'cashier-liu', 'cashier-zhao', 'cashier-sun'];

export interface CycleContext {
  readonly cycleId: string;
  /** Activity is dated from here: the due date, or later when the bill is issued after it. */
  readonly due: BusinessDate;
  readonly rng: Random;
  /** What a payment's channel is drawn from: only a generator without an engine to collect
   * mandates writes `auto-debit` payments itself. */
  readonly channels: readonly string[];
  readonly out: ScheduledCommand[];
  /** Commands written so far: the next command is `<cycleId>:<seq + 1>`. */
  seq: number;
}

export const cycleContext = (cycleId: string, due: BusinessDate, rng: Random, channels: readonly string[]): CycleContext => ({
  cycleId,
  due,
  rng,
  channels,
  out: [],
  seq: 0,
});

/** `dayOffset` days from the due date at `hour`, at a drawn minute. */
export const on = (ctx: CycleContext, dayOffset: number, hour: number): Instant =>
  instant(addDaysTo(dayOffset)(ctx.due), hour, ctx.rng.int(0, 59));

/** Writes the next command of the cycle; a clerk is drawn when no actor is given. */
export const push = (ctx: CycleContext, body: Record<string, unknown>, at: Instant, recordedAt: Instant = at, actor?: string): void => {
  const command = {
    commandId: `${ctx.cycleId}:${++ctx.seq}`,
    cycleId: ctx.cycleId,
    actor: actor ?? ctx.rng.pick(CLERKS),
    at,
    ...body,
  } as unknown as RenewalCommand;
  ctx.out.push({ command, recordedAt });
};

/** A payment `dayOffset` days from the due date; returns its id ('' when there is nothing to pay). */
export const pay = (ctx: CycleContext, amountMinor: number, dayOffset: number): string => {
  if (amountMinor <= 0) return '';
  const channel = ctx.rng.pick(ctx.channels);
  const paymentId = `${ctx.cycleId}/pay-${ctx.seq + 1}`;
  const at = on(ctx, dayOffset, ctx.rng.int(8, 18));
  // Cash taken at a branch without the system: entered when the paper slips come in.
  const offline = channel === 'cash' && ctx.rng.chance(0.25);
  const recordedAt = offline ? on(ctx, dayOffset + ctx.rng.int(1, 6), 19) : at;
  const reference = channel === 'cash' ? undefined : `${channel.toUpperCase()}-${ctx.cycleId.replace(/[^a-z0-9]/gi, '')}-${ctx.seq + 1}`;
  push(
    ctx,
    { type: 'RecordPayment', paymentId, amountMinor, channel, ...(reference ? { reference } : {}), ...(offline ? { offline: true } : {}) },
    at,
    recordedAt,
    channel === 'auto-debit' ? 'auto-debit' : ctx.rng.pick(CASHIERS),
  );
  return paymentId;
};

/** A reminder at level `level`, sent at nine on the day. */
export const remind = (ctx: CycleContext, dayOffset: number, channel: string, level: number): void =>
  push(
    ctx,
    { type: 'SendReminder', reminderId: `${ctx.cycleId}/reminder-${level}`, channel, level },
    on(ctx, dayOffset, 9),
    undefined,
    'reminder-bot',
  );
