// `renewal demo`: the main job of the README. A seeded portfolio of contracts (property units and
// parking passes) is simulated day by day: the office's commands through the handlers, the
// renewal engine billing, allocating lump sums, collecting auto-debits and sending reminders on
// its dates. Then the arrears, receipts, audit and behaviour views are brought up to date and the
// reports are printed. Deterministic: running it again finds every command already applied and
// writes nothing.
import { contractDecider, renewalCycle, addDaysTo, type BusinessDate, type ContractCommand, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { generateContractPortfolio } from '@renewal-ledger/workload';
import {
  collectAutoDebits,
  getPortfolioReader,
  getSimulatedPaymentGateway,
  receiveLumpSum,
  renewDue,
  sendReminders,
  type SettleReport,
  type Tally,
} from '@renewal-ledger/renewals';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { behaviourProjection, getBehaviourView } from '@renewal-ledger/projection-behaviour';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { getReceiptsView } from '@renewal-ledger/projection-receipts';
import { verifyAuditChain } from '@renewal-ledger/projection-audit';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { count, money, print, printJson, warn } from '../output.js';
import { progress } from '../progress.js';
import { auditJson, renderAging, renderDebtors, renderPeriods, renderTakings, takingsOver } from '../reports.js';
import { openSession, projectionProgress, PROJECTIONS } from '../session.js';
import { punctualityOf, renderChannelTakings, renderCollection, renderPunctuality, renderReminderEffects } from '../demo-behaviour.js';

// The demo's views: the CLI's, and payment behaviour (unless the CLI keeps it already).
const DEMO_PROJECTIONS = PROJECTIONS.some((p) => p.name === behaviourProjection.name) ? [...PROJECTIONS] : [...PROJECTIONS, behaviourProjection];

const NAME = 'demo';
export const DEMO_STORE = 'sqlite:./renewal-demo.db';

export const demoCommand: Command = {
  name: NAME,
  summary: 'write the seeded demo portfolio into a store and print the reports',
  common: true,
  help: `usage: renewal demo [--accounts N] [--months N] [--batch N] [--store URL] [--views WHERE] [--format table|json]

Simulates a seeded portfolio day by day into a store: contracts opened for property units and
parking passes (fee plans per m2, fixed and per space; loyalty discounts; a fee increase; auto-debit
mandates; a few endings), the renewal engine billing every month (renewDue), the customers'
payments (late, partial, offline and entered days later, disputes, instalment plans, refunds,
write-offs), lump sums allocated oldest due first with the rest as credit (a quarter at once, a
year in advance with a discount), auto-debits through a simulated gateway (8% fail) and the
reminder policy. Then it brings the arrears, receipts, audit and behaviour views up to date and
prints the aging table, the collection rate, the top debtors, a week's takings per channel,
reminder effectiveness, punctuality and the verified audit chain. Every id is derived, so running
it again writes nothing twice.

  --accounts N   contracts in the portfolio (default 2000: about 165,000 events)
  --months N     months simulated, ending 2026-11-28 (default 24)
  --batch N      commands per transaction (default 500)

The demo's store defaults to ${DEMO_STORE} (views in ./renewal-demo-views.db); it does not read
$RENEWAL_STORE, so it never writes demo data into a store you configured for real work.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      accounts: { type: 'string' },
      months: { type: 'string' },
      batch: { type: 'string' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format, ['table', 'json']);
    const accounts = positiveIntOf(NAME, '--accounts', values.accounts ?? '2000');
    const months = positiveIntOf(NAME, '--months', values.months ?? '24');
    const batchSize = positiveIntOf(NAME, '--batch', values.batch ?? '500');
    const storeUrl = values.store ?? DEMO_STORE;
    const say = format === 'table' ? print : () => undefined;

    const started = performance.now();
    const plan = generateContractPortfolio({ accounts, months });
    const k = plan.counts;
    say(`renewal-ledger demo: ${count(accounts)} contracts x ${months} months (${plan.firstDay} to ${plan.asOf}) into ${storeUrl}`);
    say(
      `  planned in ${((performance.now() - started) / 1000).toFixed(1)} s: ${count(k.mandates)} auto-debit mandates, ${count(k.quarterPayers)} pay a quarter at once, ${count(k.yearInAdvance)} a year in advance, ${count(k.loyalty)} with a loyalty discount, ${count(k.lateJoiners)} join later, ${count(k.ended)} end, ${count(k.feePlanChanges)} fee changes; ${count(k.cycleCommands)} cycle commands, ${count(k.lumpSums)} lump sums`,
    );

    const session = await openSession({ storeUrl, views: values.views, access: { store: 'create', views: 'create' } });
    try {
      // Every handler stamps recordedAt from the simulated day's clock, never the machine's: a
      // second run of the same plan finds every event already stored and writes nothing.
      let now = `${plan.firstDay}T00:00:00Z` as Instant;
      const clock = () => now;
      const handler = getCommandHandler(renewalCycle, { store: session.store, clock });
      const contractHandler = getCommandHandler(contractDecider, { store: session.store, clock });
      const gateway = getSimulatedPaymentGateway({ seed: 2026, failureRate: 0.08 });
      // The engine runs up to five times a simulated day: it reads the log once and then only
      // what each day appended, instead of the whole log per run; and only what was recorded by
      // the simulated day, so a second run proposes what the first did then (duplicates), not
      // what the end state would (a reminder for a plan that was cancelled later).
      const engine = { store: session.store, handler, contractHandler, portfolio: getPortfolioReader(session.store, { knownUntil: () => now.slice(0, 10) as BusinessDate }) };
      const tally = { applied: 0, duplicate: 0, rejected: 0, events: 0 };
      const rejectedBy: Record<string, number> = {};
      const did = {
        contractsOpened: 0,
        contractCommands: 0,
        billsIssued: 0,
        billRuns: 0,
        lumpSums: 0,
        lumpSumsAllocated: 0,
        lumpSumParts: 0,
        creditReceivedMinor: 0n,
        creditApplications: 0,
        creditAppliedMinor: 0n,
        reminderRuns: 0,
        remindersSent: {} as Record<string, number>,
        autoDebitRuns: 0,
        autoDebitsCollected: 0,
        autoDebitsCollectedMinor: 0n,
        autoDebitsFailed: 0,
        autoDebitFailuresByCode: {} as Record<string, number>,
      };
      const tallyOne = (r: { status: 'applied' | 'duplicate' | 'rejected'; events?: readonly unknown[]; error?: { code: string } }) => {
        tally[r.status]++;
        if (r.status === 'applied') tally.events += r.events?.length ?? 0;
        if (r.status === 'rejected') rejectedBy[r.error!.code] = (rejectedBy[r.error!.code] ?? 0) + 1;
      };
      // The engine's own results count as applied/duplicate too; its events are counted from the head.
      const tallyEngine = (t: Tally) => {
        tally.applied += t.applied;
        tally.duplicate += t.duplicate;
        tally.rejected += t.rejected.length;
        for (const r of t.rejected) rejectedBy[r.error.code] = (rejectedBy[r.error.code] ?? 0) + 1;
      };
      const settled = (reports: readonly SettleReport[]) => {
        for (const s of reports)
          for (const a of s.credit.applications)
            if (a.apply.status === 'applied') {
              did.creditApplications++;
              did.creditAppliedMinor += BigInt(a.amountMinor);
            }
      };
      const headBefore = await session.store.headPosition();
      const writing = progress('days', plan.days.length);
      const writeStarted = performance.now();
      let dayIndex = 0;
      for (const day of plan.days) {
        const date = day.date;
        const dom = Number(date.slice(8, 10));
        const lastOfMonth = addDaysTo(1)(date).endsWith('-01');
        // 1. The office opens, changes and ends contracts.
        if (day.contractCommands.length > 0) {
          now = `${date}T08:00:00Z` as Instant;
          const recordedAt = new Map<ContractCommand, Instant>(day.contractCommands.map((c) => [c.command, c.recordedAt]));
          const results = await contractHandler.handleBatch(
            day.contractCommands.map((c) => c.command),
            { recordedAt: (c: ContractCommand) => recordedAt.get(c)! },
          );
          results.forEach((r, i) => {
            tallyOne(r.status === 'rejected' ? { status: 'rejected', error: r.error } : r);
            if (r.status === 'applied') {
              did.contractCommands++;
              if (day.contractCommands[i]!.command.type === 'OpenContract') did.contractsOpened++;
            }
          });
        }
        // 2. Month start: the renewal run bills every period due and settles credit.
        if (dom === 1) {
          now = `${date}T00:05:00Z` as Instant;
          const report = await renewDue({ ...engine, asOf: date, batchSize });
          did.billRuns++;
          did.billsIssued += report.bills.applied;
          tallyEngine(report.bills);
          settled(report.settled);
        }
        // 3. The day's payments, disputes, plans, refunds as recorded (offline ones days late).
        for (let i = 0; i < day.cycleCommands.length; i += batchSize) {
          const batch = day.cycleCommands.slice(i, i + batchSize);
          const recordedAt = new Map<RenewalCommand, Instant>(batch.map((c) => [c.command, c.recordedAt]));
          const results = await handler.handleBatch(
            batch.map((c) => c.command),
            { recordedAt: (command: RenewalCommand) => recordedAt.get(command)! },
          );
          results.forEach(tallyOne);
        }
        // 4. Lump sums: allocated oldest due first, the rest credit.
        for (const lump of day.lumpSums) {
          now = lump.recordedAt;
          const r = await receiveLumpSum({ ...engine, command: lump.command });
          did.lumpSums++;
          if (r.received) tallyOne(r.received.status === 'rejected' ? { status: 'rejected', error: r.received.error } : r.received);
          if (r.received?.status === 'applied' && r.status === 'allocated') {
            did.lumpSumsAllocated++;
            did.lumpSumParts += r.plan?.parts.length ?? 0;
            did.creditReceivedMinor += BigInt(r.plan?.creditMinor ?? 0);
          }
        }
        // 5. The policy dates (due on the 15th): auto-debit on the due date and the retry days
        //    (+3, +7), reminders after it (the 8th: a week before, the 16th: a day late, the
        //    month's end: two weeks late; the 16th also sends the letters a month late).
        if (dom === 15 || dom === 18 || dom === 22) {
          now = `${date}T02:00:00Z` as Instant;
          const r = await collectAutoDebits({ ...engine, gateway, asOf: date, batchSize });
          did.autoDebitRuns++;
          tallyEngine(r.recorded);
          if (r.recorded.applied > 0) {
            did.autoDebitsCollected += r.collected.count;
            did.autoDebitsCollectedMinor += r.collected.amountMinor;
            did.autoDebitsFailed += r.failed.count;
            for (const [code, n] of Object.entries(r.failed.byCode)) did.autoDebitFailuresByCode[code] = (did.autoDebitFailuresByCode[code] ?? 0) + n;
          }
        }
        if (dom === 8 || dom === 16 || lastOfMonth) {
          now = `${date}T09:00:00Z` as Instant;
          const r = await sendReminders({ ...engine, asOf: date, batchSize });
          did.reminderRuns++;
          tallyEngine(r.reminders);
          for (const s of r.sent) did.remindersSent[`${s.channel} (level ${s.level})`] = (did.remindersSent[`${s.channel} (level ${s.level})`] ?? 0) + s.count;
        }
        writing.update(++dayIndex);
      }
      writing.finish();
      const writeSeconds = (performance.now() - writeStarted) / 1000;
      // Counted, not subtracted: positions may have gaps (EventStoreDB's log positions, a
      // PostgreSQL sequence value a rolled-back append used).
      // (What the handlers reported covers only part of the engine's writes.)
      tally.events = 0;
      for await (const _ of session.store.readAll(headBefore < 0n ? {} : { after: headBefore })) tally.events++;
      const rejections = Object.entries(rejectedBy).map(([code, n]) => `${code} ${count(n)}`).join(', ');
      say(
        `\nCommands: applied ${count(tally.applied)}  duplicate ${count(tally.duplicate)}  rejected by rule ${count(tally.rejected)}${rejections ? ` (${rejections}: clerks key some payments twice or pay what credit or auto-debit settled already, and the rules refuse them)` : ''}`,
      );
      say(
        tally.events === 0
          ? 'Events written: none (every command was already applied)'
          : `Events written: ${count(tally.events)} in ${writeSeconds.toFixed(1)} s over ${count(plan.days.length)} simulated days (${count(Math.round(tally.events / Math.max(writeSeconds, 0.001)))} events/s)`,
      );
      const reminderList = Object.entries(did.remindersSent).map(([k, n]) => `${k} ${count(n)}`).join(', ');
      const failures = Object.entries(did.autoDebitFailuresByCode).map(([k, n]) => `${k} ${count(n)}`).join(', ');
      say(
        [
          '\nThe engine (written this run):',
          `  contracts opened ${count(did.contractsOpened)} (${count(did.contractCommands)} contract commands: openings, mandates, fee changes, endings)`,
          `  bills issued by renewDue ${count(did.billsIssued)} in ${count(did.billRuns)} monthly runs`,
          `  lump sums allocated ${count(did.lumpSumsAllocated)} of ${count(did.lumpSums)} received (${count(did.lumpSumParts)} parts on cycles, ${money(did.creditReceivedMinor)} left as credit); credit applied to ${count(did.creditApplications)} bills (${money(did.creditAppliedMinor)})`,
          `  reminders sent ${count(Object.values(did.remindersSent).reduce((a, b) => a + b, 0))} in ${count(did.reminderRuns)} runs${reminderList ? `: ${reminderList}` : ''}`,
          `  auto-debits collected ${count(did.autoDebitsCollected)} (${money(did.autoDebitsCollectedMinor)}), failed ${count(did.autoDebitsFailed)}${failures ? ` (${failures})` : ''} in ${count(did.autoDebitRuns)} runs, simulated gateway`,
        ].join('\n'),
      );

      const viewsStarted = performance.now();
      const head = await session.store.headPosition();
      const bar = projectionProgress('views', 'always', DEMO_PROJECTIONS.length);
      const results = await getProjectionRunner({ store: session.store, database: session.views, projections: [...DEMO_PROJECTIONS], onProgress: bar.onProgress }).catchUp();
      bar.finish();
      const failed = results.filter((r) => r.status === 'failed');
      for (const r of failed) warn(`warning: the ${r.projection} view stopped: ${r.status === 'failed' ? r.error.message : ''}`);
      say(
        `\nViews (${session.viewsLocation.label}): ${results.map((r) => `${r.projection} +${count(r.eventsApplied)}`).join(', ')} up to position ${count(head)} in ${((performance.now() - viewsStarted) / 1000).toFixed(1)} s`,
      );

      const asOf = plan.asOf;
      const arrears = getArrearsView(session.views);
      const aging = await arrears.portfolio({ asOf });
      const periods = (await arrears.billingPeriods()).slice(-6);
      const debtors = await arrears.topDebtors({ asOf, limit: 5 });
      const day = await takingsOver(getReceiptsView(session.views), asOf, 1);
      const week = await takingsOver(getReceiptsView(session.views), asOf, 7);
      say(`\n${renderAging(aging)}`);
      say(`\n${renderPeriods('Collection rate, last six billing months (collected / due)', periods)}`);
      say(`\n${renderDebtors(asOf, debtors)}`);
      say(`\n${renderTakings(`The day's takings, ${asOf}, per channel (money taken that day, offline payments included)`, day.channels)}`);
      say(`\n${renderTakings(`Takings ${week.from} to ${week.to} per channel (money taken on those days, offline payments included)`, week.channels)}`);

      // Payment behaviour: which reminders work, how much of each month is collected, where the
      // money comes from, and who pays on time.
      const behaviour = getBehaviourView(session.views);
      const reminders = await behaviour.reminderEffectiveness();
      const collection = (await behaviour.collectionRates()).slice(-6);
      const channels = await behaviour.takings({ from: plan.firstDay, to: asOf });
      const punctuality = await punctualityOf(behaviour, plan.contractIds, asOf);
      say(`\n${renderReminderEffects(reminders)}`);
      say(`\n${renderCollection(collection)}`);
      say(`\n${renderChannelTakings(`Takings per channel ${plan.firstDay} to ${asOf} (credit payments not counted again)`, channels)}`);
      say(`\n${renderPunctuality(asOf, punctuality)}`);

      const verifying = progress('audit', head < 0n ? 0 : Number(head), { mode: 'lazy' });
      const verification = await verifyAuditChain(session.views, session.store, { onProgress: (n) => verifying.update(n) });
      verifying.finish();
      say(
        verification.ok
          ? `\nAudit chain: ${count(verification.entries)} entries verified against the event store, head ${verification.head?.hash ?? '(empty)'}`
          : `\nAudit chain BROKEN at position ${verification.problem!.position} (${verification.problem!.kind}): ${verification.problem!.reason}`,
      );
      const seconds = (performance.now() - started) / 1000;
      say(`\nDone in ${seconds.toFixed(1)} s. Run it again: nothing is written twice.`);
      say('Next: docs/getting-started.md (apply a file of payments, read the arrears, verify the audit chain, open the dashboard).');
      if (format === 'json')
        printJson({
          store: storeUrl,
          viewsAt: session.viewsLocation.label,
          portfolio: { contracts: accounts, months, firstDay: plan.firstDay, asOf, planned: plan.counts },
          commands: { ...tally, rejectedBy },
          engine: did,
          views: results.map((r) => ({ projection: r.projection, status: r.status, eventsApplied: r.eventsApplied, position: r.position })),
          arrears: aging,
          billingPeriods: periods,
          dayTakings: day,
          topDebtors: debtors,
          takings: week,
          behaviour: { reminders, collectionRates: collection, channels, punctuality },
          audit: auditJson(verification),
        });
      return failed.length > 0 || !verification.ok ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

