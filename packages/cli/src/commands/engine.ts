// `renewal renew` and `renewal remind`: the renewal engine's daily runs from a terminal. Both are
// safe to repeat (the engine derives every id from business ids): a second run the same day
// writes nothing. What a run wrote is listed from the events stored after the store's head as it
// was when the run started.
import {
  contractDecider,
  renewalCycle,
  type AutoDebitFailedData,
  type BilledData,
  type BusinessDate,
  type PaidData,
  type RecordedEvent,
  type ReminderSentData,
} from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import {
  collectAutoDebits,
  getSimulatedPaymentGateway,
  renewDue,
  sendReminders,
  type AutoDebitReport,
  type SettleReport,
  type Tally,
} from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { dateOf, formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import { accessOf, actorOf } from '../actor.js';
import { clockNow, readLedger } from '../ledger.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { amount, count, csv, csvAmount, money, plural, print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

/** The events stored after `after`, of the given types. */
export const writtenSince = async (store: EventStore, after: bigint, types: readonly string[]): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll({ after })) if (types.includes(e.type)) out.push(e);
  return out;
};

const rejectedOf = (tally: Tally) =>
  tally.rejected.map((r) => ({ cycleId: r.cycleId, commandId: r.commandId, code: r.error.code, message: r.error.message }));

const settledOf = (s: SettleReport) => ({
  contractId: s.contractId,
  currency: s.currency,
  lumpSumsAllocated: s.lumpSums.filter((l) => l.status === 'allocated').length,
  creditAppliedMinor: s.credit.applications.filter((a) => a.apply.status === 'applied').reduce((sum, a) => sum + a.amountMinor, 0),
});

// ---------------------------------------------------------------------------------------------
// renew

const RENEW = 'renew';

export const renewCommand: Command = {
  name: RENEW,
  summary: 'bill every period due by a date for every open contract (safe to rerun)',
  common: true,
  help: `usage: renewal renew [--as-of DATE] [--batch N] [--store URL] [--format table|json|csv]

Bills, for every open contract, every period of its schedule that starts on or before the date
and is not billed yet (packages/renewals renewDue: the amounts follow the contract's fee plan,
prorated and discounted as docs/renewals.md describes). Cycle ids are <contractId>/<period start>,
so running it again the same day, or after a run that stopped half-way, bills nothing twice.
Then it spreads pending lump sums over the cycles and applies credit.

  --as-of DATE   bill the periods starting on or before this date, YYYY-MM-DD (default: today in the ledger's time zone)
  --batch N      bills per transaction (default 500)

Contracts come from OpenContract commands (renewal apply accepts them). --format csv prints the
bills issued. Exit status 1 when a bill was rejected or a period could not be billed.`,
  async run(argv) {
    const { values, positionals } = parse(RENEW, argv, { 'as-of': { type: 'string' }, batch: { type: 'string' } });
    noPositionals(RENEW, positionals);
    const format = formatOf(RENEW, values.format);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(RENEW, '--as-of', values['as-of']);
    const batchSize = positiveIntOf(RENEW, '--batch', values.batch ?? '500');
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl);
    try {
      const ledger = await readLedger(store, { daysFromInstants: givenAsOf === null });
      const asOf = givenAsOf ?? ledger.today;
      const head = await store.headPosition();
      const clock = () => clockNow();
      // Once the ledger has users, the one named runs the engine: its role is checked on every bill.
      const access = accessOf(await actorOf(store, RENEW, values.actor));
      const report = await renewDue({
        store,
        handler: getCommandHandler(renewalCycle, { store, clock, ...access }),
        contractHandler: getCommandHandler(contractDecider, { store, clock, ...access }),
        asOf,
        batchSize,
        zones: ledger.zones,
      });
      const issued = (await writtenSince(store, head, ['Billed'])).map((e) => {
        const d = e.data as BilledData;
        return {
          contractId: d.contractId,
          cycleId: d.cycleId,
          period: d.period,
          dueDate: d.dueDate,
          currency: d.currency,
          totalMinor: d.totalMinor,
          position: e.globalPosition,
        };
      });
      const rejected = rejectedOf(report.bills);
      const refused = report.refused.map((r) => ({
        contractId: r.contractId,
        period: r.period,
        code: r.error.code,
        message: r.error.message,
      }));
      const settled = report.settled.map(settledOf).filter((s) => s.lumpSumsAllocated > 0 || s.creditAppliedMinor > 0);
      const summary = {
        contracts: report.contracts,
        proposed: report.proposed,
        issued: report.bills.applied,
        alreadyBilled: report.bills.duplicate,
        rejected: rejected.length,
        refused: refused.length,
      };
      if (format === 'json') {
        printJson({ asOf, store: storeUrl, summary, bills: issued, rejected, refused, settled });
      } else if (format === 'csv') {
        print(
          csv(
            ['contract_id', 'cycle_id', 'period_start', 'period_end', 'due_date', 'currency', 'total_minor', 'total'],
            issued.map((b) => [
              b.contractId,
              b.cycleId,
              b.period.start,
              b.period.end,
              b.dueDate,
              b.currency,
              b.totalMinor,
              csvAmount(b.totalMinor, b.currency),
            ]),
          ),
        );
      } else {
        const parts: string[] = [];
        if (issued.length > 0)
          parts.push(
            table(
              ['contract', 'cycle', 'period', 'due date', 'total', 'currency'],
              issued.map((b) => [
                b.contractId,
                b.cycleId,
                `${b.period.start} to ${b.period.end}`,
                b.dueDate,
                amount(b.totalMinor, b.currency),
                b.currency,
              ]),
            ),
          );
        for (const r of rejected) parts.push(`  rejected ${r.cycleId}: ${r.code}: ${r.message}`);
        for (const r of refused) parts.push(`  not billed ${r.contractId} ${r.period.start}: ${r.code}: ${r.message}`);
        for (const s of settled)
          parts.push(
            `  settled ${s.contractId}: ${plural(s.lumpSumsAllocated, 'lump sum')} allocated, credit applied ${money(s.creditAppliedMinor, s.currency)}`,
          );
        parts.push(
          `\nRenewals as of ${asOf}: ${plural(summary.contracts, 'open contract')}; ${plural(summary.issued, 'bill')} issued` +
            (summary.alreadyBilled ? `, ${count(summary.alreadyBilled)} already billed` : '') +
            (summary.rejected ? `, ${count(summary.rejected)} rejected` : '') +
            (summary.refused ? `, ${count(summary.refused)} not billable` : '') +
            (summary.proposed === 0 ? ` (every period due by ${asOf} is already billed)` : ''),
        );
        print(parts.join('\n').replace(/^\n/, ''));
      }
      return rejected.length + refused.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// remind

const REMIND = 'remind';

const rateOf = (command: string, flag: string, value: string): number => {
  const n = Number(value);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(value) || !(n >= 0 && n <= 1))
    throw new UsageError(`${flag} takes a share from 0 to 1, e.g. 0.1; got ${JSON.stringify(value)}`, command);
  return n;
};

const wholeOf = (command: string, flag: string, value: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${flag} takes a whole number; got ${JSON.stringify(value)}`, command);
  return Number(value);
};

export const remindCommand: Command = {
  name: REMIND,
  summary: 'send the reminders due by a date; --auto-debit collects mandates first (simulated gateway)',
  common: true,
  help: `usage: renewal remind [--as-of DATE] [--auto-debit [--seed N] [--failure-rate R]] [--store URL] [--format table|json|csv]

Sends the reminders the collection policy calls for as of the date (packages/renewals
sendReminders, the default policy: app 7 days before the due date, sms the day after, phone after
15 days, letter after 30), one per cycle with something collectible: the most escalated step
that has come, once. Reminder ids are <cycleId>/reminder/<due date>/<level>, so running it again
sends nothing new. Delivering the messages is the channel adapters' job (they react to the
ReminderSent events); this records them.

  --as-of DATE         the date the reminders are for, YYYY-MM-DD (default: today in the ledger's time zone)
  --auto-debit         first collect what is overdue from contracts with a mandate, through the
                       SIMULATED payment gateway (no network, no money moves; outcomes are drawn
                       from the seed and the attempt id): for trying the engine, not for production
  --seed N             the simulated gateway's seed (default 1)
  --failure-rate R     share of simulated attempts that fail, 0 to 1 (default 0.1)

--format csv prints the reminders sent. Exit status 1 when a command was rejected.`,
  async run(argv) {
    const { values, positionals } = parse(REMIND, argv, {
      'as-of': { type: 'string' },
      'auto-debit': { type: 'boolean' },
      seed: { type: 'string' },
      'failure-rate': { type: 'string' },
    });
    noPositionals(REMIND, positionals);
    const format = formatOf(REMIND, values.format);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(REMIND, '--as-of', values['as-of']);
    if (!values['auto-debit'] && (values.seed !== undefined || values['failure-rate'] !== undefined))
      throw new UsageError('--seed and --failure-rate go with --auto-debit', REMIND);
    const seed = wholeOf(REMIND, '--seed', values.seed ?? '1');
    const failureRate = rateOf(REMIND, '--failure-rate', values['failure-rate'] ?? '0.1');
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl);
    try {
      const ledger = await readLedger(store, { daysFromInstants: givenAsOf === null });
      const asOf: BusinessDate = givenAsOf ?? ledger.today;
      const handler = getCommandHandler(renewalCycle, {
        store,
        clock: () => clockNow(),
        ...accessOf(await actorOf(store, REMIND, values.actor)),
      });
      let autoDebit: ReturnType<typeof autoDebitOf> | null = null;
      if (values['auto-debit']) {
        // Auto-debit first: what it collects is not chased by a reminder.
        const head = await store.headPosition();
        const report = await collectAutoDebits({ store, handler, gateway: getSimulatedPaymentGateway({ seed, failureRate }), asOf });
        autoDebit = autoDebitOf(report, { seed, failureRate }, await writtenSince(store, head, ['Paid', 'AutoDebitFailed']));
      }
      const head = await store.headPosition();
      const report = await sendReminders({ store, handler, asOf });
      const reminders = (await writtenSince(store, head, ['ReminderSent'])).map((e) => {
        const d = e.data as ReminderSentData;
        return {
          cycleId: d.cycleId,
          reminderId: d.reminderId,
          channel: d.channel,
          level: d.level ?? null,
          at: d.at,
          position: e.globalPosition,
        };
      });
      const rejected = [...rejectedOf(report.reminders), ...(autoDebit ? autoDebit.rejected : [])];
      const refused = report.refused.map((r) => ({ cycleId: r.cycleId, code: r.error.code, message: r.error.message }));
      const summary = {
        proposed: report.proposed,
        sent: report.reminders.applied,
        alreadySent: report.reminders.duplicate,
        rejected: rejected.length,
      };
      if (format === 'json') {
        printJson({
          asOf,
          store: storeUrl,
          ...(autoDebit ? { autoDebit } : {}),
          summary,
          byChannel: report.sent,
          reminders,
          rejected,
          refused,
        });
      } else if (format === 'csv') {
        print(
          csv(
            ['cycle_id', 'reminder_id', 'channel', 'level', 'at'],
            reminders.map((r) => [r.cycleId, r.reminderId, r.channel, r.level, r.at]),
          ),
        );
      } else {
        const parts: string[] = [];
        if (autoDebit) parts.push(renderAutoDebit(asOf, autoDebit));
        if (reminders.length > 0)
          parts.push(
            table(
              ['cycle', 'channel', 'level', 'reminder'],
              reminders.map((r) => [r.cycleId, r.channel, r.level ?? '', r.reminderId]),
            ),
          );
        for (const r of rejected) parts.push(`  rejected ${r.cycleId}: ${r.code}: ${r.message}`);
        const byChannel = report.sent.map((s) => `${s.channel} ${count(s.count)}`).join(', ');
        parts.push(
          `Reminders as of ${asOf}: ${plural(summary.sent, 'reminder')} sent${byChannel ? ` (${byChannel})` : ''}` +
            (summary.alreadySent ? `, ${count(summary.alreadySent)} already sent` : '') +
            (summary.proposed === 0 ? ' (nothing new is due)' : ''),
        );
        print(parts.join('\n'));
      }
      return rejected.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

const autoDebitOf = (report: AutoDebitReport, settings: { seed: number; failureRate: number }, written: readonly RecordedEvent[]) => ({
  gateway: report.gateway,
  simulated: true,
  seed: settings.seed,
  failureRate: settings.failureRate,
  attempted: report.attempted,
  collected: report.collected,
  failed: report.failed,
  unanswered: report.unanswered,
  payments: written
    .filter((e) => e.type === 'Paid' && (e.data as PaidData).channel === 'auto-debit')
    .map((e) => {
      const d = e.data as PaidData;
      return {
        cycleId: d.cycleId,
        attemptId: d.paymentId,
        currency: report.currencies[d.paymentId] ?? null,
        amountMinor: d.amountMinor,
        transactionId: d.reference ?? null,
      };
    }),
  failures: written
    .filter((e) => e.type === 'AutoDebitFailed')
    .map((e) => {
      const d = e.data as AutoDebitFailedData;
      return {
        cycleId: d.cycleId,
        attemptId: d.attemptId,
        attempt: d.attempt,
        currency: report.currencies[d.attemptId] ?? null,
        amountMinor: d.amountMinor,
        code: d.failureCode,
        reason: d.reason,
        retryable: d.retryable,
      };
    }),
  rejected: rejectedOf(report.recorded),
});

const renderAutoDebit = (asOf: BusinessDate, a: NonNullable<ReturnType<typeof autoDebitOf>>): string => {
  const rows = [
    ...a.payments.map((p) => [p.cycleId, 'collected', money(p.amountMinor, p.currency), p.transactionId ?? '']),
    ...a.failures.map((f) => [
      f.cycleId,
      `failed (attempt ${f.attempt})`,
      money(f.amountMinor, f.currency),
      `${f.code}${f.retryable ? ', will retry' : ', left to staff'}`,
    ]),
  ];
  return [
    `Auto-debit as of ${asOf} through the SIMULATED gateway (seed ${a.seed}, failure rate ${a.failureRate}; no money moved):`,
    ...(rows.length > 0 ? [table(['cycle', 'outcome', 'amount', 'detail'], rows)] : []),
    `  ${plural(a.attempted, 'attempt')}: ${count(a.collected.count)} collected (${
      Object.entries(a.collected.byCurrency)
        .map(([c, m]) => money(m, c))
        .join(', ') || 'nothing'
    }), ${count(a.failed.count)} failed (${count(a.failed.retryable)} to retry)` +
      (a.unanswered.length ? `, ${count(a.unanswered.length)} unanswered (asked again next run)` : ''),
    '',
  ].join('\n');
};
