// The expiry run: core's requestsToExpire over every cycle as of a business day, through the cycle
// handler's batch path, as the `system` role where a policy is checked. A business schedules it
// (daily, say) beside the renewal run; a rerun, or a run after a crash, closes nothing twice.
import {
  requestExpiryDaysOf,
  requestsToExpire,
  startOfBusinessDay,
  type AccessPolicy,
  type BusinessDate,
  type Instant,
  type PolicyError,
} from '@renewal-ledger/core';
import { inBatches, type EngineOptions, type Tally } from './engine.js';
import { readPortfolio } from './ledger.js';

export interface ExpireRequestsOptions extends EngineOptions {
  readonly asOf: BusinessDate;
  /** Days a request waits before it expires. Default: the policy's `requestExpiryDays`, else 14. */
  readonly windowDays?: number;
  /** The access policy whose window applies (the handler checks with its own). */
  readonly policy?: AccessPolicy;
  /** When the expiries are recorded. Default: the start of `asOf` in the ledger's zone. */
  readonly at?: Instant;
  readonly actor?: string;
  readonly batchSize?: number;
}

export interface RequestExpiryReport {
  readonly asOf: BusinessDate;
  readonly windowDays: number;
  readonly proposed: number;
  readonly expiries: Tally;
  /** Each request this run closed, in cycle and request order. */
  readonly expired: readonly {
    readonly cycleId: string;
    readonly requestId: string;
    readonly kind: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly requester: string;
    readonly requestedAt: string;
  }[];
  readonly refused: readonly { readonly cycleId: string; readonly requestId: string; readonly error: PolicyError }[];
}

export const expireRequests = async (options: ExpireRequestsOptions): Promise<RequestExpiryReport> => {
  const { handler, asOf } = options;
  const windowDays = options.windowDays ?? requestExpiryDaysOf(options.policy);
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(options.store, { cycles: true }));
  const due = requestsToExpire(portfolio.cycles.values(), asOf, {
    zones: portfolio.zones,
    windowDays,
    at: options.at ?? startOfBusinessDay(portfolio.zones, asOf),
    ...(options.actor ? { actor: options.actor } : {}),
  });
  const { tally, results } = await inBatches(handler, due.expiries, options.batchSize ?? 500);
  const expired: RequestExpiryReport['expired'][number][] = [];
  due.expiries.forEach((c, i) => {
    if (results[i]!.status !== 'applied') return;
    const state = portfolio.cycles.get(c.cycleId);
    const r = state?.requests?.find((q) => q.requested.requestId === c.requestId)?.requested;
    if (!state?.bill || !r) return;
    expired.push({
      cycleId: c.cycleId,
      requestId: c.requestId,
      kind: r.kind,
      amountMinor: r.amountMinor,
      currency: state.bill.currency,
      requester: r.actor,
      requestedAt: r.at,
    });
  });
  return { asOf, windowDays, proposed: due.expiries.length, expiries: tally, expired, refused: due.refused };
};
