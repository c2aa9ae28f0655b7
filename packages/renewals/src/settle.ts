// Everything money-related a contract has pending: lump sums received but not yet allocated (a
// run that stopped half-way), then its credit applied to open cycles.
import { pendingLumpSums, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { settleCredit, type CreditReport } from './credit.js';
import { contractHandlerOf, type EngineOptions } from './engine.js';
import { finishLumpSum, type LumpSumReport } from './lump-sum.js';
import { loadContract } from './ledger.js';

export interface SettleContractOptions extends EngineOptions {
  readonly contractId: string;
  /** When credit is applied (business time). */
  readonly at: Instant;
  readonly through?: BusinessDate;
  readonly actor?: string;
}

export interface SettleReport {
  readonly contractId: string;
  /** The contract's currency (every amount below is in it); null for a contract not opened. */
  readonly currency: string | null;
  readonly lumpSums: readonly LumpSumReport[];
  readonly credit: CreditReport;
}

export const settleContract = async (options: SettleContractOptions): Promise<SettleReport> => {
  const engine = { ...options, contractHandler: contractHandlerOf(options) };
  const { state } = await loadContract(options.store, options.contractId);
  const lumpSums: LumpSumReport[] = [];
  for (const pending of pendingLumpSums(state))
    lumpSums.push(
      await finishLumpSum({
        ...engine,
        lumpSumId: pending.received.lumpSumId,
        ...(options.through ? { through: options.through } : {}),
      }),
    );
  const credit = await settleCredit(engine);
  return { contractId: options.contractId, currency: state.opened?.currency ?? null, lumpSums, credit };
};
