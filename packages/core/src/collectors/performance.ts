// Collectors' and teams' performance for a month, as of a business day (docs/collectors-and-targets.md).
// The figures, each computed here once:
// - collected: money taken on the days of the month up to the day asked (business days of the
//   money's `at` in the ledger's zone), known by that day, net of refunds and reversals. It counts
//   to whoever answered for the contract on the day the money moved, except money taken offline
//   (on paper at the counter, entered later): that counts to whoever took it (the entry's actor).
// - collection rate: of the cycles due in the month by the day asked, collected (each counted up
//   to what it owes) / due; a cycle counts to the collector assigned on its due date.
// - arrears reduced: of what was overdue when the month began (cycles due before its first day),
//   how much has been paid since; it counts to the collector holding the contract on the day asked
//   (a contract's arrears move with it when it is reassigned).
// Rates and shares are integer basis points (9500 = 95.00%), rounded down; money stays integer.
// The caller folds the log into `CyclePosition`s and `CollectorTaking`s; the rest is here, pure.
import { addDaysTo, type BusinessDate } from '../calendar.js';
import { assignmentOn, targetKey, teamOf, type CollectorsState } from './state.js';
import type { TargetScope } from './shapes.js';

/** One cycle as the report needs it, with what was paid on it before the month and by the day asked. */
export interface CyclePosition {
  readonly cycleId: string;
  readonly contractId: string;
  readonly dueDate: BusinessDate;
  readonly dueMinor: number;
  /** Net paid with `at` before the month's first day (known by the day asked). */
  readonly paidBeforeMinor: number;
  /** Net paid with `at` up to the day asked (known by then). */
  readonly paidByMinor: number;
}

/** Money that moved in the month: positive taken, negative given back. */
export interface CollectorTaking {
  readonly contractId: string;
  readonly day: BusinessDate;
  readonly channel: string;
  readonly amountMinor: number;
  readonly offline: boolean;
  /** Who entered it: for offline money, who took it. */
  readonly actor: string;
}

export interface TargetFigures {
  readonly collectedMinor?: number;
  readonly collectionRateBp?: number;
  readonly arrearsReducedMinor?: number;
}

export interface Performance {
  readonly scope: TargetScope;
  readonly id: string;
  /** A collector's team (of their latest assignment); null for a team's row. */
  readonly teamId: string | null;
  readonly target: TargetFigures | null;
  readonly collectedMinor: number;
  /** Due on the assigned cycles that fell due in the month by the day asked. */
  readonly dueMinor: number;
  /** Of it, collected (each cycle up to what it owes). */
  readonly collectedOfDueMinor: number;
  /** collectedOfDue / due in basis points; null when nothing fell due. */
  readonly collectionRateBp: number | null;
  readonly arrearsReducedMinor: number;
  /** Achieved / target per figure, in basis points; null where no target is set. */
  readonly share: { readonly collected: number | null; readonly collectionRate: number | null; readonly arrearsReduced: number | null };
  /** 1 = best, among the rows of the same scope: by the share of the collected target, then by collected. */
  readonly rank: number;
  /** Collected per channel, by channel name. */
  readonly channels: readonly { readonly channel: string; readonly collectedMinor: number }[];
}

export interface PerformanceReport {
  readonly month: string;
  readonly asOf: BusinessDate;
  readonly currency: string;
  readonly collectors: readonly Performance[];
  readonly teams: readonly Performance[];
  /** Money that moved on contracts nobody answered for that day (and not taken offline). */
  readonly unassignedMinor: number;
}

/** `YYYY-MM-01` and the day asked, or the month's last day when that is earlier. */
export const monthWindow = (month: string, asOf: BusinessDate): { readonly first: BusinessDate; readonly last: BusinessDate } => {
  const first = `${month}-01` as BusinessDate;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = (m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`) as BusinessDate;
  const end = addDaysTo(-1)(next);
  return { first, last: asOf < end ? asOf : end };
};

/** a / b in basis points, rounded down; null when b is 0. Exact: integer arithmetic in bigints. */
export const basisPoints = (a: number | bigint, b: number | bigint): number | null =>
  BigInt(b) === 0n ? null : Number((BigInt(a) * 10000n) / BigInt(b));

interface Tally {
  collectedMinor: number;
  dueMinor: number;
  collectedOfDueMinor: number;
  arrearsReducedMinor: number;
  channels: Map<string, number>;
}
const emptyTally = (): Tally => ({ collectedMinor: 0, dueMinor: 0, collectedOfDueMinor: 0, arrearsReducedMinor: 0, channels: new Map() });

const overdueOf = (c: CyclePosition, paid: number) => Math.max(0, c.dueMinor - paid);

export const collectorsPerformance = (
  office: CollectorsState,
  input: {
    readonly month: string;
    readonly asOf: BusinessDate;
    readonly currency: string;
    readonly cycles: Iterable<CyclePosition>;
    readonly takings: Iterable<CollectorTaking>;
  },
): PerformanceReport => {
  const { first, last } = monthWindow(input.month, input.asOf);
  const collectors = new Map<string, Tally>();
  const teams = new Map<string, Tally>();
  const teamOfCollector = new Map<string, string | null>();
  const tallies = (collectorId: string, teamId: string | null): Tally[] => {
    if (!collectors.has(collectorId)) collectors.set(collectorId, emptyTally());
    if (!teamOfCollector.has(collectorId)) teamOfCollector.set(collectorId, teamOf(office, collectorId) ?? teamId);
    const out = [collectors.get(collectorId)!];
    if (teamId !== null) {
      if (!teams.has(teamId)) teams.set(teamId, emptyTally());
      out.push(teams.get(teamId)!);
    }
    return out;
  };
  let unassignedMinor = 0;
  for (const t of input.takings) {
    if (t.day < first || t.day > last) continue;
    const assigned = assignmentOn(office, t.contractId, t.day);
    const collectorId = t.offline ? t.actor : (assigned?.collectorId ?? null);
    if (collectorId === null) {
      unassignedMinor += t.amountMinor;
      continue;
    }
    const teamId = t.offline ? teamOf(office, t.actor) : assigned!.teamId;
    for (const tally of tallies(collectorId, teamId)) {
      tally.collectedMinor += t.amountMinor;
      tally.channels.set(t.channel, (tally.channels.get(t.channel) ?? 0) + t.amountMinor);
    }
  }
  for (const c of input.cycles) {
    if (c.dueDate >= first && c.dueDate <= last) {
      const a = assignmentOn(office, c.contractId, c.dueDate);
      if (a)
        for (const tally of tallies(a.collectorId, a.teamId)) {
          tally.dueMinor += c.dueMinor;
          tally.collectedOfDueMinor += Math.min(Math.max(c.paidByMinor, 0), c.dueMinor);
        }
    } else if (c.dueDate < first) {
      const reduced = overdueOf(c, c.paidBeforeMinor) - overdueOf(c, c.paidByMinor);
      const a = assignmentOn(office, c.contractId, last);
      if (a && reduced !== 0) for (const tally of tallies(a.collectorId, a.teamId)) tally.arrearsReducedMinor += reduced;
    }
  }
  // Collectors holding contracts at the month's last day asked are reported even when nothing
  // counted to them yet (early in a month, before any cycle falls due): a row of zeros is an
  // answer, an empty report reads as "nobody is assigned".
  for (const contractId of office.assignments.keys()) {
    const a = assignmentOn(office, contractId, last);
    if (a) tallies(a.collectorId, a.teamId);
  }
  // Collectors and teams with a target this month are reported even when nothing counted to them yet.
  for (const target of office.targets.values()) {
    if (target.month !== input.month || target.currency !== input.currency) continue;
    if (target.scope === 'collector') tallies(target.subjectId, null);
    else if (!teams.has(target.subjectId)) teams.set(target.subjectId, emptyTally());
  }
  const rows = (scope: TargetScope, map: Map<string, Tally>): Performance[] => {
    const unranked = [...map].map(([id, t]) => {
      const found = office.targets.get(targetKey(input.month, scope, id));
      const target = found && found.currency === input.currency ? found : null;
      const rate = basisPoints(t.collectedOfDueMinor, t.dueMinor);
      const targetFigures: TargetFigures | null = target
        ? {
            ...(target.collectedMinor !== undefined ? { collectedMinor: target.collectedMinor } : {}),
            ...(target.collectionRateBp !== undefined ? { collectionRateBp: target.collectionRateBp } : {}),
            ...(target.arrearsReducedMinor !== undefined ? { arrearsReducedMinor: target.arrearsReducedMinor } : {}),
          }
        : null;
      return {
        scope,
        id,
        teamId: scope === 'collector' ? (teamOfCollector.get(id) ?? null) : null,
        target: targetFigures,
        collectedMinor: t.collectedMinor,
        dueMinor: t.dueMinor,
        collectedOfDueMinor: t.collectedOfDueMinor,
        collectionRateBp: rate,
        arrearsReducedMinor: t.arrearsReducedMinor,
        share: {
          collected: target?.collectedMinor === undefined ? null : basisPoints(t.collectedMinor, target.collectedMinor),
          // From the amounts, not the rounded rate: (collectedOfDue / due) / (target / 10000).
          collectionRate:
            target?.collectionRateBp === undefined || rate === null
              ? null
              : basisPoints(BigInt(t.collectedOfDueMinor) * 10000n, BigInt(t.dueMinor) * BigInt(target.collectionRateBp)),
          arrearsReduced: target?.arrearsReducedMinor === undefined ? null : basisPoints(t.arrearsReducedMinor, target.arrearsReducedMinor),
        },
        rank: 0,
        channels: [...t.channels]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([channel, collectedMinor]) => ({ channel, collectedMinor })),
      };
    });
    const ordered = [...unranked].sort(
      (a, b) =>
        (b.share.collected ?? -1) - (a.share.collected ?? -1) ||
        b.collectedMinor - a.collectedMinor ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    return ordered.map((r, i) => ({ ...r, rank: i + 1 }));
  };
  return {
    month: input.month,
    asOf: input.asOf,
    currency: input.currency,
    collectors: rows('collector', collectors),
    teams: rows('team', teams),
    unassignedMinor,
  };
};
