// The events of a reconciliation, in the stream `reconciliation-<sha256>`. Loose like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { StoredCurrencyC, StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { PaymentChannelC } from '../cycle/shapes.js';
import { NonNegativeMinorUnitsC } from '../money.js';
import { reconciliationShapes, ResolutionC, StatementSourceC } from './shapes.js';

const s = reconciliationShapes(false);
const base = { sha256: StoredIdC, commandId: StoredIdC, actor: StoredIdC, at: InstantC };
const event = <T extends string, R extends t.Props>(type: T, required: R) => {
  const data = shape(`${type} data`, { ...base, ...required }, {}, false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const StatementReconciled = event('StatementReconciled', {
  source: StatementSourceC,
  channel: PaymentChannelC,
  fileName: StoredTextC,
  currency: StoredCurrencyC,
  from: BusinessDateC,
  to: BusinessDateC,
  toleranceDays: NonNegativeMinorUnitsC,
  counts: s.counts,
  figures: s.figures,
  differences: t.readonlyArray(s.difference),
});
export const DifferenceResolved = event('DifferenceResolved', { differenceKey: StoredIdC, resolution: ResolutionC, note: StoredTextC });

export const ReconciliationEventC = tagged('ReconciliationEvent', 'type', {
  StatementReconciled: StatementReconciled.codec,
  DifferenceResolved: DifferenceResolved.codec,
});

export type StatementReconciledData = t.TypeOf<typeof StatementReconciled.data>;
export type DifferenceResolvedData = t.TypeOf<typeof DifferenceResolved.data>;
export type ReconciliationEvent = t.TypeOf<typeof ReconciliationEventC>;
export type ReconciliationEventType = ReconciliationEvent['type'];

export const RECONCILIATION_SCHEMA_VERSION: Readonly<Record<ReconciliationEventType, number>> = {
  StatementReconciled: 1,
  DifferenceResolved: 1,
};

const decodeReconciliationEvent: (input: unknown) => E.Either<InvalidInput, ReconciliationEvent> = decodeOwnedWith(
  ReconciliationEventC,
  'reconciliation event',
);

/** The reconciliation's events for stores and handlers. */
export const reconciliationEvents = eventCodec<ReconciliationEvent>({
  name: 'reconciliation',
  schemaVersions: RECONCILIATION_SCHEMA_VERSION,
  decode: decodeReconciliationEvent,
});
