// A small property portfolio written by hand, so the tests can work its figures out by hand.
// All amounts in CNY fen; every bill is due on the 15th of its period's first month.
//
//   unit-0109/2025-12  30000, paid 10000 cash 2025-12-20, then 20000 cash taken offline on
//                      2025-12-31 and entered on 2026-01-02 (receipt year boundary)
//   unit-0101/2026-01..03  three bills of 30000 (billed in advance), paid as a lump sum by one
//                      bank transfer BT-778 on 2026-01-10: three payments
//   unit-0102/2026-01  50000, partial payments: 20000 wechat-pay 2026-01-12, 10000 cash taken
//                      offline 2026-02-20 and entered 2026-02-23 -> 20000 left
//   unit-0103/2026-01  60000 paid by card 2026-01-08; dispute of 8000 upheld 2026-01-25;
//                      8000 refunded 2026-01-27 -> settled at 52000
//   unit-0104/2026-01  90000; plan of 3 x 30000 (02-01, 03-01, 04-01) agreed 2026-01-20; first
//                      instalment paid 2026-02-01; plan cancelled as defaulted 2026-03-16
//   unit-0105/2026-01  60000; plan of 3 x 20000 (02-15, 03-15, 04-15) agreed 2026-01-18;
//                      first instalment paid 2026-02-14; plan still active
//   unit-0106/2026-01  45000, reminded, written off 2026-03-20
//   unit-0107/2026-01  35000, reminded, never paid
//   unit-0108/2026-01  40000; 10000 disputed 2026-01-14 (still open), 30000 paid in cash
import type { RenewalCommand } from '@renewal-ledger/core';
import { command, type Scheduled } from './feed.js';

let seq = 0;
const at = (
  recordedAt: string,
  json: Record<string, unknown> & { type: string; cycleId: string },
  options: { actor?: string; happenedAt?: string } = {},
): Scheduled => ({
  command: command({
    commandId: `cmd-${String(++seq).padStart(3, '0')}`,
    actor: options.actor ?? 'clerk-li',
    at: options.happenedAt ?? recordedAt,
    ...json,
  }),
  recordedAt,
});

const bill = (cycleId: string, contractId: string, month: string, amountMinor: number, recordedAt: string): Scheduled => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return at(
    recordedAt,
    {
      type: 'Bill',
      cycleId,
      contractId,
      period: { start: `${month}-01`, end: `${next}-01` },
      dueDate: `${month}-15`,
      currency: 'CNY',
      lines: [{ code: 'service', description: 'Property service fee', amountMinor }],
    },
    { actor: 'billing-run' },
  );
};

const pay = (
  cycleId: string,
  paymentId: string,
  amountMinor: number,
  channel: string,
  recordedAt: string,
  extra: Record<string, unknown> = {},
  options: { actor?: string; happenedAt?: string } = {},
) =>
  at(
    recordedAt,
    { type: 'RecordPayment', cycleId, paymentId, amountMinor, channel, ...extra },
    { actor: options.actor ?? 'cashier-chen', ...options },
  );

export const CYCLES = {
  dec: 'unit-0109/2025-12',
  lumpJan: 'unit-0101/2026-01',
  lumpFeb: 'unit-0101/2026-02',
  lumpMar: 'unit-0101/2026-03',
  partial: 'unit-0102/2026-01',
  refunded: 'unit-0103/2026-01',
  defaulted: 'unit-0104/2026-01',
  plan: 'unit-0105/2026-01',
  writtenOff: 'unit-0106/2026-01',
  unpaid: 'unit-0107/2026-01',
  disputed: 'unit-0108/2026-01',
} as const;

const c = CYCLES;
const JAN_BILLS = '2026-01-01T01:00:00Z';

/** The portfolio's commands in the order they were recorded. */
export const propertyPortfolio = (): Scheduled[] => {
  seq = 0;
  return [
    bill(c.dec, 'unit-0109', '2025-12', 30000, '2025-12-01T01:00:00Z'),
    pay(c.dec, 'dec-p1', 10000, 'cash', '2025-12-20T10:00:00Z'),
    bill(c.lumpJan, 'unit-0101', '2026-01', 30000, JAN_BILLS),
    bill(c.lumpFeb, 'unit-0101', '2026-02', 30000, JAN_BILLS),
    bill(c.lumpMar, 'unit-0101', '2026-03', 30000, JAN_BILLS),
    bill(c.partial, 'unit-0102', '2026-01', 50000, JAN_BILLS),
    bill(c.refunded, 'unit-0103', '2026-01', 60000, JAN_BILLS),
    bill(c.defaulted, 'unit-0104', '2026-01', 90000, JAN_BILLS),
    bill(c.plan, 'unit-0105', '2026-01', 60000, JAN_BILLS),
    bill(c.writtenOff, 'unit-0106', '2026-01', 45000, JAN_BILLS),
    bill(c.unpaid, 'unit-0107', '2026-01', 35000, JAN_BILLS),
    bill(c.disputed, 'unit-0108', '2026-01', 40000, JAN_BILLS),
    pay(
      c.dec,
      'dec-p2',
      20000,
      'cash',
      '2026-01-02T09:00:00Z',
      { offline: true },
      { actor: 'cashier-liu', happenedAt: '2025-12-31T16:00:00Z' },
    ),
    pay(c.refunded, 'ref-p1', 60000, 'card', '2026-01-08T10:00:00Z', { reference: 'CARD-5501' }, { actor: 'cashier-zhao' }),
    pay(c.lumpJan, 'lump-jan', 30000, 'bank-transfer', '2026-01-10T09:00:00Z', { reference: 'BT-778' }),
    pay(c.lumpFeb, 'lump-feb', 30000, 'bank-transfer', '2026-01-10T09:00:00Z', { reference: 'BT-778' }),
    pay(c.lumpMar, 'lump-mar', 30000, 'bank-transfer', '2026-01-10T09:00:00Z', { reference: 'BT-778' }),
    pay(c.partial, 'part-p1', 20000, 'wechat-pay', '2026-01-12T11:00:00Z', { reference: 'WX-1201' }),
    at('2026-01-14T10:00:00Z', {
      type: 'RaiseDispute',
      cycleId: c.disputed,
      disputeId: 'disp-h',
      amountMinor: 10000,
      lineCode: 'service',
      reason: 'Lift out of order for three weeks',
    }),
    pay(c.disputed, 'disp-p1', 30000, 'cash', '2026-01-14T15:00:00Z'),
    at(
      '2026-01-16T09:00:00Z',
      { type: 'SendReminder', cycleId: c.writtenOff, reminderId: 'rem-f1', channel: 'sms', level: 1 },
      { actor: 'reminder-bot' },
    ),
    at(
      '2026-01-16T09:05:00Z',
      { type: 'SendReminder', cycleId: c.unpaid, reminderId: 'rem-g1', channel: 'sms', level: 1 },
      { actor: 'reminder-bot' },
    ),
    at('2026-01-18T14:00:00Z', {
      type: 'AgreeInstallments',
      cycleId: c.plan,
      planId: 'plan-e',
      installments: [
        { dueDate: '2026-02-15', amountMinor: 20000 },
        { dueDate: '2026-03-15', amountMinor: 20000 },
        { dueDate: '2026-04-15', amountMinor: 20000 },
      ],
    }),
    at('2026-01-20T10:00:00Z', {
      type: 'RaiseDispute',
      cycleId: c.refunded,
      disputeId: 'disp-c',
      amountMinor: 8000,
      lineCode: 'service',
      reason: 'Area measured 95 m2, billed for 98.50',
    }),
    at('2026-01-20T14:00:00Z', {
      type: 'AgreeInstallments',
      cycleId: c.defaulted,
      planId: 'plan-d',
      installments: [
        { dueDate: '2026-02-01', amountMinor: 30000 },
        { dueDate: '2026-03-01', amountMinor: 30000 },
        { dueDate: '2026-04-01', amountMinor: 30000 },
      ],
    }),
    at(
      '2026-01-25T15:00:00Z',
      {
        type: 'ResolveDispute',
        cycleId: c.refunded,
        disputeId: 'disp-c',
        outcome: 'upheld',
        adjustmentMinor: 8000,
        note: 'Re-measured with the customer: 95 m2',
      },
      { actor: 'manager-zhou' },
    ),
    at(
      '2026-01-27T11:00:00Z',
      {
        type: 'Refund',
        cycleId: c.refunded,
        refundId: 'ref-r1',
        paymentId: 'ref-p1',
        amountMinor: 8000,
        reason: 'Dispute upheld after full payment',
      },
      { actor: 'cashier-zhao' },
    ),
    pay(c.defaulted, 'def-p1', 30000, 'alipay', '2026-02-01T09:30:00Z', { reference: 'ALI-0201' }),
    pay(c.plan, 'plan-p1', 20000, 'alipay', '2026-02-14T10:00:00Z', { reference: 'ALI-0214' }),
    pay(
      c.partial,
      'part-p2',
      10000,
      'cash',
      '2026-02-23T18:00:00Z',
      { offline: true },
      { actor: 'cashier-sun', happenedAt: '2026-02-20T10:00:00Z' },
    ),
    at(
      '2026-03-16T10:00:00Z',
      { type: 'CancelInstallments', cycleId: c.defaulted, planId: 'plan-d', reason: 'defaulted' },
      { actor: 'manager-zhou' },
    ),
    at(
      '2026-03-20T12:00:00Z',
      { type: 'WriteOff', cycleId: c.writtenOff, writeOffId: 'wo-f', amountMinor: 45000, reason: 'Tenant moved out, not recoverable' },
      { actor: 'manager-zhou' },
    ),
  ];
};

export type { RenewalCommand };
