// The cycle commands the handler tests send: a bill of 100.00 and a cash payment, decoded as the
// CLI and the service decode their input.
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, type RenewalCommand } from '@renewal-ledger/core';

export const must = (input: unknown): RenewalCommand => {
  const r = decodeCommand(input);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
export const bill = (cycleId: string, commandId: string) =>
  must({
    type: 'Bill',
    commandId,
    cycleId,
    actor: 'clerk',
    at: '2026-01-01T08:00:00Z',
    contractId: 'unit-0301',
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor: 10000 }],
  });
export const pay = (cycleId: string, commandId: string, amountMinor: number) =>
  must({
    type: 'RecordPayment',
    commandId,
    cycleId,
    actor: 'cashier',
    at: '2026-01-10T08:00:00Z',
    paymentId: `p-${commandId}`,
    amountMinor,
    channel: 'cash',
  });
