// Credit application: the contract's credit settles its open cycles, oldest due first (disputed
// amounts are left alone: credit is not a customer's decision to pay a questioned amount). Each
// application is two facts in order: `ApplyCredit` on the contract (the balance goes down, so it
// can never be spent twice) and then a `RecordPayment` on the cycle with the application's id as
// payment id, channel `other` and `creditApplicationId` (so views know it is not new money).
// A run that stopped between the two finds the application without its payment and finishes it;
// a cycle that refuses the payment (it was paid meanwhile) gets the application cancelled, which
// gives the credit back.
import * as E from 'fp-ts/lib/Either.js';
import type { Instant } from '../calendar.js';
import type { ApplyCredit } from '../contract/commands.js';
import type { ContractState } from '../contract/state.js';
import type { RecordPayment } from '../cycle/commands.js';
import type { CycleState } from '../cycle/state.js';
import { derivedId, policyError, type PolicyError } from '../policy-errors.js';
import { DEFAULT_ENGINE_ACTOR } from '../billing/calculate.js';
import { openAmountsInOrder } from './open-amounts.js';

/** The n-th application of credit to a cycle (1, 2, ...): `<cycleId>/credit-<n>`. */
export const creditApplicationId = (cycleId: string, n: number): string => `${cycleId}/credit-${n}`;
export const applyCreditCommandId = (applicationId: string): string => `apply-credit:${applicationId}`;
export const creditPaymentCommandId = (applicationId: string): string => `credit:${applicationId}`;

export interface CreditApplicationPlan {
  /** Payments of applications recorded on the contract but not yet on their cycle. */
  readonly unfinished: readonly RecordPayment[];
  /** New applications: first `apply` on the contract, then `pay` on the cycle. */
  readonly applications: readonly { readonly apply: ApplyCredit; readonly pay: RecordPayment }[];
}

export interface CreditOptions {
  /** When the new applications are made (business time). */
  readonly at: Instant;
  readonly actor?: string;
}

const paymentFor = (
  applicationId: string,
  cycleId: string,
  amountMinor: number,
  at: Instant,
  actor: string,
  currency: string,
): RecordPayment =>
  ({
    type: 'RecordPayment',
    commandId: creditPaymentCommandId(applicationId),
    cycleId,
    actor,
    at,
    paymentId: applicationId,
    amountMinor,
    channel: 'other',
    currency,
    creditApplicationId: applicationId,
  }) as RecordPayment;

/** What the contract's credit should settle now, and what an earlier run left unfinished. */
export const planCreditApplications = (
  contract: ContractState,
  cycles: Iterable<CycleState>,
  options: CreditOptions,
): E.Either<PolicyError, CreditApplicationPlan> => {
  const opened = contract.opened;
  if (!opened) return E.left(policyError('NOT_OPENED', { contractId: '(not opened)' }));
  const contractId = opened.contractId as string;
  const byId = new Map<string, CycleState>();
  for (const c of cycles) if (c.bill && c.bill.contractId === contractId) byId.set(c.bill.cycleId, c);

  const unfinished: RecordPayment[] = [];
  const applicationsOn = new Map<string, number>();
  for (const { applied, cancellation } of contract.applications) {
    applicationsOn.set(applied.cycleId, (applicationsOn.get(applied.cycleId) ?? 0) + 1);
    if (cancellation) continue;
    const cycle = byId.get(applied.cycleId);
    if (!cycle || cycle.payments.some((p) => p.paymentId === applied.applicationId)) continue;
    unfinished.push(paymentFor(applied.applicationId, applied.cycleId, applied.amountMinor, applied.at, applied.actor, opened.currency));
  }

  const applications: { apply: ApplyCredit; pay: RecordPayment }[] = [];
  let balance = contract.creditBalanceMinor;
  if (balance > 0) {
    // Unfinished payments will settle their cycles: leave those amounts to them.
    const pending = new Map<string, number>();
    for (const p of unfinished) pending.set(p.cycleId, (pending.get(p.cycleId) ?? 0) + p.amountMinor);
    const planned = new Map<string, number>();
    for (const amount of openAmountsInOrder(byId.values())) {
      if (balance === 0) break;
      if (amount.kind !== 'collectible' || amount.bill.currency !== opened.currency) continue;
      const reserved = pending.get(amount.cycleId) ?? 0;
      const usable = amount.amountMinor - reserved;
      pending.set(amount.cycleId, Math.max(0, reserved - amount.amountMinor));
      if (usable <= 0) continue;
      const take = Math.min(balance, usable);
      planned.set(amount.cycleId, (planned.get(amount.cycleId) ?? 0) + take);
      balance -= take;
    }
    const actor = options.actor ?? DEFAULT_ENGINE_ACTOR;
    for (const [cycleId, amountMinor] of planned) {
      const applicationId = creditApplicationId(cycleId, (applicationsOn.get(cycleId) ?? 0) + 1);
      const tooLong = derivedId(applyCreditCommandId(applicationId)) ?? derivedId(creditPaymentCommandId(applicationId));
      if (tooLong) return E.left(tooLong);
      applications.push({
        apply: {
          type: 'ApplyCredit',
          commandId: applyCreditCommandId(applicationId),
          contractId: opened.contractId,
          actor,
          at: options.at,
          applicationId,
          cycleId,
          amountMinor,
        } as ApplyCredit,
        pay: paymentFor(applicationId, cycleId, amountMinor, options.at, actor, opened.currency),
      });
    }
  }
  return E.right({ unfinished, applications });
};
