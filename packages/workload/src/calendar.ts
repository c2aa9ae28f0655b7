// The simulated office's clock, shared by both generators: instants are written out by hand (no
// Date, no time zone) so that the same options give the same strings on every machine.
import type { BusinessDate, Instant } from '@renewal-ledger/core';

/** `date` at `hour:minute`, UTC. */
export const instant = (date: BusinessDate, hour: number, minute = 0): Instant =>
  `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z` as Instant;

/** The first day of the month `n` months after `month` (`YYYY-MM`, or any date in that month). */
export const monthsAfter = (month: string, n: number): BusinessDate => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01` as BusinessDate;
};
