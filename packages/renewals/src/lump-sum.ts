// Lump sums through the handlers: `ReceiveLumpSum` on the contract (the money is recorded first,
// once: the same id or reference again is a duplicate or refused), then core's allocateLumpSum
// over the contract's cycles, each part through the cycle handler's batch path, and finally
// `AllocateLumpSum`, which closes it and credits the rest. Every id derives from the lump sum's,
// so a run that stopped anywhere is finished by running it again (`finishLumpSum`, or
// `settleContract` for everything a contract has pending): nothing is paid twice.
import * as E from 'fp-ts/lib/Either.js';
import {
  allocateLumpSum,
  businessDayOf,
  type BusinessDate,
  type LumpSumPlan,
  type PolicyError,
  type ReceiveLumpSum,
} from '@renewal-ledger/core';
import { loadLedgerSettings } from '@renewal-ledger/eventstore';
import type { ContractHandleResult, CycleHandleResult } from './handlers.js';
import { contractHandlerOf, zonesOf, type EngineOptions } from './engine.js';
import { loadContract, readContractCycles } from './ledger.js';

export interface LumpSumReport {
  readonly contractId: string;
  readonly lumpSumId: string;
  /** `allocated`: closed (now or before); `incomplete`: cycles kept refusing parts (see `parts`); `refused`: see `error`/`received`. */
  readonly status: 'allocated' | 'incomplete' | 'refused';
  readonly received: ContractHandleResult | null;
  /** The allocation as planned last. */
  readonly plan: LumpSumPlan | null;
  /** Results of the parts sent in the last attempt. */
  readonly parts: readonly CycleHandleResult[];
  readonly allocation: ContractHandleResult | null;
  readonly error: PolicyError | null;
}

export interface FinishLumpSumOptions extends EngineOptions {
  readonly contractId: string;
  readonly lumpSumId: string;
  /** Cycles billed up to this date are considered (and later ones found). Default: the lump sum's date. */
  readonly through?: BusinessDate;
  /** Plans made again when a cycle refuses a part (it was paid meanwhile). Default 3. */
  readonly attempts?: number;
}

export const finishLumpSum = async (options: FinishLumpSumOptions): Promise<LumpSumReport> => {
  const { store, handler, contractId, lumpSumId } = options;
  const contracts = contractHandlerOf(options);
  const zones = await zonesOf(options);
  // Whether the late fee is paid before or after the principal is the ledger's late-fee policy's.
  const lateFees = (await loadLedgerSettings(store)).state.lateFeePolicy?.policy.allocation;
  let last: Omit<LumpSumReport, 'status' | 'received'> = { contractId, lumpSumId, plan: null, parts: [], allocation: null, error: null };
  for (let attempt = 0; attempt < (options.attempts ?? 3); attempt++) {
    const { state } = await loadContract(store, contractId);
    const lump = state.lumpSums.find((l) => l.received.lumpSumId === lumpSumId);
    const lumpDate = lump ? businessDayOf(zones, lump.received.at) : undefined;
    const through = options.through && lumpDate && options.through > lumpDate ? options.through : (lumpDate ?? options.through);
    const cycles = through ? await readContractCycles(store, state, through) : [];
    const plan = allocateLumpSum(state, cycles, lumpSumId, lateFees ? { lateFees } : {});
    if (E.isLeft(plan)) return { ...last, status: 'refused', received: null, error: plan.left };
    if (!plan.right.allocate) return { ...last, plan: plan.right, status: 'allocated', received: null };
    const parts = plan.right.payments.length ? await handler.handleBatch(plan.right.payments) : [];
    last = { ...last, plan: plan.right, parts };
    // A cycle paid in between refuses its part (OVERPAYMENT): plan again from what is recorded.
    if (parts.some((r) => r.status === 'rejected')) continue;
    const allocation = await contracts.handle(plan.right.allocate);
    last = { ...last, allocation };
    if (allocation.status !== 'rejected') return { ...last, status: 'allocated', received: null };
  }
  return { ...last, status: 'incomplete', received: null };
};

export interface ReceiveLumpSumOptions extends EngineOptions {
  readonly command: ReceiveLumpSum;
  readonly through?: BusinessDate;
}

/** Records a lump sum on its contract and allocates it. */
export const receiveLumpSum = async (options: ReceiveLumpSumOptions): Promise<LumpSumReport> => {
  const { command } = options;
  const received = await contractHandlerOf(options).handle(command);
  if (received.status === 'rejected')
    return {
      contractId: command.contractId,
      lumpSumId: command.lumpSumId,
      status: 'refused',
      received,
      plan: null,
      parts: [],
      allocation: null,
      error: null,
    };
  const finished = await finishLumpSum({ ...options, contractId: command.contractId, lumpSumId: command.lumpSumId });
  return { ...finished, received };
};
