// A portfolio made of contracts, for the renewal engine to bill. Where `generatePortfolio` writes
// bills by hand, this one writes what a property office records: contracts opened (property
// units and parking passes), auto-debit mandates, a fee increase, contracts ended, lump sums (a
// quarter at once, a year in advance for a discount) and the activity of each cycle (payments on
// time and late, in parts, offline and entered days later; disputes; instalment plans; refunds;
// write-offs). Bills, reminders, auto-debits and credit are the engine's: the caller runs
// `renewDue`, `sendReminders` and `collectAutoDebits` on the simulated days. Amounts come from
// core's `calculateBill` on the contract folded from its own commands, so every payment matches
// the bill the engine will issue. Deterministic and seeded: the same options give the same ids.
import * as E from 'fp-ts/lib/Either.js';
import {
  addDaysTo,
  billCycleId,
  daysBetween,
  calculateBill,
  decideContract,
  evolveContract,
  initialContractState,
  quoteAdvance,
  scheduledPeriodsUntil,
  termsOf,
  type Bill,
  type BusinessDate,
  type ContractCommand,
  type ContractState,
  type Instant,
  type ReceiveLumpSum,
} from '@renewal-ledger/core';
import { instant, localInstant, monthsAfter } from './calendar.js';
import { cycleActivity } from './cycle-activity.js';
import { CLERKS, PAYMENT_CHANNELS, cycleContext, type ScheduledCommand } from './cycle-commands.js';
import { contractOf, type Contract } from './portfolio.js';
import { randomFor } from './random.js';

export interface ContractPortfolioOptions {
  /** Number of contracts. Default 2,000. */
  readonly accounts?: number;
  /** Months simulated, ending with the month of `asOf`. Default 24. */
  readonly months?: number;
  /** The last simulated day. Default `2026-11-28`. */
  readonly asOf?: string;
  readonly seed?: number;
  /**
   * The ledger's zone: the office's hours (openings at 08:00, payments 08:00-18:59, ...) are its
   * local time, and days are its days. Default UTC.
   */
  readonly timeZone?: string;
}

/** A command with the day it is recorded on; `recordedAt` later than `command.at` when entered late. */
export interface PlannedCommand<C> {
  readonly command: C;
  readonly recordedAt: Instant;
}

/** What is recorded on one simulated day, by kind, in recorded order. */
export interface PlannedDay {
  readonly date: BusinessDate;
  /** OpenContract, GiveMandate, ChangeFeePlan, EndContract: before the day's renewal run. */
  readonly contractCommands: readonly PlannedCommand<ContractCommand>[];
  /** Payments, disputes, plans, refunds, write-offs on the engine's cycles. */
  readonly cycleCommands: readonly ScheduledCommand[];
  /** Money for a contract, allocated by the engine (`receiveLumpSum`). */
  readonly lumpSums: readonly PlannedCommand<ReceiveLumpSum>[];
}

/** A contract portfolio planned day by day (`planContractPortfolio`). */
export interface ContractPortfolioPlan {
  readonly firstDay: BusinessDate;
  readonly asOf: BusinessDate;
  /** The days from `firstDay` to `asOf`. */
  readonly dayCount: number;
  /** Every day from `firstDay` to `asOf`, activity or not, each planned when it is reached. */
  eachDay(): Generator<PlannedDay>;
  readonly contracts: number;
  readonly contractIds: readonly string[];
  /** What the plan holds, for the demo's first lines. */
  readonly counts: {
    readonly mandates: number;
    readonly ended: number;
    readonly feePlanChanges: number;
    readonly quarterPayers: number;
    readonly yearInAdvance: number;
    readonly loyalty: number;
    readonly lateJoiners: number;
    readonly cycleCommands: number;
    readonly lumpSums: number;
  };
}

/** A contract portfolio with every day planned at once (`generateContractPortfolio`). */
export interface ContractPortfolio extends Omit<ContractPortfolioPlan, 'eachDay'> {
  /** Every day from `firstDay` to `asOf`, activity or not. */
  readonly days: readonly PlannedDay[];
}

export const SERVICE_RATE = 320; // 3.20 CNY per m2 per month
export const SERVICE_RATE_FROM_2026 = 340; // building 01, from 2026-01-01
export const FEE_CHANGE_FROM = '2026-01-01' as BusinessDate;
const FEE_CHANGE_RECORDED = '2025-11-14' as BusinessDate;
const UTILITIES = 2000;
const PARKING_RATE = 15000;
const PASS_RATE = 30000;
const LOYALTY_DISCOUNT = 500;
const DUE_AFTER_DAYS = 14;

const MANDATE_METHODS = ['card', 'bank-account', 'alipay', 'wechat-pay'] as const;

const dateOf = (i: Instant): BusinessDate => i.slice(0, 10) as BusinessDate;

type Behaviour = 'monthly' | 'quarter-payer' | 'year-in-advance' | 'auto-debit';

interface Profile {
  readonly contract: Contract;
  readonly index: number;
  readonly behaviour: Behaviour;
  readonly startDate: BusinessDate;
  readonly loyalty: boolean;
  readonly endDate: BusinessDate | null;
}

const feePlanOf = (p: Profile, serviceRate: number) => {
  const c = p.contract;
  const items =
    c.kind === 'property'
      ? [
          { code: 'service', description: 'Property service fee', basis: { kind: 'per-area', rateMinor: serviceRate, unit: 'm2' } },
          { code: 'utilities', description: 'Shared utilities', basis: { kind: 'fixed', rateMinor: UTILITIES } },
          ...(c.parkingSpaces > 0
            ? [
                {
                  code: 'parking',
                  description: 'Parking space',
                  basis: { kind: 'per-unit', rateMinor: PARKING_RATE, quantity: String(c.parkingSpaces), unit: 'space' },
                },
              ]
            : []),
        ]
      : [{ code: 'pass', description: 'Monthly parking pass', basis: { kind: 'per-unit', rateMinor: PASS_RATE, unit: 'space' } }];
  const discounts = [
    ...(p.loyalty
      ? [
          {
            code: 'loyalty',
            description: 'Loyal customer discount',
            amount: { kind: 'fixed', amountMinor: LOYALTY_DISCOUNT },
            eligibility: { kind: 'tenure-at-least', years: 1 },
          },
        ]
      : []),
    ...(p.behaviour === 'year-in-advance'
      ? [
          {
            code: 'prepay-year',
            description: 'A year paid in advance',
            amount: { kind: 'percent', percent: '5' },
            eligibility: { kind: 'paid-periods-in-advance', periods: 12 },
          },
        ]
      : []),
  ];
  return { items, ...(discounts.length ? { discounts } : {}) };
};

const profileOf = (index: number, seed: number, firstDay: BusinessDate, months: number): Profile => {
  const contract = contractOf(index, seed);
  const rng = randomFor(seed, index, 0xc1);
  const roll = rng.next();
  const behaviour: Behaviour = roll < 0.12 ? 'auto-debit' : roll < 0.15 ? 'quarter-payer' : roll < 0.16 ? 'year-in-advance' : 'monthly';
  // About one in ten joins later, on any day of the first half of the simulation: a prorated
  // first bill. Nobody's start date is before the simulation: tenure is earned in it.
  const late = behaviour === 'monthly' && months > 2 && rng.chance(0.1);
  const startDate = late ? addDaysTo(rng.int(1, Math.floor((months * 30) / 2)))(firstDay) : firstDay;
  const loyalty = rng.chance(0.15);
  const ends = behaviour === 'monthly' && !late && months > 6 && rng.chance(0.005);
  const endDate = ends ? addDaysTo(rng.int(0, 27))(monthsAfter(firstDay, rng.int(Math.ceil((months * 2) / 3), months - 1))) : null;
  return { contract, index, behaviour, startDate, loyalty, endDate };
};

/** Folds a contract command into the state, refusing what the contract would refuse (a generator bug). */
const fold = (state: ContractState, command: ContractCommand): ContractState => {
  const decided = decideContract(command, state);
  if (E.isLeft(decided)) throw new Error(`workload: ${command.type} ${command.commandId} refused: ${decided.left.code}`);
  return decided.right.events.reduce(evolveContract, state);
};

const totalOf = (bill: Bill): number =>
  bill.lines.reduce((s, l) => s + (l.amountMinor as number), 0) - (bill.discounts ?? []).reduce((s, d) => s + (d.amountMinor as number), 0);

const defaults: Required<ContractPortfolioOptions> = { accounts: 2000, months: 24, asOf: '2026-11-28', seed: 2026, timeZone: 'UTC' };

/** The day-by-day plan of a contract portfolio, from the first day of the first month to `asOf`, every day held at once. */
export const generateContractPortfolio = (options: ContractPortfolioOptions = {}): ContractPortfolio => {
  const { eachDay, ...plan } = planContractPortfolio(options);
  return { ...plan, days: [...eachDay()] };
};

/** What a contract paid month by month needs to plan its cycles as the calendar reaches them. */
interface CycleSource {
  readonly index: number;
  readonly contractId: string;
  /** The contract folded from all its commands up to `asOf`: its bills and the periods its lump sums cover. */
  readonly state: ContractState;
}

/** A cycle command with where the whole-portfolio generator wrote it: contract, period, then order within the cycle. */
interface Pending extends ScheduledCommand {
  readonly contract: number;
  readonly period: number;
  readonly seq: number;
}

const byRecordedAt = <T extends { recordedAt: Instant }>(a: T, b: T) =>
  a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0;
/** Recorded order; ties in the order the whole-portfolio generator wrote them (contract by contract). */
const inWrittenOrder = (a: Pending, b: Pending) => byRecordedAt(a, b) || a.contract - b.contract || a.period - b.period || a.seq - b.seq;

/**
 * The same plan as `generateContractPortfolio`, day by day: the contracts' own commands are
 * planned at once (a few per contract), and each month's cycles only when the calendar reaches
 * the first of the month they are billed on, so what is held is bounded by the contracts and the
 * activity still to come, not by the whole portfolio's history. `eachDay()` walks the calendar
 * again each time it is called.
 */
export const planContractPortfolio = (options: ContractPortfolioOptions = {}): ContractPortfolioPlan => {
  const o: Required<ContractPortfolioOptions> = { ...defaults, ...options };
  const asOf = o.asOf as BusinessDate;
  const firstDay = monthsAfter(`${asOf.slice(0, 7)}-01` as BusinessDate, -(o.months - 1));
  const asOfEnd = `${asOf}T23:59:59Z`;
  const contractCommands = new Map<BusinessDate, PlannedCommand<ContractCommand>[]>();
  const lumpSums = new Map<BusinessDate, PlannedCommand<ReceiveLumpSum>[]>();
  const onDay = <T extends { recordedAt: Instant }>(days: Map<BusinessDate, T[]>, x: T) => {
    const day = dateOf(x.recordedAt);
    const list = days.get(day);
    if (list) list.push(x);
    else days.set(day, [x]);
  };
  const sources: CycleSource[] = [];
  const contractIds: string[] = [];
  const counts = {
    mandates: 0,
    ended: 0,
    feePlanChanges: 0,
    quarterPayers: 0,
    yearInAdvance: 0,
    loyalty: 0,
    lateJoiners: 0,
    cycleCommands: 0,
    lumpSums: 0,
  };

  for (let index = 0; index < o.accounts; index++) {
    const p = profileOf(index, o.seed, firstDay, o.months);
    const c = p.contract;
    const contractId = c.contractId;
    contractIds.push(contractId);
    const rng = randomFor(o.seed, index, 0xc2);
    const building01 = c.kind === 'property' && contractId.startsWith('bldg-01-');
    // Not for a contract that ends before the change takes effect: there is nothing to change.
    const changesLater =
      building01 && p.startDate < FEE_CHANGE_FROM && FEE_CHANGE_RECORDED >= firstDay && (p.endDate === null || p.endDate > FEE_CHANGE_FROM);
    const openingRate = building01 && !changesLater && p.startDate >= FEE_CHANGE_FROM ? SERVICE_RATE_FROM_2026 : SERVICE_RATE;
    // Commands of the contract in recorded order, folded as they go (the lump sums' quotes need
    // the contract as it is when the money comes in).
    const own: { recordedAt: Instant; command: ContractCommand; lumpSum?: boolean }[] = [];
    const contractBase = (suffix: string, at: Instant) => ({
      commandId: `${contractId}:${suffix}`,
      contractId,
      actor: rng.pick(CLERKS),
      at,
    });
    const openAt = instant(p.startDate, 8, rng.int(0, 59));
    own.push({
      recordedAt: openAt,
      command: {
        ...contractBase('open', openAt),
        type: 'OpenContract',
        customer: {
          name: c.customer,
          contact: {
            phone: `+86 138 0${String(100000 + index).slice(-6)}0`,
            ...(c.kind === 'property' ? { address: `Building ${contractId.slice(5, 7)}, unit ${contractId.slice(-4)}` } : {}),
          },
        },
        subject:
          c.kind === 'property'
            ? { kind: 'property-unit', unit: contractId.slice(5), areaM2: c.areaM2! }
            : { kind: 'parking', spaces: c.parkingSpaces, location: `Car park ${contractId.slice(5, 7)}` },
        currency: 'CNY',
        cadence: 'monthly',
        startDate: p.startDate,
        billingDay: 1,
        dueAfterDays: DUE_AFTER_DAYS,
        feePlan: feePlanOf(p, openingRate),
      } as unknown as ContractCommand,
    });
    if (p.behaviour === 'auto-debit') {
      const method = rng.pick(MANDATE_METHODS);
      const at = instant(addDaysTo(rng.int(0, 3))(p.startDate), 10, rng.int(0, 59));
      own.push({
        recordedAt: at,
        command: {
          ...contractBase('mandate-1', at),
          type: 'GiveMandate',
          mandateId: `${contractId}/mandate-1`,
          method,
          accountRef: `${method} ****${String(rng.int(0, 9999)).padStart(4, '0')}`,
        } as unknown as ContractCommand,
      });
    }
    if (changesLater) {
      // Announced in November; a unit that joins after the announcement gets it the day it opens.
      const at = instant(p.startDate > FEE_CHANGE_RECORDED ? p.startDate : FEE_CHANGE_RECORDED, 16, rng.int(0, 59));
      own.push({
        recordedAt: at,
        command: {
          ...contractBase('fee-plan-2026', at),
          type: 'ChangeFeePlan',
          changeId: `${contractId}/fee-plan-2026`,
          effectiveFrom: FEE_CHANGE_FROM,
          feePlan: feePlanOf(p, SERVICE_RATE_FROM_2026),
          reason: 'Building 01 service fee 3.20 to 3.40 per m2 (owners meeting 2025-10)',
        } as unknown as ContractCommand,
      });
    }
    if (p.endDate) {
      const at = instant(addDaysTo(-20)(p.endDate), 11, rng.int(0, 59));
      own.push({
        recordedAt: at,
        command: { ...contractBase('end', at), type: 'EndContract', endDate: p.endDate, reason: 'Moved out' } as unknown as ContractCommand,
      });
    }
    // Lump sums, on the contract's schedule.
    const lumpOf = (id: string, at: Instant, amountMinor: number, extra: Record<string, unknown>): ReceiveLumpSum =>
      ({
        ...contractBase(`lump-sum-${id}`, at),
        type: 'ReceiveLumpSum',
        lumpSumId: `${contractId}/${id}`,
        amountMinor,
        channel: 'bank-transfer',
        reference: `TRF-${contractId.replace(/[^a-z0-9]/gi, '')}-${id}`,
        ...extra,
      }) as unknown as ReceiveLumpSum;
    if (p.behaviour === 'quarter-payer')
      for (let m = 0; m < o.months; m += 3)
        own.push({
          recordedAt: instant(addDaysTo(rng.int(2, 9))(monthsAfter(firstDay, m)), 11, rng.int(0, 59)),
          command: null as never,
          lumpSum: true,
        });
    if (p.behaviour === 'year-in-advance')
      for (let m = 1; m < o.months; m += 12)
        own.push({
          recordedAt: instant(addDaysTo(-rng.int(3, 12))(monthsAfter(firstDay, m)), 11, rng.int(0, 59)),
          command: null as never,
          lumpSum: true,
        });
    own.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));

    let state = initialContractState();
    for (const entry of own) {
      if (entry.recordedAt > asOfEnd) continue;
      if (!entry.lumpSum) {
        state = fold(state, entry.command);
        onDay(contractCommands, { command: entry.command, recordedAt: entry.recordedAt });
        continue;
      }
      const month = monthsAfter(
        dateOf(entry.recordedAt),
        dateOf(entry.recordedAt).endsWith('-01') ? 0 : p.behaviour === 'year-in-advance' ? 1 : 0,
      );
      let command: ReceiveLumpSum;
      if (p.behaviour === 'year-in-advance') {
        const advance = { from: month, periods: 12 };
        const quote = quoteAdvance(state, advance as never);
        if (E.isLeft(quote)) throw new Error(`workload: cannot quote ${contractId}: ${quote.left.code}`);
        command = lumpOf(`advance-${month.slice(0, 7)}`, entry.recordedAt, quote.right.totalMinor, { advance });
      } else {
        // A quarter at once: three times this month's bill, the rest of it credit for the next two.
        const bill = calculateBill(state, { start: month, end: monthsAfter(month, 1) });
        const monthly = E.isRight(bill) ? totalOf(bill.right) : 0;
        if (monthly <= 0) continue;
        command = lumpOf(`quarter-${month.slice(0, 7)}`, entry.recordedAt, monthly * 3, {});
      }
      state = fold(state, command);
      onDay(lumpSums, { command, recordedAt: entry.recordedAt });
      counts.lumpSums++;
    }

    counts.mandates += p.behaviour === 'auto-debit' ? 1 : 0;
    counts.ended += p.endDate ? 1 : 0;
    counts.feePlanChanges += changesLater ? 1 : 0;
    counts.quarterPayers += p.behaviour === 'quarter-payer' ? 1 : 0;
    counts.yearInAdvance += p.behaviour === 'year-in-advance' ? 1 : 0;
    counts.loyalty += p.loyalty ? 1 : 0;
    counts.lateJoiners += p.startDate > firstDay ? 1 : 0;

    // Mandates are collected by the engine, lump sums pay the quarter payers' cycles: the
    // customers who pay month by month are the ones with cycle activity.
    if (p.behaviour !== 'auto-debit' && p.behaviour !== 'quarter-payer') sources.push({ index, contractId, state });
  }

  /** The commands of the source's cycles billed on `issuedOn` (a first of the month), in written order. */
  const cyclesBilledOn = (source: CycleSource, issuedOn: BusinessDate, out: (c: Pending) => void): void => {
    const { state, index, contractId } = source;
    // A year in advance covers its year; a month outside it is paid like anyone's.
    const covered = (start: BusinessDate) =>
      state.lumpSums.some((l) => {
        const a = l.received.advance;
        return a !== undefined && start >= a.from && start < monthsAfter(a.from as BusinessDate, a.periods);
      });
    const terms = termsOf(state)!;
    scheduledPeriodsUntil(terms, issuedOn).forEach((scheduled, period) => {
      const start = scheduled.period.start;
      // The engine bills on the first of the month: a first period that starts mid-month is
      // billed on the next first, and its activity comes after that.
      const issued = start.endsWith('-01') ? start : monthsAfter(start, 1);
      if (issued !== issuedOn || covered(start)) return;
      const bill = calculateBill(state, scheduled.period);
      if (E.isLeft(bill)) return;
      const due = bill.right.dueDate as BusinessDate;
      const base = addDaysTo(DUE_AFTER_DAYS)(issued) > due ? addDaysTo(DUE_AFTER_DAYS)(issued) : due;
      const monthIndex = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7));
      // Mandates are the engine's to collect: no auto-debit among the payments written here.
      const ctx = cycleContext(billCycleId(contractId, start), base, randomFor(o.seed, index, monthIndex), PAYMENT_CHANNELS);
      // Reminders too: the caller's `sendReminders` sends them on the simulated days.
      cycleActivity(ctx, bill.right.lines, totalOf(bill.right), { reminders: false });
      const from = instant(issued, 0, 1);
      ctx.out.forEach((cmd, seq) => {
        if (cmd.recordedAt <= asOfEnd && cmd.command.at >= from) out({ ...cmd, contract: index, period, seq });
      });
    });
  };
  const billingDays: BusinessDate[] = [];
  for (let m = 0; m < o.months; m++) billingDays.push(monthsAfter(firstDay, m));
  // Counted once ahead (the demo's first lines say how many), then planned again as the days come.
  for (const d of billingDays) for (const source of sources) cyclesBilledOn(source, d, () => counts.cycleCommands++);

  function* eachDay(): Generator<PlannedDay> {
    // Cycle commands planned and not yet recorded, by the day they are recorded.
    const pending = new Map<BusinessDate, Pending[]>();
    for (let d = firstDay; d <= asOf; d = addDaysTo(1)(d)) {
      if (d.endsWith('-01')) for (const source of sources) cyclesBilledOn(source, d, (c) => onDay(pending, c));
      const cycleCommands = (pending.get(d) ?? []).sort(inWrittenOrder).map(({ command, recordedAt }) => ({ command, recordedAt }));
      pending.delete(d);
      const day: PlannedDay = {
        date: d,
        contractCommands: [...(contractCommands.get(d) ?? [])].sort(byRecordedAt),
        cycleCommands,
        lumpSums: [...(lumpSums.get(d) ?? [])].sort(byRecordedAt),
      };
      yield o.timeZone === 'UTC' ? day : inZone(day, o.timeZone);
    }
  }

  return {
    firstDay,
    asOf,
    dayCount: daysBetween(firstDay, asOf) + 1,
    eachDay,
    contracts: o.accounts,
    contractIds,
    counts,
  };
};

/** A day planned on the office's wall clock, its instants made real in the ledger's zone (the day stays the local day). */
const inZone = (day: PlannedDay, zone: string): PlannedDay => {
  const at = <C extends { readonly at: Instant }>(p: { readonly command: C; readonly recordedAt: Instant }) => ({
    ...p,
    command: { ...p.command, at: localInstant(p.command.at, zone) },
    recordedAt: localInstant(p.recordedAt, zone),
  });
  return {
    ...day,
    contractCommands: day.contractCommands.map(at),
    cycleCommands: day.cycleCommands.map(at),
    lumpSums: day.lumpSums.map(at),
  };
};
