// The collection office's events, on the one stream `renewal-collectors`. Loose like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { StoredContractIdC, StoredCurrencyC, StoredIdC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { NonNegativeMinorUnitsC } from '../money.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { MonthC, RateBpC, TargetScopeC } from './shapes.js';

const base = { commandId: StoredIdC, actor: StoredIdC, at: InstantC };
const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const CollectorAssigned = event('CollectorAssigned', {
  contractId: StoredContractIdC,
  collectorId: StoredIdC,
  teamId: StoredIdC,
  from: BusinessDateC,
});
export const CollectionTargetSet = event(
  'CollectionTargetSet',
  { month: MonthC, scope: TargetScopeC, subjectId: StoredIdC, currency: StoredCurrencyC },
  { collectedMinor: NonNegativeMinorUnitsC, collectionRateBp: RateBpC, arrearsReducedMinor: NonNegativeMinorUnitsC },
);

export const CollectorsEventC = tagged('CollectorsEvent', 'type', {
  CollectorAssigned: CollectorAssigned.codec,
  CollectionTargetSet: CollectionTargetSet.codec,
});

export type CollectorAssignedData = t.TypeOf<typeof CollectorAssigned.data>;
export type CollectionTargetSetData = t.TypeOf<typeof CollectionTargetSet.data>;
export type CollectorsEvent = t.TypeOf<typeof CollectorsEventC>;
export type CollectorsEventType = CollectorsEvent['type'];

export const COLLECTORS_SCHEMA_VERSION: Readonly<Record<CollectorsEventType, number>> = { CollectorAssigned: 1, CollectionTargetSet: 1 };

const decodeCollectorsEvent: (input: unknown) => E.Either<InvalidInput, CollectorsEvent> = decodeOwnedWith(
  CollectorsEventC,
  'collectors event',
);

export const collectorsEvents = eventCodec<CollectorsEvent>({
  name: 'collectors',
  schemaVersions: COLLECTORS_SCHEMA_VERSION,
  decode: decodeCollectorsEvent,
});
