// Matching statement lines to the ledger's entries, one line at a time (the statement is never
// held): by reference first (the merchant order number, the provider's id, the refund number
// against the ledger's reference or id), then by amount and day within the tolerance. A line
// found by reference with another amount or a day too far off is a difference, not a match.
import { businessDayOf, daysBetween, type BusinessDate, type Difference, type LedgerZones } from '@renewal-ledger/core';
import type { LedgerEntry } from './ledger-entries.js';
import type { StatementLine } from './statement-line.js';

export type LineOutcome =
  | { readonly kind: 'matched'; readonly by: 'reference' | 'amount-and-day'; readonly entry: LedgerEntry }
  | { readonly kind: 'difference'; readonly difference: Difference; readonly entry: LedgerEntry | null };

export interface Matcher {
  match(line: StatementLine): LineOutcome;
  /** The entries no line matched, dated within the statement's days: recorded money the statement does not show. */
  unmatched(from: BusinessDate, to: BusinessDate): Difference[];
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export interface MatcherOptions {
  readonly toleranceDays: number;
  /** Whether a line with a reference may match an entry with another one by amount and day (a bank's free-text memo). */
  readonly amountMatchIgnoresReferences: boolean;
}

export const createMatcher = (entries: readonly LedgerEntry[], zones: LedgerZones, options: MatcherOptions): Matcher => {
  const { toleranceDays } = options;
  const byRef = new Map<string, LedgerEntry[]>();
  const byAmount = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    if (e.reference !== null) push(byRef, e.reference, e);
    if (e.reference !== e.id) push(byRef, e.id, e);
    push(byAmount, `${e.direction}:${e.amountMinor}`, e);
  }
  const free = (list: readonly LedgerEntry[] | undefined, direction: string) => list?.find((e) => !e.matched && e.direction === direction);

  return {
    match(line) {
      const day = businessDayOf(zones, line.at);
      const refs =
        line.direction === 'refund' ? [line.refundRef, line.merchantRef, line.providerRef] : [line.merchantRef, line.providerRef];
      let entry: LedgerEntry | undefined;
      for (const ref of refs) if (!entry && ref) entry = free(byRef.get(ref), line.direction);
      const common = {
        direction: line.direction,
        amountMinor: line.amountMinor,
        line: line.line,
        day,
        ...((line.merchantRef ?? line.providerRef) ? { reference: (line.merchantRef ?? line.providerRef)! } : {}),
      };
      if (entry) {
        entry.matched = true;
        const ledger = {
          ledgerId: entry.key,
          ledgerAmountMinor: entry.amountMinor,
          ledgerDay: entry.day,
          ...(entry.cycleId ? { cycleId: entry.cycleId } : {}),
        };
        if (entry.amountMinor !== line.amountMinor)
          return {
            kind: 'difference',
            entry,
            difference: { key: `line-${line.line}`, kind: 'amount', ...common, ...ledger } as Difference,
          };
        if (Math.abs(daysBetween(entry.day, day)) > toleranceDays)
          return { kind: 'difference', entry, difference: { key: `line-${line.line}`, kind: 'date', ...common, ...ledger } as Difference };
        return { kind: 'matched', by: 'reference', entry };
      }
      // No reference found: the same amount the same way, the closest day within the tolerance;
      // but two different references are two different transactions, whatever their amounts.
      const lineHasRef = !options.amountMatchIgnoresReferences && refs.some((r) => r);
      let best: LedgerEntry | undefined;
      let bestGap = Number.POSITIVE_INFINITY;
      for (const e of byAmount.get(`${line.direction}:${line.amountMinor}`) ?? []) {
        if (e.matched || (lineHasRef && e.reference !== null)) continue;
        const gap = Math.abs(daysBetween(e.day, day));
        if (gap <= toleranceDays && gap < bestGap) {
          best = e;
          bestGap = gap;
        }
      }
      if (best) {
        best.matched = true;
        return { kind: 'matched', by: 'amount-and-day', entry: best };
      }
      return {
        kind: 'difference',
        entry: null,
        difference: { key: `line-${line.line}`, kind: 'missing-in-ledger', ...common } as Difference,
      };
    },
    unmatched(from, to) {
      return entries
        .filter((e) => !e.matched && e.day >= from && e.day <= to)
        .map(
          (e) =>
            ({
              key: `${e.direction}:${e.key}`,
              kind: 'missing-in-statement',
              direction: e.direction,
              amountMinor: e.amountMinor,
              ledgerId: e.key,
              ledgerAmountMinor: e.amountMinor,
              ledgerDay: e.day,
              ...(e.reference ? { reference: e.reference } : {}),
              ...(e.cycleId ? { cycleId: e.cycleId } : {}),
            }) as Difference,
        );
    },
  };
};
