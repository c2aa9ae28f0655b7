// Reading what the engine decides on. Two ways:
// - `readPortfolio`: one pass over the store's global log, folding every contract and (when
//   asked) every cycle: what the portfolio-wide runs (renewals, reminders, auto-debit) start from.
//   Its cost is one read of the log; a service with millions of events would keep these states in
//   a view instead and hand them to the same pure policies.
// - `readContractCycles`: one contract's cycles, read stream by stream from its schedule (cycle
//   ids are `<contractId>/<period start>`): what a lump sum or a credit application needs.
import {
  addDaysTo,
  contractDecider,
  contractEvents,
  contractIdOfStream,
  contractStreamName,
  cycleEvents,
  cycleStreamName,
  evolveContract,
  evolveCycle,
  initialContractState,
  initialCycleState,
  renewalCycle,
  evolveLedgerSettings,
  initialLedgerSettings,
  ledgerSettingsEvents,
  ledgerZonesOf,
  businessDayOf,
  cycleFigures,
  daysBetween,
  pendingRequests,
  UTC_ZONES,
  type LedgerSettingsState,
  type LedgerZones,
  scheduledPeriodsUntil,
  termsOf,
  billCycleId,
  type BusinessDate,
  type ContractState,
  type CycleState,
} from '@renewal-ledger/core';
import { loadAggregate, type EventStore, type LoadedAggregate } from '@renewal-ledger/eventstore';

export interface Portfolio {
  readonly contracts: ReadonlyMap<string, ContractState>;
  /** Every cycle's state, when read with `cycles: true` (a reader that retires settled cycles: the ones it holds); empty otherwise. */
  readonly cycles: ReadonlyMap<string, CycleState>;
  /** Every cycle that has a bill. */
  readonly billedCycleIds: ReadonlySet<string>;
  /** Credit application ids whose payment is on its cycle (a `Paid` with `creditApplicationId`). */
  readonly creditPaymentIds: ReadonlySet<string>;
  /** Global position of the last event read. */
  readonly position: bigint;
  /** The ledger's zones as the log records them (UTC when it records none). */
  readonly zones: LedgerZones;
}

export interface ReadPortfolioOptions {
  /** Fold every cycle too (reminders, auto-debit). Default false: bill ids only. */
  readonly cycles?: boolean;
  readonly batchSize?: number;
}

interface Accumulated {
  contracts: Map<string, ContractState>;
  cycles: Map<string, CycleState>;
  billedCycleIds: Set<string>;
  creditPaymentIds: Set<string>;
  position: bigint;
  settings: LedgerSettingsState;
  zones: LedgerZones;
  /** Kept while cycles are retired (`retireSettledAfterDays`), for the cycles still held only. */
  retiring: {
    /** The business day each held cycle last had an event recorded. */
    readonly lastDay: Map<string, BusinessDate>;
    /** Where each held cycle's first event is: the order `cycles` keeps them in. */
    readonly firstPosition: Map<string, bigint>;
    /** The business day of the last event read. */
    today: BusinessDate | null;
    /** A retired cycle was read again this read: `cycles` is put back in first-event order. */
    reordered: boolean;
  } | null;
}

const emptyPortfolio = (): Accumulated => ({
  contracts: new Map(),
  cycles: new Map(),
  billedCycleIds: new Set(),
  creditPaymentIds: new Set(),
  position: -1n,
  settings: initialLedgerSettings(),
  zones: UTC_ZONES,
  retiring: null,
});

/** A retired cycle's stream folded up to `position` (the event being read), for a reader that reads it again. */
const cycleUpTo = async (store: EventStore, cycleId: string, position: bigint): Promise<{ state: CycleState; first: bigint }> => {
  let state = initialCycleState();
  let first = position;
  for await (const e of store.readStream(cycleStreamName(cycleId))) {
    if (e.globalPosition > position) break;
    if (state.eventCount === 0) first = e.globalPosition;
    state = evolveCycle(state, cycleEvents.of(e));
  }
  return { state, first };
};

/**
 * Whether no run of the engine has anything to do on a cycle until something new is recorded on
 * it: nothing owed either way, no dispute open, no late fee to collect, no request waiting.
 */
const resting = (cycle: CycleState): boolean => {
  const f = cycleFigures(cycle);
  return f.outstandingMinor === 0 && f.openDisputedMinor === 0 && f.lateFeeOutstandingMinor === 0 && pendingRequests(cycle).length === 0;
};

/** Drops the cycles resting for `quietDays`; after a cycle was read again, puts `cycles` back in first-event order. */
const retireResting = (acc: Accumulated, quietDays: number): void => {
  const r = acc.retiring;
  if (!r || r.today === null) return;
  for (const [cycleId, cycle] of acc.cycles) {
    const last = r.lastDay.get(cycleId);
    if (!cycle.bill || last === undefined || daysBetween(last, r.today) < quietDays || !resting(cycle)) continue;
    acc.cycles.delete(cycleId);
    r.lastDay.delete(cycleId);
    r.firstPosition.delete(cycleId);
  }
  if (!r.reordered) return;
  const order = [...acc.cycles.keys()].sort((a, b) => {
    const x = r.firstPosition.get(a)!;
    const y = r.firstPosition.get(b)!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const held = new Map(acc.cycles);
  acc.cycles.clear();
  for (const id of order) acc.cycles.set(id, held.get(id)!);
  r.reordered = false;
};

/** The fold of the log into a portfolio, from where an earlier read stopped. */
const readInto = async (
  store: EventStore,
  acc: Accumulated,
  options: ReadPortfolioOptions,
  knownUntil?: BusinessDate,
  onReadAgain?: (cycle: CycleState) => void,
): Promise<void> => {
  const { contracts, cycles, billedCycleIds, creditPaymentIds } = acc;
  for await (const e of store.readAll({ batchSize: options.batchSize ?? 1000, ...(acc.position >= 0n ? { after: acc.position } : {}) })) {
    // Recorded after the day asked for: stop here, the next read starts from this event.
    if (knownUntil !== undefined && businessDayOf(acc.zones, e.metadata.recordedAt) > knownUntil) break;
    acc.position = e.globalPosition;
    if (acc.retiring !== null) acc.retiring.today = businessDayOf(acc.zones, e.metadata.recordedAt);
    if (ledgerSettingsEvents.owns(e.type)) {
      acc.settings = evolveLedgerSettings(acc.settings, ledgerSettingsEvents.of(e));
      acc.zones = ledgerZonesOf(acc.settings);
      continue;
    }
    if (contractEvents.owns(e.type)) {
      const event = contractEvents.of(e);
      const id = contractIdOfStream(e.streamName) ?? event.data.contractId;
      contracts.set(id, evolveContract(contracts.get(id) ?? initialContractState(), event));
    } else if (cycleEvents.owns(e.type)) {
      const event = cycleEvents.of(e);
      const { cycleId } = event.data;
      if (event.type === 'Billed') billedCycleIds.add(cycleId);
      if (event.type === 'Paid' && event.data.creditApplicationId !== undefined) creditPaymentIds.add(event.data.creditApplicationId);
      if (!options.cycles) continue;
      const held = cycles.get(cycleId);
      const r = acc.retiring;
      if (r === null) {
        cycles.set(cycleId, evolveCycle(held ?? initialCycleState(), event));
        continue;
      }
      r.lastDay.set(cycleId, r.today!);
      if (held !== undefined) cycles.set(cycleId, evolveCycle(held, event));
      else if (event.type !== 'Billed' && billedCycleIds.has(cycleId)) {
        // Billed and not held: retired, and something new on it now (a refund, a reversal).
        const again = await cycleUpTo(store, cycleId, e.globalPosition);
        cycles.set(cycleId, again.state);
        r.firstPosition.set(cycleId, again.first);
        r.reordered = true;
        onReadAgain?.(again.state);
      } else {
        cycles.set(cycleId, evolveCycle(initialCycleState(), event));
        r.firstPosition.set(cycleId, e.globalPosition);
      }
    }
  }
};

export const readPortfolio = async (store: EventStore, options: ReadPortfolioOptions = {}): Promise<Portfolio> => {
  const acc = emptyPortfolio();
  await readInto(store, acc, options);
  return {
    contracts: acc.contracts,
    cycles: acc.cycles,
    billedCycleIds: acc.billedCycleIds,
    creditPaymentIds: acc.creditPaymentIds,
    position: acc.position,
    zones: acc.zones,
  };
};

/**
 * Reads the portfolio once, then on every `read()` only the events appended since: for a process
 * that runs the engine many times over one store (a simulation of many days, a long-lived
 * service), so each run costs what was written since the last one instead of the whole log.
 * Cycles are always folded. The maps it returns are its own and grow on the next `read()`.
 */
export interface PortfolioReader {
  read(): Promise<Portfolio>;
}

export interface PortfolioReaderOptions extends Omit<ReadPortfolioOptions, 'cycles'> {
  /**
   * Read the log only up to the first event recorded after this day (the business day of
   * `metadata.recordedAt` in the ledger's zone), for a run that replays a simulation day by day: on a store that holds
   * the whole simulation already, each day's run sees what the day knew, and proposes what it
   * proposed then (duplicates) rather than what the end state would.
   */
  readonly knownUntil?: () => BusinessDate;
  /**
   * Stop holding a cycle once it rests (nothing owed either way, no dispute open, no late fee to
   * collect, no request waiting) and nothing was recorded on it for this many days: what the
   * reader holds is then bounded by the open cycles, not by every cycle ever billed. Something
   * recorded on a retired cycle later (a refund) reads its stream again, and `cycles` keeps the
   * order of first events, so every run proposes what it would with every cycle held. The days
   * must exceed the longest gap between two runs that act on a resting cycle (the invoicing run
   * invoices a cycle once it is paid, a refund's red invoice after it). Default: hold every cycle.
   */
  readonly retireSettledAfterDays?: number;
  /** Told of each retired cycle read again (its state as read), for a reader of something else held for it (`getInvoicesReader`'s `onlyFor`). */
  readonly onReadAgain?: (cycle: CycleState) => void;
}

export const getPortfolioReader = (store: EventStore, options: PortfolioReaderOptions = {}): PortfolioReader => {
  const acc = emptyPortfolio();
  const quietDays = options.retireSettledAfterDays;
  if (quietDays !== undefined) acc.retiring = { lastDay: new Map(), firstPosition: new Map(), today: null, reordered: false };
  return {
    read: async () => {
      await readInto(
        store,
        acc,
        { ...(options.batchSize ? { batchSize: options.batchSize } : {}), cycles: true },
        options.knownUntil?.(),
        options.onReadAgain,
      );
      if (quietDays !== undefined) retireResting(acc, quietDays);
      return {
        contracts: acc.contracts,
        cycles: acc.cycles,
        billedCycleIds: acc.billedCycleIds,
        creditPaymentIds: acc.creditPaymentIds,
        position: acc.position,
        zones: acc.zones,
      };
    },
  };
};

/** Reads one cycle's stream and folds it. */
export const loadCycle = async (store: EventStore, cycleId: string): Promise<CycleState> =>
  (await loadAggregate(renewalCycle, store, cycleStreamName(cycleId))).state;

export type LoadedContract = LoadedAggregate<ContractState>;

/** Reads a contract's stream and folds it: its state and the revision the next append expects. */
export const loadContract = (store: EventStore, contractId: string): Promise<LoadedContract> =>
  loadAggregate(contractDecider, store, contractStreamName(contractId));

/**
 * The billed cycles of one contract: its scheduled periods read in order up to `through`, and on
 * past it as long as bills are found (bills issued later than the date that asks), plus every
 * cycle the contract has applied credit to.
 */
export const readContractCycles = async (store: EventStore, contract: ContractState, through: BusinessDate): Promise<CycleState[]> => {
  const terms = termsOf(contract);
  if (!contract.opened || !terms) return [];
  const out = new Map<string, CycleState>();
  // Ten years past the date bounds the look-ahead; the loop stops at the first period not billed.
  for (const p of scheduledPeriodsUntil(terms, addDaysTo(3660)(through))) {
    const cycleId = billCycleId(contract.opened.contractId, p.period.start);
    const state = await loadCycle(store, cycleId);
    if (!state.bill) {
      if (p.period.start > through) break;
      continue;
    }
    out.set(cycleId, state);
  }
  for (const { applied } of contract.applications)
    if (!out.has(applied.cycleId)) {
      const state = await loadCycle(store, applied.cycleId);
      if (state.bill) out.set(applied.cycleId, state);
    }
  return [...out.values()];
};
