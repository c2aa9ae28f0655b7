// What a cycle may be invoiced, line by line, and what a refund takes back: the arithmetic the
// engine builds invoice commands with. Pure, and each figure computed here only.
import { cycleFigures } from '../cycle/figures.js';
import type { CycleState } from '../cycle/state.js';
import type { InvoiceBilledCycle, InvoiceCreditLine, InvoiceRequestLine, InvoicingRules } from './shapes.js';
import { taxRateOf } from './rules.js';

/**
 * `total` shared out over `weights` in proportion, exactly (the largest remainder method): each
 * gets floor(weight x total / sum of weights), and the minor units left over go one each to the
 * largest remainders of that division (the first of equals). The shares add up to `total`, and
 * none is more than its weight when `total` is at most their sum.
 */
export const shareOut = (weights: readonly number[], total: number): number[] => {
  const sum = BigInt(weights.reduce((a, b) => a + b, 0));
  if (sum === 0n) return weights.map(() => 0);
  const exact = weights.map((w) => BigInt(w) * BigInt(total));
  const shares = exact.map((x) => Number(x / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x % sum })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left === 0) break;
    shares[i]! += 1;
    left--;
  }
  return shares;
};

export interface InvoiceableCycle {
  readonly billed: InvoiceBilledCycle;
  /** One line per invoiced fee code of the bill, tax-inclusive, adding up to `billed.billedMinor`. */
  readonly lines: readonly InvoiceRequestLine[];
}

/**
 * What a cycle may be invoiced: its bill net of discounts, adjustments and upheld disputes (not
 * of write-offs: a debt given up was still billed), shared out over the bill's lines in
 * proportion (`shareOut`), keeping the fee codes the rules invoice. Null for a cycle not billed.
 */
export const invoiceableLinesOf = (state: CycleState, rules: InvoicingRules): InvoiceableCycle | null => {
  const bill = state.bill;
  if (!bill) return null;
  const f = cycleFigures(state);
  const netMinor = Math.max(0, f.totalMinor - f.adjustedMinor - f.disputeAdjustedMinor);
  const shares = shareOut(
    bill.lines.map((l) => l.amountMinor),
    netMinor,
  );
  const lines: InvoiceRequestLine[] = [];
  bill.lines.forEach((l, i) => {
    const rateBp = taxRateOf(rules, l.code);
    if (rateBp === null || shares[i]! <= 0) return;
    lines.push({
      cycleId: bill.cycleId,
      code: l.code,
      description: l.description,
      amountMinor: shares[i]!,
      taxRateBp: rateBp,
    } as InvoiceRequestLine);
  });
  const billedMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  return { billed: { cycleId: bill.cycleId, billedMinor } as InvoiceBilledCycle, lines };
};

/**
 * How much a cycle is invoiced above what it may be: `invoicedMinor` (blue minus red, asked for or
 * issued) beyond its bill net of adjustments and upheld disputes, of the fee codes the rules
 * invoice (`invoiceableLinesOf`). 0 when within. An adjustment or an upheld dispute after the
 * cycle was invoiced makes it positive: the red invoice the run asks for takes exactly this back.
 */
export const overInvoicedMinor = (state: CycleState, rules: InvoicingRules, invoicedMinor: number): number => {
  const invoiceable = invoiceableLinesOf(state, rules);
  return invoiceable ? Math.max(0, invoicedMinor - invoiceable.billed.billedMinor) : 0;
};

/**
 * The red lines a refund leads to: the refunded amount, up to what is left invoiced on the
 * cycle's lines of one invoice, shared out over those lines in proportion to what is left of each.
 */
export const redLinesForRefund = (
  remaining: readonly { readonly cycleId: string; readonly code: string; readonly remainingMinor: number }[],
  refundMinor: number,
): InvoiceCreditLine[] => {
  const left = remaining.reduce((a, l) => a + l.remainingMinor, 0);
  const shares = shareOut(
    remaining.map((l) => l.remainingMinor),
    Math.min(refundMinor, left),
  );
  return remaining
    .map((l, i) => ({ cycleId: l.cycleId, code: l.code, amountMinor: shares[i]! }) as InvoiceCreditLine)
    .filter((l) => l.amountMinor > 0);
};
