// What is open on a contract's cycles, in the order money should settle it: collectible amounts
// oldest due first (with an instalment plan, each unpaid instalment by its own due date), and the
// amounts under an open dispute last, also oldest first. Lump sums and credit both follow it.
// Late fees (asked for by the lump sum, with the policy's order) come after every collectible
// principal (`principal-first`, the default) or before it (`late-fee-first`), never after disputes.
import type { BusinessDate } from '../calendar.js';
import type { BilledData } from '../cycle/events.js';
import { agingAsOf, cycleFigures } from '../cycle/figures.js';
import { activePlan, type CycleState } from '../cycle/state.js';
import type { LateFeeAllocation } from '../late-fees/policy.js';

export interface OpenAmount {
  readonly cycleId: string;
  readonly bill: BilledData;
  /** `collectible` first, `disputed` after every collectible amount; `late-fee` by the policy's order. */
  readonly kind: 'collectible' | 'late-fee' | 'disputed';
  /** The bill's due date, or the instalment's. */
  readonly dueDate: BusinessDate;
  readonly amountMinor: number;
}

const RANKS: Readonly<Record<LateFeeAllocation, Readonly<Record<OpenAmount['kind'], number>>>> = {
  'principal-first': { collectible: 0, 'late-fee': 1, disputed: 2 },
  'late-fee-first': { 'late-fee': 0, collectible: 1, disputed: 2 },
};

const order =
  (rank: Readonly<Record<OpenAmount['kind'], number>>) =>
  (a: OpenAmount, b: OpenAmount): number =>
    a.kind !== b.kind
      ? rank[a.kind] - rank[b.kind]
      : a.dueDate !== b.dueDate
        ? a.dueDate < b.dueDate
          ? -1
          : 1
        : a.bill.period.start !== b.bill.period.start
          ? a.bill.period.start < b.bill.period.start
            ? -1
            : 1
          : a.cycleId < b.cycleId
            ? -1
            : a.cycleId > b.cycleId
              ? 1
              : 0;

/** The open amounts of one cycle, unordered; its late fee too when `withLateFees`. */
export const openAmountsOf = (state: CycleState, withLateFees = false): OpenAmount[] => {
  const bill = state.bill;
  if (!bill) return [];
  const f = cycleFigures(state);
  const out: OpenAmount[] = [];
  const base = { cycleId: bill.cycleId as string, bill };
  if (withLateFees && f.lateFeeOutstandingMinor > 0)
    out.push({ ...base, kind: 'late-fee', dueDate: bill.dueDate, amountMinor: f.lateFeeOutstandingMinor });
  if (f.outstandingMinor <= 0) return out;
  const plan = activePlan(state);
  if (f.collectibleMinor > 0) {
    if (plan) {
      // The instalments' standing does not depend on the date: take it as of the bill's due date.
      let left = f.collectibleMinor;
      let last = bill.dueDate;
      for (const i of agingAsOf(bill.dueDate)(state).installments) {
        last = i.dueDate;
        const amountMinor = Math.min(i.unpaidMinor, left);
        if (amountMinor <= 0) continue;
        out.push({ ...base, kind: 'collectible', dueDate: i.dueDate, amountMinor });
        left -= amountMinor;
      }
      if (left > 0) out.push({ ...base, kind: 'collectible', dueDate: last, amountMinor: left });
    } else out.push({ ...base, kind: 'collectible', dueDate: bill.dueDate, amountMinor: f.collectibleMinor });
  }
  const disputed = f.outstandingMinor - f.collectibleMinor;
  if (disputed > 0) out.push({ ...base, kind: 'disputed', dueDate: bill.dueDate, amountMinor: disputed });
  return out;
};

/** The open amounts of many cycles in settling order; late fees only when `lateFees` gives their order. */
export const openAmountsInOrder = (cycles: Iterable<CycleState>, lateFees?: LateFeeAllocation): OpenAmount[] => {
  const out: OpenAmount[] = [];
  for (const c of cycles) out.push(...openAmountsOf(c, lateFees !== undefined));
  return out.sort(order(RANKS[lateFees ?? 'principal-first']));
};
