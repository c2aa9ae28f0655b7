// Two January cycles with late fees, for the views' tests (figures worked by hand):
//   jan-a: 465.20 due 2026-01-15; late fee 6.98 charged as of 2026-03-01 (30 days after 15 days'
//          grace at 0.05% a day: 46520 x 5 x 30 / 10000 = 697.8), 1.98 waived, then 470.00 paid:
//          465.20 principal first, 4.80 late fee; 0.20 of late fee left open. Then 466.00 of it
//          refunded: 465.20 of principal, 0.80 of late fee (owed again: 1.00 open).
//   jan-b: 100.00 due 2026-01-15, unpaid; late fee 1.50 charged.
import type { RenewalCommand } from '@renewal-ledger/core';
import { cycleCommand } from './engine.js';
import type { Scheduled } from './feed.js';

const on = (cycleId: string, at: string, json: Record<string, unknown>): Scheduled => ({
  command: cycleCommand({ cycleId, actor: 'clerk-li', at, ...json }) as RenewalCommand,
  recordedAt: at,
});

const bill = (cycleId: string, amountMinor: number) =>
  on(cycleId, '2026-01-01T08:00:00Z', {
    type: 'Bill',
    commandId: `bill-${cycleId}`,
    contractId: `unit-${cycleId}`,
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor }],
  });

const charge = (cycleId: string, amountMinor: number, overdueMinor: number) =>
  on(cycleId, '2026-03-01T00:00:00Z', {
    type: 'ChargeLateFee',
    commandId: `late-fee:${cycleId}:2026-03-01`,
    chargeId: `late-fee/${cycleId}/2026-03-01`,
    asOf: '2026-03-01',
    amountMinor,
    overdueMinor,
    chargeableDays: 30,
  });

export const lateFeePortfolio = (): Scheduled[] => [
  bill('jan-a', 46520),
  bill('jan-b', 10000),
  charge('jan-a', 698, 46520),
  charge('jan-b', 150, 10000),
  on('jan-a', '2026-03-02T09:00:00Z', {
    type: 'WaiveLateFee',
    commandId: 'waive-a',
    waiverId: 'w-a',
    amountMinor: 198,
    reason: 'first time late',
  }),
  on('jan-a', '2026-03-03T09:00:00Z', { type: 'RecordPayment', commandId: 'pay-a', paymentId: 'p-a', amountMinor: 47000, channel: 'cash' }),
  on('jan-a', '2026-03-04T09:00:00Z', {
    type: 'Refund',
    commandId: 'refund-a',
    refundId: 'r-a',
    paymentId: 'p-a',
    amountMinor: 46600,
    reason: 'paid by transfer as well',
  }),
];
