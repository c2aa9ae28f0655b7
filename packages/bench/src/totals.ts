// The check column: the figures a path ends with, summed over the portfolio, compared with the
// same sums from a raw fold, so a fast wrong answer cannot pass.
import { createHash } from 'node:crypto';
import {
  cycleEvents,
  agingAsOf,
  cycleFigures,
  evolveCycle,
  initialCycleState,
  isRenewalEventType,
  type AgingBucket,
  type BusinessDate,
  type CycleFigures,
  type CycleState,
} from '@renewal-ledger/core';

export interface Totals {
  /** Billed cycles. */
  readonly cycles: number;
  readonly dueMinor: number;
  readonly netPaidMinor: number;
  readonly outstandingMinor: number;
}

export const totalsOfFigures = (figures: Iterable<CycleFigures>): Totals => {
  let cycles = 0;
  let dueMinor = 0;
  let netPaidMinor = 0;
  let outstandingMinor = 0;
  for (const f of figures) {
    cycles++;
    dueMinor += f.dueMinor;
    netPaidMinor += f.netPaidMinor;
    outstandingMinor += f.outstandingMinor;
  }
  return { cycles, dueMinor, netPaidMinor, outstandingMinor };
};

function* billedFigures(states: Iterable<CycleState>): Generator<CycleFigures> {
  for (const s of states) if (s.bill) yield cycleFigures(s);
}

export const totalsOfStates = (states: Iterable<CycleState>): Totals => totalsOfFigures(billedFigures(states));

/** Folds events into per-key states: the raw fold every limit uses. */
export const foldInto = (states: Map<string, CycleState>, key: string, type: string, data: unknown): void => {
  states.set(key, evolveCycle(states.get(key) ?? initialCycleState(), cycleEvents.of({ type, data })));
};

export interface Check {
  readonly ok: boolean;
  /** What was compared, or what differed. */
  readonly detail: string;
}

const money = (n: number) => n.toLocaleString('en-US');

export const describeTotals = (t: Totals): string =>
  `${t.cycles} cycles, due ${money(t.dueMinor)}, net paid ${money(t.netPaidMinor)}, outstanding ${money(t.outstandingMinor)}`;

export const compareTotals = (library: Totals, raw: Totals): Check => {
  const same =
    library.cycles === raw.cycles &&
    library.dueMinor === raw.dueMinor &&
    library.netPaidMinor === raw.netPaidMinor &&
    library.outstandingMinor === raw.outstandingMinor;
  return same
    ? { ok: true, detail: describeTotals(library) }
    : { ok: false, detail: `library: ${describeTotals(library)}; raw fold: ${describeTotals(raw)}` };
};

/** Several checks that must all hold. */
export const allOf = (...checks: Check[]): Check => {
  const failed = checks.filter((c) => !c.ok);
  return failed.length === 0
    ? { ok: true, detail: checks.map((c) => c.detail).join('; ') }
    : { ok: false, detail: failed.map((c) => c.detail).join('; ') };
};

export const checkThat = (ok: boolean, detail: string): Check => ({ ok, detail });

/** What the digest covers of a stored event row. */
export interface DigestedRow {
  readonly streamName: string;
  readonly streamRevision: number | bigint | string;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** The columns of the SQL stores' events table that the checks read (snake_case, as queried). */
export interface EventColumns {
  readonly stream_id: string;
  readonly stream_revision: number | string;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export const digestedRowOf = (r: EventColumns): DigestedRow => ({
  streamName: r.stream_id,
  streamRevision: r.stream_revision,
  eventId: r.event_id,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
});

/** A digest of event rows in global order: library and limit stored the same bytes. */
export const rowDigest = () => {
  const hash = createHash('sha256');
  let count = 0;
  return {
    add(row: DigestedRow) {
      count++;
      hash.update(
        `${row.streamName}\u0000${String(row.streamRevision)}\u0000${row.eventId}\u0000${row.type}\u0000${row.data}\u0000${row.metadata}\n`,
      );
    },
    done: () => ({ count, digest: hash.digest('hex').slice(0, 16) }),
  };
};

/** Untimed checks of a write path: a digest of the rows in global order, and the cycles folded from them. */
export const rowsCheck = () => {
  const digest = rowDigest();
  const states = new Map<string, CycleState>();
  return {
    add(row: DigestedRow) {
      digest.add(row);
      // A contract's events are not a cycle's (path f's store holds both).
      if (isRenewalEventType(row.type)) foldInto(states, row.streamName, row.type, JSON.parse(row.data));
    },
    done: () => ({ totals: totalsOfStates(states.values()), digest: digest.done() }),
  };
};

export const compareDigests = (library: { count: number; digest: string }, raw: { count: number; digest: string }): Check =>
  library.count === raw.count && library.digest === raw.digest
    ? { ok: true, detail: `${library.count} rows byte-identical` }
    : { ok: false, detail: `library rows ${library.count} (${library.digest}) differ from the limit's ${raw.count} (${raw.digest})` };

// Aging over the portfolio, as the arrears view's `portfolio` and `topDebtors` answer it.

/** The sums the arrears view's `portfolio` asks SQL for, over every cycle (the raw limit asks the same). */
export const PORTFOLIO_SUMS =
  'SELECT COUNT(*) AS cycles, SUM(due_minor) AS due, SUM(net_paid_minor) AS net_paid, SUM(outstanding_minor) AS outstanding, ' +
  'SUM(open_disputed_minor) AS open_disputed, SUM(collectible_minor) AS collectible, ' +
  'SUM(CASE WHEN outstanding_minor < 0 THEN -outstanding_minor ELSE 0 END) AS credit FROM';

export type Buckets = Record<AgingBucket, number>;
export const zeroBuckets = (): Buckets => ({ current: 0, '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 });

export interface AgingTotals {
  readonly collectibleMinor: number;
  readonly overdueMinor: number;
  readonly buckets: Buckets;
}

/** Accumulates core's agingAsOf of cycles into buckets the way the arrears view does. */
export const agingAccumulator = (asOf: BusinessDate) => {
  const age = agingAsOf(asOf);
  const buckets = zeroBuckets();
  let collectibleMinor = 0;
  let overdueMinor = 0;
  return {
    /** `state` may be null when nothing is collectible (the caller need not parse it). */
    add(collectible: number, state: CycleState | null) {
      collectibleMinor += collectible;
      if (collectible <= 0 || !state) return;
      const a = age(state);
      overdueMinor += a.overdueMinor;
      if (a.overdueMinor > 0) buckets[a.bucket] += a.overdueMinor;
      buckets.current += a.notYetDueMinor;
    },
    done: (): AgingTotals => ({ collectibleMinor, overdueMinor, buckets }),
  };
};

export const agingOfStates = (states: Iterable<CycleState>, asOf: BusinessDate): AgingTotals => {
  const acc = agingAccumulator(asOf);
  for (const s of states) if (s.bill) acc.add(cycleFigures(s).collectibleMinor, s);
  return acc.done();
};

const describeAging = (a: AgingTotals) =>
  `collectible ${money(a.collectibleMinor)}, overdue ${money(a.overdueMinor)}, buckets ${Object.entries(a.buckets)
    .map(([k, v]) => `${k} ${money(v)}`)
    .join(' / ')}`;

export const compareAging = (library: AgingTotals, raw: AgingTotals): Check => {
  const same =
    library.collectibleMinor === raw.collectibleMinor &&
    library.overdueMinor === raw.overdueMinor &&
    Object.keys(raw.buckets).every((k) => library.buckets[k as AgingBucket] === raw.buckets[k as AgingBucket]);
  return same
    ? { ok: true, detail: describeAging(library) }
    : { ok: false, detail: `library: ${describeAging(library)}; raw: ${describeAging(raw)}` };
};

// Top debtors: per contract, the overdue and collectible amounts summed over its open cycles.

export interface DebtorLine {
  readonly contractId: string;
  readonly overdueMinor: number;
  readonly collectibleMinor: number;
}

/** Ranks contracts as the arrears view does: overdue, then collectible (largest first), then contract id. */
export const topOf = (debtors: Iterable<DebtorLine>, limit: number): DebtorLine[] =>
  [...debtors]
    .filter((d) => d.overdueMinor > 0)
    .sort(
      (a, b) =>
        b.overdueMinor - a.overdueMinor ||
        b.collectibleMinor - a.collectibleMinor ||
        (a.contractId < b.contractId ? -1 : a.contractId > b.contractId ? 1 : 0),
    )
    .slice(0, limit);

/** Sums a contract's open cycles: what each debtor line is made of. */
export const debtorAccumulator = (asOf: BusinessDate) => {
  const age = agingAsOf(asOf);
  const byContract = new Map<string, { contractId: string; overdueMinor: number; collectibleMinor: number }>();
  return {
    add(contractId: string, collectible: number, state: CycleState | null) {
      if (collectible <= 0 || !state) return;
      let d = byContract.get(contractId);
      if (!d) byContract.set(contractId, (d = { contractId, overdueMinor: 0, collectibleMinor: 0 }));
      d.overdueMinor += age(state).overdueMinor;
      d.collectibleMinor += collectible;
    },
    top: (limit: number) => topOf(byContract.values(), limit),
  };
};

export const topDebtorsOfStates = (states: Iterable<CycleState>, asOf: BusinessDate, limit: number): DebtorLine[] => {
  const acc = debtorAccumulator(asOf);
  for (const s of states) if (s.bill) acc.add(s.bill.contractId, cycleFigures(s).collectibleMinor, s);
  return acc.top(limit);
};

export const compareDebtors = (library: readonly DebtorLine[], raw: readonly DebtorLine[]): Check => {
  const key = (d: DebtorLine) => `${d.contractId}:${d.overdueMinor}:${d.collectibleMinor}`;
  const first = library.findIndex((d, i) => !raw[i] || key(d) !== key(raw[i]!));
  if (library.length === raw.length && first === -1)
    return { ok: true, detail: `${library.length} debtors, first ${library[0] ? key(library[0]) : 'none'}` };
  const at = first === -1 ? Math.min(library.length, raw.length) : first;
  return {
    ok: false,
    detail: `top debtors differ at #${at + 1}: library ${library[at] ? key(library[at]!) : 'none'} (${library.length}), raw ${raw[at] ? key(raw[at]!) : 'none'} (${raw.length})`,
  };
};
