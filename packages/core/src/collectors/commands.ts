// The collection office's commands, as JSON (strict). A contract is assigned to a collector and a
// team from a business day on; a month's target is set on a collector or a team.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { ContractIdC, CurrencyC, IdC } from '../ids.js';
import { NonNegativeMinorUnitsC } from '../money.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { MonthC, RateBpC, TargetScopeC } from './shapes.js';

const base = { commandId: IdC, actor: IdC, at: InstantC };

export const AssignCollectorC = shape('AssignCollector command', {
  type: t.literal('AssignCollector'),
  ...base,
  contractId: ContractIdC,
  collectorId: IdC,
  teamId: IdC,
  /** The first business day the collector answers for the contract. */
  from: BusinessDateC,
});
export const SetCollectionTargetC = shape(
  'SetCollectionTarget command',
  { type: t.literal('SetCollectionTarget'), ...base, month: MonthC, scope: TargetScopeC, subjectId: IdC, currency: CurrencyC },
  { collectedMinor: NonNegativeMinorUnitsC, collectionRateBp: RateBpC, arrearsReducedMinor: NonNegativeMinorUnitsC },
);

export const CollectorsCommandC = tagged('CollectorsCommand', 'type', {
  AssignCollector: AssignCollectorC,
  SetCollectionTarget: SetCollectionTargetC,
});

export type AssignCollector = t.TypeOf<typeof AssignCollectorC>;
export type SetCollectionTarget = t.TypeOf<typeof SetCollectionTargetC>;
export type CollectorsCommand = t.TypeOf<typeof CollectorsCommandC>;

export const decodeCollectorsCommand: (input: unknown) => E.Either<InvalidInput, CollectorsCommand> = decodeWith(
  CollectorsCommandC,
  'collectors command',
);
