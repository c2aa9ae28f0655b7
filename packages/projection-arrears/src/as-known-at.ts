// The books as they stood (docs/as-known-at.md): the portfolio's arrears, aging buckets, top
// debtors and takings as of a business date D, as known at a recorded instant K. An event is in
// the picture when it was recorded by K (`recordedAt` <= K: what the books held then) and dated
// by the end of D in the ledger's zone (`at` <= end of D: what had happened by then).
//
// Design: a replay of the log through core's folds, not a view. One read of the whole log in
// global order, each cycle folded with evolveCycle from the events in the picture, then summed
// with the very functions the arrears view sums with (addFigures, addAging, addToDebtor) and the
// takings rule core gives the behaviour view (takingOfCycleEvent). So it is exact by
// construction on every store (memory, SQLite, PostgreSQL, EventStoreDB), needs no view rows with
// history, and answers for any D and K. Its cost: time linear in the whole log per question
// (events recorded after K are still read, to be skipped), and memory linear in the number of
// cycles (one folded CycleState each, a few hundred bytes), not in the number of events.
import {
  addDaysTo,
  agingAsOf,
  businessDayOf,
  cycleEvents,
  cycleFigures,
  endOfBusinessDay,
  evolveCycle,
  initialCycleState,
  instantMillis,
  isBusinessDate,
  normaliseInstant,
  takingOfCredit,
  takingOfCycleEvent,
  type BusinessDate,
  type CreditReceivedData,
  type CycleState,
  type Instant,
  type LedgerZones,
  type RecordedEvent,
  type Taking,
  type TakingsReport,
  takingsTally,
} from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import {
  accumulator,
  addAging,
  addFigures,
  addToDebtor,
  byCurrency,
  newDebtorSum,
  rankDebtors,
  type Accumulator,
  type Debtor,
  type DebtorSum,
  type Portfolio,
} from './sums.js';

/**
 * A recorded instant from the command line or a caller: an ISO timestamp with `Z` or an offset,
 * or a bare date `YYYY-MM-DD`, which means the end of that business day in the ledger's zone
 * (the last millisecond before the next day starts there).
 */
export const knownAtInstant = (zones: LedgerZones, text: string): Instant => {
  if (isBusinessDate(text)) return endOfBusinessDay(zones, text);
  const instant = normaliseInstant(text);
  if (instant === null)
    throw new TypeError(
      `knownAt: expected a date YYYY-MM-DD (the end of that day in the ledger's zone) or a timestamp with Z or an offset, YYYY-MM-DDTHH:mm:ss[.sss](Z|+HH:MM), got ${JSON.stringify(text)}`,
    );
  return instant;
};

export interface BooksQuery {
  /** The business date the books are looked at (aging counts to it; later-dated events are out). */
  readonly asOf: BusinessDate;
  /** What the books held: events recorded by this instant, or a date meaning the end of that day (knownAtInstant). */
  readonly knownAt: string;
  /** How many top debtors (default 10). */
  readonly top?: number;
  /** The takings' first day (default: the first day of the as-of month); they run to the as-of date. */
  readonly takingsFrom?: BusinessDate;
}

export interface BooksAsTheyStood {
  readonly asOf: BusinessDate;
  /** The recorded instant, as an ISO timestamp in UTC. */
  readonly knownAt: Instant;
  /** Totals per currency with every collectible amount in one aging bucket: the arrears view's portfolio, as it stood. */
  readonly portfolio: Portfolio;
  readonly topDebtors: readonly Debtor[];
  /** The takings report (core's) from the takings' first day to the as-of date. */
  readonly takings: TakingsReport;
  /** Events in the picture. */
  readonly events: number;
  /** Events the store holds that were recorded after knownAt (not known then). */
  readonly recordedLater: number;
  /** Events recorded by knownAt but dated after the as-of date. */
  readonly datedLater: number;
  /** Global position of the last event in the picture, or null. */
  readonly lastPosition: bigint | null;
}

/** The two times of a question, as epoch milliseconds, and the takings' days. */
export interface Picture {
  readonly asOf: BusinessDate;
  readonly knownAt: Instant;
  readonly knownAtMs: number;
  /** The last millisecond of the as-of day in the ledger's zone. */
  readonly endOfAsOfMs: number;
  readonly takingsFrom: BusinessDate;
  /** The first millisecond of the takings' first day in the ledger's zone. */
  readonly takingsFromMs: number;
}

export const pictureOf = (zones: LedgerZones, query: BooksQuery): Picture => {
  const knownAt = knownAtInstant(zones, query.knownAt);
  const takingsFrom = query.takingsFrom ?? (`${query.asOf.slice(0, 7)}-01` as BusinessDate);
  return {
    asOf: query.asOf,
    knownAt,
    knownAtMs: instantMillis(knownAt),
    endOfAsOfMs: instantMillis(endOfBusinessDay(zones, query.asOf)),
    takingsFrom,
    takingsFromMs: instantMillis(endOfBusinessDay(zones, addDaysTo(-1)(takingsFrom))) + 1,
  };
};

/** Where an event stands in the picture: in it, recorded after K, or recorded by K but dated after D. */
export const standingOf = (picture: Picture, e: RecordedEvent): 'in' | 'recorded-later' | 'dated-later' => {
  if (Date.parse(e.metadata.recordedAt) > picture.knownAtMs) return 'recorded-later';
  const at = (e.data as { at?: string }).at;
  return at !== undefined && Date.parse(at) > picture.endOfAsOfMs ? 'dated-later' : 'in';
};

/** Takings per channel and currency over the picture's days, summed as they come by core's tally. */
export const takingsSum = (zones: LedgerZones, picture: Picture) => {
  const tally = takingsTally();
  return {
    add: tally.add,
    take(t: Taking | null) {
      if (t === null) return;
      const day = businessDayOf(zones, t.at);
      if (day < picture.takingsFrom || day > picture.asOf) return;
      tally.take(t);
    },
    report: (): TakingsReport => ({ from: picture.takingsFrom, to: picture.asOf, channels: tally.channels() }),
  };
};

/** One cycle's events in the picture folded with core's evolveCycle, its takings counted on the way. */
export const foldCycleInPicture = (
  picture: Picture,
  events: Iterable<RecordedEvent>,
  take: (t: Taking | null) => void,
  state: CycleState = initialCycleState(),
): CycleState => {
  for (const e of events) {
    if (standingOf(picture, e) !== 'in') continue;
    const event = cycleEvents.of(e);
    take(takingOfCycleEvent(event, state));
    state = evolveCycle(state, event);
  }
  return state;
};

/** A debtor being summed: a contract's open cycles in one currency. */
export type DebtorSums = Map<string, DebtorSum & { contractId: string; currency: string }>;

/** A folded cycle into its currency's totals and its contract's debtor sum, as the arrears view sums them. */
export const addCycleState = (accs: Map<string, Accumulator>, debtors: DebtorSums, state: CycleState, asOf: BusinessDate): void => {
  const bill = state.bill;
  if (!bill) return;
  let acc = accs.get(bill.currency);
  if (!acc) accs.set(bill.currency, (acc = accumulator(bill.currency)));
  const f = cycleFigures(state);
  const a = agingAsOf(asOf)(state);
  addFigures(acc, f);
  if (f.collectibleMinor <= 0) return;
  addAging(acc, a);
  const key = `${bill.contractId}\u0000${bill.currency}`;
  let d = debtors.get(key);
  if (!d) debtors.set(key, (d = { ...newDebtorSum(), contractId: bill.contractId, currency: bill.currency }));
  addToDebtor(d, a, BigInt(f.collectibleMinor));
};

/** The debtors with something overdue, ranked, the first `top`. */
export const rankedDebtors = (debtors: Iterable<DebtorSum & { contractId: string; currency: string }>, top: number): Debtor[] =>
  [...debtors]
    .filter((d) => d.overdue > 0n)
    .map((d) => ({
      contractId: d.contractId,
      currency: d.currency,
      overdueMinor: d.overdue,
      collectibleMinor: d.collectible,
      daysPastDue: d.days,
      bucket: d.bucket,
      cycles: d.cycles,
    }))
    .sort(rankDebtors)
    .slice(0, top);

/** The books as of `asOf` as known at `knownAt`, from one replay of the log (see the header for the cost). */
export const booksAsTheyStood = async (store: EventStore, query: BooksQuery): Promise<BooksAsTheyStood> => {
  const zones = await readLedgerZones(store);
  const picture = pictureOf(zones, query);
  const states = new Map<string, CycleState>();
  const takings = takingsSum(zones, picture);

  let events = 0;
  let recordedLater = 0;
  let datedLater = 0;
  let lastPosition: bigint | null = null;
  for await (const e of store.readAll()) {
    const standing = standingOf(picture, e);
    if (standing === 'recorded-later') recordedLater += 1;
    else if (standing === 'dated-later') datedLater += 1;
    if (standing !== 'in') continue;
    events += 1;
    lastPosition = e.globalPosition;
    if (cycleEvents.owns(e.type)) {
      const cycleId = (e.data as { cycleId: string }).cycleId;
      states.set(cycleId, foldCycleInPicture(picture, [e], takings.take, states.get(cycleId)));
    } else if (e.type === 'CreditReceived') takings.take(takingOfCredit(e.data as CreditReceivedData));
  }

  const accs = new Map<string, Accumulator>();
  const debtors: DebtorSums = new Map();
  for (const state of states.values()) addCycleState(accs, debtors, state, query.asOf);
  return {
    asOf: query.asOf,
    knownAt: picture.knownAt,
    portfolio: { asOf: query.asOf, currencies: byCurrency(accs) },
    topDebtors: rankedDebtors(debtors.values(), query.top ?? 10),
    takings: takings.report(),
    events,
    recordedLater,
    datedLater,
    lastPosition,
  };
};
