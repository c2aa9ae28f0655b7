// The role in the audit chain: an entry of a command checked against an access policy carries
// the actor's role and the hash covers it; an entry without one hashes as it did before roles
// existed; a role changed in the store afterwards is named when the chain is verified.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, DEFAULT_ACCESS_POLICY, decodeCommand, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { createInMemoryDatabase, getCommandHandler, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { auditEntries, auditProjection, exportAuditCsv, exportAuditJsonLines, verifyAuditChain } from '../src/index.js';

const test = suite('roles in the audit chain');

const must = (input: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand({ cycleId: 'c1', at: '2026-01-10T08:00:00Z', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const setup = async () => {
  const memory = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database: memory });
  const checked = getCommandHandler(renewalCycle, { store, access: DEFAULT_ACCESS_POLICY, clock: () => '2026-02-01T00:00:00Z' as never });
  const unchecked = getCommandHandler(renewalCycle, { store, clock: () => '2026-02-01T00:00:00Z' as never });
  // Billed without a policy (no role), paid by a cashier, then a 600.00 refund over the
  // cashier's 500.00 limit: requested by the cashier, approved by the manager.
  const bill = must({
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
  assert.is((await unchecked.handle(bill)).status, 'applied');
  const pay = must({
    type: 'RecordPayment',
    commandId: 'pay',
    actor: 'cashier-wang',
    paymentId: 'p1',
    amountMinor: 100000,
    channel: 'cash',
  });
  assert.is((await checked.handle(pay, { role: 'cashier' })).status, 'applied');
  const refund = must({
    type: 'Refund',
    commandId: 'refund',
    actor: 'cashier-wang',
    refundId: 'r1',
    paymentId: 'p1',
    amountMinor: 60000,
    reason: 'paid twice',
  });
  assert.is((await checked.handle(refund, { role: 'cashier' })).status, 'applied');
  const approve = must({
    type: 'ApproveRequest',
    commandId: 'approve',
    actor: 'manager-zhao',
    at: '2026-01-11T08:00:00Z',
    requestId: 'r1',
  });
  assert.is((await checked.handle(approve, { role: 'manager' })).status, 'applied');
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  await getProjectionRunner({ store, database: db, projections: [auditProjection] }).catchUp();
  return { memory, store, db };
};

test('each entry carries the role it was checked with; the approval is the manager’s, the request the cashier’s', async () => {
  const { db, store } = await setup();
  const entries = await collect(auditEntries(db, store));
  assert.equal(
    entries.map((e) => [e.type, e.actor, e.role]),
    [
      ['Billed', 'clerk-li', undefined],
      ['Paid', 'cashier-wang', 'cashier'],
      ['ApprovalRequested', 'cashier-wang', 'cashier'],
      ['RequestApproved', 'manager-zhao', 'manager'],
      ['Refunded', 'manager-zhao', 'manager'],
    ],
  );
  // No `role` key at all on the entry without one: not null, so it hashes as before roles.
  assert.not.ok('role' in entries[0]!);
});

test('the hash covers the role: recomputed from the definition, and from each exported JSON line', async () => {
  const { db, store } = await setup();
  const entries = await collect(auditEntries(db, store));
  for (const { prevHash, hash, ...entry } of entries) {
    assert.is(
      hash,
      createHash('sha256')
        .update(prevHash + canonicalJson(entry))
        .digest('hex'),
    );
  }
  const lines = await collect(exportAuditJsonLines(db, store));
  for (const line of lines) {
    const { prevHash, hash, ...entry } = JSON.parse(line) as Record<string, unknown>;
    assert.is(
      hash,
      createHash('sha256')
        .update(`${prevHash}${canonicalJson(entry)}`)
        .digest('hex'),
    );
  }
  assert.match(lines[3]!, /"role":"manager"/);
  assert.not.match(lines[0]!, /"role"/);
});

test('the CSV export has a role column, empty where the command was not checked', async () => {
  const { db, store } = await setup();
  const rows = await collect(exportAuditCsv(db, store));
  const header = rows[0]!.trim().split(',');
  const roleAt = header.indexOf('role');
  assert.is(header[roleAt - 1], 'actor');
  assert.is(rows[1]!.split(',')[roleAt], '');
  assert.is(rows[4]!.split(',')[roleAt], 'manager');
});

test('a role changed in the store after the fact is named when the chain is verified', async () => {
  const { db, store, memory } = await setup();
  const row = memory.rows[3]!; // RequestApproved
  row.metadata = row.metadata.replace('"role":"manager"', '"role":"cashier"');
  const v = await verifyAuditChain(db, store);
  assert.not.ok(v.ok);
  assert.is(v.problem!.kind, 'event-altered');
  assert.is(v.problem!.position, 4n);
  assert.match(v.problem!.reason, /role/);
});

test.run();
