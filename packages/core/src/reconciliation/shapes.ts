// The shapes a reconciliation shares between its commands and its events: what a statement was
// compared with, what was found, and how a difference was settled.
import * as t from 'io-ts';
import { BusinessDateC } from '../calendar.js';
import { IdC, StoredIdC } from '../ids.js';
import { NonNegativeMinorUnitsC } from '../money.js';
import { oneOf, shape } from '../shape.js';
import { PositiveIntC } from '../cycle/shapes.js';

/** Where a statement comes from: a provider's downloadable bill or a bank's CSV. */
export const STATEMENT_SOURCES = ['alipay', 'wechat-pay', 'bank'] as const;
export type StatementSource = (typeof STATEMENT_SOURCES)[number];
export const StatementSourceC = oneOf(STATEMENT_SOURCES);

/**
 * What a difference is: money in the statement the ledger never recorded, money the ledger
 * recorded that the statement does not show, or one transaction with another amount or day.
 */
export const DIFFERENCE_KINDS = ['missing-in-ledger', 'missing-in-statement', 'amount', 'date'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];
export const DifferenceKindC = oneOf(DIFFERENCE_KINDS);

/** How a difference was settled (docs/reconciliation.md says when each fits). */
export const RESOLUTIONS = ['recorded-in-ledger', 'reversed-in-ledger', 'corrected-by-provider', 'timing', 'written-off', 'other'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export const ResolutionC = oneOf(RESOLUTIONS);

const CountC = NonNegativeMinorUnitsC;
/** A signed sum of minor units (statement - ledger): a safe integer, either sign. */
export const SignedMinorUnitsC = new t.Type<number, number, unknown>(
  'a safe integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export const reconciliationShapes = (strict: boolean) => {
  const id = strict ? IdC : StoredIdC;
  const difference = shape(
    'Difference',
    { key: id, kind: DifferenceKindC, direction: oneOf(['payment', 'refund'] as const), amountMinor: NonNegativeMinorUnitsC },
    {
      line: PositiveIntC,
      reference: id,
      day: BusinessDateC,
      ledgerId: id,
      cycleId: id,
      ledgerAmountMinor: NonNegativeMinorUnitsC,
      ledgerDay: BusinessDateC,
    },
    strict,
  );
  const counts = shape(
    'Reconciliation counts',
    {
      lines: CountC,
      matched: CountC,
      missingInLedger: CountC,
      missingInStatement: CountC,
      amountDifferences: CountC,
      dateDifferences: CountC,
      linesWithFees: CountC,
    },
    {},
    strict,
  );
  const figures = shape(
    'Reconciliation figures',
    {
      statementPaymentsMinor: NonNegativeMinorUnitsC,
      statementRefundsMinor: NonNegativeMinorUnitsC,
      feesMinor: SignedMinorUnitsC,
      ledgerPaymentsMinor: NonNegativeMinorUnitsC,
      ledgerRefundsMinor: NonNegativeMinorUnitsC,
      matchedMinor: NonNegativeMinorUnitsC,
      missingInLedgerMinor: NonNegativeMinorUnitsC,
      missingInStatementMinor: NonNegativeMinorUnitsC,
      amountDifferenceMinor: SignedMinorUnitsC,
    },
    {},
    strict,
  );
  return { difference, counts, figures };
};

export type Difference = t.TypeOf<ReturnType<typeof reconciliationShapes>['difference']>;
export type ReconciliationCounts = t.TypeOf<ReturnType<typeof reconciliationShapes>['counts']>;
export type ReconciliationFigures = t.TypeOf<ReturnType<typeof reconciliationShapes>['figures']>;
