// Requests for approval do not wait for ever: a request asked on a business day D (its day in the
// ledger's zone) expires on D + the policy's window, and the expiry run a business schedules
// closes every request due as of a date with `RequestExpired`. Pure: the run (renewals'
// `expireRequests`) reads the cycles and sends what this proposes. Ids derive from the cycle and
// the request, so a run that dies half-way and runs again closes each request once.
import type { BusinessDate, Instant } from '../calendar.js';
import { addDaysTo } from '../calendar.js';
import type { ExpireRequest } from '../cycle/commands.js';
import type { CycleState } from '../cycle/state.js';
import { pendingRequests } from '../cycle/state.js';
import { businessDayOf, type LedgerZones } from '../ledger/business-days.js';
import { derivedId, type PolicyError } from '../policy-errors.js';
import type { AccessPolicy } from './policy.js';

/** The window when the policy names none: two weeks, long enough for a manager's leave. */
export const DEFAULT_REQUEST_EXPIRY_DAYS = 14;

/** The window of a policy: its `requestExpiryDays`, or the default. */
export const requestExpiryDaysOf = (policy: AccessPolicy | undefined): number => policy?.requestExpiryDays ?? DEFAULT_REQUEST_EXPIRY_DAYS;

/** The business day a request asked at `requestedAt` expires on: its day in the ledger's zone plus the window. */
export const requestExpiresOn = (zones: LedgerZones, requestedAt: Instant, windowDays: number): BusinessDate =>
  addDaysTo(windowDays)(businessDayOf(zones, requestedAt));

export interface RequestsToExpire {
  /** One ExpireRequest per request due, in cycle and request order. */
  readonly expiries: readonly ExpireRequest[];
  readonly refused: readonly { readonly cycleId: string; readonly requestId: string; readonly error: PolicyError }[];
}

/** The ExpireRequest commands for every request still waiting whose expiry day is `asOf` or before. */
export const requestsToExpire = (
  cycles: Iterable<CycleState>,
  asOf: BusinessDate,
  options: { readonly zones: LedgerZones; readonly windowDays: number; readonly at: Instant; readonly actor?: string },
): RequestsToExpire => {
  const expiries: ExpireRequest[] = [];
  const refused: { cycleId: string; requestId: string; error: PolicyError }[] = [];
  for (const state of cycles) {
    const bill = state.bill;
    if (!bill) continue;
    for (const r of pendingRequests(state)) {
      if (requestExpiresOn(options.zones, r.at, options.windowDays) > asOf) continue;
      const commandId = `expire:${bill.cycleId}:${r.requestId}`;
      const tooLong = derivedId(commandId);
      if (tooLong) {
        refused.push({ cycleId: bill.cycleId, requestId: r.requestId, error: tooLong });
        continue;
      }
      expiries.push({
        type: 'ExpireRequest',
        commandId,
        cycleId: bill.cycleId,
        actor: options.actor ?? 'request-expiry',
        at: options.at,
        requestId: r.requestId,
      } as ExpireRequest);
    }
  }
  const key = (c: ExpireRequest) => `${c.cycleId}\u0000${c.requestId}`;
  expiries.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return { expiries, refused };
};
