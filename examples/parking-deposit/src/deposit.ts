// A parking card's deposit: an aggregate renewal-ledger does not ship, run by the same generic
// command handler as the ledger's renewal cycles and contracts. The car park takes a deposit when
// it hands out an access card, keeps part of it when the card comes back damaged, and refunds
// what is left when the card is returned for good.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import {
  CurrencyC,
  decodeOwnedWith,
  decodeWith,
  eventCodec,
  formatMinor,
  IdC,
  InstantC,
  isNonNegativeMinorUnits,
  NonNegativeMinorUnitsC,
  PositiveMinorUnitsC,
  sameFact,
  shape,
  tagged,
  TextC,
  type Aggregate,
  type Decision,
  type EventCodec,
  type InvalidInput,
} from '@renewal-ledger/core';

// Commands: decoded at the edge, strictly (an unknown field is an error).
const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  shape(`${type} command`, { type: t.literal(type), cardId: IdC, commandId: IdC, actor: IdC, at: InstantC, ...props });

export const DepositCommandC = tagged('DepositCommand', 'type', {
  TakeDeposit: command('TakeDeposit', { holder: TextC, amountMinor: PositiveMinorUnitsC, currency: CurrencyC }),
  DeductForDamage: command('DeductForDamage', { deductionId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC }),
  RefundDeposit: command('RefundDeposit', {}),
});
export type DepositCommand = t.TypeOf<typeof DepositCommandC>;
export const decodeDepositCommand: (input: unknown) => E.Either<InvalidInput, DepositCommand> = decodeWith(DepositCommandC, 'deposit command');

// Events: stored forever, decoded loosely (fields a newer writer adds are ignored).
const base = { cardId: IdC, commandId: IdC, actor: IdC, at: InstantC };
const event = <T extends string, P extends t.Props>(type: T, props: P) =>
  shape(`${type} event`, { type: t.literal(type), data: shape(`${type} data`, { ...base, ...props }, {}, false) }, {}, false);

export const DepositEventC = tagged('DepositEvent', 'type', {
  DepositTaken: event('DepositTaken', { holder: TextC, amountMinor: PositiveMinorUnitsC, currency: CurrencyC }),
  DamageDeducted: event('DamageDeducted', { deductionId: IdC, amountMinor: PositiveMinorUnitsC, reason: TextC }),
  DepositRefunded: event('DepositRefunded', { amountMinor: NonNegativeMinorUnitsC }),
});
export type DepositEvent = t.TypeOf<typeof DepositEventC>;
type DataOf<T extends DepositEvent['type']> = Extract<DepositEvent, { type: T }>['data'];

/** What a store needs to read these events: versions and validation (compose it with the ledger's). */
export const depositEvents: EventCodec<DepositEvent> = eventCodec<DepositEvent>({
  name: 'parking-card deposit',
  schemaVersions: { DepositTaken: 1, DamageDeducted: 1, DepositRefunded: 1 },
  decode: decodeOwnedWith(DepositEventC, 'parking-card deposit event'),
});

export interface DepositState {
  readonly taken: DataOf<'DepositTaken'> | null;
  readonly deductions: readonly DataOf<'DamageDeducted'>[];
  readonly refund: DataOf<'DepositRefunded'> | null;
  /** What the car park still holds: taken - deducted - refunded. */
  readonly heldMinor: number;
}

export const initialDepositState = (): DepositState => ({ taken: null, deductions: [], refund: null, heldMinor: 0 });

export const evolveDeposit = (state: DepositState, e: DepositEvent): DepositState => {
  switch (e.type) {
    case 'DepositTaken':
      return { ...state, taken: e.data, heldMinor: e.data.amountMinor };
    case 'DamageDeducted':
      return { ...state, deductions: [...state.deductions, e.data], heldMinor: state.heldMinor - e.data.amountMinor };
    case 'DepositRefunded':
      return { ...state, refund: e.data, heldMinor: state.heldMinor - e.data.amountMinor };
  }
};

export type DepositError =
  | { readonly code: 'NOT_TAKEN'; readonly message: string }
  | { readonly code: 'ALREADY_TAKEN'; readonly message: string; readonly takenByCommandId: string }
  | { readonly code: 'ALREADY_REFUNDED'; readonly message: string; readonly refundedMinor: number }
  | { readonly code: 'ID_CONFLICT'; readonly message: string; readonly deductionId: string; readonly existingCommandId: string }
  | { readonly code: 'DEDUCTION_EXCEEDS_HELD'; readonly message: string; readonly heldMinor: number; readonly attemptedMinor: number };

/** Why a command emitted nothing: the fact it repeats. */
export interface DepositDuplicate {
  readonly key: 'cardId' | 'deductionId';
  readonly id: string;
}

type Result = E.Either<DepositError, Decision<DepositEvent, DepositDuplicate>>;
const emit = (e: DepositEvent): Result => E.right({ events: [e], duplicate: null });
const duplicate = (key: DepositDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

export const decideDeposit = (c: DepositCommand, state: DepositState): Result => {
  const meta = { cardId: c.cardId, commandId: c.commandId, actor: c.actor, at: c.at };
  if (c.type === 'TakeDeposit') {
    const data = { ...meta, holder: c.holder, amountMinor: c.amountMinor, currency: c.currency };
    if (!state.taken) return emit({ type: 'DepositTaken', data });
    // The same deposit keyed twice is one fact; another one on the same card is refused.
    return sameFact(state.taken, data)
      ? duplicate('cardId', c.cardId)
      : E.left({ code: 'ALREADY_TAKEN', message: `card ${c.cardId} already has a deposit (command ${state.taken.commandId})`, takenByCommandId: state.taken.commandId });
  }
  const taken = state.taken;
  if (!taken) return E.left({ code: 'NOT_TAKEN', message: `${c.type} refused: no deposit was taken for card ${c.cardId}` });
  if (state.refund)
    return E.left({ code: 'ALREADY_REFUNDED', message: `the deposit of card ${c.cardId} was refunded (${formatMinor(state.refund.amountMinor, taken.currency)})`, refundedMinor: state.refund.amountMinor });
  if (c.type === 'DeductForDamage') {
    const data = { ...meta, deductionId: c.deductionId, amountMinor: c.amountMinor, reason: c.reason };
    const earlier = state.deductions.find((d) => d.deductionId === c.deductionId);
    if (earlier)
      return sameFact(earlier, data)
        ? duplicate('deductionId', c.deductionId)
        : E.left({ code: 'ID_CONFLICT', message: `deduction ${c.deductionId} was already recorded with other data`, deductionId: c.deductionId, existingCommandId: earlier.commandId });
    if (c.amountMinor > state.heldMinor)
      return E.left({
        code: 'DEDUCTION_EXCEEDS_HELD',
        message: `a deduction of ${formatMinor(c.amountMinor)} exceeds the ${formatMinor(state.heldMinor)} still held`,
        heldMinor: state.heldMinor,
        attemptedMinor: c.amountMinor,
      });
    return emit({ type: 'DamageDeducted', data });
  }
  // RefundDeposit: what is still held goes back to the holder, all of it.
  const held = state.heldMinor;
  if (!isNonNegativeMinorUnits(held)) throw new Error(`card ${c.cardId} holds ${held}: the events break the rules`);
  return emit({ type: 'DepositRefunded', data: { ...meta, amountMinor: held } });
};

export interface DepositFigures {
  readonly takenMinor: number;
  readonly deductedMinor: number;
  readonly refundedMinor: number;
  readonly heldMinor: number;
}

export const depositFigures = (s: DepositState): DepositFigures => ({
  takenMinor: s.taken?.amountMinor ?? 0,
  deductedMinor: s.deductions.reduce((sum, d) => sum + d.amountMinor, 0),
  refundedMinor: s.refund?.amountMinor ?? 0,
  heldMinor: s.heldMinor,
});

export const depositStreamName = (cardId: string): string => `parking-deposit-${cardId}`;

/** The aggregate as the generic command handler runs it. */
export const parkingDeposit: Aggregate<DepositCommand, DepositEvent, DepositState, DepositError, DepositDuplicate, DepositFigures> = {
  decide: decideDeposit,
  evolve: evolveDeposit,
  initialState: initialDepositState,
  streamName: (c) => depositStreamName(c.cardId),
  events: depositEvents,
  figures: depositFigures,
};
