// The simulated office's clock, shared by both generators: instants are written out by hand (no
// Date, no time zone) so that the same options give the same strings on every machine. They are
// the office's wall clock; a portfolio planned for a ledger in another zone than UTC turns them
// into real instants at the end (localInstant).
import { instantAtHourInZone, instantMillis, type BusinessDate, type Instant } from '@renewal-ledger/core';

/** `date` at `hour:minute`, UTC. */
export const instant = (date: BusinessDate, hour: number, minute = 0): Instant =>
  `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z` as Instant;

/** A wall-clock time written as `...Z` (what `instant` gives) as the instant it is in `zone`: 08:30 in Asia/Shanghai is 00:30Z. */
export const localInstant = (wallClock: Instant, zone: string): Instant => {
  const hourStart = instantAtHourInZone(wallClock.slice(0, 10) as BusinessDate, Number(wallClock.slice(11, 13)), zone);
  const within = instantMillis(wallClock) - instantMillis(`${wallClock.slice(0, 13)}:00:00Z` as Instant);
  return (within === 0 ? hourStart : new Date(instantMillis(hourStart) + within).toISOString().replace('.000Z', 'Z')) as Instant;
};

/** The first day of the month `n` months after `month` (`YYYY-MM`, or any date in that month). */
export const monthsAfter = (month: string, n: number): BusinessDate => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01` as BusinessDate;
};
