// Arrears show money asked to go out while it waits for approval, and take it into the figures
// only when it is approved; a rejection takes it off the list with nothing moved.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_ACCESS_POLICY, decodeCommand, renewalCycle, type BusinessDate, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '../src/index.js';

const test = suite('arrears: pending approvals');
const asOf = '2026-01-31' as BusinessDate;

const must = (input: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand({ cycleId: 'unit-0301/2026-01', at: '2026-01-10T08:00:00Z', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

test('a cashier refund over the limit is pending until a manager approves it; a rejected one leaves', async () => {
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store, access: DEFAULT_ACCESS_POLICY, clock: () => '2026-02-01T00:00:00Z' as never });
  const as = async (role: string, input: Record<string, unknown>) =>
    assert.is((await handler.handle(must(input), { role })).status, 'applied');
  await as('clerk', {
    type: 'Bill',
    commandId: 'bill',
    actor: 'clerk-li',
    at: '2026-01-01T08:00:00Z',
    contractId: 'unit-0301',
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor: 100000 }],
  });
  await as('cashier', {
    type: 'RecordPayment',
    commandId: 'pay',
    actor: 'cashier-wang',
    paymentId: 'p1',
    amountMinor: 100000,
    channel: 'cash',
  });
  // 600.00 and 700.00, both over the cashier's 500.00.
  await as('cashier', {
    type: 'Refund',
    commandId: 'rf1',
    actor: 'cashier-wang',
    refundId: 'r1',
    paymentId: 'p1',
    amountMinor: 60000,
    reason: 'paid twice',
  });
  await as('cashier', {
    type: 'Refund',
    commandId: 'rf2',
    actor: 'cashier-wang',
    refundId: 'r2',
    paymentId: 'p1',
    amountMinor: 70000,
    reason: 'moved out',
  });

  const db = getSQLiteViewDatabase({ path: ':memory:' });
  const runner = getProjectionRunner({ store, database: db, projections: [arrearsProjection] });
  await runner.catchUp();
  const view = getArrearsView(db);
  assert.equal(
    (await view.pendingApprovals()).map((p) => [p.requestId, p.kind, p.amountMinor, p.requester, p.role, p.paymentId]),
    [
      ['r1', 'Refund', 60000, 'cashier-wang', 'cashier', 'p1'],
      ['r2', 'Refund', 70000, 'cashier-wang', 'cashier', 'p1'],
    ],
  );
  const before = (await view.cycle('unit-0301/2026-01', { asOf }))!;
  assert.is(before.figures.refundedMinor, 0, 'nothing refunded while pending');
  assert.is(before.pendingApprovals.length, 2);

  await as('manager', { type: 'ApproveRequest', commandId: 'ok1', actor: 'manager-zhao', at: '2026-01-11T08:00:00Z', requestId: 'r1' });
  await as('manager', {
    type: 'RejectRequest',
    commandId: 'no2',
    actor: 'manager-zhao',
    at: '2026-01-11T08:00:00Z',
    requestId: 'r2',
    reason: 'refund to the card',
  });
  await runner.catchUp();
  assert.equal(await view.pendingApprovals(), []);
  const after = (await view.cycle('unit-0301/2026-01', { asOf }))!;
  // Paid 1,000.00, refunded 600.00 at approval: 600.00 outstanding again of the 1,000.00 bill.
  assert.is(after.figures.refundedMinor, 60000);
  assert.is(after.figures.outstandingMinor, 60000);
  assert.equal(after.pendingApprovals, []);
  await db.close();
});

test.run();
