// The demo's collection office (docs/collectors-and-targets.md, docs/complaints.md,
// docs/customer-types.md): every contract assigned to one of four collectors in two teams (ten of
// wang's moving to zhou on the 10th of the last month), the last month's targets, three complaint
// cases on the last days (one left with an overdue follow-up, one resolved with a compensation a
// clerk asks for, one closed satisfied); then the collectors' report, the open complaints and the
// portfolio's customer types. Every command id is derived, so a second run writes nothing.
import {
  collectorsDecider,
  complaintDecider,
  decodeCollectorsCommand,
  decodeComplaintCommand,
  DEFAULT_ACCESS_POLICY,
  DEFAULT_CUSTOMER_TYPE_THRESHOLDS,
  addDaysTo,
  cycleFigures,
  renewalCycle,
  type BilledData,
  type BusinessDate,
  type CollectorsCommand,
  type ComplaintCommand,
  type CustomerType,
  type Instant,
  type PerformanceReport,
} from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { getBehaviourView } from '@renewal-ledger/projection-behaviour';
import type { SqlExecutor } from '@renewal-ledger/projections';
import {
  compensateComplaint,
  loadContract,
  readContractCycles,
  readCollectorsPerformance,
  readComplaints,
  readCustomerCases,
  type ComplaintAsOf,
} from '@renewal-ledger/renewals';
import type { ContractPortfolioPlan } from '@renewal-ledger/workload';

/** What the office needs of the plan: its contracts and its dates. */
type Plan = Pick<ContractPortfolioPlan, 'asOf' | 'firstDay' | 'contracts' | 'contractIds'>;
import { classifyContract } from './commands/customers.js';
import { readLedger } from './ledger.js';
import { money } from './output.js';

type Clock = (date: BusinessDate, hour: number, minute?: number) => Instant;

const COLLECTORS = [
  ['collector-wang', 'north'],
  ['collector-zhou', 'north'],
  ['collector-qian', 'south'],
  ['collector-sun', 'south'],
] as const;

const must = <C>(decoded: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: C }): C => {
  if (decoded._tag === 'Left') throw new Error(decoded.left.message);
  return decoded.right;
};

/** Writes the office's facts; answers how many events it wrote. */
export const officeWork = async (store: EventStore, plan: Plan, at: Clock, currency: string): Promise<number> => {
  const month = plan.asOf.slice(0, 7);
  const moveOn = `${month}-10` as BusinessDate;
  const office = getCommandHandler(collectorsDecider, { store, clock: () => at(plan.asOf, 8) });
  const assign = (contractId: string, i: number, collector: string, team: string, from: string): CollectorsCommand =>
    must(
      decodeCollectorsCommand({
        type: 'AssignCollector',
        commandId: `demo-assign:${contractId}@${from}`,
        actor: 'manager-zhao',
        at: at(plan.asOf, 8, i % 60),
        contractId,
        collectorId: collector,
        teamId: team,
        from,
      }),
    );
  const commands: CollectorsCommand[] = plan.contractIds.map((id, i) => {
    const [collector, team] = COLLECTORS[i % COLLECTORS.length]!;
    return assign(id, 0, collector, team, plan.firstDay);
  });
  // Ten of wang's contracts move to zhou mid-month: their money before the 10th stays wang's.
  const moved = plan.contractIds.filter((_, i) => i % COLLECTORS.length === 0).slice(0, 10);
  if (moveOn <= plan.asOf && moveOn > plan.firstDay)
    for (const id of moved) commands.push(assign(id, 1, 'collector-zhou', 'north', moveOn));
  const target = (scope: 'collector' | 'team', subjectId: string, collectedMinor: number) =>
    must(
      decodeCollectorsCommand({
        type: 'SetCollectionTarget',
        commandId: `demo-target:${month}:${scope}:${subjectId}`,
        actor: 'manager-zhao',
        at: at(plan.asOf, 8),
        month,
        scope,
        subjectId,
        currency,
        collectedMinor,
        collectionRateBp: 9000,
      }),
    );
  // About a quarter of the portfolio's month each (a unit pays some 300.00 a month).
  const perCollector = Math.max(1, Math.round(plan.contracts / COLLECTORS.length)) * 30000;
  for (const [c] of COLLECTORS) commands.push(target('collector', c, perCollector));
  for (const team of ['north', 'south']) commands.push(target('team', team, perCollector * 2));
  let events = 0;
  for (const r of await office.handleBatch(commands)) if (r.status === 'applied') events += r.events.length;
  events += await complaintsOfTheLastDays(store, plan, at);
  return events;
};

/** Three cases on the last days; the compensation is a clerk's adjustment, so it waits for approval. */
const complaintsOfTheLastDays = async (store: EventStore, plan: Plan, at: Clock): Promise<number> => {
  const day = (back: number) => addDaysTo(-back)(plan.asOf);
  const [first, second, third] = plan.contractIds;
  if (!first || !second || !third) return 0;
  // The first of the next contracts with a bill still owing 20.00: the one compensated.
  let lastBill: BilledData | undefined;
  for (const id of plan.contractIds.slice(1, 50)) {
    const cycles = await readContractCycles(store, (await loadContract(store, id)).state, plan.asOf);
    lastBill = [...cycles].reverse().find((c) => cycleFigures(c).collectibleMinor >= 2000)?.bill ?? undefined;
    if (lastBill) break;
  }
  const complaints = getCommandHandler(complaintDecider, { store, access: DEFAULT_ACCESS_POLICY, role: 'clerk' });
  let events = 0;
  const run = async (when: Instant, input: Record<string, unknown>) => {
    const r = await complaints.handle(
      must(
        decodeComplaintCommand({ ...input, commandId: `demo-${input.type}:${input.caseId}`, actor: 'clerk-li', at: when }),
      ) as ComplaintCommand,
      {
        recordedAt: when,
      },
    );
    if (r.status === 'applied') events += r.events.length;
  };
  const open = (caseId: string, contractId: string, back: number, about: object, summary: string, followUpIn: number) =>
    run(at(day(back), 10), {
      type: 'OpenComplaint',
      caseId,
      contractId,
      openedBy: 'the owner, by phone',
      about,
      summary,
      receivedOn: day(back),
      followUpBy: addDaysTo(followUpIn)(day(back)),
    });
  const assign = (caseId: string, back: number) => run(at(day(back), 11), { type: 'AssignComplaint', caseId, owner: 'clerk-li' });
  const compensated = async (lastBill: BilledData) => {
    await open('demo-complaint-2', lastBill.contractId, 6, { subject: 'bill', ref: lastBill.cycleId }, 'billed for a space given up', 2);
    await assign('demo-complaint-2', 6);
    await run(at(day(5), 9), {
      type: 'FollowUpComplaint',
      caseId: 'demo-complaint-2',
      followUpId: 'call-1',
      note: 'confirmed with the parking office',
      nextFollowUpBy: day(3),
    });
    const cycles = getCommandHandler(renewalCycle, { store, clock: () => at(day(4), 10), access: DEFAULT_ACCESS_POLICY, role: 'clerk' });
    const compensation = await compensateComplaint(store, cycles, {
      caseId: 'demo-complaint-2',
      cycleId: lastBill.cycleId,
      amountMinor: 2000,
      reason: 'complaint demo-complaint-2: space given up',
      actor: 'clerk-li',
      at: at(day(4), 10),
    });
    if (compensation.status === 'ok') {
      if (compensation.written) events += 1;
      await run(at(day(4), 10, 5), {
        type: 'ResolveComplaint',
        caseId: 'demo-complaint-2',
        outcome: 'compensation',
        solution: 'the space was given up: 20.00 off the bill',
        compensation: compensation.compensation,
      });
    }
  };
  // 1: the lift, followed up never: overdue by the last day.
  await open('demo-complaint-1', first, 10, { subject: 'service', ref: 'lift' }, 'the lift has stopped twice this month', 3);
  await assign('demo-complaint-1', 10);
  // 2: billed for a parking space given up: compensated 20.00 on the bill, asked for by the clerk.
  if (lastBill) await compensated(lastBill);
  // 3: a collector's manner: answered, resolved, closed satisfied.
  await open('demo-complaint-3', third, 5, { subject: 'collector', ref: 'collector-qian' }, 'rude on the phone', 2);
  await assign('demo-complaint-3', 5);
  await run(at(day(4), 16), {
    type: 'ResolveComplaint',
    caseId: 'demo-complaint-3',
    outcome: 'solution',
    solution: 'apologised; another collector calls from now on',
  });
  await run(at(day(2), 16), {
    type: 'CloseComplaint',
    caseId: 'demo-complaint-3',
    satisfaction: 'satisfied',
    lesson: 'phone scripts for the second reminder',
  });
  return events;
};

export interface OfficeReport {
  readonly collectors: PerformanceReport;
  readonly complaints: readonly ComplaintAsOf[];
  readonly customerTypes: Readonly<Record<CustomerType | 'none', number>>;
}

/** The office's figures as of the last day, after the views are caught up. */
export const officeReport = async (store: EventStore, views: SqlExecutor, plan: Plan, currency: string): Promise<OfficeReport> => {
  const asOf = plan.asOf;
  const collectors = await readCollectorsPerformance(store, { month: asOf.slice(0, 7), asOf, currency });
  const complaints = await readComplaints(store, asOf);
  const ledger = await readLedger(store);
  const thresholds = DEFAULT_CUSTOMER_TYPE_THRESHOLDS;
  const cases = await readCustomerCases(store, { asOf, withinDays: thresholds.demandingWithinDays });
  const view = getBehaviourView(views);
  const counts: Record<CustomerType | 'none', number> = { loyal: 0, hesitant: 0, demanding: 0, impulsive: 0, none: 0 };
  for (const id of cases.keys()) counts[(await classifyContract(view, ledger, id, asOf, cases.get(id)!, thresholds)).type ?? 'none']++;
  return { collectors, complaints, customerTypes: counts };
};

const pct = (bp: number | null) => (bp === null ? '–' : `${(bp / 100).toFixed(2)}%`);

export const renderOffice = (r: OfficeReport): string => {
  const c = r.collectors;
  const row = (p: PerformanceReport['collectors'][number]) =>
    `  ${String(p.rank).padStart(2)}  ${p.id.padEnd(16)} ${(p.teamId ?? '').padEnd(6)} ${money(p.collectedMinor, c.currency).padStart(14)} of ${
      p.target?.collectedMinor === undefined ? '–' : money(p.target.collectedMinor, c.currency)
    } (${pct(p.share.collected)}), rate ${pct(p.collectionRateBp)}, arrears reduced ${money(p.arrearsReducedMinor, c.currency)}`;
  const open = r.complaints.filter((x) => x.state.closed === null);
  const overdue = r.complaints.filter((x) => x.overdue !== null);
  const t = r.customerTypes;
  return [
    `The collection office, ${c.month} as of ${c.asOf} (${c.currency}; renewal collectors report)`,
    ...c.collectors.map(row),
    ...c.teams.map((p) => row({ ...p, id: `team ${p.id}` })),
    `  Complaints: ${r.complaints.length} cases, ${open.length} open, ${overdue.length} with an overdue follow-up${
      overdue.length ? ` (${overdue.map((o) => `${o.caseId} ${o.overdue!.daysOverdue} days`).join(', ')})` : ''
    }; ${r.complaints
      .filter((x) => x.state.resolved?.compensation)
      .map(
        (x) =>
          `${x.caseId} compensated ${money(x.state.resolved!.compensation!.amountMinor, x.state.resolved!.compensation!.currency)} (${x.state.resolved!.compensation!.approval})`,
      )
      .join(', ')} (renewal complaints list)`,
    `  Customer types: loyal ${t.loyal}, hesitant ${t.hesitant}, demanding ${t.demanding}, impulsive ${t.impulsive}, none ${t.none} (renewal customers types)`,
  ].join('\n');
};
