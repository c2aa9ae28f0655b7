// Contract commands as a clerk would type them, decoded through the real codec. The default
// contract: a 98.50 m2 flat billed monthly on the 1st at 3.20 per m2, due 14 days after.
import * as E from 'fp-ts/lib/Either.js';
import {
  contractDecider,
  decodeContractCommand,
  DeciderSpecification,
  fold,
  type ContractCommand,
  type ContractEvent,
  type ContractState,
  type ReceiveLumpSum,
} from '@renewal-ledger/core';

export const CONTRACT = 'unit-0301';

type Json = Record<string, unknown>;

export const must = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

export const contractCommand = (json: Json): ContractCommand => must(decodeContractCommand(json));

const base = (type: string, commandId: string, at: string, contractId = CONTRACT) => ({
  type,
  commandId,
  contractId,
  actor: 'clerk-li',
  at,
});

export const serviceFee = { code: 'service', description: 'Property service fee', basis: { kind: 'per-area', rateMinor: 320 } };

export const openJson = (over: Json = {}): Json => ({
  ...base('OpenContract', 'open-1', '2026-01-05T09:00:00Z'),
  customer: { name: 'Wang Fang', contact: { phone: '+86 138 0000 0301' } },
  subject: { kind: 'property-unit', unit: 'Building 3, unit 301', areaM2: '98.50' },
  currency: 'CNY',
  cadence: 'monthly',
  startDate: '2026-01-01',
  billingDay: 1,
  dueAfterDays: 14,
  feePlan: { items: [serviceFee] },
  ...over,
});
export const open = (over: Json = {}): ContractCommand => contractCommand(openJson(over));

export const changePlan = (changeId: string, effectiveFrom: string, feePlan: Json, over: Json = {}): ContractCommand =>
  contractCommand({ ...base('ChangeFeePlan', `change-${changeId}`, '2026-05-20T09:00:00Z'), changeId, effectiveFrom, feePlan, ...over });

export const giveMandate = (mandateId: string, over: Json = {}): ContractCommand =>
  contractCommand({
    ...base('GiveMandate', `mandate-${mandateId}`, '2026-01-06T09:00:00Z'),
    mandateId,
    method: 'alipay',
    accountRef: 'alipay ****0301',
    ...over,
  });

export const revokeMandate = (mandateId: string, over: Json = {}): ContractCommand =>
  contractCommand({ ...base('RevokeMandate', `revoke-${mandateId}`, '2026-03-01T09:00:00Z'), mandateId, ...over });

export const lumpSum = (lumpSumId: string, amountMinor: number, over: Json = {}): ReceiveLumpSum =>
  contractCommand({
    ...base('ReceiveLumpSum', `lump-${lumpSumId}`, '2026-03-10T10:00:00Z'),
    lumpSumId,
    amountMinor,
    channel: 'bank-transfer',
    ...over,
  }) as ReceiveLumpSum;

export const allocate = (
  lumpSumId: string,
  parts: ReadonlyArray<readonly [string, string, number]>,
  creditMinor: number,
  over: Json = {},
): ContractCommand =>
  contractCommand({
    ...base('AllocateLumpSum', `allocate-${lumpSumId}`, '2026-03-10T10:00:00Z'),
    lumpSumId,
    parts: parts.map(([cycleId, paymentId, amountMinor]) => ({ cycleId, paymentId, amountMinor })),
    creditMinor,
    ...over,
  });

export const applyCredit = (applicationId: string, cycleId: string, amountMinor: number, over: Json = {}): ContractCommand =>
  contractCommand({
    ...base('ApplyCredit', `apply-${applicationId}`, '2026-04-01T00:00:00Z'),
    applicationId,
    cycleId,
    amountMinor,
    ...over,
  });

export const cancelApplication = (applicationId: string, reason = 'the cycle was paid meanwhile', over: Json = {}): ContractCommand =>
  contractCommand({
    ...base('CancelCreditApplication', `cancel-${applicationId}`, '2026-04-01T00:05:00Z'),
    applicationId,
    reason,
    ...over,
  });

export const endContract = (endDate: string, over: Json = {}): ContractCommand =>
  contractCommand({ ...base('EndContract', 'end-1', '2026-08-01T09:00:00Z'), endDate, ...over });

export const givenContract = DeciderSpecification.for(contractDecider);

/** The events of contract commands that must all be accepted, in order. */
export const contractHistory = (...commands: ContractCommand[]): ContractEvent[] => {
  const events: ContractEvent[] = [];
  let state = contractDecider.initialState();
  for (const c of commands) {
    const r = contractDecider.decide(c, state);
    if (E.isLeft(r)) throw new Error(`contractHistory: ${c.type} ${c.commandId} refused: ${r.left.message}`);
    events.push(...r.right.events);
    state = fold(contractDecider)(r.right.events, state);
  }
  return events;
};

export const contractOf = (...commands: ContractCommand[]): ContractState => fold(contractDecider)(contractHistory(...commands));

export const contractMeta = (c: ContractCommand) => ({ contractId: c.contractId, commandId: c.commandId, actor: c.actor, at: c.at });
