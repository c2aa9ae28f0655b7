// Lump-sum allocation: money received for a contract (cash at the counter, a transfer covering
// several months) settles its open cycles oldest due first, disputed amounts last (see
// open-amounts.ts); each part is a `RecordPayment` on its cycle, and what is left becomes the
// contract's credit. The policy is deterministic and resumable:
//   - a part's payment id is `<lumpSumId>/<period start>` and its command id
//     `lump-sum:<cycleId>:<lumpSumId>`, the same however often it is planned;
//   - parts already on their cycles (a run that stopped half-way) are kept as recorded, and only
//     what is left of the lump sum is allocated again, over the cycles without a part;
//   - a cycle's late fee is settled before or after the principal by the late-fee policy's
//     `allocation` (principal first by default); the part names what paid it (`lateFeeMinor`);
//   - the allocation closes with `AllocateLumpSum` on the contract (parts + credit = the lump sum),
//     which also records the credit (`CreditReceived`). After it, planning again proposes nothing.
import * as E from 'fp-ts/lib/Either.js';
import type { AllocateLumpSum } from '../contract/commands.js';
import type { AllocationPart } from '../contract/shapes.js';
import type { ContractState } from '../contract/state.js';
import type { RecordPayment } from '../cycle/commands.js';
import type { CycleState } from '../cycle/state.js';
import { derivedId, policyError, type PolicyError } from '../policy-errors.js';
import { openAmountsInOrder } from './open-amounts.js';
import type { LateFeeAllocation } from '../late-fees/policy.js';

export const lumpSumPartPaymentId = (lumpSumId: string, periodStart: string): string => `${lumpSumId}/${periodStart}`;
export const lumpSumPartCommandId = (cycleId: string, lumpSumId: string): string => `lump-sum:${cycleId}:${lumpSumId}`;
export const lumpSumAllocationCommandId = (contractId: string, lumpSumId: string): string => `allocate:${contractId}:${lumpSumId}`;

export interface LumpSumPlan {
  readonly contractId: string;
  readonly lumpSumId: string;
  /** Every part of the allocation, recorded or still to record, in cycle id order. */
  readonly parts: readonly AllocationPart[];
  /** What no open cycle needs: the contract's credit. */
  readonly creditMinor: number;
  /** The parts not yet on their cycles. */
  readonly payments: readonly RecordPayment[];
  /** The closing command; null when the contract has recorded the allocation already. */
  readonly allocate: AllocateLumpSum | null;
}

/**
 * Plans (or finishes planning) the allocation of a lump sum received on the contract, over the
 * contract's cycles as they are now. `cycles` may hold other contracts' cycles: they are ignored.
 */
export const allocateLumpSum = (
  contract: ContractState,
  cycles: Iterable<CycleState>,
  lumpSumId: string,
  options: { readonly lateFees?: LateFeeAllocation } = {},
): E.Either<PolicyError, LumpSumPlan> => {
  const opened = contract.opened;
  if (!opened) return E.left(policyError('NOT_OPENED', { contractId: '(not opened)' }));
  const contractId = opened.contractId as string;
  const lump = contract.lumpSums.find((l) => l.received.lumpSumId === lumpSumId);
  if (!lump) return E.left(policyError('UNKNOWN_LUMP_SUM', { contractId, lumpSumId }));
  if (lump.allocation)
    return E.right({
      contractId,
      lumpSumId,
      parts: lump.allocation.parts,
      creditMinor: lump.allocation.creditMinor,
      payments: [],
      allocate: null,
    });
  const received = lump.received;

  const recorded: AllocationPart[] = [];
  const open: CycleState[] = [];
  for (const cycle of cycles) {
    const bill = cycle.bill;
    if (!bill || bill.contractId !== contractId || bill.currency !== received.currency) continue;
    const paymentId = lumpSumPartPaymentId(lumpSumId, bill.period.start);
    const part = cycle.payments.find((p) => p.paymentId === paymentId);
    if (part) recorded.push({ cycleId: bill.cycleId, paymentId: part.paymentId, amountMinor: part.amountMinor });
    else open.push(cycle);
  }
  const recordedMinor = recorded.reduce((s, p) => s + p.amountMinor, 0);
  if (recordedMinor > received.amountMinor)
    return E.left(
      policyError(
        'ALLOCATION_INCONSISTENT',
        { lumpSumId, lumpSumMinor: received.amountMinor, recordedPartsMinor: recordedMinor },
        received.currency,
      ),
    );

  let left = received.amountMinor - recordedMinor;
  const planned = new Map<string, { start: string; amountMinor: number; lateFeeMinor: number }>();
  for (const amount of openAmountsInOrder(open, options.lateFees ?? 'principal-first')) {
    if (left === 0) break;
    const take = Math.min(left, amount.amountMinor);
    const p = planned.get(amount.cycleId) ?? { start: amount.bill.period.start, amountMinor: 0, lateFeeMinor: 0 };
    const lateFeeMinor = p.lateFeeMinor + (amount.kind === 'late-fee' ? take : 0);
    planned.set(amount.cycleId, { ...p, amountMinor: p.amountMinor + take, lateFeeMinor });
    left -= take;
  }

  const payments: RecordPayment[] = [];
  const parts: AllocationPart[] = [...recorded];
  for (const [cycleId, { start, amountMinor, lateFeeMinor }] of planned) {
    const paymentId = lumpSumPartPaymentId(lumpSumId, start);
    const commandId = lumpSumPartCommandId(cycleId, lumpSumId);
    const tooLong = derivedId(paymentId) ?? derivedId(commandId);
    if (tooLong) return E.left(tooLong);
    parts.push({ cycleId, paymentId, amountMinor } as AllocationPart);
    payments.push({
      type: 'RecordPayment',
      commandId,
      cycleId,
      actor: received.actor,
      at: received.at,
      paymentId,
      amountMinor,
      channel: received.channel,
      ...(received.reference !== undefined ? { reference: received.reference } : {}),
      ...(received.offline !== undefined ? { offline: received.offline } : {}),
      currency: received.currency,
      lumpSumId,
      ...(lateFeeMinor > 0 ? { lateFeeMinor } : {}),
    } as RecordPayment);
  }
  parts.sort((a, b) => (a.cycleId < b.cycleId ? -1 : a.cycleId > b.cycleId ? 1 : 0));
  const commandId = lumpSumAllocationCommandId(contractId, lumpSumId);
  const tooLong = derivedId(commandId);
  if (tooLong) return E.left(tooLong);
  return E.right({
    contractId,
    lumpSumId,
    parts,
    creditMinor: left,
    payments,
    allocate: {
      type: 'AllocateLumpSum',
      commandId,
      contractId: opened.contractId,
      actor: received.actor,
      at: received.at,
      lumpSumId: received.lumpSumId,
      parts,
      creditMinor: left,
    } as unknown as AllocateLumpSum,
  });
};
