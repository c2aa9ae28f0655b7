// The schedule terms of an opened contract.
import type { ContractState } from '../contract/state.js';
import type { ScheduleTerms } from './schedule.js';

/** The contract's schedule terms, or null before it is opened. */
export const termsOf = (state: ContractState): ScheduleTerms | null =>
  state.opened
    ? {
        startDate: state.opened.startDate,
        billingDay: state.opened.billingDay,
        cadence: state.opened.cadence,
        endDate: state.ended?.endDate ?? null,
      }
    : null;
