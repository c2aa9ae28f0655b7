// Late entries at the edges of a closed period, in a ledger far from UTC (Pacific/Kiritimati,
// UTC+14): the period's days are the ledger's, not UTC's, and verifyAuditChain reports the same
// late entries as lateEntries (one rule). Worked by hand: 2026 is closed on 5 January 2027; on 10
// January four cash payments are entered for a bill of December 2025:
//   2025-12-31T09:59:00Z = 2025-12-31 23:59 local: before 2026, not late;
//   2025-12-31T10:00:00Z = 2026-01-01 00:00 local: 2026's first day, late;
//   2026-12-31T09:30:00Z = 2026-12-31 23:30 local: 2026's last day, late;
//   2026-12-31T10:30:00Z = 2027-01-01 00:30 local: after 2026, not late.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, ledgerSettingsDecider, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, getInMemoryEventStore, type EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { auditProjection, lateEntries, verifyAuditChain, type LateEntry } from '../src/index.js';

const test = suite('late entries in a closed period');

const must = (input: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand({ cycleId: 'c1', actor: 'cashier-wang', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

const cycleAt = (store: EventStore, recordedAt: string) => getCommandHandler(renewalCycle, { store, clock: () => recordedAt as never });
const settingsAt = (store: EventStore, recordedAt: string) =>
  getCommandHandler(ledgerSettingsDecider, { store, clock: () => recordedAt as never });

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};

test('by the ledger’s days: the first and the last local day of 2026 are late, the instants just outside are not', async () => {
  const store = getInMemoryEventStore();
  const open = { type: 'OpenLedger', commandId: 'open', actor: 'manager-zhao', at: '2025-11-01T00:00:00Z', timeZone: 'Pacific/Kiritimati' };
  assert.is(
    (await settingsAt(store, '2025-11-01T00:00:00Z').handle({ ...open, currency: 'CNY', zoneFrom: 'start' } as never)).status,
    'applied',
  );
  const bill = must({
    type: 'Bill',
    commandId: 'bill',
    at: '2025-12-01T00:00:00Z',
    contractId: 'unit-0301',
    period: { start: '2025-12-01', end: '2026-01-01' },
    dueDate: '2025-12-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor: 100000 }],
  });
  assert.is((await cycleAt(store, '2025-12-01T00:00:00Z').handle(bill)).status, 'applied');
  const close = {
    type: 'ClosePeriod',
    commandId: 'close-2026',
    actor: 'manager-zhao',
    at: '2027-01-05T00:00:00Z',
    period: '2026',
    figures: [],
  };
  assert.is((await settingsAt(store, '2027-01-05T00:00:00Z').handle(close as never)).status, 'applied');
  const late = cycleAt(store, '2027-01-10T00:00:00Z');
  const payments = ['2025-12-31T09:59:00Z', '2025-12-31T10:00:00Z', '2026-12-31T09:30:00Z', '2026-12-31T10:30:00Z'];
  for (const [i, at] of payments.entries()) {
    const r = await late.handle(
      must({ type: 'RecordPayment', commandId: `pay-${i}`, at, paymentId: `p${i}`, amountMinor: 100, channel: 'cash' }),
    );
    assert.is(r.status, 'applied');
  }
  const positions = (await collect(store.readStream('renewal-cycle-c1'))).filter((e) => e.type === 'Paid').map((e) => e.globalPosition);

  const expected = (i: number, day: string): LateEntry => ({
    period: '2026',
    closedAt: '2027-01-05T00:00:00Z',
    position: positions[i]!,
    streamName: 'renewal-cycle-c1',
    type: 'Paid',
    at: payments[i]!,
    day: day as LateEntry['day'],
    recordedAt: '2027-01-10T00:00:00Z',
    actor: 'cashier-wang',
  });
  const found = await collect(lateEntries(store));
  assert.equal(found, [expected(1, '2026-01-01'), expected(2, '2026-12-31')]);

  const db = getSQLiteViewDatabase({ path: ':memory:' });
  await getProjectionRunner({ store, database: db, projections: [auditProjection] }).catchUp();
  const v = await verifyAuditChain(db, store);
  assert.ok(v.ok, 'late entries are not tampering');
  assert.equal(v.lateEntries, found);
});

test.run();
