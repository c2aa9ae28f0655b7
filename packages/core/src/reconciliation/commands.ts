// The commands of a reconciliation, as they travel as JSON. One reconciliation per statement
// file, named by the file's sha256: the same file imported again is the same reconciliation.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { CurrencyC, IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { PaymentChannelC } from '../cycle/shapes.js';
import { NonNegativeMinorUnitsC } from '../money.js';
import { reconciliationShapes, ResolutionC, StatementSourceC } from './shapes.js';

const s = reconciliationShapes(true);
const base = { commandId: IdC, sha256: IdC, actor: IdC, at: InstantC };
const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

export const ReconcileStatementC = command('ReconcileStatement', {
  source: StatementSourceC,
  channel: PaymentChannelC,
  fileName: TextC,
  currency: CurrencyC,
  from: BusinessDateC,
  to: BusinessDateC,
  toleranceDays: NonNegativeMinorUnitsC,
  counts: s.counts,
  figures: s.figures,
  /** The differences, at most MAX_LISTED_DIFFERENCES of them; `counts` has them all. */
  differences: t.readonlyArray(s.difference),
});
export const ResolveDifferenceC = command('ResolveDifference', { differenceKey: IdC, resolution: ResolutionC, note: TextC });

export const ReconciliationCommandC = tagged('ReconciliationCommand', 'type', {
  ReconcileStatement: ReconcileStatementC,
  ResolveDifference: ResolveDifferenceC,
});

export type ReconcileStatement = t.TypeOf<typeof ReconcileStatementC>;
export type ResolveDifference = t.TypeOf<typeof ResolveDifferenceC>;
export type ReconciliationCommand = t.TypeOf<typeof ReconciliationCommandC>;

export const decodeReconciliationCommand: (input: unknown) => E.Either<InvalidInput, ReconciliationCommand> = decodeWith(
  ReconciliationCommandC,
  'reconciliation command',
);
