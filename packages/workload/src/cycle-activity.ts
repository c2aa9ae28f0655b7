// What customers and the office do on one cycle once it is billed, shared by both generators:
// paid in full (sometimes with a refund, sometimes keyed twice by mistake), paid in part,
// unpaid (some written off), disputed, or paid by an instalment plan. The one real difference
// is who sends reminders: `generatePortfolio` writes them itself, the contract portfolio leaves
// them to the engine's `sendReminders`. The scenario is drawn first and each one draws in a
// fixed order from the cycle's stream: the docs' figures depend on that order.
import { addDaysTo, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { on, pay, push, remind, type CycleContext } from './cycle-commands.js';

/** A bill line as the scenarios need it: a dispute questions part of one. */
export interface DisputableLine {
  readonly code: string;
  readonly amountMinor: number;
}

export interface ActivityOptions {
  /** Write the reminders of a late, part-paid, unpaid or defaulted cycle (no engine sends them). */
  readonly reminders: boolean;
}

/** One billed cycle's activity, appended to `ctx.out`. */
export const cycleActivity = (ctx: CycleContext, lines: readonly DisputableLine[], total: number, options: ActivityOptions): void => {
  // Nothing to collect (a bill discounted to nothing): nothing happens, and nothing is drawn.
  if (total <= 0) return;
  if (ctx.rng.chance(0.03)) {
    disputedBill(ctx, lines, total);
    return;
  }
  // A plan of up to three parts needs at least a minor unit in each.
  if (ctx.rng.chance(0.02) && total >= 3) {
    instalmentPlan(ctx, total, options);
    return;
  }
  const roll = ctx.rng.next();
  if (roll < 0.9) paidInFull(ctx, total);
  else if (roll < 0.95) paidInPart(ctx, total, options);
  else unpaid(ctx, total, options);
};

/** Part of a line questioned, looked into and resolved; refunded when it was paid in full first. */
const disputedBill = (ctx: CycleContext, lines: readonly DisputableLine[], total: number): void => {
  const { rng, cycleId } = ctx;
  const line = rng.pick(lines);
  const disputed = Math.max(1, Math.floor((line.amountMinor * rng.int(10, 50)) / 100));
  const outcome = rng.pick(['upheld', 'upheld', 'partially-upheld', 'rejected'] as const);
  const adjustment = outcome === 'upheld' ? disputed : outcome === 'rejected' ? 0 : Math.max(1, Math.floor(disputed / 2));
  const paidFirst = rng.chance(0.35);
  const fullPayment = paidFirst ? pay(ctx, total, -3) : '';
  push(
    ctx,
    {
      type: 'RaiseDispute',
      disputeId: `${cycleId}/dispute-1`,
      amountMinor: disputed,
      lineCode: line.code,
      reason: 'Customer says the line was charged for a service not received',
    },
    on(ctx, paidFirst ? 1 : -5, 10),
  );
  if (!paidFirst) pay(ctx, total - disputed, -2);
  // A one-unit dispute cannot be partly upheld: half of it rounds up to all of it. Rejected.
  const realAdjustment = outcome === 'partially-upheld' && adjustment >= disputed ? 0 : adjustment;
  push(
    ctx,
    {
      type: 'ResolveDispute',
      disputeId: `${cycleId}/dispute-1`,
      outcome: realAdjustment === 0 ? 'rejected' : outcome,
      adjustmentMinor: realAdjustment,
      note: realAdjustment ? 'Checked the service log with the customer: corrected' : 'Service log shows the service was provided',
    },
    on(ctx, 10, 15),
  );
  if (paidFirst && realAdjustment > 0)
    push(
      ctx,
      {
        type: 'Refund',
        refundId: `${cycleId}/refund-1`,
        paymentId: fullPayment,
        amountMinor: realAdjustment,
        reason: 'Dispute upheld after full payment',
      },
      on(ctx, 12, 11),
    );
  if (!paidFirst) pay(ctx, disputed - realAdjustment, 15);
};

/** Cannot pay on time: two or three monthly parts, kept, or defaulted after the first. */
const instalmentPlan = (ctx: CycleContext, total: number, options: ActivityOptions): void => {
  const { rng, cycleId } = ctx;
  const parts = rng.int(2, 3);
  const each = Math.floor(total / parts);
  const installments = Array.from({ length: parts }, (_, i) => ({
    dueDate: addDaysTo(20 + 30 * i)(ctx.due),
    amountMinor: i === parts - 1 ? total - each * (parts - 1) : each,
  }));
  push(ctx, { type: 'AgreeInstallments', planId: `${cycleId}/plan-1`, installments }, on(ctx, 5, 14));
  const defaults = rng.chance(0.3);
  installments.forEach((inst, i) => {
    if (defaults && i > 0) return;
    pay(ctx, inst.amountMinor, 20 + 30 * i + rng.int(-2, 3));
  });
  if (!defaults) return;
  // Cancelled fifteen days after the second part fell due unpaid; the final letter the day after.
  push(ctx, { type: 'CancelInstallments', planId: `${cycleId}/plan-1`, reason: 'defaulted' }, on(ctx, 20 + 30 + 15, 10));
  if (options.reminders) remind(ctx, 20 + 30 + 16, 'letter', 3);
};

/** Paid in full, mostly on time; now and then part refunded, or keyed twice by a clerk. */
const paidInFull = (ctx: CycleContext, total: number): void => {
  const { rng, cycleId } = ctx;
  const day = rng.chance(0.8) ? rng.int(-12, 0) : rng.int(1, 40);
  const paymentId = pay(ctx, total, day);
  if (rng.chance(0.01))
    push(
      ctx,
      {
        type: 'Refund',
        refundId: `${cycleId}/refund-1`,
        paymentId,
        amountMinor: Math.max(1, Math.floor(total / 10)),
        reason: 'Overcharged utilities returned at the counter',
      },
      on(ctx, day + 7, 16),
    );
  const first = ctx.out.find((c) => c.command.type === 'RecordPayment');
  if (first && rng.chance(0.004)) {
    // A clerk keys the same paper receipt twice: same payment id, same facts: a duplicate.
    ctx.out.push({
      command: { ...first.command, commandId: `${first.command.commandId}-rekeyed` } as RenewalCommand,
      recordedAt: keyedAgain(first.recordedAt),
    });
    // biome-ignore lint/suspicious/noDuplicateElseIf: rng.chance draws a new number each call, so this is a second, independent draw
  } else if (first && first.command.type === 'RecordPayment' && first.command.reference && rng.chance(0.004)) {
    // A bank transfer entered again under a new payment id: the reference gives it away.
    ctx.out.push({
      command: {
        ...first.command,
        commandId: `${first.command.commandId}-again`,
        paymentId: `${first.command.paymentId}-again`,
      } as RenewalCommand,
      recordedAt: keyedAgain(first.recordedAt),
    });
  }
};

/** Part now, maybe the rest after the reminders. */
const paidInPart = (ctx: CycleContext, total: number, options: ActivityOptions): void => {
  const part = Math.floor((total * ctx.rng.int(30, 70)) / 100);
  pay(ctx, part, ctx.rng.int(0, 10));
  if (options.reminders) {
    remind(ctx, 20, 'sms', 1);
    remind(ctx, 35, 'phone', 2);
  }
  if (ctx.rng.chance(0.5)) pay(ctx, total - part, ctx.rng.int(36, 60));
};

/** Never paid: reminded, and after half a year sometimes written off. */
const unpaid = (ctx: CycleContext, total: number, options: ActivityOptions): void => {
  if (options.reminders) {
    remind(ctx, 1, 'sms', 1);
    remind(ctx, 15, 'phone', 2);
    remind(ctx, 30, 'letter', 3);
  }
  if (ctx.rng.chance(0.3))
    push(
      ctx,
      { type: 'WriteOff', writeOffId: `${ctx.cycleId}/write-off-1`, amountMinor: total, reason: 'Tenant moved out, not recoverable' },
      on(ctx, 180, 12),
      undefined,
      'manager-zhou',
    );
};

/** The same entry made again within the minute it was first made. */
const keyedAgain = (i: Instant): Instant => `${i.slice(0, 17)}59Z` as Instant;
