// Commands of one renewal cycle as a clerk would type them, decoded through the real codec so
// the tests exercise exactly what a caller can send. The default bill:
//   service  "98.50" m2 x 3.20 = 315.20
//   parking  1 space x 150.00  = 150.00
//   loyalty discount           = -25.20
//   total                        440.00 CNY, due 2026-01-15
import * as E from 'fp-ts/lib/Either.js';
import {
  cycleEvents,
  DeciderSpecification,
  decideCycle,
  decodeCommand,
  fold,
  renewalCycle,
  type CycleDecision,
  type CycleState,
  type InvalidInput,
  type RenewalCommand,
  type RenewalError,
  type RenewalEvent,
} from '@renewal-ledger/core';

export const CYCLE = 'unit-0301/2026-01';
export const MAX = Number.MAX_SAFE_INTEGER;
export const BILL_TOTAL = 44000;

type Json = Record<string, unknown>;

export const must = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

/** Decodes JSON into a command; throws with the codec's message if the JSON is not a command. */
export const command = (json: Json): RenewalCommand => must(decodeCommand(json));

/** A decoded command with one field replaced without decoding: what a careless caller of decide could pass. */
export const cast = (c: RenewalCommand, patch: Json): RenewalCommand => ({ ...c, ...patch }) as unknown as RenewalCommand;

const base = (type: string, commandId: string, at: string) => ({ type, commandId, cycleId: CYCLE, actor: 'clerk-li', at });

export const billJson = (over: Json = {}): Json => ({
  ...base('Bill', 'bill-1', '2026-01-01T08:00:00Z'),
  contractId: 'unit-0301',
  period: { start: '2026-01-01', end: '2026-02-01' },
  dueDate: '2026-01-15',
  currency: 'CNY',
  lines: [
    {
      code: 'service',
      description: 'Property service',
      amountMinor: 31520,
      basis: { kind: 'per-area', quantity: '98.50', rateMinor: 320 },
    },
    { code: 'parking', description: 'Parking space', amountMinor: 15000, basis: { kind: 'per-unit', quantity: '1', rateMinor: 15000 } },
  ],
  discounts: [{ code: 'loyalty', description: 'Loyal customer discount', amountMinor: 2520 }],
  ...over,
});
export const bill = (over: Json = {}): RenewalCommand => command(billJson(over));

/** A one-line bill of `amountMinor` (no basis, no discount). */
export const simpleBill = (amountMinor: number, over: Json = {}): RenewalCommand =>
  bill({ lines: [{ code: 'service', description: 'Property service', amountMinor }], discounts: [], ...over });

export const paymentJson = (paymentId: string, amountMinor: number, over: Json = {}): Json => ({
  ...base('RecordPayment', `pay-${paymentId}`, '2026-01-10T09:00:00Z'),
  paymentId,
  amountMinor,
  channel: 'cash',
  ...over,
});
export const pay = (paymentId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command(paymentJson(paymentId, amountMinor, over));

/** The refusal of a command that must not decode (fails the test when it decodes). */
export const refusalOf = (input: unknown, decode: (u: unknown) => E.Either<InvalidInput, unknown> = decodeCommand): InvalidInput => {
  const r = decode(input);
  if (E.isRight(r)) throw new Error(`expected the command to be refused: ${JSON.stringify(input)}`);
  return r.left;
};

export const refund = (refundId: string, paymentId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('Refund', `refund-${refundId}`, '2026-01-12T09:00:00Z'),
    refundId,
    paymentId,
    amountMinor,
    reason: 'paid twice at the counter',
    ...over,
  });

export const reverse = (reversalId: string, paymentId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('ReversePayment', `reverse-${reversalId}`, '2026-01-13T09:00:00Z'),
    reversalId,
    paymentId,
    amountMinor,
    reason: 'transfer bounced',
    ...over,
  });

export const dispute = (disputeId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('RaiseDispute', `dispute-${disputeId}`, '2026-01-11T09:00:00Z'),
    disputeId,
    amountMinor,
    reason: 'area is 95 m2, not 98.50',
    ...over,
  });

export const resolve = (disputeId: string, outcome: string, adjustmentMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('ResolveDispute', `resolve-${disputeId}`, '2026-01-13T09:00:00Z'),
    disputeId,
    outcome,
    adjustmentMinor,
    ...over,
  });

export const agree = (planId: string, installments: ReadonlyArray<readonly [string, number]>, over: Json = {}): RenewalCommand =>
  command({
    ...base('AgreeInstallments', `agree-${planId}`, '2026-01-25T09:00:00Z'),
    planId,
    installments: installments.map(([dueDate, amountMinor]) => ({ dueDate, amountMinor })),
    ...over,
  });

export const cancelPlan = (planId: string, reason = 'defaulted', over: Json = {}): RenewalCommand =>
  command({ ...base('CancelInstallments', `cancel-${planId}`, '2026-03-05T09:00:00Z'), planId, reason, ...over });

export const adjust = (adjustmentId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('Adjust', `adjust-${adjustmentId}`, '2026-01-14T09:00:00Z'),
    adjustmentId,
    amountMinor,
    reason: 'goodwill after a lift outage',
    ...over,
  });

export const remind = (reminderId: string, channel = 'sms', over: Json = {}): RenewalCommand =>
  command({ ...base('SendReminder', `remind-${reminderId}`, '2026-01-16T09:00:00Z'), reminderId, channel, ...over });

export const writeOff = (writeOffId: string, amountMinor: number, over: Json = {}): RenewalCommand =>
  command({
    ...base('WriteOff', `write-off-${writeOffId}`, '2026-06-30T09:00:00Z'),
    writeOffId,
    amountMinor,
    reason: 'uncollectable after the tenant left',
    ...over,
  });

// ---------------------------------------------------------------------------------------------

export const given = DeciderSpecification.for(renewalCycle);
export const stateOf = (events: readonly RenewalEvent[]): CycleState => fold(renewalCycle)(events);

const accepted = (from: CycleState, commands: readonly RenewalCommand[]) => {
  const events: RenewalEvent[] = [];
  let state = from;
  for (const c of commands) {
    const r = renewalCycle.decide(c, state);
    if (E.isLeft(r)) throw new Error(`history: ${c.type} ${c.commandId} refused: ${r.left.message}`);
    events.push(...r.right.events);
    state = fold(renewalCycle)(r.right.events, state);
  }
  return { events, state };
};

/** The events of commands that must all be accepted, in order: the `given` of a scenario. */
export const history = (...commands: RenewalCommand[]): RenewalEvent[] => accepted(renewalCycle.initialState(), commands).events;

/** The state after commands that must all be accepted, from `state`. */
export const applied = (state: CycleState, ...commands: RenewalCommand[]): CycleState => accepted(state, commands).state;

export const decision = (events: readonly RenewalEvent[], c: RenewalCommand): E.Either<RenewalError, CycleDecision> =>
  decideCycle(c, stateOf(events));

/** The duplicate a command is recognised as (throws if it was refused or emitted events). */
export const duplicateOf = (events: readonly RenewalEvent[], c: RenewalCommand) => {
  const d = must(decision(events, c));
  if (d.events.length) throw new Error(`expected a duplicate, got ${JSON.stringify(d.events)}`);
  return d.duplicate;
};

/** The data every event of a command carries besides its own fields. */
export const meta = (c: RenewalCommand) => ({ cycleId: c.cycleId, commandId: c.commandId, actor: c.actor, at: c.at });

/** An event written out by hand, as a test expects it. */
export const event = (type: RenewalEvent['type'], data: Record<string, unknown>): RenewalEvent => cycleEvents.of({ type, data });
