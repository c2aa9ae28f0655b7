// The late-fee run: core's lateFeesDue over every cycle as of a date, through the cycle handler's
// batch path. The fee is cumulative per cycle and each charge's ids derive from the cycle and the
// date, so a run that dies half-way and runs again charges each cycle once (docs/late-fees.md).
import {
  lateFeesDue,
  startOfBusinessDay,
  type BusinessDate,
  type Instant,
  type LateFeePolicy,
  type PolicyError,
} from '@renewal-ledger/core';
import { loadLedgerSettings } from '@renewal-ledger/eventstore';
import { inBatches, type EngineOptions, type Tally } from './engine.js';
import { readPortfolio } from './ledger.js';

export interface ChargeLateFeesOptions extends EngineOptions {
  readonly asOf: BusinessDate;
  /** When the charges are made. Default: the start of `asOf` in the ledger's zone. */
  readonly at?: Instant;
  /** Default: the ledger's (`SetLateFeePolicy`); with neither, the run charges nothing. */
  readonly policy?: LateFeePolicy;
  readonly actor?: string;
  readonly batchSize?: number;
}

export interface LateFeesReport {
  readonly asOf: BusinessDate;
  /** The policy the run charged by; null when the ledger has none. */
  readonly policy: LateFeePolicy | null;
  readonly proposed: number;
  readonly charges: Tally;
  /** Charged by this run, per currency. */
  readonly charged: readonly { readonly currency: string; readonly cycles: number; readonly amountMinor: number }[];
  /** Each charge this run applied, in cycle id order. */
  readonly applied: readonly { readonly cycleId: string; readonly currency: string; readonly amountMinor: number }[];
  readonly refused: readonly { readonly cycleId: string; readonly error: PolicyError }[];
}

/** Reads the ledger's late-fee policy (null when it has none). */
export const readLateFeePolicy = async (options: EngineOptions): Promise<LateFeePolicy | null> =>
  (await loadLedgerSettings(options.store)).state.lateFeePolicy?.policy ?? null;

export const chargeLateFees = async (options: ChargeLateFeesOptions): Promise<LateFeesReport> => {
  const { store, handler, asOf } = options;
  const policy = options.policy ?? (await readLateFeePolicy(options));
  const none = { asOf, policy, proposed: 0, charges: { applied: 0, duplicate: 0, rejected: [] }, charged: [], applied: [], refused: [] };
  if (!policy) return none;
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(store, { cycles: true }));
  const due = lateFeesDue(portfolio.cycles.values(), asOf, policy, {
    at: options.at ?? startOfBusinessDay(portfolio.zones, asOf),
    ...(options.actor ? { actor: options.actor } : {}),
  });
  const { tally, results } = await inBatches(handler, due.charges, options.batchSize ?? 500);
  const charged = new Map<string, { currency: string; cycles: number; amountMinor: number }>();
  const applied: { cycleId: string; currency: string; amountMinor: number }[] = [];
  due.charges.forEach((c, i) => {
    if (results[i]!.status !== 'applied') return;
    const currency = portfolio.cycles.get(c.cycleId)?.bill?.currency ?? '';
    const s = charged.get(currency) ?? { currency, cycles: 0, amountMinor: 0 };
    charged.set(currency, { currency, cycles: s.cycles + 1, amountMinor: s.amountMinor + c.amountMinor });
    applied.push({ cycleId: c.cycleId, currency, amountMinor: c.amountMinor });
  });
  return { ...none, proposed: due.charges.length, charges: tally, charged: [...charged.values()], applied, refused: due.refused };
};
