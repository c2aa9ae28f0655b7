// What paying some periods in advance comes to: the bills of those periods as they will be
// issued, with the advance already on the contract (so a `paid-periods-in-advance` discount
// applies). The contract refuses an advance that does not cover it (ADVANCE_SHORT), and a
// cashier quotes it to the customer before taking the money.
import * as E from 'fp-ts/lib/Either.js';
import type { Instant, Period } from '../calendar.js';
import type { Advance } from '../contract/shapes.js';
import { evolveContract, type ContractState } from '../contract/state.js';
import { policyError, type PolicyError } from '../policy-errors.js';
import { billForScheduledPeriod } from './calculate.js';
import { scheduledPeriodStarting, scheduledPeriodsFrom } from './schedule.js';
import { termsOf } from './terms.js';

export interface AdvanceQuote {
  readonly periods: readonly { readonly period: Period; readonly totalMinor: number }[];
  readonly totalMinor: number;
}

/** The total of the bills for `advance.periods` periods from `advance.from`, as if paid in advance. */
export const quoteAdvance = (state: ContractState, advance: Advance): E.Either<PolicyError, AdvanceQuote> => {
  const terms = termsOf(state);
  if (!state.opened || !terms) return E.left(policyError('NOT_OPENED', { contractId: '(not opened)' }));
  const contractId = state.opened.contractId;
  const first = scheduledPeriodStarting(terms, advance.from);
  if (!first)
    return E.left(policyError('PERIOD_NOT_ON_SCHEDULE', { contractId, start: advance.from, end: advance.from, scheduledEnd: null }));
  // The quote is for the customer who pays in advance: the advance is on the contract already.
  const withAdvance = evolveContract(state, {
    type: 'LumpSumReceived',
    data: {
      contractId: state.opened.contractId,
      commandId: 'quote' as never,
      actor: 'quote' as never,
      at: `${advance.from}T00:00:00Z` as Instant,
      lumpSumId: '(quote)' as never,
      amountMinor: 1 as never,
      channel: 'other',
      currency: state.opened.currency,
      advance,
    },
  });
  const periods: { period: Period; totalMinor: number }[] = [];
  let totalMinor = 0;
  for (const scheduled of scheduledPeriodsFrom(terms, first, advance.periods)) {
    const bill = billForScheduledPeriod(withAdvance, scheduled);
    if (E.isLeft(bill)) return bill;
    let lines = 0;
    for (const l of bill.right.lines) lines += l.amountMinor;
    let discounts = 0;
    for (const d of bill.right.discounts ?? []) discounts += d.amountMinor;
    periods.push({ period: scheduled.period, totalMinor: lines - discounts });
    totalMinor += lines - discounts;
  }
  return E.right({ periods, totalMinor });
};
