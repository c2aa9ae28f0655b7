// Whether a discount's condition holds for a period, and the words that say why (they go on the
// bill as the discount's `eligibility`, so the customer sees the reason next to the amount).
import { addYearsTo, type BusinessDate } from '../calendar.js';
import type { ContractState } from '../contract/state.js';
import type { Eligibility } from '../contract/shapes.js';
import { scheduledPeriodStarting, type ScheduledPeriod, type ScheduleTerms } from './schedule.js';

/** The same month and day `years` later (date-fns); 29 February falls on 28 February in other years. */
export const anniversary = (date: BusinessDate, years: number): BusinessDate => addYearsTo(years)(date);

/**
 * Why the condition holds for the scheduled period, or null when it does not:
 * - `paid-periods-in-advance` N: a lump sum was received as an advance for at least N periods,
 *   and this period is one of them (the first N.. periods from the advance's `from`);
 * - `tenure-at-least` N years: the period starts on or after the N-th anniversary of the start;
 * - `promotion-window` {from, to}: the period starts between `from` and `to`, both included.
 */
export const eligibilityReason = (
  state: ContractState,
  terms: ScheduleTerms,
  scheduled: ScheduledPeriod,
  eligibility: Eligibility,
): string | null => {
  const start = scheduled.period.start;
  switch (eligibility.kind) {
    case 'paid-periods-in-advance': {
      for (const { received } of state.lumpSums) {
        const advance = received.advance;
        if (!advance || advance.periods < eligibility.periods) continue;
        const first = scheduledPeriodStarting(terms, advance.from);
        if (!first) continue;
        const offset = scheduled.index - first.index;
        if (offset >= 0 && offset < advance.periods)
          return `paid ${advance.periods} periods in advance from ${advance.from} (lump sum ${received.lumpSumId})`;
      }
      return null;
    }
    case 'tenure-at-least': {
      const since = anniversary(terms.startDate, eligibility.years);
      return start >= since ? `customer for ${eligibility.years} years or more (since ${terms.startDate})` : null;
    }
    case 'promotion-window':
      return start >= eligibility.from && start <= eligibility.to ? `promotion from ${eligibility.from} to ${eligibility.to}` : null;
  }
};
