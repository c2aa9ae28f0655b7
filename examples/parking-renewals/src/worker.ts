// The car park's renewal worker on a simulated clock. For each day: bill what is due (renewDue),
// collect from mandates through the simulated gateway (collectAutoDebits: failures are retried on
// the engine's schedule), take the counter payments of the day, send the reminders the policy
// calls for (sendReminders). Every id is derived from business ids, so the whole run can be
// repeated: a second run over the same store writes nothing.
import * as E from 'fp-ts/lib/Either.js';
import {
  contractDecider,
  renewalCycle,
  businessDayOf,
  addDaysTo,
  decodeCommand,
  type AutoDebitFailedData,
  type BilledData,
  type BusinessDate,
  type Instant,
  type PaidData,
  type RecordPayment,
  type ReminderSentData,
} from '@renewal-ledger/core';
import { getCommandHandler, readLedgerZones } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView, type CurrencyTotals, type Debtor } from '@renewal-ledger/projection-arrears';
import { behaviourProjection, getBehaviourView, type PeriodCollection } from '@renewal-ledger/projection-behaviour';
import { collectAutoDebits, getSimulatedPaymentGateway, renewDue, sendReminders } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { carPark, counterDay, openingCommands, type Pass } from './car-park.js';

export interface CarParkOptions {
  readonly storeUrl: string;
  readonly seed?: number;
  readonly passes?: number;
  /** The first simulated day, the first of a month. Default 2026-01-01. */
  readonly from?: BusinessDate;
  /** Simulated months. Default 1. */
  readonly months?: number;
  /** Share of simulated auto-debit attempts that fail. Default 0.2. */
  readonly failureRate?: number;
  /** Called after every simulated day. */
  readonly onDay?: (day: DayActivity) => void;
}

export interface DayActivity {
  readonly date: BusinessDate;
  readonly bills: { count: number; amountMinor: number };
  readonly collected: { count: number; amountMinor: number; retries: number };
  readonly failed: { cycleId: string; attempt: number; code: string; retryable: boolean }[];
  readonly counter: { count: number; amountMinor: number };
  readonly reminders: Record<string, number>;
  eventsWritten: number;
}

export interface CarParkReport {
  readonly passes: readonly Pass[];
  readonly opened: { contracts: number; mandates: number; eventsWritten: number };
  readonly from: BusinessDate;
  readonly to: BusinessDate;
  readonly days: readonly DayActivity[];
  readonly eventsWritten: number;
  readonly arrears: CurrencyTotals | null;
  readonly debtors: readonly Debtor[];
  readonly collectionRates: readonly PeriodCollection[];
}

/** The first of the month `months` after `from`'s. */
export const monthsAfter = (from: BusinessDate, months: number): BusinessDate => {
  const [y, m] = from.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01` as BusinessDate;
};

const counterPayment = (cycleId: string, amountMinor: number, day: BusinessDate, channel: 'cash' | 'wechat-pay'): RecordPayment => {
  const d = decodeCommand({
    type: 'RecordPayment',
    commandId: `counter:${cycleId}`,
    cycleId,
    actor: 'cashier-wu',
    at: `${day}T10:00:00Z`,
    paymentId: `counter/${cycleId}`,
    amountMinor,
    channel,
  });
  if (E.isLeft(d) || d.right.type !== 'RecordPayment') throw new Error(`counter payment of ${cycleId}: not a valid command`);
  return d.right;
};

/** The attempt number at the end of an attempt id `<cycleId>/auto-debit/<due date>/<n>`. */
const attemptOf = (attemptId: string): number => Number(attemptId.slice(attemptId.lastIndexOf('/') + 1));

export const runCarPark = async (options: CarParkOptions): Promise<CarParkReport> => {
  const from = options.from ?? ('2026-01-01' as BusinessDate);
  const to = addDaysTo(-1)(monthsAfter(from, options.months ?? 1));
  const passes = carPark({ seed: options.seed ?? 1, passes: options.passes ?? 50, from });
  const byContract = new Map(passes.map((p) => [p.contractId, p]));
  const store = await openStore(options.storeUrl);
  try {
    // The simulated clock stamps every event's recordedAt with the simulated day.
    let today = from;
    const clock = () => `${today}T23:00:00Z` as Instant;
    const handler = getCommandHandler(renewalCycle, { store, clock });
    const contractHandler = getCommandHandler(contractDecider, { store, clock });
    const gateway = getSimulatedPaymentGateway({ seed: options.seed ?? 1, failureRate: options.failureRate ?? 0.2 });
    const engine = { store, handler, contractHandler };

    // An empty store's head is -1; positions start at 1.
    const positionBefore = async () => {
      const h = await store.headPosition();
      return h < 0n ? 0n : h;
    };
    const startHead = await positionBefore();
    const opening = passes.flatMap((p) => openingCommands(p, `${from}T08:00:00Z`));
    const openResults = await contractHandler.handleBatch(opening);
    const rejected = openResults.find((r) => r.status === 'rejected');
    if (rejected && rejected.status === 'rejected')
      throw new Error(`opening the passes: ${rejected.error.code}: ${rejected.error.message}`);

    // What the store holds, learnt by reading on from the last position seen: the bills (to
    // know what to pay at the counter) and the failures that cannot be retried (staff ask the
    // customer to pay at the counter two days later).
    const bills = new Map<string, BilledData>();
    const followUps = new Map<string, BusinessDate>();
    // The day a failure counts as is its business day, in the ledger's zone (UTC without settings).
    const zones = await readLedgerZones(store);
    let seen = 0n;
    const learn = async (since: bigint, day: DayActivity) => {
      for await (const e of store.readAll({ after: seen })) {
        seen = e.globalPosition;
        const fresh = e.globalPosition > since;
        if (fresh) day.eventsWritten++;
        if (e.type === 'Billed') {
          const d = e.data as BilledData;
          bills.set(d.cycleId, d);
          if (fresh) {
            day.bills.count++;
            day.bills.amountMinor += d.totalMinor;
          }
        } else if (e.type === 'AutoDebitFailed') {
          const d = e.data as AutoDebitFailedData;
          if (!d.retryable) followUps.set(d.cycleId, addDaysTo(2)(businessDayOf(zones, d.at)));
          if (fresh) day.failed.push({ cycleId: d.cycleId, attempt: d.attempt, code: d.failureCode, retryable: d.retryable });
        } else if (e.type === 'Paid' && fresh) {
          const d = e.data as PaidData;
          if (d.channel === 'auto-debit') {
            day.collected.count++;
            day.collected.amountMinor += d.amountMinor;
            if (attemptOf(d.paymentId) > 1) day.collected.retries++;
          } else {
            day.counter.count++;
            day.counter.amountMinor += d.amountMinor;
          }
        } else if (e.type === 'ReminderSent' && fresh) {
          const d = e.data as ReminderSentData;
          day.reminders[d.channel] = (day.reminders[d.channel] ?? 0) + 1;
        }
      }
    };

    const days: DayActivity[] = [];
    for (let day = from; day <= to; day = addDaysTo(1)(day)) {
      today = day;
      const activity: DayActivity = {
        date: day,
        bills: { count: 0, amountMinor: 0 },
        collected: { count: 0, amountMinor: 0, retries: 0 },
        failed: [],
        counter: { count: 0, amountMinor: 0 },
        reminders: {},
        eventsWritten: 0,
      };
      const head = await positionBefore();
      await renewDue({ ...engine, asOf: day });
      await collectAutoDebits({ ...engine, gateway, asOf: day });
      await learn(head, activity);
      const payments: RecordPayment[] = [];
      for (const bill of bills.values()) {
        const pass = byContract.get(bill.contractId)!;
        const payDay = pass.mandate === null ? counterDay(pass, bill.dueDate) : (followUps.get(bill.cycleId) ?? null);
        if (payDay === day)
          payments.push(
            counterPayment(
              bill.cycleId,
              bill.totalMinor,
              day,
              pass.mandate === null && pass.habit.kind === 'early' ? 'wechat-pay' : 'cash',
            ),
          );
      }
      if (payments.length > 0) await handler.handleBatch(payments);
      await sendReminders({ ...engine, asOf: day });
      await learn(head, activity);
      days.push(activity);
      options.onDay?.(activity);
    }

    // The arrears and the collection rate at the end, from views built in memory for the report.
    const views = getSQLiteViewDatabase({ path: ':memory:' });
    try {
      await getProjectionRunner({ store, database: views, projections: [arrearsProjection, behaviourProjection] }).catchUp();
      const portfolio = await getArrearsView(views).portfolio({ asOf: to });
      return {
        passes,
        opened: {
          contracts: passes.length,
          mandates: passes.filter((p) => p.mandate !== null).length,
          eventsWritten: openResults.filter((r) => r.status === 'applied').length,
        },
        from,
        to,
        days,
        eventsWritten: Number((await positionBefore()) - startHead),
        arrears: portfolio.currencies.find((c) => c.currency === 'CNY') ?? null,
        debtors: await getArrearsView(views).topDebtors({ asOf: to, limit: 5 }),
        collectionRates: await getBehaviourView(views).collectionRates(),
      };
    } finally {
      await views.close();
    }
  } finally {
    await store.close();
  }
};
