// The events of the ledger's settings, in the stream `ledger-settings`. Loose, like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { StoredCurrencyC, StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { StoredLateFeePolicyC } from '../late-fees/policy.js';
import { ClosingFiguresC, ClosingSealC } from './closing.js';

const base = { commandId: StoredIdC, actor: StoredIdC, at: InstantC };

const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

/** `zoneFrom` absent (events stored before it existed): `opening`. */
export const LedgerOpened = event(
  'LedgerOpened',
  { timeZone: t.string, currency: StoredCurrencyC, locale: t.string },
  { zoneFrom: t.union([t.literal('start'), t.literal('opening')]) },
);
export const TimeZoneChanged = event(
  'TimeZoneChanged',
  { timeZone: t.string, effectiveFrom: BusinessDateC, previousTimeZone: t.string },
  { reason: StoredTextC },
);

/** Added with late fees: the policy in force from now on. */
export const LateFeePolicySet = event('LateFeePolicySet', { policy: StoredLateFeePolicyC }, { reason: StoredTextC });

/**
 * A business period closed (docs/as-known-at.md): its first and last day, the figures the books
 * showed at its end as known at the closing's `at`, and the audit seal of that moment.
 */
export const PeriodClosed = event(
  'PeriodClosed',
  { period: t.string, firstDay: BusinessDateC, lastDay: BusinessDateC, figures: t.readonlyArray(ClosingFiguresC) },
  { seal: ClosingSealC, reason: StoredTextC },
);

export const LedgerSettingsEventC = tagged('LedgerSettingsEvent', 'type', {
  LedgerOpened: LedgerOpened.codec,
  TimeZoneChanged: TimeZoneChanged.codec,
  LateFeePolicySet: LateFeePolicySet.codec,
  PeriodClosed: PeriodClosed.codec,
});

export type LedgerOpenedData = t.TypeOf<typeof LedgerOpened.data>;
export type TimeZoneChangedData = t.TypeOf<typeof TimeZoneChanged.data>;
export type LateFeePolicySetData = t.TypeOf<typeof LateFeePolicySet.data>;
export type PeriodClosedData = t.TypeOf<typeof PeriodClosed.data>;
export type LedgerSettingsEvent = t.TypeOf<typeof LedgerSettingsEventC>;
export type LedgerSettingsEventType = LedgerSettingsEvent['type'];
export const LEDGER_SETTINGS_EVENT_TYPES = Object.keys(LedgerSettingsEventC.members) as LedgerSettingsEventType[];

/** The schema version each ledger settings event is written with today. */
export const LEDGER_SETTINGS_SCHEMA_VERSION: Readonly<Record<LedgerSettingsEventType, number>> = {
  LedgerOpened: 1,
  TimeZoneChanged: 1,
  LateFeePolicySet: 1,
  PeriodClosed: 1,
};

export const decodeLedgerSettingsEvent: (input: unknown) => E.Either<InvalidInput, LedgerSettingsEvent> = decodeOwnedWith(
  LedgerSettingsEventC,
  'ledger settings event',
);

/** The settings events' codec: registered with the cycle's and the contract's, so every store decodes them. */
export const ledgerSettingsEvents = eventCodec<LedgerSettingsEvent>({
  name: 'ledger settings',
  schemaVersions: LEDGER_SETTINGS_SCHEMA_VERSION,
  decode: decodeLedgerSettingsEvent,
});

export const isLedgerSettingsEventType = ledgerSettingsEvents.owns;
