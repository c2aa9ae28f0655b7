// Scheduled renewals: the month-end (or daily) run. One pass over the store gives every contract
// and which cycles are billed; core's billsDue proposes the bills of every period starting on or
// before `asOf` that is not billed yet; they go through the cycle handler's batch path,
// `batchSize` per transaction. Cycle and command ids are deterministic, so running it twice, or
// again after a crash half-way, bills every period exactly once: what was written is found
// (a duplicate), what was not is written now. Then contracts with something pending (a lump sum
// not yet allocated, credit, a credit payment not yet on its cycle) are settled.
import { billsDue, pendingLumpSums, startOfBusinessDay, type BillRefused, type BusinessDate } from '@renewal-ledger/core';
import { contractHandlerOf, inBatches, type EngineOptions, type Tally } from './engine.js';
import { readPortfolio } from './ledger.js';
import { settleContract, type SettleReport } from './settle.js';

export interface RenewDueOptions extends EngineOptions {
  readonly asOf: BusinessDate;
  /** Bills per handleBatch call (one transaction on SQL stores). Default 500. */
  readonly batchSize?: number;
  /** Who the bills are from. Default `renewal-engine`. */
  readonly actor?: string;
  /** Apply credit and finish pending lump sums after billing. Default true. */
  readonly settle?: boolean;
  /** Called after every batch of bills. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RenewDueReport {
  readonly asOf: BusinessDate;
  readonly contracts: number;
  /** Bills proposed (periods not known to be billed). */
  readonly proposed: number;
  readonly bills: Tally;
  /** Periods core could not bill, and why. */
  readonly refused: readonly BillRefused[];
  readonly settled: readonly SettleReport[];
}

export const renewDue = async (options: RenewDueOptions): Promise<RenewDueReport> => {
  const { store, handler, asOf } = options;
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(store));
  const contracts = [...portfolio.contracts.values()];
  const due = billsDue(contracts, portfolio.billedCycleIds, asOf, {
    zones: portfolio.zones,
    ...(options.actor ? { actor: options.actor } : {}),
  });
  const { tally } = await inBatches(handler, due.bills, options.batchSize ?? 500, options.onProgress);

  const settled: SettleReport[] = [];
  if (options.settle ?? true) {
    const contractHandler = contractHandlerOf(options);
    const at = startOfBusinessDay(portfolio.zones, asOf);
    for (const c of contracts) {
      if (!c.opened) continue;
      const unfinishedCredit = c.applications.some((a) => !a.cancellation && !portfolio.creditPaymentIds.has(a.applied.applicationId));
      if (pendingLumpSums(c).length === 0 && c.creditBalanceMinor === 0 && !unfinishedCredit) continue;
      settled.push(
        await settleContract({
          ...options,
          contractHandler,
          contractId: c.opened.contractId,
          at,
          through: asOf,
          zones: portfolio.zones,
          ...(options.actor ? { actor: options.actor } : {}),
        }),
      );
    }
  }
  return {
    asOf,
    contracts: contracts.filter((c) => c.opened).length,
    proposed: due.bills.length,
    bills: tally,
    refused: due.refused,
    settled,
  };
};
