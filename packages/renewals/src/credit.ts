// Applying a contract's credit to its open cycles (core's planCreditApplications), through the
// handlers: unfinished applications first (recorded on the contract, payment missing on the
// cycle: a run that stopped in between), then new ones, each `ApplyCredit` on the contract before
// its `RecordPayment` on the cycle. A payment the cycle refuses (it was paid meanwhile) gets its
// application cancelled, which returns the credit.
import * as E from 'fp-ts/lib/Either.js';
import {
  businessDayOf,
  planCreditApplications,
  type CancelCreditApplication,
  type BusinessDate,
  type Instant,
  type PolicyError,
  type RecordPayment,
} from '@renewal-ledger/core';
import type { ContractHandleResult, CycleHandleResult } from './handlers.js';
import { contractHandlerOf, zonesOf, type EngineOptions } from './engine.js';
import { loadContract, readContractCycles } from './ledger.js';

export interface SettleCreditOptions extends EngineOptions {
  readonly contractId: string;
  /** When new applications are made (business time). */
  readonly at: Instant;
  readonly actor?: string;
  /** Cycles billed up to this date are considered. Default: the date of `at`. */
  readonly through?: BusinessDate;
}

export interface CreditReport {
  readonly contractId: string;
  /** Payments of applications an earlier run left unfinished. */
  readonly finished: readonly CycleHandleResult[];
  readonly applications: readonly {
    readonly applicationId: string;
    readonly cycleId: string;
    readonly amountMinor: number;
    readonly apply: ContractHandleResult;
    readonly pay: CycleHandleResult | null;
  }[];
  /** Applications cancelled because their cycle refused the payment. */
  readonly cancelled: readonly ContractHandleResult[];
  readonly error: PolicyError | null;
}

export const cancelCreditCommandId = (applicationId: string): string => `cancel-credit:${applicationId}`;

export const settleCredit = async (options: SettleCreditOptions): Promise<CreditReport> => {
  const { store, handler, contractId, at } = options;
  const contracts = contractHandlerOf(options);
  const { state } = await loadContract(store, contractId);
  const cycles = await readContractCycles(store, state, options.through ?? businessDayOf(await zonesOf(options), at));
  const plan = planCreditApplications(state, cycles, { at, ...(options.actor ? { actor: options.actor } : {}) });
  if (E.isLeft(plan)) return { contractId, finished: [], applications: [], cancelled: [], error: plan.left };

  const cancellations: CancelCreditApplication[] = [];
  const cancelIfRefused = (pay: RecordPayment, result: CycleHandleResult | null) => {
    if (result?.status !== 'rejected') return;
    cancellations.push({
      type: 'CancelCreditApplication',
      commandId: cancelCreditCommandId(pay.paymentId),
      contractId: state.opened!.contractId,
      actor: pay.actor,
      at: pay.at,
      applicationId: pay.paymentId,
      reason: `the cycle refused the payment: ${result.error.code}`,
    } as CancelCreditApplication);
  };

  const finished = plan.right.unfinished.length ? await handler.handleBatch(plan.right.unfinished) : [];
  for (const [i, pay] of plan.right.unfinished.entries()) cancelIfRefused(pay, finished[i]!);

  const applications = plan.right.applications;
  const applied = applications.length ? await contracts.handleBatch(applications.map((a) => a.apply)) : [];
  const toPay = applications.filter((_, i) => applied[i]!.status !== 'rejected');
  const paid = toPay.length ? await handler.handleBatch(toPay.map((a) => a.pay)) : [];
  const payOf = new Map(toPay.map((a, i) => [a.pay.paymentId as string, paid[i]!]));
  for (const a of applications) cancelIfRefused(a.pay, payOf.get(a.pay.paymentId) ?? null);
  const cancelled = cancellations.length ? await contracts.handleBatch(cancellations) : [];

  return {
    contractId,
    finished,
    applications: applications.map((a, i) => ({
      applicationId: a.apply.applicationId,
      cycleId: a.apply.cycleId,
      amountMinor: a.apply.amountMinor,
      apply: applied[i]!,
      pay: payOf.get(a.pay.paymentId) ?? null,
    })),
    cancelled,
    error: null,
  };
};
