// The ledger the hand-made statements are reconciled against, on a real SQLite file, in China
// time: March 2026 bills of 500.00 and the payments and refunds each test's comments list.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, ledgerSettingsDecider, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

const command = (json: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand(json);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

export const cycleOf = (unit: string) => `${unit}/2026-03`;

export const bill = (unit: string) =>
  command({
    type: 'Bill',
    commandId: `bill-${unit}`,
    cycleId: cycleOf(unit),
    actor: 'billing-run',
    at: '2026-03-01T01:00:00Z',
    contractId: unit,
    period: { start: '2026-03-01', end: '2026-04-01' },
    dueDate: '2026-03-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service fee', amountMinor: 50000 }],
  });

export const pay = (unit: string, paymentId: string, amountMinor: number, channel: string, at: string, reference?: string) =>
  command({
    type: 'RecordPayment',
    commandId: `cmd-${paymentId}`,
    cycleId: cycleOf(unit),
    actor: 'cashier-chen',
    at,
    paymentId,
    amountMinor,
    channel,
    ...(reference ? { reference } : {}),
  });

export const refund = (unit: string, refundId: string, paymentId: string, amountMinor: number, at: string) =>
  command({
    type: 'Refund',
    commandId: `cmd-${refundId}`,
    cycleId: cycleOf(unit),
    actor: 'clerk-li',
    at,
    refundId,
    paymentId,
    amountMinor,
    reason: 'paid twice',
  });

/** A fresh ledger file in Asia/Shanghai with the commands applied (each must be accepted). */
export const ledgerWith = async (commands: readonly RenewalCommand[]): Promise<{ store: EventStore; path: string; dir: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-reconcile-'));
  const path = join(dir, 'ledger.db');
  const store = getSQLiteEventStore({ path });
  const settings = getCommandHandler(ledgerSettingsDecider, { store });
  await settings.handle({
    type: 'OpenLedger',
    commandId: 'open-ledger',
    actor: 'admin',
    at: '2026-01-01T00:00:00Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
  } as never);
  const handler = getCommandHandler(renewalCycle, { store });
  for (const r of await handler.handleBatch(commands)) if (r.status === 'rejected') throw new Error(`${r.error.code}: ${r.error.message}`);
  return { store, path, dir };
};
