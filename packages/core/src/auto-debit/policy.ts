// Auto-debit: for a contract with an active mandate, a cycle's overdue amount is collected from
// the due date on (the bill's, or the oldest unpaid instalment's). A gateway that cannot collect
// says why and whether trying again can help; retryable failures are tried again on a schedule
// (default 3 and then 4 more days later: attempts on the due date, +3, +7), the rest wait for
// staff. Attempt ids are `<cycleId>/auto-debit/<due date>/<attempt>`: a collection is asked for
// under its attempt id, and a real gateway's idempotency key is that id, so an attempt retried
// after a crash is charged once. The answer becomes a `RecordPayment` (channel `auto-debit`,
// payment id = attempt id) or a `RecordAutoDebitFailure`.
import { addDaysTo, type BusinessDate, type Instant } from '../calendar.js';
import { businessDayOf, UTC_ZONES, type LedgerZones } from '../ledger/business-days.js';
import type { RecordAutoDebitFailure, RecordPayment } from '../cycle/commands.js';
import { agingAsOf } from '../cycle/figures.js';
import type { CycleState } from '../cycle/state.js';
import type { ContractState } from '../contract/state.js';
import { activeMandate } from '../contract/state.js';
import type { MandateMethod } from '../contract/shapes.js';

export const DEFAULT_RETRY_AFTER_DAYS: readonly number[] = [3, 4];

export const autoDebitAttemptId = (cycleId: string, dueDate: string, attempt: number): string =>
  `${cycleId}/auto-debit/${dueDate}/${attempt}`;
export const autoDebitCommandId = (attemptId: string): string => `auto-debit:${attemptId}`;

export interface CollectionDue {
  readonly attemptId: string;
  readonly contractId: string;
  readonly cycleId: string;
  /** The due date collected for. */
  readonly dueDate: BusinessDate;
  /** 1 for the first attempt on this due date. */
  readonly attempt: number;
  /** The date the schedule puts this attempt on (on or before the run's date). */
  readonly scheduledFor: BusinessDate;
  readonly amountMinor: number;
  readonly currency: string;
  readonly mandate: { readonly mandateId: string; readonly method: MandateMethod; readonly accountRef: string };
}

/** What a payment gateway answered (see the PaymentGateway port in @renewal-ledger/renewals). */
export type CollectionResult =
  | { readonly status: 'collected'; readonly transactionId: string; readonly amountMinor: number; readonly at: Instant }
  | {
      readonly status: 'failed';
      /** The gateway's code, e.g. `insufficient-funds`, `card-expired`, `mandate-cancelled`. */
      readonly code: string;
      readonly reason: string;
      /** True when trying again later may succeed (insufficient funds), false when it cannot (card expired). */
      readonly retryable: boolean;
      readonly at: Instant;
    };

/** The collections due as of a date for one contract's cycles (others in `cycles` are ignored). */
export const collectionsDue = (
  contract: ContractState,
  cycles: Iterable<CycleState>,
  asOf: BusinessDate,
  retryAfterDays: readonly number[] = DEFAULT_RETRY_AFTER_DAYS,
  /** The ledger's zones: the day a failed attempt counts as. Default UTC. */
  zones: LedgerZones = UTC_ZONES,
): CollectionDue[] => {
  const opened = contract.opened;
  const mandate = activeMandate(contract);
  if (!opened || !mandate) return [];
  const out: CollectionDue[] = [];
  for (const state of cycles) {
    const bill = state.bill;
    if (!bill || bill.contractId !== opened.contractId) continue;
    const aging = agingAsOf(asOf)(state);
    if (aging.overdueMinor <= 0 || !aging.agedFrom) continue;
    const dueDate = aging.agedFrom;
    const prefix = `${bill.cycleId}/auto-debit/${dueDate}/`;
    const failures = (state.autoDebitFailures ?? []).filter((f) => f.dueDate === dueDate);
    if (failures.some((f) => !f.retryable)) continue;
    const attempts = failures.length + state.payments.filter((p) => p.paymentId.startsWith(prefix)).length;
    if (attempts > retryAfterDays.length) continue;
    // A retry waits its days from the last failed attempt, not from the due date: a collector
    // run twice on one day, or catching up late, must not charge the customer's account again
    // at once.
    let scheduledFor = dueDate;
    if (failures.length > 0) {
      const last = failures.reduce((a, f) => (f.at > a.at ? f : a));
      scheduledFor = addDaysTo(retryAfterDays[attempts - 1]!)(businessDayOf(zones, last.at));
    }
    if (scheduledFor > asOf) continue;
    const attempt = attempts + 1;
    out.push({
      attemptId: autoDebitAttemptId(bill.cycleId, dueDate, attempt),
      contractId: opened.contractId,
      cycleId: bill.cycleId,
      dueDate,
      attempt,
      scheduledFor,
      amountMinor: aging.overdueMinor,
      currency: bill.currency,
      mandate: { mandateId: mandate.given.mandateId, method: mandate.given.method, accountRef: mandate.given.accountRef },
    });
  }
  return out;
};

/** The command that records a gateway's answer on the cycle. */
export const collectionOutcome = (
  due: CollectionDue,
  result: CollectionResult,
  actor = 'auto-debit',
): RecordPayment | RecordAutoDebitFailure =>
  result.status === 'collected'
    ? ({
        type: 'RecordPayment',
        commandId: autoDebitCommandId(due.attemptId),
        cycleId: due.cycleId,
        actor,
        at: result.at,
        paymentId: due.attemptId,
        amountMinor: result.amountMinor,
        channel: 'auto-debit',
        reference: result.transactionId,
        currency: due.currency,
      } as RecordPayment)
    : ({
        type: 'RecordAutoDebitFailure',
        commandId: autoDebitCommandId(due.attemptId),
        cycleId: due.cycleId,
        actor,
        at: result.at,
        attemptId: due.attemptId,
        amountMinor: due.amountMinor,
        dueDate: due.dueDate,
        attempt: due.attempt,
        failureCode: result.code,
        reason: result.reason,
        retryable: result.retryable,
        mandateId: due.mandate.mandateId,
      } as RecordAutoDebitFailure);
