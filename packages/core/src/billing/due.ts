// Scheduled renewals, the pure part: which bills are due as of a date. For every opened contract,
// every period on its schedule that starts on or before the date and is not billed yet gives its
// `Bill` command. Ids are deterministic (see calculate.ts), so a period proposed twice (two runs,
// or a run after a crash) is billed once by the cycle; `billedCycleIds` only saves the work of
// proposing what is known to be billed.
import * as E from 'fp-ts/lib/Either.js';
import type { BusinessDate, Period } from '../calendar.js';
import type { Bill } from '../cycle/commands.js';
import type { ContractState } from '../contract/state.js';
import type { PolicyError } from '../policy-errors.js';
import { billCycleId, billForScheduledPeriod, type BillOptions } from './calculate.js';
import { scheduledPeriodsUntil } from './schedule.js';
import { termsOf } from './terms.js';

export interface BillRefused {
  readonly contractId: string;
  readonly period: Period;
  readonly error: PolicyError;
}

export interface BillsDue {
  /** In contract order, then period order. */
  readonly bills: readonly Bill[];
  /** Periods that could not be billed, and why (a fee that rounds to nothing, an id too long). */
  readonly refused: readonly BillRefused[];
}

/** The bills due as of `asOf`: periods starting on or before it that are not in `billedCycleIds`. */
export const billsDue = (
  contracts: Iterable<ContractState>,
  billedCycleIds: ReadonlySet<string> | null | undefined,
  asOf: BusinessDate,
  options: BillOptions = {},
): BillsDue => {
  const bills: Bill[] = [];
  const refused: BillRefused[] = [];
  for (const contract of contracts) {
    const terms = termsOf(contract);
    if (!contract.opened || !terms) continue;
    const contractId = contract.opened.contractId;
    for (const scheduled of scheduledPeriodsUntil(terms, asOf)) {
      if (billedCycleIds?.has(billCycleId(contractId, scheduled.period.start))) continue;
      const bill = billForScheduledPeriod(contract, scheduled, options);
      if (E.isLeft(bill)) refused.push({ contractId, period: scheduled.period, error: bill.left });
      else bills.push(bill.right);
    }
  }
  return { bills, refused };
};
