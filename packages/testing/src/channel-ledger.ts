// A ledger on a real SQLite file with March's bill of unit-0301, 315.20, for the payment channels' tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  channelDecider,
  decodeCommand,
  fold,
  renewalCycle,
  type ChannelEvent,
  type CycleState,
  type RenewalEvent,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

export const CYCLE = 'unit-0301/2026-03-01';

export const ledger = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-alipay-'));
  const store = getSQLiteEventStore({ path: join(dir, 'ledger.db') });
  const handler = getCommandHandler(renewalCycle, { store });
  const channelHandler = getCommandHandler(channelDecider, { store });
  const bill = decodeCommand({
    type: 'Bill',
    commandId: 'bill-0301-03',
    cycleId: CYCLE,
    actor: 'billing-run',
    at: '2026-03-01T01:00:00Z',
    contractId: 'unit-0301',
    period: { start: '2026-03-01', end: '2026-04-01' },
    dueDate: '2026-03-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
  });
  if (E.isLeft(bill)) throw new Error(bill.left.message);
  await handler.handle(bill.right);
  const cycle = async (): Promise<CycleState> => {
    const events: RenewalEvent[] = [];
    for await (const e of store.readStream(`renewal-cycle-${CYCLE}`)) events.push(e as unknown as RenewalEvent);
    return fold(renewalCycle)(events);
  };
  /** Every payment-channel event in the store, in order. */
  const channelEvents = async (): Promise<(ChannelEvent & { streamName: string })[]> => {
    const out: (ChannelEvent & { streamName: string })[] = [];
    for await (const e of store.readAll())
      if (e.type === 'NotificationRefused' || e.type === 'ProviderRefundAnswered')
        out.push({ streamName: e.streamName, type: e.type, data: e.data } as ChannelEvent & { streamName: string });
    return out;
  };
  return { dir, store, handler, channelHandler, cycle, channelEvents, close: () => rmSync(dir, { recursive: true, force: true }) };
};
