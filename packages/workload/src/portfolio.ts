// A realistic, deterministic portfolio: property units and parking passes billed monthly, with
// the activity the collection practice describes (payments on time and late, in parts, through
// many channels, offline and entered days later; disputes upheld and rejected; instalment plans,
// some defaulted; refunds; reminders; write-offs; and the mistakes clerks make: a payment keyed
// twice). Commands come ordered by the instant they were recorded, each with deterministic ids,
// so replaying the same portfolio into a store changes nothing the second time.
import {
  addDaysTo,
  amountFromRate,
  type BusinessDate,
  type DecimalQuantity,
  type Instant,
  type NonNegativeMinorUnits,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { randomFor, type Random } from './random.js';

export interface PortfolioOptions {
  /** Number of contracts (accounts). Default 2,000 (about 100,000 events over 24 months). */
  readonly accounts?: number;
  /** Monthly cycles per contract. Default 24. */
  readonly months?: number;
  /** First billing month `YYYY-MM`. Default `2024-12`. */
  readonly firstMonth?: string;
  /** Nothing recorded after this date is generated. Default `2026-11-28`. */
  readonly asOf?: string;
  readonly seed?: number;
}

export interface Contract {
  readonly contractId: string;
  readonly customer: string;
  readonly kind: 'property' | 'parking';
  /** Property units: floor area in m2 as a decimal string. */
  readonly areaM2?: string;
  readonly parkingSpaces: number;
  readonly loyaltyDiscount: boolean;
}

export interface ScheduledCommand {
  readonly command: RenewalCommand;
  /** When a clerk or system entered it: later than `command.at` for offline payments. */
  readonly recordedAt: Instant;
}

export interface Portfolio {
  readonly contracts: readonly Contract[];
  readonly commands: readonly ScheduledCommand[];
  readonly asOf: BusinessDate;
  readonly cycles: number;
}

const SERVICE_RATE_PER_M2 = 320 as NonNegativeMinorUnits; // 3.20 CNY per m2 per month
const PARKING_RATE = 15000 as NonNegativeMinorUnits; // 150.00 CNY per space per month
const PARKING_PASS_RATE = 30000 as NonNegativeMinorUnits;
const SHARED_UTILITIES = 2000;
const LOYALTY_DISCOUNT = 500;

const CHANNELS = ['cash', 'card', 'bank-transfer', 'alipay', 'alipay', 'wechat-pay', 'wechat-pay', 'auto-debit'] as const;
const CLERKS = ['clerk-li', 'clerk-wang', 'clerk-zhang'];
const CASHIERS = ['cashier-chen', 'cashier-liu', 'cashier-zhao', 'cashier-sun'];

const instant = (date: BusinessDate, hour: number, minute = 0): Instant =>
  `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z` as Instant;

const monthStart = (firstMonth: string, offset: number): BusinessDate => {
  const [y, m] = firstMonth.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + offset;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01` as BusinessDate;
};

export const contractOf = (index: number, seed: number): Contract => {
  const rng = randomFor(seed, index, 0xc0);
  const building = String(1 + Math.floor(index / 200)).padStart(2, '0');
  const unit = String(101 + (index % 200)).padStart(4, '0');
  if (rng.chance(0.2)) {
    return {
      contractId: `park-${building}-${unit}`,
      customer: `Parking customer ${index + 1}`,
      kind: 'parking',
      parkingSpaces: rng.int(1, 2),
      loyaltyDiscount: rng.chance(0.1),
    };
  }
  const area = `${rng.int(45, 180)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
  return {
    contractId: `bldg-${building}-unit-${unit}`,
    customer: `Household ${index + 1}`,
    kind: 'property',
    areaM2: area,
    parkingSpaces: rng.chance(0.3) ? 1 : 0,
    loyaltyDiscount: rng.chance(0.1),
  };
};

const billLines = (c: Contract) => {
  const lines: Array<Record<string, unknown>> = [];
  if (c.kind === 'property') {
    const quantity = c.areaM2 as DecimalQuantity;
    const amount = amountFromRate(quantity, SERVICE_RATE_PER_M2);
    lines.push({
      code: 'service',
      description: 'Property service fee',
      amountMinor: amount._tag === 'Right' ? amount.right : 0,
      basis: { kind: 'per-area', quantity, rateMinor: SERVICE_RATE_PER_M2, unit: 'm2' },
    });
    lines.push({ code: 'utilities', description: 'Shared utilities', amountMinor: SHARED_UTILITIES, basis: { kind: 'fixed' } });
    if (c.parkingSpaces > 0)
      lines.push({
        code: 'parking',
        description: 'Parking space',
        amountMinor: PARKING_RATE * c.parkingSpaces,
        basis: { kind: 'per-unit', quantity: String(c.parkingSpaces), rateMinor: PARKING_RATE },
      });
  } else {
    lines.push({
      code: 'pass',
      description: 'Monthly parking pass',
      amountMinor: PARKING_PASS_RATE * c.parkingSpaces,
      basis: { kind: 'per-unit', quantity: String(c.parkingSpaces), rateMinor: PARKING_PASS_RATE },
    });
  }
  return lines;
};

interface CycleContext {
  readonly cycleId: string;
  readonly due: BusinessDate;
  readonly rng: Random;
  readonly out: ScheduledCommand[];
  seq: number;
}

const on = (ctx: CycleContext, dayOffset: number, hour: number) => instant(addDaysTo(dayOffset)(ctx.due), hour, ctx.rng.int(0, 59));

const push = (ctx: CycleContext, body: Record<string, unknown>, at: Instant, recordedAt: Instant = at, actor?: string) => {
  const command = {
    commandId: `${ctx.cycleId}:${++ctx.seq}`,
    cycleId: ctx.cycleId,
    actor: actor ?? ctx.rng.pick(CLERKS),
    at,
    ...body,
  } as unknown as RenewalCommand;
  ctx.out.push({ command, recordedAt });
};

const pay = (ctx: CycleContext, amountMinor: number, dayOffset: number, opts: { channel?: string; offline?: boolean } = {}) => {
  if (amountMinor <= 0) return '';
  const channel = opts.channel ?? ctx.rng.pick(CHANNELS);
  const paymentId = `${ctx.cycleId}/pay-${ctx.seq + 1}`;
  const at = on(ctx, dayOffset, ctx.rng.int(8, 18));
  const offline = opts.offline ?? (channel === 'cash' && ctx.rng.chance(0.25));
  const recordedAt = offline ? on(ctx, dayOffset + ctx.rng.int(1, 6), 19) : at;
  const reference = channel === 'cash' ? undefined : `${channel.toUpperCase()}-${ctx.cycleId.replace(/[^a-z0-9]/gi, '')}-${ctx.seq + 1}`;
  push(
    ctx,
    {
      type: 'RecordPayment',
      paymentId,
      amountMinor,
      channel,
      ...(reference ? { reference } : {}),
      ...(offline ? { offline: true } : {}),
    },
    at,
    recordedAt,
    channel === 'auto-debit' ? 'auto-debit' : ctx.rng.pick(CASHIERS),
  );
  return paymentId;
};

const remind = (ctx: CycleContext, dayOffset: number, channel: string, level: number) =>
  push(ctx, { type: 'SendReminder', reminderId: `${ctx.cycleId}/reminder-${level}`, channel, level }, on(ctx, dayOffset, 9), undefined, 'reminder-bot');

const cycleActivity = (contract: Contract, monthIndex: number, options: Required<PortfolioOptions>): ScheduledCommand[] => {
  const start = monthStart(options.firstMonth, monthIndex);
  const end = monthStart(options.firstMonth, monthIndex + 1);
  const due = addDaysTo(14)(start);
  const cycleId = `${contract.contractId}/${start.slice(0, 7)}`;
  const ctx: CycleContext = { cycleId, due, rng: randomFor(options.seed, Number.parseInt(contract.contractId.replace(/\D/g, ''), 10), monthIndex), out: [], seq: 0 };
  const rng = ctx.rng;
  const lines = billLines(contract);
  const discounts = contract.loyaltyDiscount
    ? [{ code: 'loyalty', description: 'Loyal customer discount', amountMinor: LOYALTY_DISCOUNT, eligibility: 'tenure of 3 years or more' }]
    : [];
  const total = lines.reduce((s, l) => s + (l.amountMinor as number), 0) - discounts.reduce((s, d) => s + d.amountMinor, 0);
  push(
    ctx,
    { type: 'Bill', contractId: contract.contractId, period: { start, end }, dueDate: due, currency: 'CNY', lines, discounts },
    instant(start, 1),
    instant(start, 1),
    'billing-run',
  );

  if (rng.chance(0.03)) {
    // A disputed bill: the customer questions part of a line; staff go through it and resolve.
    const line = rng.pick(lines);
    const disputed = Math.max(1, Math.floor(((line.amountMinor as number) * rng.int(10, 50)) / 100));
    const outcome = rng.pick(['upheld', 'upheld', 'partially-upheld', 'rejected'] as const);
    const adjustment = outcome === 'upheld' ? disputed : outcome === 'rejected' ? 0 : Math.max(1, Math.floor(disputed / 2));
    const paidFirst = rng.chance(0.35);
    let fullPayment = '';
    if (paidFirst) fullPayment = pay(ctx, total, -3);
    push(ctx, { type: 'RaiseDispute', disputeId: `${cycleId}/dispute-1`, amountMinor: disputed, lineCode: line.code, reason: 'Customer says the line was charged for a service not received' }, on(ctx, paidFirst ? 1 : -5, 10));
    if (!paidFirst) pay(ctx, total - disputed, -2);
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
      push(ctx, { type: 'Refund', refundId: `${cycleId}/refund-1`, paymentId: fullPayment, amountMinor: realAdjustment, reason: 'Dispute upheld after full payment' }, on(ctx, 12, 11));
    if (!paidFirst) pay(ctx, disputed - realAdjustment, 15);
    return ctx.out;
  }

  if (rng.chance(0.02)) {
    // Cannot pay on time: an instalment plan, kept or defaulted.
    const parts = rng.int(2, 3);
    const each = Math.floor(total / parts);
    const installments = Array.from({ length: parts }, (_, i) => ({
      dueDate: addDaysTo(20 + 30 * i)(due),
      amountMinor: i === parts - 1 ? total - each * (parts - 1) : each,
    }));
    push(ctx, { type: 'AgreeInstallments', planId: `${cycleId}/plan-1`, installments }, on(ctx, 5, 14));
    const defaults = rng.chance(0.3);
    installments.forEach((inst, i) => {
      if (defaults && i > 0) return;
      pay(ctx, inst.amountMinor, 20 + 30 * i + rng.int(-2, 3));
    });
    if (defaults) {
      push(ctx, { type: 'CancelInstallments', planId: `${cycleId}/plan-1`, reason: 'defaulted' }, on(ctx, 20 + 30 + 15, 10));
      remind(ctx, 20 + 30 + 16, 'letter', 3);
    }
    return ctx.out;
  }

  const roll = rng.next();
  if (roll < 0.9) {
    const day = rng.chance(0.8) ? rng.int(-12, 0) : rng.int(1, 40);
    const paymentId = pay(ctx, total, day);
    if (rng.chance(0.01))
      push(ctx, { type: 'Refund', refundId: `${cycleId}/refund-1`, paymentId, amountMinor: Math.max(1, Math.floor(total / 10)), reason: 'Overcharged utilities returned at the counter' }, on(ctx, day + 7, 16));
    const first = ctx.out.find((c) => c.command.type === 'RecordPayment');
    if (first && rng.chance(0.004)) {
      // A clerk keys the same paper receipt twice: same payment id, same facts: a duplicate.
      ctx.out.push({ command: { ...first.command, commandId: `${first.command.commandId}-rekeyed` } as RenewalCommand, recordedAt: addRecorded(first.recordedAt) });
    } else if (first && first.command.type === 'RecordPayment' && first.command.reference && rng.chance(0.004)) {
      // A bank transfer entered again under a new payment id: the reference gives it away.
      ctx.out.push({ command: { ...first.command, commandId: `${first.command.commandId}-again`, paymentId: `${first.command.paymentId}-again` } as RenewalCommand, recordedAt: addRecorded(first.recordedAt) });
    }
  } else if (roll < 0.95) {
    const part = Math.floor((total * rng.int(30, 70)) / 100);
    pay(ctx, part, rng.int(0, 10));
    remind(ctx, 20, 'sms', 1);
    remind(ctx, 35, 'phone', 2);
    if (rng.chance(0.5)) pay(ctx, total - part, rng.int(36, 60));
  } else {
    remind(ctx, 1, 'sms', 1);
    remind(ctx, 15, 'phone', 2);
    remind(ctx, 30, 'letter', 3);
    if (rng.chance(0.3)) push(ctx, { type: 'WriteOff', writeOffId: `${cycleId}/write-off-1`, amountMinor: total, reason: 'Tenant moved out, not recoverable' }, on(ctx, 180, 12), undefined, 'manager-zhou');
  }
  return ctx.out;
};

const addRecorded = (i: Instant): Instant => `${i.slice(0, 17)}59Z` as Instant;

const defaults: Required<PortfolioOptions> = {
  accounts: 2000,
  months: 24,
  firstMonth: '2024-12',
  asOf: '2026-11-28',
  seed: 2026,
};

/** The whole portfolio, commands ordered by when they were recorded (ties keep cycle order). */
export const generatePortfolio = (options: PortfolioOptions = {}): Portfolio => {
  const o: Required<PortfolioOptions> = { ...defaults, ...options };
  const asOfEnd = `${o.asOf}T23:59:59Z`;
  const contracts = Array.from({ length: o.accounts }, (_, i) => contractOf(i, o.seed));
  const commands: ScheduledCommand[] = [];
  let cycles = 0;
  for (const contract of contracts) {
    for (let m = 0; m < o.months; m++) {
      if (monthStart(o.firstMonth, m) > o.asOf) break;
      cycles++;
      for (const c of cycleActivity(contract, m, o)) if (c.recordedAt <= asOfEnd) commands.push(c);
    }
  }
  commands.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
  return { contracts, commands, asOf: o.asOf as BusinessDate, cycles };
};
