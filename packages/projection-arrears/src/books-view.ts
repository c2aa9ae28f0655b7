// The books as they stood, from the arrears view's history rows (history.ts) instead of a replay:
// `getArrearsView(db).asKnownAt(store, query)`. Same picture, same figures as booksAsTheyStood
// (docs/as-known-at.md); the cost is a few scans of the history rows, not a read of the log.
//
// Per cycle, SQL takes the version whose running maxima of recorded and business time are inside
// the picture and whose next version's are not: the state after the prefix of the cycle's events
// the picture holds. Two kinds of cycle are folded exactly instead, from their streams in the store
// with core's evolveCycle, and counted (`foldedCycles`):
// - a cycle with an event in the picture after one outside it (its picture is no prefix: a payment
//   dated 30 December entered on 5 January after a late fee dated 2 January);
// - a cycle on an instalment plan with something collectible: its aging needs the instalments.
// Everything else is summed in SQL: the totals and aging buckets per currency, the debtors per
// contract (the contracts of folded cycles apart, then merged), the takings per channel.
import { agingBucketOf, cycleStreamName, type AgingBucket, type RecordedEvent } from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import {
  asExactSum,
  asNumber,
  asText,
  exactSumSql,
  placeholders,
  requireLiveView,
  ViewNotReadyError,
  type SqlExecutor,
  type SqlRow,
} from '@renewal-ledger/projections';
import {
  addCycleState,
  foldCycleInPicture,
  pictureOf,
  rankedDebtors,
  takingsSum,
  type BooksAsTheyStood,
  type BooksQuery,
  type DebtorSums,
  type Picture,
} from './as-known-at.js';
import { ARREARS_HISTORY, ARREARS_LOG, dayNumber, takingKindOfCode } from './history.js';
import { ARREARS_PROJECTION } from './projection.js';
import { accumulator, byCurrency, type Accumulator } from './sums.js';

/** The books as they stood from the view, with how many cycles had to be folded from the store. */
export interface BooksFromViews extends BooksAsTheyStood {
  /** Cycles folded from their streams (no prefix of their versions, or aged by a plan); the rest came from SQL. */
  readonly foldedCycles: number;
}

/** Up to this many folded cycles are left out of the sums by their ids; more, by the query that found them. */
const FEW_FOLDED = 2000;

/** An integer written into the SQL text: every bound of a question is one (epoch ms, day numbers). */
const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
  return String(n);
};

/** The SQL conditions of one question over the history rows (see the header). */
export const bitemporalSql = (p: Picture) => {
  const k = int(p.knownAtMs);
  const e = int(p.endOfAsOfMs);
  const day = int(dayNumber(p.asOf));
  /** The version each cycle stands at. */
  const picked = `max_recorded_ms <= ${k} AND max_at_ms <= ${e} AND (next_recorded_ms IS NULL OR next_recorded_ms > ${k} OR next_at_ms > ${e})`;
  /** A version in the picture after one outside it. */
  const beyond = `recorded_ms <= ${k} AND at_ms <= ${e} AND (max_recorded_ms > ${k} OR max_at_ms > ${e})`;
  const folded = `SELECT cycle_id, contract_id FROM ${ARREARS_HISTORY} WHERE ${beyond}
    UNION SELECT cycle_id, contract_id FROM ${ARREARS_HISTORY} WHERE ${picked} AND on_plan = 1 AND collectible_minor > 0`;
  const overdue = `CASE WHEN due_day <= ${day} THEN collectible_minor ELSE 0 END`;
  const bucket = `CASE WHEN collectible_minor <= 0 THEN 'none' WHEN ${day} - due_day <= 0 THEN 'current' WHEN ${day} - due_day <= 30 THEN '1-30'
    WHEN ${day} - due_day <= 60 THEN '31-60' WHEN ${day} - due_day <= 90 THEN '61-90' ELSE '90+' END`;
  const inTakings = `recorded_ms <= ${k} AND at_ms <= ${e} AND at_ms >= ${int(p.takingsFromMs)}`;
  return { k, e, day, picked, beyond, folded, overdue, bucket, inTakings };
};

const debtorColumns = (sql: ReturnType<typeof bitemporalSql>) =>
  `contract_id, currency, COUNT(*) AS cycles, ${exactSumSql(sql.overdue, 'overdue')}, ${exactSumSql('collectible_minor', 'collectible')},
   MIN(CASE WHEN due_day <= ${sql.day} THEN due_day END) AS oldest`;

type DebtorSum = DebtorSums extends Map<string, infer D> ? D : never;

const debtorOfRow = (r: SqlRow, day: number): DebtorSum => {
  const overdue = asExactSum(r, 'overdue');
  const days = overdue > 0n && r.oldest !== null ? day - asNumber(r.oldest) : 0;
  return {
    contractId: asText(r.contract_id),
    currency: asText(r.currency),
    overdue,
    collectible: asExactSum(r, 'collectible'),
    days,
    bucket: agingBucketOf(days),
    cycles: asNumber(r.cycles),
  };
};

/** Whole streams of the store, a chunk at a time (one round trip per chunk where the store can). */
async function* streamsOf(store: EventStore, names: readonly string[]): AsyncGenerator<readonly RecordedEvent[]> {
  for (let i = 0; i < names.length; i += 200) {
    const chunk = names.slice(i, i + 200);
    if (store.readStreams) {
      const read = await store.readStreams(chunk);
      for (const n of chunk) yield read.get(n) ?? [];
    } else
      for (const n of chunk) {
        const events: RecordedEvent[] = [];
        for await (const e of store.readStream(n)) events.push(e);
        yield events;
      }
  }
}

/** The books as of `asOf` as known at `knownAt`, from the history rows (see the header). */
export const booksFromViews = async (db: SqlExecutor, store: EventStore, query: BooksQuery): Promise<BooksFromViews> => {
  // A view built before its history rows (version 2) is not ready for this question.
  const live = await requireLiveView(db, ARREARS_PROJECTION);
  if (!live.tables[ARREARS_HISTORY]) throw new ViewNotReadyError(ARREARS_PROJECTION);
  const zones = await readLedgerZones(store);
  const picture = pictureOf(zones, query);
  const sql = bitemporalSql(picture);
  const day = dayNumber(query.asOf);
  const top = query.top ?? 10;
  const H = ARREARS_HISTORY;
  const folded = await db.query(sql.folded);
  // The folded cycles left out of the sums: their ids as parameters (one scan less per query)
  // while they are few, else the query that found them again.
  const foldedIds = folded.map((r) => asText(r.cycle_id));
  const few = foldedIds.length <= FEW_FOLDED;
  const notFolded =
    foldedIds.length === 0
      ? '1 = 1'
      : few
        ? `cycle_id NOT IN (${placeholders(foldedIds.length)})`
        : `cycle_id NOT IN (SELECT cycle_id FROM (${sql.folded}) f)`;
  const leftOut = few ? foldedIds : [];
  const foldedContracts = [...new Set(folded.map((r) => asText(r.contract_id)))];

  // Totals and buckets per currency, over the cycles SQL can answer.
  const accs = new Map<string, Accumulator>();
  const sums = await db.query(
    `SELECT currency, ${sql.bucket} AS bucket, COUNT(*) AS cycles, ${exactSumSql('due_minor', 'due')}, ${exactSumSql('net_paid_minor', 'net_paid')},
            ${exactSumSql('outstanding_minor', 'outstanding')}, ${exactSumSql('open_disputed_minor', 'open_disputed')},
            ${exactSumSql('collectible_minor', 'collectible')}, ${exactSumSql('CASE WHEN outstanding_minor < 0 THEN -outstanding_minor ELSE 0 END', 'credit')},
            ${exactSumSql('late_fee_outstanding_minor', 'late_fee_outstanding')}, ${exactSumSql(sql.overdue, 'overdue')}
       FROM ${H} WHERE ${sql.picked} AND ${notFolded} GROUP BY 1, 2`,
    leftOut,
  );
  for (const r of sums) {
    const currency = asText(r.currency);
    let acc = accs.get(currency);
    if (!acc) accs.set(currency, (acc = accumulator(currency)));
    const cycles = asNumber(r.cycles);
    acc.cycles += cycles;
    acc.dueMinor += asExactSum(r, 'due');
    acc.netPaidMinor += asExactSum(r, 'net_paid');
    acc.outstandingMinor += asExactSum(r, 'outstanding');
    acc.openDisputedMinor += asExactSum(r, 'open_disputed');
    acc.collectibleMinor += asExactSum(r, 'collectible');
    acc.creditMinor += asExactSum(r, 'credit');
    acc.lateFeeOutstandingMinor += asExactSum(r, 'late_fee_outstanding');
    acc.overdueMinor += asExactSum(r, 'overdue');
    const bucket = asText(r.bucket);
    if (bucket === 'none') continue;
    acc.buckets[bucket as AgingBucket] += asExactSum(r, 'collectible');
    acc.bucketCycles[bucket as AgingBucket] += cycles;
  }

  // Debtors: the first ones among contracts SQL answers whole; the contracts of folded cycles in full.
  const ranked = await db.query(
    `SELECT ${debtorColumns(sql)} FROM ${H} WHERE ${sql.picked} AND collectible_minor > 0 AND ${notFolded}
      GROUP BY contract_id, currency HAVING SUM(${sql.overdue}) > 0
      ORDER BY SUM(${sql.overdue}) DESC, SUM(collectible_minor) DESC, contract_id${db.dialect === 'postgres' ? ' COLLATE "C"' : ''}, currency
      LIMIT ${int(top + foldedContracts.length)}`,
    leftOut,
  );
  const debtors: DebtorSums = new Map();
  for (let i = 0; i < foldedContracts.length; i += 500) {
    const chunk = foldedContracts.slice(i, i + 500);
    const rows = await db.query(
      `SELECT ${debtorColumns(sql)} FROM ${H} WHERE ${sql.picked} AND collectible_minor > 0 AND ${notFolded}
          AND contract_id IN (${placeholders(chunk.length)}) GROUP BY contract_id, currency`,
      [...leftOut, ...chunk],
    );
    for (const r of rows) debtors.set(`${asText(r.contract_id)}\u0000${asText(r.currency)}`, debtorOfRow(r, day));
  }

  // Takings: the cycles' from their versions, the credit lump sums left from the log.
  const takings = takingsSum(zones, picture);
  const taken = await db.query(
    `SELECT taking, taking_channel AS channel, currency, COUNT(*) AS n, ${exactSumSql('taking_minor', 'amount')}
       FROM ${H} WHERE taking IS NOT NULL AND ${sql.inTakings} AND ${notFolded} GROUP BY 1, 2, 3
     UNION ALL
     SELECT 1, credit_channel, credit_currency, COUNT(*), ${exactSumSql('credit_minor', 'amount')}
       FROM ${ARREARS_LOG} WHERE credit_minor IS NOT NULL AND ${sql.inTakings} GROUP BY 2, 3`,
    leftOut,
  );
  for (const r of taken) {
    takings.add(takingKindOfCode(asNumber(r.taking)), asText(r.channel), asText(r.currency), asNumber(r.n), asExactSum(r, 'amount'));
  }

  // The folded cycles, exactly, from the store.
  const names = foldedIds.map(cycleStreamName);
  for await (const events of streamsOf(store, names))
    addCycleState(accs, debtors, foldCycleInPicture(picture, events, takings.take), query.asOf);

  const foldedSet = new Set(foldedContracts);
  const candidates = ranked.map((r) => debtorOfRow(r, day)).filter((d) => !foldedSet.has(d.contractId));

  // What the picture holds and leaves out, from the log.
  const counts = (
    await db.query(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN recorded_ms > ${sql.k} THEN 1 ELSE 0 END) AS recorded_later,
              SUM(CASE WHEN recorded_ms <= ${sql.k} AND at_ms > ${sql.e} THEN 1 ELSE 0 END) AS dated_later,
              MAX(CASE WHEN recorded_ms <= ${sql.k} AND (at_ms IS NULL OR at_ms <= ${sql.e}) THEN position END) AS last_position
         FROM ${ARREARS_LOG}`,
    )
  )[0]!;
  const recordedLater = asNumber(counts.recorded_later);
  const datedLater = asNumber(counts.dated_later);
  return {
    asOf: query.asOf,
    knownAt: picture.knownAt,
    portfolio: { asOf: query.asOf, currencies: byCurrency(accs) },
    topDebtors: rankedDebtors([...candidates, ...debtors.values()], top),
    takings: takings.report(),
    events: asNumber(counts.total) - recordedLater - datedLater,
    recordedLater,
    datedLater,
    lastPosition:
      counts.last_position === null || counts.last_position === undefined ? null : BigInt(counts.last_position as string | number),
    foldedCycles: folded.length,
  };
};
