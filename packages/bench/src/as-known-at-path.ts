// e:known-at: the books as they stood over the whole portfolio (docs/as-known-at.md), the arrears
// view's asKnownAt against its limit: hand-written SQL over the same history rows on the raw
// driver (better-sqlite3, pg), with the same fallback (the cycles SQL cannot answer, read raw from
// the store's events table and folded with core), summed by hand. Checked equal to each other and
// to the replay of the log (booksAsTheyStood), untimed.
import {
  addDaysTo,
  agingAsOf,
  agingBucketOf,
  businessDayOf,
  cycleEvents,
  cycleFigures,
  daysBetween,
  endOfBusinessDay,
  evolveCycle,
  initialCycleState,
  instantMillis,
  takingOfCycleEvent,
  takingsTally,
  type BusinessDate,
  type CycleState,
  type LedgerZones,
} from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import {
  booksAsTheyStood,
  getArrearsView,
  knownAtInstant,
  takingKindOfCode,
  type BooksAsTheyStood,
  type BooksQuery,
} from '@renewal-ledger/projection-arrears';
import type { ViewDatabase } from '@renewal-ledger/projections';
import type { Backend } from './backend.js';
import { makeLine, type Line } from './line.js';
import { bestOf, type Tick } from './measure.js';
import { checkThat } from './totals.js';
import { targetFor } from './targets.js';

/** The raw side's access: a query on the views' raw connection, and cycle streams read raw from the store. */
export interface RawBooksAccess {
  /** Rows of a statement with no parameters (the bounds are integers in its text), integers as numbers or strings. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** `type`, `data` and `metadata` (JSON text) of the events of these streams, in stream order per stream. */
  streams(names: readonly string[]): Promise<Map<string, { type: string; data: string; metadata: string }[]>>;
  /** The history and log tables' names. */
  readonly history: string;
  readonly log: string;
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(v as string | number));
const BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
type Bucket = (typeof BUCKETS)[number];

/** The books by hand: the limit of e:known-at. */
export const rawBooks = async (raw: RawBooksAccess, zones: LedgerZones, query: BooksQuery, tick: Tick): Promise<BooksAsTheyStood> => {
  const knownAt = knownAtInstant(zones, query.knownAt);
  const k = instantMillis(knownAt);
  const e = instantMillis(endOfBusinessDay(zones, query.asOf));
  const from = query.takingsFrom ?? (`${query.asOf.slice(0, 7)}-01` as BusinessDate);
  const day = daysBetween('1970-01-01' as BusinessDate, query.asOf);
  const top = query.top ?? 10;
  const H = raw.history;
  const picked = `max_recorded_ms <= ${k} AND max_at_ms <= ${e} AND (next_recorded_ms IS NULL OR next_recorded_ms > ${k} OR next_at_ms > ${e})`;
  const folded = await raw.query(
    `SELECT cycle_id, contract_id FROM ${H} WHERE recorded_ms <= ${k} AND at_ms <= ${e} AND (max_recorded_ms > ${k} OR max_at_ms > ${e})
     UNION SELECT cycle_id, contract_id FROM ${H} WHERE ${picked} AND on_plan = 1 AND collectible_minor > 0`,
  );
  const foldedIds = folded.map((r) => String(r.cycle_id));
  const notFolded =
    foldedIds.length === 0 ? '1 = 1' : `cycle_id NOT IN (${foldedIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})`;
  const overdue = `CASE WHEN due_day <= ${day} THEN collectible_minor ELSE 0 END`;

  type Acc = {
    cycles: number;
    due: bigint;
    net: bigint;
    out: bigint;
    disp: bigint;
    coll: bigint;
    over: bigint;
    credit: bigint;
    fee: bigint;
    b: Record<Bucket, bigint>;
    c: Record<Bucket, number>;
  };
  const accs = new Map<string, Acc>();
  const accOf = (cur: string): Acc => {
    let a = accs.get(cur);
    if (!a)
      accs.set(
        cur,
        (a = {
          cycles: 0,
          due: 0n,
          net: 0n,
          out: 0n,
          disp: 0n,
          coll: 0n,
          over: 0n,
          credit: 0n,
          fee: 0n,
          b: { current: 0n, '1-30': 0n, '31-60': 0n, '61-90': 0n, '90+': 0n },
          c: { current: 0, '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 },
        }),
      );
    return a;
  };
  const rows = await raw.query(
    `SELECT currency, CASE WHEN collectible_minor <= 0 THEN -1 WHEN due_day > ${day} THEN 0 ELSE ${day} - due_day END AS days,
            COUNT(*) AS cycles, SUM(due_minor) AS due, SUM(net_paid_minor) AS net, SUM(outstanding_minor) AS out,
            SUM(open_disputed_minor) AS disp, SUM(collectible_minor) AS coll, SUM(${overdue}) AS over,
            SUM(CASE WHEN outstanding_minor < 0 THEN -outstanding_minor ELSE 0 END) AS credit, SUM(late_fee_outstanding_minor) AS fee
       FROM ${H} WHERE ${picked} AND ${notFolded} GROUP BY 1, 2`,
  );
  for (const r of rows) {
    const a = accOf(String(r.currency));
    a.cycles += n(r.cycles);
    a.due += big(r.due);
    a.net += big(r.net);
    a.out += big(r.out);
    a.disp += big(r.disp);
    a.coll += big(r.coll);
    a.over += big(r.over);
    a.credit += big(r.credit);
    a.fee += big(r.fee);
    if (n(r.days) >= 0) {
      const b = agingBucketOf(n(r.days));
      a.b[b] += big(r.coll);
      a.c[b] += n(r.cycles);
    }
    tick();
  }
  type Deb = { contractId: string; currency: string; overdue: bigint; collectible: bigint; days: number; cycles: number };
  const debtorSql = `SELECT contract_id, currency, COUNT(*) AS cycles, SUM(${overdue}) AS over, SUM(collectible_minor) AS coll,
      MIN(CASE WHEN due_day <= ${day} THEN due_day END) AS oldest FROM ${H} WHERE ${picked} AND collectible_minor > 0 AND ${notFolded}`;
  const debOf = (r: Record<string, unknown>): Deb => ({
    contractId: String(r.contract_id),
    currency: String(r.currency),
    overdue: big(r.over),
    collectible: big(r.coll),
    days: big(r.over) > 0n && r.oldest !== null ? day - n(r.oldest) : 0,
    cycles: n(r.cycles),
  });
  const foldedContracts = new Set(folded.map((r) => String(r.contract_id)));
  const candidates = (
    await raw.query(
      `${debtorSql} GROUP BY contract_id, currency HAVING SUM(${overdue}) > 0 ORDER BY 4 DESC, 5 DESC LIMIT ${top + foldedContracts.size}`,
    )
  )
    .map(debOf)
    .filter((d) => !foldedContracts.has(d.contractId));
  const debtors = new Map<string, Deb>();
  if (foldedContracts.size > 0)
    for (const r of await raw.query(
      `${debtorSql} AND contract_id IN (${[...foldedContracts].map((c) => `'${c.replace(/'/g, "''")}'`).join(', ')}) GROUP BY contract_id, currency`,
    ))
      debtors.set(`${r.contract_id}\u0000${r.currency}`, debOf(r));

  // Summed by core's takings tally, the report's one sum (the cost is the SQL, not the adding up).
  const takings = takingsTally();
  const take = takings.add;
  // Business days, not UTC slices: the first millisecond of the takings' first day in the zone.
  const firstMs = Date.parse(endOfBusinessDay(zones, addDaysTo(-1)(from))) + 1;
  const inTakings = `recorded_ms <= ${k} AND at_ms <= ${e} AND at_ms >= ${firstMs}`;
  for (const r of await raw.query(
    `SELECT taking, taking_channel AS channel, currency, COUNT(*) AS cnt, SUM(taking_minor) AS amount FROM ${H}
      WHERE taking IS NOT NULL AND ${inTakings} AND ${notFolded} GROUP BY 1, 2, 3
     UNION ALL SELECT 1, credit_channel, credit_currency, COUNT(*), SUM(credit_minor) FROM ${raw.log}
      WHERE credit_minor IS NOT NULL AND ${inTakings} GROUP BY 2, 3`,
  ))
    take(takingKindOfCode(n(r.taking)), String(r.channel), String(r.currency), n(r.cnt), big(r.amount));

  // The same fallback: the folded cycles' events read raw, folded with core.
  const streams = await raw.streams(foldedIds.map((id) => `renewal-cycle-${id}`));
  for (const events of streams.values()) {
    let state: CycleState = initialCycleState();
    for (const row of events) {
      const data = JSON.parse(row.data) as { at: string };
      const metadata = JSON.parse(row.metadata) as { recordedAt: string };
      if (Date.parse(metadata.recordedAt) > k || Date.parse(data.at) > e) continue;
      const event = cycleEvents.of({ type: row.type, data });
      const t = takingOfCycleEvent(event, state);
      if (t) {
        const d = businessDayOf(zones, t.at);
        if (d >= from && d <= query.asOf) take(t.kind, t.channel, t.currency, 1, BigInt(t.amountMinor));
      }
      state = evolveCycle(state, event);
    }
    const bill = state.bill;
    if (!bill) continue;
    const f = cycleFigures(state);
    const a = accOf(bill.currency);
    a.cycles += 1;
    a.due += BigInt(f.dueMinor);
    a.net += BigInt(f.netPaidMinor);
    a.out += BigInt(f.outstandingMinor);
    a.disp += BigInt(f.openDisputedMinor);
    a.coll += BigInt(f.collectibleMinor);
    a.credit += BigInt(Math.max(0, -f.outstandingMinor));
    a.fee += BigInt(f.lateFeeOutstandingMinor);
    if (f.collectibleMinor <= 0) continue;
    const aging = agingAsOf(query.asOf)(state);
    a.over += BigInt(aging.overdueMinor);
    if (aging.overdueMinor > 0) {
      a.b[aging.bucket] += BigInt(aging.overdueMinor);
      a.c[aging.bucket] += 1;
    }
    if (aging.notYetDueMinor > 0) {
      a.b.current += BigInt(aging.notYetDueMinor);
      if (!(aging.overdueMinor > 0 && aging.bucket === 'current')) a.c.current += 1;
    }
    const key = `${bill.contractId}\u0000${bill.currency}`;
    const d = debtors.get(key) ?? {
      contractId: bill.contractId,
      currency: bill.currency,
      overdue: 0n,
      collectible: 0n,
      days: 0,
      cycles: 0,
    };
    debtors.set(key, d);
    d.overdue += BigInt(aging.overdueMinor);
    d.collectible += BigInt(f.collectibleMinor);
    d.cycles += 1;
    if (aging.overdueMinor > 0 && aging.daysPastDue >= d.days) d.days = aging.daysPastDue;
  }

  const counts = (
    await raw.query(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN recorded_ms > ${k} THEN 1 ELSE 0 END) AS later,
              SUM(CASE WHEN recorded_ms <= ${k} AND at_ms > ${e} THEN 1 ELSE 0 END) AS dated,
              MAX(CASE WHEN recorded_ms <= ${k} AND (at_ms IS NULL OR at_ms <= ${e}) THEN position END) AS last FROM ${raw.log}`,
    )
  )[0]!;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    asOf: query.asOf,
    knownAt,
    portfolio: {
      asOf: query.asOf,
      currencies: [...accs.entries()]
        .sort(([a], [b]) => cmp(a, b))
        .map(([currency, a]) => ({
          currency,
          cycles: a.cycles,
          dueMinor: a.due,
          netPaidMinor: a.net,
          outstandingMinor: a.out,
          openDisputedMinor: a.disp,
          collectibleMinor: a.coll,
          overdueMinor: a.over,
          creditMinor: a.credit,
          lateFeeOutstandingMinor: a.fee,
          buckets: a.b,
          bucketCycles: a.c,
        })),
    },
    topDebtors: [...candidates, ...debtors.values()]
      .filter((d) => d.overdue > 0n)
      .sort(
        (a, b) =>
          (a.overdue < b.overdue ? 1 : a.overdue > b.overdue ? -1 : 0) ||
          (a.collectible < b.collectible ? 1 : a.collectible > b.collectible ? -1 : 0) ||
          cmp(a.contractId, b.contractId) ||
          cmp(a.currency, b.currency),
      )
      .slice(0, top)
      .map((d) => ({
        contractId: d.contractId,
        currency: d.currency,
        overdueMinor: d.overdue,
        collectibleMinor: d.collectible,
        daysPastDue: d.days,
        bucket: agingBucketOf(d.days),
        cycles: d.cycles,
      })),
    takings: { from, to: query.asOf, channels: takings.channels() },
    events: n(counts.total) - n(counts.later) - n(counts.dated),
    recordedLater: n(counts.later),
    datedLater: n(counts.dated),
    lastPosition: counts.last === null || counts.last === undefined ? null : BigInt(counts.last as string | number),
  };
};

const QUERY_ROUNDS = 3;
const TOP = 100;

const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * The line: the year-end-like question of the portfolio (as of the last day of the month before
 * its as-of date, as known five days later), the library against rawBooks, best of three each.
 */
export const knownAtLine = async (
  backend: Backend,
  store: EventStore,
  views: ViewDatabase,
  asOf: BusinessDate,
  say: (m: string) => void,
): Promise<Line | null> => {
  const raw = backend.limit.knownAtAccess?.();
  if (!raw) return null;
  const monthStart = `${asOf.slice(0, 7)}-01` as BusinessDate;
  const query: BooksQuery = { asOf: addDaysTo(-1)(monthStart), knownAt: addDaysTo(4)(monthStart), top: TOP };
  const zones = await readLedgerZones(store);
  say(`(e) the books as of ${query.asOf} as known at ${query.knownAt}: view rows vs raw SQL over the same rows`);
  const view = getArrearsView(views);
  let folded = 0;
  const [lib, lim] = await bestOf(
    QUERY_ROUNDS,
    async () => {
      const { foldedCycles, ...books } = await view.asKnownAt(store, query);
      folded = foldedCycles;
      return books;
    },
    (tick) => rawBooks(raw, zones, query, tick),
  );
  const replayed = await booksAsTheyStood(store, query);
  const cycles = lib.result.portfolio.currencies.reduce((s, c) => s + c.cycles, 0);
  const same = json(lib.result) === json(lim.result);
  const exact = json(lib.result) === json(replayed);
  return makeLine({
    store: backend.kind,
    path: 'e',
    id: 'e:known-at',
    title: `the books as of ${query.asOf} as known at ${query.knownAt}: every cycle, top ${TOP} debtors, takings`,
    unit: 'cycles',
    count: cycles,
    library: { what: 'getArrearsView().asKnownAt(store, { asOf, knownAt, top })', timing: lib.timing },
    limit: { what: 'hand-written SQL over the same history rows (raw driver) + the same cycles read raw and folded', timing: lim.timing },
    // The issue's target: the library at least half as fast as the raw query over the same rows.
    target: targetFor(backend.kind, 'e:known-at'),
    databaseBytes: await backend.viewsBytes(),
    check: checkThat(
      same && exact,
      `${same ? 'equal to the raw query' : 'differs from the raw query'}; ${exact ? 'equal to the replay' : 'differs from the replay (booksAsTheyStood)'}; ${folded} cycles folded`,
    ),
    note: `${folded} of ${cycles} cycles folded from the store`,
  });
};
