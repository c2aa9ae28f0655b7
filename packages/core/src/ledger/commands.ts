// The commands of the ledger's settings, as JSON. Strict: an unknown field is an error.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC, TimeZoneNameC } from '../calendar.js';
import { CurrencyC, IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { LateFeePolicyC } from '../late-fees/policy.js';
import { ClosingFiguresC, ClosingPeriodC, ClosingSealC } from './closing.js';

const base = { commandId: IdC, actor: IdC, at: InstantC };

/** Where the opened zone starts counting: every instant (a store with nothing in it yet), or the opening's `at` (earlier instants keep UTC). */
export const ZoneFromC = t.union([t.literal('start'), t.literal('opening')], 'ZoneFrom');

/**
 * Opens the ledger: the IANA time zone its days are counted in, its default currency and locale.
 * `zoneFrom` (default `opening`): `start` when the store holds nothing yet, so a history imported
 * afterwards counts in the zone too; on a store with events, those were counted in UTC already.
 */
export const OpenLedgerC = shape(
  'OpenLedger command',
  { type: t.literal('OpenLedger'), ...base, timeZone: TimeZoneNameC, currency: CurrencyC },
  { locale: t.string, zoneFrom: ZoneFromC },
);
/** Counts days in another zone from `effectiveFrom` on; days before keep the zone they had. */
export const ChangeTimeZoneC = shape(
  'ChangeTimeZone command',
  { type: t.literal('ChangeTimeZone'), ...base, timeZone: TimeZoneNameC, effectiveFrom: BusinessDateC },
  { reason: TextC },
);

/** Sets (or replaces) the late-fee policy the late-fee run charges by, from the next run on (docs/late-fees.md). */
export const SetLateFeePolicyC = shape(
  'SetLateFeePolicy command',
  { type: t.literal('SetLateFeePolicy'), ...base, policy: LateFeePolicyC },
  { reason: TextC },
);

/**
 * Closes a business period (a year `2026` or a month `2026-12`): records the figures the books
 * showed at its end, as known when closing (docs/as-known-at.md), with the audit seal of that
 * moment. Nothing is refused afterwards: entries dated inside a closed period are flagged.
 */
export const ClosePeriodC = shape(
  'ClosePeriod command',
  { type: t.literal('ClosePeriod'), ...base, period: ClosingPeriodC, figures: t.readonlyArray(ClosingFiguresC) },
  { seal: ClosingSealC, reason: TextC },
);

export const LedgerSettingsCommandC = tagged('LedgerSettingsCommand', 'type', {
  OpenLedger: OpenLedgerC,
  ChangeTimeZone: ChangeTimeZoneC,
  SetLateFeePolicy: SetLateFeePolicyC,
  ClosePeriod: ClosePeriodC,
});

export type OpenLedger = t.TypeOf<typeof OpenLedgerC>;
export type ChangeTimeZone = t.TypeOf<typeof ChangeTimeZoneC>;
export type SetLateFeePolicy = t.TypeOf<typeof SetLateFeePolicyC>;
export type ClosePeriod = t.TypeOf<typeof ClosePeriodC>;
export type LedgerSettingsCommand = t.TypeOf<typeof LedgerSettingsCommandC>;

const commandName = (input: unknown): string => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type in LedgerSettingsCommandC.members ? type : 'ledger settings';
};

/** Decode a ledger settings command from untrusted JSON: every problem with its path. */
export const decodeLedgerSettingsCommand = (input: unknown): E.Either<InvalidInput, LedgerSettingsCommand> =>
  decodeWith(LedgerSettingsCommandC, `${commandName(input)} command`)(input);
