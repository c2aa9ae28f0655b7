// Random command sequences for one renewal cycle (fast-check), shared by the property tests.
// A scenario is a valid bill followed by steps; each step is an abstract choice (which command,
// which business id from a small pool, which amount relative to the current figures) that is
// turned into a concrete command against the state reached so far. Small id pools make ids
// collide (duplicates and ID_CONFLICTs); relative amounts land on both sides of every limit;
// `repeat` sends an earlier command again, `retry` sends it again under a new command id.
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  cycleFigures,
  decideCycle,
  decodeCommand,
  fold,
  renewalCycle,
  type CycleDecision,
  type CycleState,
  type RenewalCommand,
  type RenewalError,
  type RenewalEvent,
} from '@renewal-ledger/core';

export const CYCLE = 'unit-0301/2026-01';
const MAX = Number.MAX_SAFE_INTEGER;

type Amount =
  | { readonly kind: 'fixed'; readonly value: number }
  | {
      readonly kind: 'relative';
      readonly of: 'outstanding' | 'due' | 'openDisputed' | 'collectible' | 'lateFee';
      readonly eighths: number;
      readonly delta: number;
    }
  | { readonly kind: 'invalid'; readonly value: number };

const amountArb: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fixed' as const), value: fc.constantFrom(1, 100, 2520, 10000, 44000, MAX) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('relative' as const),
      of: fc.constantFrom('outstanding' as const, 'due' as const, 'openDisputed' as const, 'collectible' as const, 'lateFee' as const),
      eighths: fc.integer({ min: 0, max: 9 }),
      delta: fc.constantFrom(-1, 0, 0, 0, 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalid' as const), value: fc.constantFrom(0, -5, 1.5, Number.NaN) }) },
);

const COMMAND_TYPES = [
  'Bill',
  'RecordPayment',
  'RaiseDispute',
  'ResolveDispute',
  'AgreeInstallments',
  'CancelInstallments',
  'Refund',
  'Adjust',
  'SendReminder',
  'WriteOff',
  'RecordAutoDebitFailure',
  'ReversePayment',
  'RequestApproval',
  'ApproveRequest',
  'RejectRequest',
  'ExpireRequest',
  'ChargeLateFee',
  'WaiveLateFee',
] as const;

const TYPE_WEIGHTS: Record<(typeof COMMAND_TYPES)[number], number> = {
  Bill: 1,
  RecordPayment: 8,
  RaiseDispute: 5,
  ResolveDispute: 4,
  AgreeInstallments: 4,
  CancelInstallments: 2,
  Refund: 4,
  Adjust: 2,
  SendReminder: 2,
  WriteOff: 2,
  RecordAutoDebitFailure: 1,
  ReversePayment: 3,
  RequestApproval: 2,
  ApproveRequest: 2,
  RejectRequest: 1,
  ExpireRequest: 1,
  ChargeLateFee: 4,
  WaiveLateFee: 4,
};

export type Step =
  | {
      readonly kind: 'command';
      readonly type: (typeof COMMAND_TYPES)[number];
      readonly id: number;
      readonly other: number;
      readonly variant: number;
      readonly amount: Amount;
      readonly at: number;
    }
  | { readonly kind: 'repeat' | 'retry'; readonly index: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      // Bill is rare after the first; payments are the commonest fact.
      type: fc.oneof(...COMMAND_TYPES.map((t) => ({ weight: TYPE_WEIGHTS[t], arbitrary: fc.constant(t) }))),
      id: fc.integer({ min: 0, max: 2 }),
      other: fc.integer({ min: 0, max: 3 }),
      variant: fc.integer({ min: 0, max: 11 }),
      amount: amountArb,
      at: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('repeat' as const, 'retry' as const), index: fc.nat() }) },
);

export interface BillSpec {
  readonly lines: ReadonlyArray<{ readonly quantity: number; readonly rateMinor: number; readonly withBasis: boolean }>;
  readonly discountEighths: ReadonlyArray<number>;
}

const billArb: fc.Arbitrary<BillSpec> = fc.record({
  lines: fc.array(
    fc.record({ quantity: fc.integer({ min: 1, max: 120 }), rateMinor: fc.integer({ min: 1, max: 20000 }), withBasis: fc.boolean() }),
    { minLength: 1, maxLength: 3 },
  ),
  discountEighths: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
});

export const scenarioArb = fc.record({ bill: billArb, steps: fc.array(stepArb, { minLength: 1, maxLength: 40, size: 'medium' }) });
export type Scenario = { readonly bill: BillSpec; readonly steps: readonly Step[] };

// ---------------------------------------------------------------------------------------------

const INSTANTS = ['2026-01-05T08:00:00Z', '2026-01-10T09:30:00Z', '2026-01-20T14:00:00.250Z', '2026-02-03T10:00:00Z'];
const DATES = ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'];

const billJson = (spec: BillSpec, commandId: string): Record<string, unknown> => {
  const lines = spec.lines.map((l, i) => ({
    code: `line-${i}`,
    description: `Line ${i}`,
    amountMinor: l.quantity * l.rateMinor,
    ...(l.withBasis ? { basis: { kind: 'per-unit', quantity: String(l.quantity), rateMinor: l.rateMinor } } : {}),
  }));
  const linesMinor = lines.reduce((s, l) => s + l.amountMinor, 0);
  // Each discount at most a quarter of the lines, so the first bill is always valid.
  const discounts = spec.discountEighths
    .map((e, i) => ({ code: `discount-${i}`, description: `Discount ${i}`, amountMinor: Math.floor((linesMinor * e) / 8) }))
    .filter((d) => d.amountMinor > 0);
  return {
    type: 'Bill',
    commandId,
    cycleId: CYCLE,
    actor: 'clerk-li',
    at: INSTANTS[0],
    contractId: 'unit-0301',
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines,
    ...(discounts.length ? { discounts } : {}),
  };
};

/** Decoded when it can be; otherwise (an invalid amount) handed over raw, as a careless caller would. */
const asCommand = (json: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand(json);
  return E.isRight(r) ? r.right : (json as unknown as RenewalCommand);
};

const amountOf = (a: Amount, state: CycleState): number => {
  if (a.kind !== 'relative') return a.value;
  const f = cycleFigures(state);
  const base = {
    outstanding: f.outstandingMinor,
    due: f.dueMinor,
    openDisputed: f.openDisputedMinor,
    collectible: f.collectibleMinor,
    lateFee: f.lateFeeOutstandingMinor,
  }[a.of];
  return Math.floor((base * a.eighths) / 8) + a.delta;
};

const concrete = (step: Extract<Step, { kind: 'command' }>, n: number, state: CycleState, spec: BillSpec): RenewalCommand => {
  const base = { commandId: `c${n}`, cycleId: CYCLE, actor: 'clerk-li', at: INSTANTS[step.at] };
  // Mostly about a payment, dispute or plan that exists (when one does), sometimes about an unknown one.
  const known = (ids: readonly string[], fallback: string) => (ids.length && step.other < 3 ? ids[step.id % ids.length]! : fallback);
  const amountMinor = amountOf(step.amount, state);
  const v = step.variant;
  switch (step.type) {
    case 'Bill': {
      // the same bill again, another bill, or a bill for another cycle
      const json = billJson(
        v % 3 === 1 ? { ...spec, lines: [...spec.lines, { quantity: 1, rateMinor: 100, withBasis: false }] } : spec,
        `c${n}`,
      );
      return asCommand({ ...json, ...(v % 3 === 2 ? { cycleId: 'unit-0302/2026-01' } : {}) });
    }
    case 'RecordPayment':
      return asCommand({
        ...base,
        type: 'RecordPayment',
        paymentId: `p${step.id}`,
        amountMinor,
        // A reference belongs to a channel here, so a reused reference is mostly the same transaction.
        ...(v % 3 === 0
          ? { channel: step.other === 3 ? 'alipay' : 'bank-transfer', reference: `REF-${step.other % 3}` }
          : { channel: ['cash', 'card', 'bank-transfer', 'wechat-pay'][v % 4] }),
        ...(v === 5 ? { offline: true } : {}),
        ...(v === 7 ? { currency: 'CNY' } : v === 11 ? { currency: 'USD' } : {}),
        // a late-fee part named by the caller: what is open of it, or one more
        ...(v === 4 || v === 10 ? { lateFeeMinor: cycleFigures(state).lateFeeOutstandingMinor + (v === 10 ? 1 : 0) } : {}),
      });
    case 'Refund': {
      const paymentId = known(
        state.payments.map((p) => p.paymentId),
        `p${step.other}`,
      );
      const payment = state.payments.find((p) => p.paymentId === paymentId);
      const left = payment
        ? payment.amountMinor - state.refunds.filter((r) => r.paymentId === payment.paymentId).reduce((s, r) => s + r.amountMinor, 0)
        : 100;
      return asCommand({
        ...base,
        type: 'Refund',
        refundId: `r${step.id}`,
        paymentId,
        amountMinor: v % 2 === 0 ? amountMinor : left + (v % 3) - 1,
        reason: 'refund',
      });
    }
    case 'RaiseDispute':
      return asCommand({
        ...base,
        type: 'RaiseDispute',
        disputeId: `d${step.id}`,
        amountMinor,
        reason: 'wrong area',
        ...(v % 4 === 1 ? { lineCode: 'line-0' } : v % 4 === 2 ? { lineCode: 'water' } : {}),
      });
    case 'ResolveDispute': {
      const disputeId = known(
        state.disputes.map((d) => d.raised.disputeId),
        `d${step.id}`,
      );
      const raised = state.disputes.find((d) => d.raised.disputeId === disputeId)?.raised.amountMinor ?? 100;
      const outcome = (['upheld', 'partially-upheld', 'rejected'] as const)[v % 3];
      const fitting = outcome === 'upheld' ? raised : outcome === 'rejected' ? 0 : Math.max(1, Math.floor(raised / 2));
      return asCommand({ ...base, type: 'ResolveDispute', disputeId, outcome, adjustmentMinor: v < 6 ? fitting : amountMinor });
    }
    case 'AgreeInstallments': {
      const count = 1 + (v % 3);
      const total = Math.max(0, cycleFigures(state).outstandingMinor) + (v === 9 ? 1 : v === 10 ? -1 : 0);
      const part = Math.floor(total / count);
      const installments = Array.from({ length: count }, (_, i) => ({
        dueDate: DATES[v === 11 ? count - 1 - i : i],
        amountMinor: i === count - 1 ? total - part * (count - 1) : part,
      }));
      return asCommand({ ...base, type: 'AgreeInstallments', planId: `plan${step.id}`, installments });
    }
    case 'CancelInstallments':
      return asCommand({
        ...base,
        type: 'CancelInstallments',
        planId: known(
          state.plans.map((p) => p.agreed.planId),
          `plan${step.id}`,
        ),
        reason: ['defaulted', 'customer-request', 'renegotiated'][v % 3],
      });
    case 'Adjust':
      return asCommand({ ...base, type: 'Adjust', adjustmentId: `a${step.id}`, amountMinor, reason: v % 2 ? 'goodwill' : 'correction' });
    case 'SendReminder':
      return asCommand({
        ...base,
        type: 'SendReminder',
        reminderId: `m${step.id}`,
        channel: ['sms', 'email', 'app', 'letter', 'phone'][v % 5],
        ...(v > 6 ? { level: v - 6 } : {}),
      });
    case 'WriteOff':
      return asCommand({ ...base, type: 'WriteOff', writeOffId: `w${step.id}`, amountMinor, reason: 'uncollectable' });
    case 'ReversePayment': {
      // What is left of the payment after refunds (sometimes one more or less), or an amount.
      const paymentId = known(
        state.payments.map((p) => p.paymentId),
        `p${step.other}`,
      );
      const payment = state.payments.find((p) => p.paymentId === paymentId);
      const refunded = state.refunds.filter((r) => r.paymentId === paymentId).reduce((s, r) => s + r.amountMinor, 0);
      const left = payment ? payment.amountMinor - refunded : 100;
      return asCommand({
        ...base,
        type: 'ReversePayment',
        reversalId: `rv${step.id}`,
        paymentId,
        amountMinor: v % 3 === 0 ? left : v % 3 === 1 ? left + 1 : amountMinor,
        reason: 'chargeback',
      });
    }
    case 'RecordAutoDebitFailure':
      return asCommand({
        ...base,
        type: 'RecordAutoDebitFailure',
        attemptId: `ad${step.id}`,
        amountMinor,
        dueDate: DATES[v % 4],
        attempt: 1 + (v % 3),
        failureCode: v % 2 ? 'insufficient-funds' : 'card-expired',
        reason: v % 2 ? 'Insufficient funds' : 'The card has expired',
        retryable: v % 2 === 1,
      });
    case 'RequestApproval': {
      // A refund, adjustment or write-off over a cashier's or clerk's limit, as the access check asks for it.
      const kind = (['Refund', 'Adjust', 'WriteOff'] as const)[v % 3];
      const paymentId = known(
        state.payments.map((p) => p.paymentId),
        `p${step.other}`,
      );
      return asCommand({
        ...base,
        actor: v % 2 ? 'cashier-wang' : 'clerk-li',
        type: 'RequestApproval',
        requestId: `${kind === 'Refund' ? 'r' : kind === 'Adjust' ? 'a' : 'w'}${step.id}`,
        role: v % 2 ? 'cashier' : 'clerk',
        kind,
        amountMinor,
        reason: 'over the limit',
        ...(kind === 'Refund' ? { paymentId } : {}),
      });
    }
    case 'ApproveRequest':
    case 'RejectRequest':
    case 'ExpireRequest': {
      const requestId = known(
        (state.requests ?? []).map((r) => r.requested.requestId),
        `r${step.id}`,
      );
      // Sometimes the requester themselves, sometimes one of two managers.
      const actor = v % 4 === 0 ? 'cashier-wang' : v % 4 === 1 ? 'clerk-li' : v % 4 === 2 ? 'manager-zhao' : 'manager-qian';
      return asCommand({ ...base, actor, type: step.type, requestId, ...(step.type === 'RejectRequest' ? { reason: 'not agreed' } : {}) });
    }
    case 'ChargeLateFee':
      return asCommand({
        ...base,
        type: 'ChargeLateFee',
        chargeId: `f${step.id}`,
        // the due date itself (refused), or a run date after it
        asOf: v % 6 === 0 ? '2026-01-15' : DATES[v % 4],
        amountMinor,
        overdueMinor: Math.max(0, cycleFigures(state).collectibleMinor),
        chargeableDays: 1 + (v % 30),
      });
    case 'WaiveLateFee':
      return asCommand({ ...base, type: 'WaiveLateFee', waiverId: `lw${step.id}`, amountMinor, reason: 'goodwill' });
  }
};

export interface Played {
  readonly command: RenewalCommand;
  readonly before: CycleState;
  readonly result: E.Either<RenewalError, CycleDecision>;
  readonly after: CycleState;
}

/** Runs a scenario, folding only accepted events; `check` sees every step. */
export const play = (scenario: Scenario, check: (step: Played, history: readonly RenewalEvent[]) => void = () => {}) => {
  const sent: RenewalCommand[] = [];
  const events: RenewalEvent[] = [];
  let state = renewalCycle.initialState();
  const run = (command: RenewalCommand) => {
    const before = state;
    const result = decideCycle(command, state);
    if (E.isRight(result)) {
      events.push(...result.right.events);
      state = fold(renewalCycle)(result.right.events, state);
    }
    sent.push(command);
    check({ command, before, result, after: state }, events);
  };
  const first = decodeCommand(billJson(scenario.bill, 'c-bill'));
  if (E.isLeft(first)) throw new Error(first.left.message);
  run(first.right);
  scenario.steps.forEach((step, n) => {
    if (step.kind === 'command') {
      run(concrete(step, n, state, scenario.bill));
      return;
    }
    const earlier = sent[step.index % sent.length]!;
    run(step.kind === 'repeat' ? earlier : ({ ...earlier, commandId: `c${n}-retry`, actor: 'clerk-wang' } as RenewalCommand));
  });
  return { events, state, sent };
};
