// A refund over the cashier's limit waits for a manager: the receipts view lists it as pending
// (no refund note, no number) until it is approved (its note appears, numbered), rejected or
// expired (it leaves, nothing numbered). The view is a real SQLite file, rebuilt at the end to the
// same rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_ACCESS_POLICY, decodeCommand, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { getReceiptsView, receiptsProjection } from '../src/index.js';

const test = suite('receipts: refunds pending approval');

const must = (input: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand({ cycleId: 'unit-0301/2026-01', at: '2026-01-10T08:00:00Z', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

test('pending until approved (then its note), rejected or expired (then gone)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'receipts-pending-'));
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store, access: DEFAULT_ACCESS_POLICY, clock: () => '2026-02-01T00:00:00Z' as never });
  const as = async (role: string, input: Record<string, unknown>) =>
    assert.is((await handler.handle(must(input), { role })).status, 'applied', JSON.stringify(input));
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
  // 600.00 is over the cashier's 500.00 (a request); 300.00 is within it (refunded at once, RN-1).
  for (const [id, minor] of [
    ['r1', 60000],
    ['r2', 30000],
  ] as const)
    await as('cashier', {
      type: 'Refund',
      commandId: `rf-${id}`,
      actor: 'cashier-wang',
      refundId: id,
      paymentId: 'p1',
      amountMinor: minor,
      reason: 'paid twice',
    });
  const db = getSQLiteViewDatabase({ path: join(dir, 'views.db') });
  try {
    const runner = getProjectionRunner({ store, database: db, projections: [receiptsProjection] });
    await runner.catchUp();
    const view = getReceiptsView(db);
    const pendingNow = async () =>
      (await view.pendingRefunds()).map((p) => [p.requestId, p.amountMinor, p.refundsReceipt, p.requester, p.role]);
    assert.equal(await pendingNow(), [['r1', 60000, 'R-2026-000001', 'cashier-wang', 'cashier']]);
    assert.equal(
      (await view.byCycle('unit-0301/2026-01')).map((d) => [d.number, d.amountMinor]),
      [
        ['R-2026-000001', 100000],
        ['RN-2026-000001', 30000],
      ],
    );
    assert.is((await view.pendingRefunds({ contractId: 'unit-0301' })).length, 1);
    assert.is((await view.pendingRefunds({ contractId: 'unit-0302' })).length, 0);
    assert.is((await view.pendingRefunds({ cycleId: 'unit-0301/2026-01' })).length, 1);

    // Approved: it leaves the list and its note is numbered RN-2026-000002 (600.00).
    await as('manager', { type: 'ApproveRequest', commandId: 'ok1', actor: 'manager-zhao', at: '2026-01-11T08:00:00Z', requestId: 'r1' });
    await runner.catchUp();
    assert.equal(await pendingNow(), []);
    assert.equal(
      (await view.byCycle('unit-0301/2026-01')).map((d) => [d.number, d.amountMinor, d.refundId]),
      [
        ['R-2026-000001', 100000, null],
        ['RN-2026-000001', 30000, 'r2'],
        ['RN-2026-000002', 60000, 'r1'],
      ],
    );

    // 900.00 refunded, so 900.00 outstanding: paid again, and two refunds of it asked for.
    await as('cashier', {
      type: 'RecordPayment',
      commandId: 'pay2',
      actor: 'cashier-wang',
      paymentId: 'p2',
      amountMinor: 90000,
      channel: 'cash',
      at: '2026-01-12T08:00:00Z',
    });
    for (const [id, minor] of [
      ['r3', 60000],
      ['r4', 55000],
    ] as const)
      await as('cashier', {
        type: 'Refund',
        commandId: `rf-${id}`,
        actor: 'cashier-wang',
        refundId: id,
        paymentId: 'p2',
        amountMinor: minor,
        reason: 'moved out',
        at: '2026-01-13T08:00:00Z',
      });
    await runner.catchUp();
    assert.equal(await pendingNow(), [
      ['r3', 60000, 'R-2026-000002', 'cashier-wang', 'cashier'],
      ['r4', 55000, 'R-2026-000002', 'cashier-wang', 'cashier'],
    ]);
    await as('manager', {
      type: 'RejectRequest',
      commandId: 'no3',
      actor: 'manager-zhao',
      at: '2026-01-14T08:00:00Z',
      requestId: 'r3',
      reason: 'refund to the card',
    });
    await as('system', { type: 'ExpireRequest', commandId: 'exp4', actor: 'renewal-engine', at: '2026-01-30T08:00:00Z', requestId: 'r4' });
    await runner.catchUp();
    assert.equal(await pendingNow(), []);
    // Nothing numbered for the rejected and the expired one: the notes stay the two.
    assert.equal(
      (await view.byCycle('unit-0301/2026-01')).filter((d) => d.kind === 'refund-note').map((d) => d.number),
      ['RN-2026-000001', 'RN-2026-000002'],
    );

    // A rebuild gives the same (a request left pending is still pending after it).
    await as('cashier', {
      type: 'Refund',
      commandId: 'rf-r5',
      actor: 'cashier-wang',
      refundId: 'r5',
      paymentId: 'p2',
      amountMinor: 80000,
      reason: 'moved out',
      at: '2026-01-31T08:00:00Z',
    });
    await runner.catchUp();
    const before = await view.pendingRefunds();
    await runner.rebuild();
    assert.equal(await view.pendingRefunds(), before);
    assert.equal(
      before.map((p) => p.requestId),
      ['r5'],
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
