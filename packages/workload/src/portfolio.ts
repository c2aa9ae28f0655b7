// A realistic, deterministic portfolio: property units and parking passes billed monthly, with
// the activity the collection practice describes (payments on time and late, in parts, through
// many channels, offline and entered days later; disputes upheld and rejected; instalment plans,
// some defaulted; refunds; reminders; write-offs; and the mistakes clerks make: a payment keyed
// twice). Commands come ordered by the instant they were recorded, each with deterministic ids,
// so replaying the same portfolio into a store changes nothing the second time.
import { addDaysTo, amountFromRate, type BusinessDate, type DecimalQuantity, type NonNegativeMinorUnits } from '@renewal-ledger/core';
import { instant, monthsAfter } from './calendar.js';
import { cycleActivity } from './cycle-activity.js';
import { PAYMENT_CHANNELS, cycleContext, push, type ScheduledCommand } from './cycle-commands.js';
import { randomFor } from './random.js';

export type { ScheduledCommand } from './cycle-commands.js';

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

// Without an engine to collect mandates, auto-debit payments are written like any other.
const CHANNELS = [...PAYMENT_CHANNELS, 'auto-debit'] as const;

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

interface BillLine {
  readonly code: string;
  readonly description: string;
  readonly amountMinor: number;
  readonly basis: Record<string, unknown>;
}

const billLines = (c: Contract): BillLine[] => {
  const lines: BillLine[] = [];
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

/** One month of a contract: the bill, then what the customer and the office do about it. */
const monthOfContract = (contract: Contract, monthIndex: number, options: Required<PortfolioOptions>): ScheduledCommand[] => {
  const start = monthsAfter(options.firstMonth, monthIndex);
  const end = monthsAfter(options.firstMonth, monthIndex + 1);
  const due = addDaysTo(14)(start);
  const rng = randomFor(options.seed, Number.parseInt(contract.contractId.replace(/\D/g, ''), 10), monthIndex);
  const ctx = cycleContext(`${contract.contractId}/${start.slice(0, 7)}`, due, rng, CHANNELS);
  const lines = billLines(contract);
  const discounts = contract.loyaltyDiscount
    ? [{ code: 'loyalty', description: 'Loyal customer discount', amountMinor: LOYALTY_DISCOUNT, eligibility: 'tenure of 3 years or more' }]
    : [];
  const total = lines.reduce((s, l) => s + l.amountMinor, 0) - discounts.reduce((s, d) => s + d.amountMinor, 0);
  push(
    ctx,
    { type: 'Bill', contractId: contract.contractId, period: { start, end }, dueDate: due, currency: 'CNY', lines, discounts },
    instant(start, 1),
    instant(start, 1),
    'billing-run',
  );
  // No engine runs on this portfolio: its reminders are written here with the rest.
  cycleActivity(ctx, lines, total, { reminders: true });
  return ctx.out;
};

const defaults: Required<PortfolioOptions> = {
  accounts: 2000,
  months: 24,
  firstMonth: '2024-12',
  asOf: '2026-11-28',
  seed: 2026,
};

/** Billing months of the portfolio: `months` of them, none starting after `asOf`. */
const billingMonths = (o: Required<PortfolioOptions>): number => {
  let m = 0;
  while (m < o.months && monthsAfter(o.firstMonth, m) <= o.asOf) m++;
  return m;
};

/** A cycle's commands up to `asOf`. */
const cycleCommands = (contract: Contract, month: number, o: Required<PortfolioOptions>): ScheduledCommand[] =>
  monthOfContract(contract, month, o).filter((c) => c.recordedAt <= `${o.asOf}T23:59:59Z`);

/** The whole portfolio, commands ordered by when they were recorded (ties keep cycle order). */
export const generatePortfolio = (options: PortfolioOptions = {}): Portfolio => {
  const o: Required<PortfolioOptions> = { ...defaults, ...options };
  const contracts = Array.from({ length: o.accounts }, (_, i) => contractOf(i, o.seed));
  const commands: ScheduledCommand[] = [];
  const months = billingMonths(o);
  for (const contract of contracts) for (let m = 0; m < months; m++) for (const c of cycleCommands(contract, m, o)) commands.push(c);
  commands.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
  return { contracts, commands, asOf: o.asOf as BusinessDate, cycles: contracts.length * months };
};

/** A stretch of the portfolio's commands, in order, and the cycles that get no command after it. */
export interface PortfolioSlice {
  /** The next commands, in generatePortfolio's order. */
  readonly commands: readonly ScheduledCommand[];
  /** Cycles whose last command is in this slice or an earlier one; every cycle is in exactly one slice's list. */
  readonly finishedCycles: readonly string[];
}

interface Queued {
  readonly scheduled: ScheduledCommand;
  readonly contract: number;
  readonly month: number;
  readonly seq: number;
}

/** generatePortfolio's order: recorded-at, then contract, month and the cycle's own order (its stable sort of that list). */
const queuedOrder = (a: Queued, b: Queued): number =>
  a.scheduled.recordedAt < b.scheduled.recordedAt
    ? -1
    : a.scheduled.recordedAt > b.scheduled.recordedAt
      ? 1
      : a.contract - b.contract || a.month - b.month || a.seq - b.seq;

const merge = (xs: readonly Queued[], ys: readonly Queued[]): Queued[] => {
  const out: Queued[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length && j < ys.length) out.push(queuedOrder(xs[i]!, ys[j]!) <= 0 ? xs[i++]! : ys[j++]!);
  while (i < xs.length) out.push(xs[i++]!);
  while (j < ys.length) out.push(ys[j++]!);
  return out;
};

/**
 * The portfolio's commands in generatePortfolio's order, a billing month at a time, for
 * histories too large to hold (a store of ten million events): every contract's cycle of the
 * month is generated, and what was recorded before the month's first command is handed out.
 * Memory holds one month's cycles and the commands recorded after their month, not the history.
 */
export function* streamPortfolio(options: PortfolioOptions = {}): Generator<PortfolioSlice> {
  const o: Required<PortfolioOptions> = { ...defaults, ...options };
  const contracts = Array.from({ length: o.accounts }, (_, i) => contractOf(i, o.seed));
  const unfinished = new Map<string, number>();
  let queue: Queued[] = [];
  let handedOut = '';
  /** The queued commands recorded before `before` (all when null), in order. */
  const slice = (before: string | null): PortfolioSlice => {
    const cut = before === null ? queue.length : queue.findIndex((q) => q.scheduled.recordedAt >= before);
    const out = queue.slice(0, cut < 0 ? queue.length : cut);
    queue = queue.slice(out.length);
    const finishedCycles: string[] = [];
    for (const q of out) {
      const cycleId = q.scheduled.command.cycleId;
      const left = unfinished.get(cycleId)! - 1;
      if (left > 0) unfinished.set(cycleId, left);
      else {
        unfinished.delete(cycleId);
        finishedCycles.push(cycleId);
      }
    }
    if (out.length > 0) handedOut = out[out.length - 1]!.scheduled.recordedAt;
    return { commands: out.map((q) => q.scheduled), finishedCycles };
  };
  const months = billingMonths(o);
  for (let m = 0; m < months; m++) {
    const month: Queued[] = [];
    contracts.forEach((contract, i) => {
      const commands = cycleCommands(contract, m, o);
      if (commands.length > 0) unfinished.set(commands[0]!.command.cycleId, commands.length);
      commands.forEach((scheduled, seq) => {
        month.push({ scheduled, contract: i, month: m, seq });
      });
    });
    month.sort(queuedOrder);
    const first = month[0]?.scheduled.recordedAt;
    if (first === undefined) continue;
    // What this month records first bounds what can still come: later months start later still.
    if (first <= handedOut) throw new Error(`streamPortfolio: month ${m} records ${first}, before ${handedOut} already handed out`);
    const ready = slice(first);
    if (ready.commands.length > 0) yield ready;
    queue = merge(queue, month);
  }
  yield slice(null);
}
