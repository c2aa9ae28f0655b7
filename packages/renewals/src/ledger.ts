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
  /** Every cycle's state, when read with `cycles: true`; empty otherwise. */
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
}

const emptyPortfolio = (): Accumulated => ({
  contracts: new Map(),
  cycles: new Map(),
  billedCycleIds: new Set(),
  creditPaymentIds: new Set(),
  position: -1n,
  settings: initialLedgerSettings(),
  zones: UTC_ZONES,
});

/** The fold of the log into a portfolio, from where an earlier read stopped. */
const readInto = async (store: EventStore, acc: Accumulated, options: ReadPortfolioOptions, knownUntil?: BusinessDate): Promise<void> => {
  const { contracts, cycles, billedCycleIds, creditPaymentIds } = acc;
  for await (const e of store.readAll({ batchSize: options.batchSize ?? 1000, ...(acc.position >= 0n ? { after: acc.position } : {}) })) {
    // Recorded after the day asked for: stop here, the next read starts from this event.
    if (knownUntil !== undefined && businessDayOf(acc.zones, e.metadata.recordedAt) > knownUntil) break;
    acc.position = e.globalPosition;
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
      if (options.cycles) cycles.set(cycleId, evolveCycle(cycles.get(cycleId) ?? initialCycleState(), event));
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
}

export const getPortfolioReader = (store: EventStore, options: PortfolioReaderOptions = {}): PortfolioReader => {
  const acc = emptyPortfolio();
  return {
    read: async () => {
      await readInto(store, acc, { ...(options.batchSize ? { batchSize: options.batchSize } : {}), cycles: true }, options.knownUntil?.());
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
