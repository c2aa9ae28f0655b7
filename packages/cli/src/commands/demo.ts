// `renewal demo`: the main job of the README, in three steps: plan (the seeded portfolio of
// contracts, property units and parking passes, on the office's clock in the ledger's zone),
// simulate (day by day: the office's commands through the handlers, the
// renewal engine billing, allocating lump sums, collecting auto-debits and sending reminders on
// its dates. Then the arrears, receipts, audit and behaviour views are brought up to date and the
// reports are printed. Deterministic: running it again finds every command already applied and
// writes nothing.
import {
  contractDecider,
  renewalCycle,
  addDaysTo,
  decodeInvoicingRulesCommand,
  decodeLedgerSettingsCommand,
  invoiceDecider,
  invoicingRulesDecider,
  ledgerSettingsDecider,
  ledgerZonesOf,
  type BusinessDate,
  type ContractCommand,
  type Instant,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getCommandHandler, loadLedgerSettings } from '@renewal-ledger/eventstore';
import { planContractPortfolio, localInstant, type ContractPortfolioPlan, type PlannedDay } from '@renewal-ledger/workload';
import * as E from 'fp-ts/lib/Either.js';
import {
  chargeLateFees,
  collectAutoDebits,
  getInvoicesReader,
  getMemoryInvoiceIssuer,
  getPortfolioReader,
  getSimulatedPaymentGateway,
  issueInvoices,
  receiveLumpSum,
  renewDue,
  sendReminders,
  type SettleReport,
  type Tally,
} from '@renewal-ledger/renewals';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { behaviourProjection, getBehaviourView } from '@renewal-ledger/projection-behaviour';
import { closePeriod, getArrearsView, type BooksAsTheyStood } from '@renewal-ledger/projection-arrears';
import { getInvoicesView } from '@renewal-ledger/projection-invoices';
import { verifyAuditChain } from '@renewal-ledger/projection-audit';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { count, money, print, printJson, warn } from '../output.js';
import { progress } from '../progress.js';
import { auditJson, lateFeesOf, renderLateFees, renderAging, renderDebtors, renderPeriods, renderTakings } from '../reports.js';
import { openSession, projectionProgress, PROJECTIONS, type Session } from '../session.js';
import { readLedger } from '../ledger.js';
import { reconcileDemoDays, renderDemoReconciliations } from '../demo-reconciliation.js';
import { dayOfApprovals, renderApprovals } from '../demo-approvals.js';
import { deliverDemoReminders, renderDemoDelivery } from '../demo-delivery.js';
import { officeReport, officeWork, renderOffice } from '../demo-office.js';
import { renderTaxTotals } from './invoices.js';
import { punctualityOf, renderCollection, renderPunctuality, renderReminderEffects } from '../demo-behaviour.js';

// The demo's views: the CLI's, and payment behaviour (unless the CLI keeps it already).
const DEMO_PROJECTIONS = PROJECTIONS.some((p) => p.name === behaviourProjection.name)
  ? [...PROJECTIONS]
  : [...PROJECTIONS, behaviourProjection];

const NAME = 'demo';
export const DEMO_STORE = 'sqlite:./renewal-demo.db';
/** The demo's ledger: a property office in China. */
export const DEMO_TIME_ZONE = 'Asia/Shanghai';
export const DEMO_CURRENCY = 'CNY';
/** The demo's late fees: 0.05% a day after 15 days' grace, at most 10% of what is overdue. */
export const DEMO_LATE_FEE_POLICY = {
  rate: { kind: 'daily-rate', basisPoints: 5 },
  graceDays: 15,
  cap: { kind: 'percent-of-overdue', basisPoints: 1000 },
} as const;

type Say = (text: string) => void;

/** Days a settled cycle stays quiet before the simulation's engine lets it go (getPortfolioReader). */
const RETIRE_AFTER_DAYS = 35;

/** The seeded plan: each day's commands as the simulation reaches it, on the office's clock in the ledger's zone. */
const planDemo = (accounts: number, months: number, timeZone: string, storeUrl: string, say: Say): ContractPortfolioPlan => {
  const started = performance.now();
  const plan = planContractPortfolio({ accounts, months, timeZone });
  const k = plan.counts;
  say(
    `renewal-ledger demo: ${count(accounts)} contracts x ${months} months (${plan.firstDay} to ${plan.asOf}, ${timeZone}) into ${storeUrl}`,
  );
  say(
    `  planned in ${((performance.now() - started) / 1000).toFixed(1)} s: ${count(k.mandates)} auto-debit mandates, ${count(k.quarterPayers)} pay a quarter at once, ${count(k.yearInAdvance)} a year in advance, ${count(k.loyalty)} with a loyalty discount, ${count(k.lateJoiners)} join later, ${count(k.ended)} end, ${count(k.feePlanChanges)} fee changes; ${count(k.cycleCommands)} cycle commands, ${count(k.lumpSums)} lump sums`,
  );
  return plan;
};

/**
 * The demo's ledger settings: opened in Asia/Shanghai (CNY, zh-CN) the first time, at the start of
 * the simulation; a store whose ledger is open already (the demo's own, run again, or another)
 * keeps its settings.
 */
const ensureLedger = async (session: Session, firstDay: BusinessDate): Promise<string> => {
  if (!(await loadLedgerSettings(session.store)).state.opened) {
    const at = localInstant(`${firstDay}T00:00:00Z` as Instant, DEMO_TIME_ZONE);
    // A fresh store: the zone counts from the start (nothing was counted in UTC before it).
    const zoneFrom = (await session.store.headPosition()) < 0n ? 'start' : 'opening';
    const command = decodeLedgerSettingsCommand({
      type: 'OpenLedger',
      commandId: 'demo:open-ledger',
      actor: 'demo',
      at,
      timeZone: DEMO_TIME_ZONE,
      currency: DEMO_CURRENCY,
      locale: 'zh-CN',
      zoneFrom,
    });
    if (E.isLeft(command)) throw new Error(command.left.message);
    const r = await getCommandHandler(ledgerSettingsDecider, { store: session.store }).handle(command.right, { recordedAt: at });
    if (r.status === 'rejected') throw new Error(r.error.message);
  }
  // The late-fee policy, set with the ledger the first time (a store with a policy keeps its own).
  const settings = (await loadLedgerSettings(session.store)).state;
  if (!settings.lateFeePolicy && settings.opened?.commandId === 'demo:open-ledger') {
    const command = decodeLedgerSettingsCommand({
      type: 'SetLateFeePolicy',
      commandId: 'demo:late-fee-policy',
      actor: 'demo',
      at: settings.opened.at,
      policy: DEMO_LATE_FEE_POLICY,
      reason: 'the contracts charge 0.05% a day after 15 days, at most 10%',
    });
    if (E.isLeft(command)) throw new Error(command.left.message);
    const r = await getCommandHandler(ledgerSettingsDecider, { store: session.store }).handle(command.right, {
      recordedAt: settings.opened.at,
    });
    if (r.status === 'rejected') throw new Error(r.error.message);
  }
  const ledger = await readLedger(session.store);
  if (ledger.defaults.timeZone !== DEMO_TIME_ZONE)
    warn(`note: this store's ledger is in ${ledger.defaults.timeZone}, not ${DEMO_TIME_ZONE}: the demo uses the ledger's zone`);
  return ledger.defaults.timeZone;
};

/** What the simulation wrote, as the summary lines and the JSON count it. */
interface Simulated {
  readonly tally: { applied: number; duplicate: number; rejected: number; events: number };
  readonly rejectedBy: Record<string, number>;
  readonly did: ReturnType<typeof emptyDid>;
  readonly writeSeconds: number;
  /** The year-end closings of the simulation (on 5 January, for the year before), oldest first. */
  readonly closings: readonly DemoClosing[];
  /** The plan's last days, as simulated: the day of approvals refunds payments from them. */
  readonly lastDays: readonly PlannedDay[];
}

/** The plan's last days the simulation keeps for the day of approvals. */
const KEPT_DAYS = 10;

interface DemoClosing {
  readonly period: string;
  readonly at: Instant;
  readonly status: 'applied' | 'duplicate' | 'rejected';
  readonly books: BooksAsTheyStood;
}

const emptyDid = () => ({
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
  lateFeeRuns: 0,
  lateFeesCharged: 0,
  lateFeesChargedMinor: 0n,
  lateFeesWaived: 0,
  lateFeesWaivedMinor: 0n,
  lateFeesPaid: 0,
  lateFeesPaidMinor: 0n,
  invoiceRuns: 0,
  invoicesIssued: 0,
  redInvoicesIssued: 0,
  invoicedMinor: 0n,
  invoicedTaxMinor: 0n,
});

/**
 * The demo's invoicing rules (docs/invoices.md): invoices on payment; property service at 6%,
 * shared utilities, parking spaces and passes at 9%; a refund takes its part back at once.
 */
const DEMO_INVOICING_RULES = {
  issueOn: 'payment',
  rates: [
    { feeCode: 'service', rateBp: 600 },
    { feeCode: 'utilities', rateBp: 900 },
    { feeCode: 'parking', rateBp: 900 },
    { feeCode: 'pass', rateBp: 900 },
  ],
  series: 'FP',
  refundCredit: 'automatic',
};

/**
 * The simulation, day by day: the office's commands through the handlers, and the engine's runs
 * at their local hours (the renewal run at 00:05 on the 1st, auto-debit at 02:00, reminders at
 * 09:00), every instant on the simulated clock in the ledger's zone.
 */
/** The office's wall clock in the ledger's zone: a day and an hour as an instant. */
const officeClock =
  (timeZone: string) =>
  (date: BusinessDate, hour: number, minute = 0): Instant =>
    localInstant(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z` as Instant, timeZone);

const simulate = async (
  session: Session,
  plan: ContractPortfolioPlan,
  timeZone: string,
  batchSize: number,
  /** The store's head before this run (before its ledger settings): events after it are this run's. */
  headBefore: bigint,
): Promise<Simulated> => {
  // Every handler stamps recordedAt from the simulated day's clock, never the machine's: a
  // second run of the same plan finds every event already stored and writes nothing.
  const at = officeClock(timeZone);
  let now = at(plan.firstDay, 0);
  let today = plan.firstDay;
  const clock = () => now;
  const handler = getCommandHandler(renewalCycle, { store: session.store, clock });
  const contractHandler = getCommandHandler(contractDecider, { store: session.store, clock });
  const gateway = getSimulatedPaymentGateway({ seed: 2026, failureRate: 0.08 });
  const zones = ledgerZonesOf((await readLedger(session.store)).settings);
  // The engine runs up to five times a simulated day: it reads the log once and then only
  // what each day appended, instead of the whole log per run; and only what was recorded by
  // the simulated day, so a second run proposes what the first did then (duplicates), not
  // what the end state would (a reminder for a plan that was cancelled later).
  // Settled cycles quiet for longer than the longest gap between two invoicing runs (the 28th
  // and the month's end) are let go, and with them the invoices of theirs the invoicing run reads:
  // the engine holds the open cycles, not every bill so far. A cycle read again (a refund on an
  // old one) has its contract's invoices read whole again.
  const portfolio = getPortfolioReader(session.store, {
    knownUntil: () => today,
    retireSettledAfterDays: RETIRE_AFTER_DAYS,
    onReadAgain: (cycle) => invoices.readWhole(cycle.bill!.contractId),
  });
  const { cycles: held, billedCycleIds: billed } = await portfolio.read();
  // Read as known by the day, like the portfolio: a second run reads no invoice to come.
  const invoices = getInvoicesReader(session.store, {
    knownUntil: () => today,
    onlyFor: (cycleId) => held.has(cycleId) || !billed.has(cycleId),
  });
  const engine = { store: session.store, handler, contractHandler, zones, portfolio };
  // Invoicing: the rules set once at the start; the run at 18:00 on the 28th and the month's last
  // day, through an issuer that keeps its numbers in memory (tens of thousands of invoices).
  const invoicingRules = decodeInvoicingRulesCommand({
    type: 'SetInvoicingRules',
    commandId: 'demo:invoicing-rules',
    actor: 'demo',
    at: at(plan.firstDay, 0),
    rules: DEMO_INVOICING_RULES,
  });
  if (E.isLeft(invoicingRules)) throw new Error(invoicingRules.left.message);
  const rulesSet = await getCommandHandler(invoicingRulesDecider, { store: session.store, clock }).handle(invoicingRules.right);
  if (rulesSet.status === 'rejected') throw new Error(rulesSet.error.message);
  const invoiceHandler = getCommandHandler(invoiceDecider, { store: session.store, clock });
  const issuer = getMemoryInvoiceIssuer({ name: 'demo-issuer' });
  const tally = { applied: 0, duplicate: 0, rejected: 0, events: 0 };
  const rejectedBy: Record<string, number> = {};
  const did = emptyDid();
  const tallyOne = (r: { status: 'applied' | 'duplicate' | 'rejected'; events?: readonly unknown[]; error?: { code: string } }) => {
    tally[r.status]++;
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
  const writing = progress('days', plan.dayCount);
  const writeStarted = performance.now();
  let dayIndex = 0;
  const closings: DemoClosing[] = [];
  const lastDays: PlannedDay[] = [];
  // Each day planned as it comes and let go when done: the plan never holds the whole history.
  for (const day of plan.eachDay()) {
    lastDays.push(day);
    if (lastDays.length > KEPT_DAYS) lastDays.shift();
    const date = day.date;
    today = date;
    const dom = Number(date.slice(8, 10));
    const lastOfMonth = addDaysTo(1)(date).endsWith('-01');
    // 1. The office opens, changes and ends contracts.
    if (day.contractCommands.length > 0) {
      now = at(date, 8);
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
      now = at(date, 0, 5);
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
      now = at(date, 2);
      const r = await collectAutoDebits({ ...engine, gateway, asOf: date, batchSize });
      did.autoDebitRuns++;
      tallyEngine(r.recorded);
      if (r.recorded.applied > 0) {
        did.autoDebitsCollected += r.collected.count;
        did.autoDebitsCollectedMinor += r.collected.amountMinor;
        did.autoDebitsFailed += r.failed.count;
        for (const [code, n] of Object.entries(r.failed.byCode))
          did.autoDebitFailuresByCode[code] = (did.autoDebitFailuresByCode[code] ?? 0) + n;
      }
    }
    if (dom === 8 || dom === 16 || lastOfMonth) {
      now = at(date, 9);
      const r = await sendReminders({ ...engine, asOf: date, batchSize });
      did.reminderRuns++;
      tallyEngine(r.reminders);
      for (const s of r.sent)
        did.remindersSent[`${s.channel} (level ${s.level})`] = (did.remindersSent[`${s.channel} (level ${s.level})`] ?? 0) + s.count;
    }
    // 6. The monthly late-fee run (the ledger's policy), at the end of the 1st: after every
    //    command recorded that day, so a second run of the demo sees what the first saw (the
    //    reader knows whole days). Then the office waives one charge in ten, in full, as goodwill
    //    for a first late payment, and two in ten pay their late fee at once.
    if (dom === 1) {
      now = at(date, 23);
      const r = await chargeLateFees({ ...engine, asOf: date, at: now, batchSize });
      did.lateFeeRuns++;
      tallyEngine(r.charges);
      did.lateFeesCharged += r.charges.applied;
      for (const c of r.charged) did.lateFeesChargedMinor += BigInt(c.amountMinor);
      const waivers = r.applied
        .filter((_, i) => i % 10 === 0)
        .map((c) => ({
          type: 'WaiveLateFee',
          commandId: `demo:waive:${c.cycleId}:${date}`,
          cycleId: c.cycleId,
          actor: 'manager-zhao',
          at: now,
          waiverId: `${c.cycleId}/waiver/${date}`,
          amountMinor: c.amountMinor,
          reason: 'goodwill: a first late payment',
        })) as unknown as RenewalCommand[];
      if (waivers.length > 0) {
        const results = await handler.handleBatch(waivers);
        results.forEach((x, i) => {
          tallyOne(x);
          if (x.status === 'applied') {
            did.lateFeesWaived++;
            did.lateFeesWaivedMinor += BigInt((waivers[i] as unknown as { amountMinor: number }).amountMinor);
          }
        });
      }
      // Two in ten pay the late fee alone, by WeChat Pay (the principal stays open).
      now = at(date, 23, 30);
      const payments = r.applied
        .filter((_, i) => i % 10 === 5 || i % 10 === 7)
        .map((c) => ({
          type: 'RecordPayment',
          commandId: `demo:late-fee-paid:${c.cycleId}:${date}`,
          cycleId: c.cycleId,
          actor: 'cashier-chen',
          at: now,
          paymentId: `${c.cycleId}/late-fee/${date}`,
          amountMinor: c.amountMinor,
          channel: 'wechat-pay',
          lateFeeMinor: c.amountMinor,
        })) as unknown as RenewalCommand[];
      if (payments.length > 0) {
        const results = await handler.handleBatch(payments);
        results.forEach((x, i) => {
          tallyOne(x);
          if (x.status === 'applied') {
            did.lateFeesPaid++;
            did.lateFeesPaidMinor += BigInt((payments[i] as unknown as { amountMinor: number }).amountMinor);
          }
        });
      }
    }
    if (dom === 28 || lastOfMonth) {
      now = at(date, 18);
      const r = await issueInvoices({ ...engine, issuer, invoiceHandler, invoices, asOf: date, batchSize });
      did.invoiceRuns++;
      for (const i of r.issued) {
        if (i.kind === 'red') did.redInvoicesIssued++;
        else did.invoicesIssued++;
        const sign = i.kind === 'red' ? -1n : 1n;
        did.invoicedMinor += sign * BigInt(i.amountMinor);
        did.invoicedTaxMinor += sign * BigInt(i.taxMinor);
      }
      // Their answers are recorded: the issuer need not keep them.
      issuer.forget(r.issued.map((i) => i.invoiceId));
      tally.rejected += r.rejected.length;
      for (const x of r.rejected) rejectedBy[x.error.code] = (rejectedBy[x.error.code] ?? 0) + 1;
    }
    // 7. Year-end: on 5 January at 18:30 the manager closes the year before, with the books as
    //    they stood then (offline December payments entered later stay out of its figures).
    if (date.endsWith('-01-05')) {
      now = at(date, 18, 30);
      const period = String(Number(date.slice(0, 4)) - 1);
      const { books, result } = await closePeriod(session.store, {
        period,
        commandId: `demo:close:${period}`,
        actor: 'manager-zhao',
        at: now,
        reason: 'year-end closing',
        top: 10,
      });
      tallyOne(result.status === 'rejected' ? { status: 'rejected', error: result.error } : result);
      closings.push({ period, at: now, status: result.status, books });
    }
    writing.update(++dayIndex);
  }
  writing.finish();
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  // Counted, not subtracted: positions may have gaps (EventStoreDB's log positions, a
  // PostgreSQL sequence value a rolled-back append used).
  for await (const _ of session.store.readAll(headBefore < 0n ? {} : { after: headBefore })) tally.events++;
  return { tally, rejectedBy, did, writeSeconds, closings, lastDays };
};

/** The last year-end closing: the aged debtors as the books stood when it was closed. */
/** The books of a closing as they stood at it, from the arrears view. */
const yearEndFromViews = async (session: Session, c: DemoClosing): Promise<BooksAsTheyStood> => {
  const { foldedCycles: _, ...books } = await getArrearsView(session.views).asKnownAt(session.store, {
    asOf: c.books.asOf,
    knownAt: c.at,
    top: 10,
  });
  return books;
};

const renderYearEnd = (c: DemoClosing | undefined): string =>
  c === undefined
    ? 'Year-end: the simulation passes no 5 January, so no year was closed.'
    : [
        `Year-end ${c.period}, closed on ${c.at} (PeriodClosed): the books as at ${c.books.asOf} as they stood at closing`,
        `  (what was entered after it is not in them, however it is dated; renewal close --check flags the entries dated in ${c.period})`,
        '',
        renderAging(c.books.portfolio),
        '',
        renderDebtors(c.books.asOf, c.books.topDebtors),
      ].join('\n');

/** What the engine did, in the summary lines. */
const renderSimulated = ({ tally, rejectedBy, did, writeSeconds }: Simulated, days: number): string => {
  const rejections = Object.entries(rejectedBy)
    .map(([code, n]) => `${code} ${count(n)}`)
    .join(', ');
  const reminderList = Object.entries(did.remindersSent)
    .map(([k, n]) => `${k} ${count(n)}`)
    .join(', ');
  const failures = Object.entries(did.autoDebitFailuresByCode)
    .map(([k, n]) => `${k} ${count(n)}`)
    .join(', ');
  return [
    `\nCommands: applied ${count(tally.applied)}  duplicate ${count(tally.duplicate)}  rejected by rule ${count(tally.rejected)}${rejections ? ` (${rejections}: clerks key some payments twice or pay what credit or auto-debit settled already, and the rules refuse them)` : ''}`,
    tally.events === 0
      ? 'Events written: none (every command was already applied)'
      : `Events written: ${count(tally.events)} in ${writeSeconds.toFixed(1)} s over ${count(days)} simulated days (${count(Math.round(tally.events / Math.max(writeSeconds, 0.001)))} events/s)`,
    '\nThe engine (written this run):',
    `  contracts opened ${count(did.contractsOpened)} (${count(did.contractCommands)} contract commands: openings, mandates, fee changes, endings)`,
    `  bills issued by renewDue ${count(did.billsIssued)} in ${count(did.billRuns)} monthly runs`,
    `  lump sums allocated ${count(did.lumpSumsAllocated)} of ${count(did.lumpSums)} received (${count(did.lumpSumParts)} parts on cycles, ${money(did.creditReceivedMinor, DEMO_CURRENCY)} left as credit); credit applied to ${count(did.creditApplications)} bills (${money(did.creditAppliedMinor, DEMO_CURRENCY)})`,
    `  reminders sent ${count(Object.values(did.remindersSent).reduce((a, b) => a + b, 0))} in ${count(did.reminderRuns)} runs${reminderList ? `: ${reminderList}` : ''}`,
    `  invoices issued ${count(did.invoicesIssued)}, red invoices ${count(did.redInvoicesIssued)} (refunds) in ${count(did.invoiceRuns)} runs: ${money(did.invoicedMinor, DEMO_CURRENCY)} invoiced net, tax ${money(did.invoicedTaxMinor, DEMO_CURRENCY)}`,
    `  auto-debits collected ${count(did.autoDebitsCollected)} (${money(did.autoDebitsCollectedMinor, DEMO_CURRENCY)}), failed ${count(did.autoDebitsFailed)}${failures ? ` (${failures})` : ''} in ${count(did.autoDebitRuns)} runs, simulated gateway`,
    `  late fees charged on ${count(did.lateFeesCharged)} cycles (${money(did.lateFeesChargedMinor, DEMO_CURRENCY)}) in ${count(did.lateFeeRuns)} monthly runs; ${count(did.lateFeesWaived)} waived (${money(did.lateFeesWaivedMinor, DEMO_CURRENCY)}), ${count(did.lateFeesPaid)} paid at once (${money(did.lateFeesPaidMinor, DEMO_CURRENCY)})`,
  ].join('\n');
};

/** The views brought up to date, then the reports of the last simulated day; the JSON of them. */
const report = async (session: Session, plan: ContractPortfolioPlan, say: Say) => {
  const viewsStarted = performance.now();
  const head = await session.store.headPosition();
  const bar = projectionProgress('views', 'always', DEMO_PROJECTIONS.length);
  const results = await getProjectionRunner({
    store: session.store,
    database: session.views,
    projections: [...DEMO_PROJECTIONS],
    onProgress: bar.onProgress,
  }).catchUp();
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
  const behaviour = getBehaviourView(session.views);
  // The one takings report over three spans: the day, the week to it, and the whole run.
  const day = await behaviour.takings({ from: asOf, to: asOf });
  const week = await behaviour.takings({ from: addDaysTo(-6)(asOf), to: asOf });
  say(`\n${renderAging(aging)}`);
  say(`\n${renderPeriods('Collection rate, last six billing months (collected / due)', periods)}`);
  say(`\n${renderDebtors(asOf, debtors)}`);
  const lateFees = lateFeesOf(await arrears.billingPeriods());
  say(`\n${renderLateFees(lateFees)}`);
  say(`\n${renderTakings(`The day's takings, ${asOf}, per channel (money taken that day, offline payments included)`, day)}`);
  say(`\n${renderTakings(`Takings ${week.from} to ${week.to} per channel (money taken on those days, offline payments included)`, week)}`);

  // Payment behaviour: which reminders work, how much of each month is collected, where the
  // money comes from, and who pays on time.
  const reminders = await behaviour.reminderEffectiveness();
  const collection = (await behaviour.collectionRates()).slice(-6);
  const wholeRun = await behaviour.takings({ from: plan.firstDay, to: asOf });
  const punctuality = await punctualityOf(behaviour, plan.contractIds, asOf);
  say(`\n${renderReminderEffects(reminders)}`);
  say(`\n${renderCollection(collection)}`);
  say(`\n${renderTakings(`Takings per channel ${plan.firstDay} to ${asOf} (credit payments not counted again)`, wholeRun)}`);
  say(`\n${renderPunctuality(asOf, punctuality)}`);
  const invoiceMonth = asOf.slice(0, 7);
  const taxTotals = await getInvoicesView(session.views).taxTotals(invoiceMonth);
  say(`\n${renderTaxTotals(invoiceMonth, taxTotals)}`);

  const verifying = progress('audit', head < 0n ? 0 : Number(head), { mode: 'lazy' });
  const verification = await verifyAuditChain(session.views, session.store, { onProgress: (n) => verifying.update(n) });
  verifying.finish();
  say(
    verification.ok
      ? `\nAudit chain: ${count(verification.entries)} entries verified against the event store, head ${verification.head?.hash ?? '(empty)'}`
      : `\nAudit chain BROKEN at position ${verification.problem!.position} (${verification.problem!.kind}): ${verification.problem!.reason}`,
  );
  const ok = failed.length === 0 && verification.ok;
  return {
    ok,
    json: {
      views: results.map((r) => ({ projection: r.projection, status: r.status, eventsApplied: r.eventsApplied, position: r.position })),
      arrears: aging,
      billingPeriods: periods,
      dayTakings: day,
      topDebtors: debtors,
      lateFees,
      takings: week,
      behaviour: { reminders, collectionRates: collection, channels: wholeRun.channels, punctuality },
      invoices: { month: invoiceMonth, taxTotals },
      audit: auditJson(verification),
    },
  };
};

/** The last days whose provider statements the demo simulates and reconciles. */
const RECONCILED_DAYS = 3;

/** Where the demo writes the simulated statements: beside a SQLite store, else the temp dir. */
const statementsDirOf = (storeUrl: string): string => {
  const path = storeUrl.startsWith('sqlite:') ? storeUrl.slice('sqlite:'.length) : null;
  return path && path !== ':memory:' ? join(dirname(path), 'renewal-demo-statements') : join(tmpdir(), 'renewal-demo-statements');
};

/** Where the demo's outbox writes SMS, push and letters: beside a SQLite store, else the temp dir. */
const outboxDirOf = (storeUrl: string): string => join(dirname(statementsDirOf(storeUrl)), 'renewal-demo-outbox');

export const demoCommand: Command = {
  name: NAME,
  summary: 'write the seeded demo portfolio into a store and print the reports',
  common: true,
  help: `usage: renewal demo [--accounts N] [--months N] [--batch N] [--store URL] [--views WHERE] [--format table|json]

Opens the demo's ledger in ${DEMO_TIME_ZONE} (${DEMO_CURRENCY}, locale zh-CN: renewal init), then
simulates a seeded portfolio day by day into it, on the office's clock in that zone: contracts opened for property units and
parking passes (fee plans per m2, fixed and per space; loyalty discounts; a fee increase; auto-debit
mandates; a few endings), the renewal engine billing every month (renewDue), the customers'
payments (late, partial, offline and entered days later, disputes, instalment plans, refunds,
write-offs), lump sums allocated oldest due first with the rest as credit (a quarter at once, a
year in advance with a discount), auto-debits through a simulated gateway (8% fail) and the
reminder policy, and invoices (fapiao) on payment with red invoices for refunds (docs/invoices.md). Then it brings the arrears, receipts, audit, behaviour and invoices views up to date and
prints the aging table, the collection rate, the top debtors, a week's takings per channel,
reminder effectiveness, punctuality, the month's invoiced tax per rate and the verified audit chain, and
the collection office: collectors and teams against their targets, complaint cases, customer types; each
5 January the manager closes the year before (renewal close), and the report ends with the last
year-end's aged debtors as the books stood at that closing. Every id is derived, so running
it again writes nothing twice.

  --accounts N   contracts in the portfolio (default 2000: about 278,000 events)
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
    const say: Say = format === 'table' ? print : () => undefined;
    const started = performance.now();

    const session = await openSession({ storeUrl, views: values.views, access: { store: 'create', views: 'create' } });
    try {
      const headBefore = await session.store.headPosition();
      const firstDay = planContractPortfolio({ accounts: 0, months }).firstDay;
      const timeZone = await ensureLedger(session, firstDay);
      const plan = planDemo(accounts, months, timeZone, storeUrl, say);
      const simulated = await simulate(session, plan, timeZone, batchSize, headBefore);
      const approvals = await dayOfApprovals(session.store, plan, simulated.lastDays, officeClock(timeZone));
      // The office's users and the day of approvals are events of this run too.
      simulated.tally.events += approvals.usersAdded + approvals.steps.reduce((n, s) => n + s.events.length, 0);
      const officeStarted = performance.now();
      simulated.tally.events += await officeWork(session.store, plan, officeClock(timeZone), DEMO_CURRENCY);
      const approvalsDone = performance.now();
      say(renderSimulated(simulated, plan.dayCount));
      // The days closed before the views are brought up to date: the audit chain covers their records.
      const statements = statementsDirOf(storeUrl);
      const reconciled = await reconcileDemoDays(session.store, plan.asOf, RECONCILED_DAYS, statements, 'demo-accountant');
      const deliveryStarted = performance.now();
      const delivered = await deliverDemoReminders(session.store, session.views, plan.asOf, outboxDirOf(storeUrl), () =>
        officeClock(timeZone)(plan.asOf, 18),
      );
      const deliverySeconds = (performance.now() - deliveryStarted) / 1000;
      // Its outcomes are events of this run too (the audit counts them).
      simulated.tally.events += delivered.byChannel.reduce((n, c) => n + c.count, 0);
      say(`\n${renderApprovals(plan.asOf, approvals.usersAdded, approvals.steps)}`);
      say(
        `\n${renderDemoDelivery(delivered)}\n  (in ${deliverySeconds.toFixed(1)} s; renewal outbox list shows every message, renewal outbox dispatch sends the older ones)`,
      );
      const reported = await report(session, plan, say);
      const officeAt = performance.now();
      const office = await officeReport(session.store, session.views, plan, DEMO_CURRENCY);
      const officeSeconds = (performance.now() - officeAt + (approvalsDone - officeStarted)) / 1000;
      say(`\n${renderOffice(office)}\n  (the office's writes and figures took ${officeSeconds.toFixed(1)} s)`);
      say(
        `\n${renderDemoReconciliations(reconciled)}\n  (statements in ${statements}; renewal reconcile FILE --source alipay|wechat-pay --date DAY does the same)`,
      );
      const closing = simulated.closings[simulated.closings.length - 1];
      // The closing's books were worked out when it was recorded, mid-simulation, by a replay (no
      // views then); the report reads them again from the arrears view's history rows, now built.
      const yearEnd = closing && { ...closing, books: await yearEndFromViews(session, closing) };
      say(`\n${renderYearEnd(yearEnd)}`);
      say(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s. Run it again: nothing is written twice.`);
      say('Next: docs/getting-started.md (apply a file of payments, read the arrears, verify the audit chain, open the dashboard).');
      if (format === 'json')
        printJson({
          store: storeUrl,
          viewsAt: session.viewsLocation.label,
          ledger: { timeZone, currency: DEMO_CURRENCY },
          portfolio: { contracts: accounts, months, firstDay: plan.firstDay, asOf: plan.asOf, planned: plan.counts },
          commands: { ...simulated.tally, rejectedBy: simulated.rejectedBy },
          engine: simulated.did,
          approvals: approvals.steps,
          delivery: { from: delivered.from, ...delivered.report, byChannel: delivered.byChannel },
          office: {
            collectors: office.collectors,
            complaints: office.complaints.map((c) => ({
              caseId: c.caseId,
              status: c.state.closed ? 'closed' : c.state.resolved ? 'resolved' : 'open',
              overdue: c.overdue,
            })),
            customerTypes: office.customerTypes,
          },
          ...reported.json,
          yearEnd: yearEnd
            ? {
                period: yearEnd.period,
                closedAt: yearEnd.at,
                status: yearEnd.status,
                asOf: yearEnd.books.asOf,
                currencies: yearEnd.books.portfolio.currencies,
                topDebtors: yearEnd.books.topDebtors,
              }
            : null,
          reconciliations: reconciled.map((r) => ({
            day: r.day,
            channel: r.channel,
            status: r.status,
            counts: r.reconciliation.counts,
            figures: r.reconciliation.figures,
          })),
        });
      return reported.ok ? 0 : 1;
    } finally {
      await session.close();
    }
  },
};
