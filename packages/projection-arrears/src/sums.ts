// Sums over cycles, shared by the arrears view, the replay of the books as they stood and their
// reading from the view's history: each figure is summed by exactly one function here.
import { AGING_BUCKETS, type Aging, type AgingBucket, type BusinessDate, type CycleFigures } from '@renewal-ledger/core';
import { compareTotals } from '@renewal-ledger/projections';

/**
 * An amount per aging bucket, in minor units. Amounts summed over cycles are bigints: each cycle's
 * figures are safe integers, but their sum may not be (docs/projections.md, "Totals").
 */
export type BucketAmounts = Readonly<Record<AgingBucket, bigint>>;
/** A count of cycles per aging bucket. */
export type BucketCounts = Readonly<Record<AgingBucket, number>>;

export interface CurrencyTotals {
  readonly currency: string;
  readonly cycles: number;
  readonly dueMinor: bigint;
  readonly netPaidMinor: bigint;
  /** Sum of outstanding (negative balances included: what customers are owed lowers it). */
  readonly outstandingMinor: bigint;
  readonly openDisputedMinor: bigint;
  readonly collectibleMinor: bigint;
  /** Collectible and due by the date (what agingAsOf calls overdue). */
  readonly overdueMinor: bigint;
  /** Owed to customers: sum of negative outstanding balances, as a positive amount. */
  readonly creditMinor: bigint;
  /** Late fees still to collect (charged - waived - paid): apart from every principal figure and bucket. */
  readonly lateFeeOutstandingMinor: bigint;
  /** collectibleMinor split by bucket: the buckets add up to it exactly. */
  readonly buckets: BucketAmounts;
  /** Cycles with an amount in each bucket (a cycle on a plan may count in two). */
  readonly bucketCycles: BucketCounts;
}

export interface Debtor {
  readonly contractId: string;
  readonly currency: string;
  /** Summed over the contract's cycles. */
  readonly overdueMinor: bigint;
  readonly collectibleMinor: bigint;
  /** Days past due of the contract's oldest overdue amount. */
  readonly daysPastDue: number;
  readonly bucket: AgingBucket;
  /** Cycles of the contract with something collectible. */
  readonly cycles: number;
}

export interface Portfolio {
  readonly asOf: BusinessDate;
  readonly currencies: readonly CurrencyTotals[];
}

const zeroBuckets = <A extends number | bigint>(zero: A): Record<AgingBucket, A> =>
  Object.fromEntries(AGING_BUCKETS.map((b) => [b, zero])) as Record<AgingBucket, A>;

/** A currency's running totals while cycles are summed: what CurrencyTotals is read from. */
export interface Accumulator {
  currency: string;
  cycles: number;
  dueMinor: bigint;
  netPaidMinor: bigint;
  outstandingMinor: bigint;
  openDisputedMinor: bigint;
  collectibleMinor: bigint;
  overdueMinor: bigint;
  creditMinor: bigint;
  lateFeeOutstandingMinor: bigint;
  buckets: Record<AgingBucket, bigint>;
  bucketCycles: Record<AgingBucket, number>;
}

export const accumulator = (currency: string): Accumulator => ({
  currency,
  cycles: 0,
  dueMinor: 0n,
  netPaidMinor: 0n,
  outstandingMinor: 0n,
  openDisputedMinor: 0n,
  collectibleMinor: 0n,
  overdueMinor: 0n,
  creditMinor: 0n,
  lateFeeOutstandingMinor: 0n,
  buckets: zeroBuckets(0n),
  bucketCycles: zeroBuckets(0),
});

/** Puts a cycle's collectible amount into buckets: overdue in its bucket, not yet due in current. */
export const addAging = (acc: Accumulator, aging: Aging) => {
  acc.overdueMinor += BigInt(aging.overdueMinor);
  if (aging.overdueMinor > 0) {
    acc.buckets[aging.bucket] += BigInt(aging.overdueMinor);
    acc.bucketCycles[aging.bucket] += 1;
  }
  if (aging.notYetDueMinor > 0) {
    acc.buckets.current += BigInt(aging.notYetDueMinor);
    if (!(aging.overdueMinor > 0 && aging.bucket === 'current')) acc.bucketCycles.current += 1;
  }
};

/** A cycle's figures into its currency's totals (aging apart: addAging). */
export const addFigures = (acc: Accumulator, f: CycleFigures) => {
  acc.cycles += 1;
  acc.dueMinor += BigInt(f.dueMinor);
  acc.netPaidMinor += BigInt(f.netPaidMinor);
  acc.outstandingMinor += BigInt(f.outstandingMinor);
  acc.openDisputedMinor += BigInt(f.openDisputedMinor);
  acc.collectibleMinor += BigInt(f.collectibleMinor);
  acc.creditMinor += BigInt(Math.max(0, -f.outstandingMinor));
  acc.lateFeeOutstandingMinor += BigInt(f.lateFeeOutstandingMinor);
};

/** A contract's open cycles in one currency, summed while they are read. */
export interface DebtorSum {
  overdue: bigint;
  collectible: bigint;
  days: number;
  bucket: AgingBucket;
  cycles: number;
}

export const newDebtorSum = (): DebtorSum => ({ overdue: 0n, collectible: 0n, days: 0, bucket: 'current', cycles: 0 });

/** An open cycle (something collectible) into its contract's sum: the oldest overdue amount names the bucket. */
export const addToDebtor = (d: DebtorSum, aging: Aging, collectibleMinor: bigint) => {
  d.overdue += BigInt(aging.overdueMinor);
  d.collectible += collectibleMinor;
  d.cycles += 1;
  if (aging.overdueMinor > 0 && aging.daysPastDue >= d.days) {
    d.days = aging.daysPastDue;
    d.bucket = aging.bucket;
  }
};

/** Largest overdue first, then largest collectible, then by contract and currency: one order everywhere. */
export const rankDebtors = (a: Debtor, b: Debtor): number =>
  compareTotals(b.overdueMinor, a.overdueMinor) ||
  compareTotals(b.collectibleMinor, a.collectibleMinor) ||
  (a.contractId < b.contractId ? -1 : a.contractId > b.contractId ? 1 : a.currency < b.currency ? -1 : 1);

export const byCurrency = (accs: Map<string, Accumulator>): CurrencyTotals[] =>
  [...accs.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
