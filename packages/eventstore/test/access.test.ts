// The handler's access check, for every aggregate: a role's refusal writes nothing, an over-limit
// refund is stored as a request until a second person approves it, the role is in the metadata.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  contractDecider,
  DEFAULT_ACCESS_POLICY,
  decodeCommand,
  decodeUserCommand,
  renewalCycle,
  usersDecider,
  type RenewalCommand,
  type UserCommand,
} from '@renewal-ledger/core';
import {
  activeUser,
  getCommandHandler,
  getInMemoryEventStore,
  hashPassword,
  readUsers,
  verifyPassword,
  type EventStore,
} from '@renewal-ledger/eventstore';

const test = suite('access in the command handler');

const must = (input: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand({ cycleId: 'c1', at: '2026-01-10T08:00:00Z', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
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
const pay = must({ type: 'RecordPayment', commandId: 'pay', actor: 'cashier-wang', paymentId: 'p1', amountMinor: 100000, channel: 'cash' });
// 600.00: over the cashier's 500.00.
const refund = must({
  type: 'Refund',
  commandId: 'refund',
  actor: 'cashier-wang',
  refundId: 'r1',
  paymentId: 'p1',
  amountMinor: 60000,
  reason: 'paid twice',
});
const approve = (actor: string, commandId = `approve-${actor}`) =>
  must({ type: 'ApproveRequest', commandId, actor, at: '2026-01-11T08:00:00Z', requestId: 'r1' });

const count = async (store: EventStore) => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

const setUp = async () => {
  const store = getInMemoryEventStore();
  const handler = getCommandHandler(renewalCycle, { store, access: DEFAULT_ACCESS_POLICY, clock: () => '2026-02-01T00:00:00Z' as never });
  assert.is((await handler.handle(bill, { role: 'clerk' })).status, 'applied');
  assert.is((await handler.handle(pay, { role: 'cashier' })).status, 'applied');
  return { store, handler };
};

test('NOT_PERMITTED names the role and the command, and nothing is written', async () => {
  const { store, handler } = await setUp();
  const r = await handler.handle(refund, { role: 'auditor' });
  assert.equal(r, {
    status: 'rejected',
    error: { code: 'NOT_PERMITTED', message: 'role auditor may not issue Refund', role: 'auditor', commandType: 'Refund' },
  });
  const none = await handler.handle(refund);
  assert.is(none.status === 'rejected' && none.error.code, 'NOT_PERMITTED');
  assert.is(await count(store), 2);
});

test('a cashier over the limit: stored as a request, pending until a manager approves, role in the metadata', async () => {
  const { store, handler } = await setUp();
  const asked = await handler.handle(refund, { role: 'cashier' });
  assert.ok(asked.status === 'applied');
  if (asked.status !== 'applied') return;
  assert.equal(
    asked.events.map((e) => [e.type, e.metadata.actor, e.metadata.role]),
    [['ApprovalRequested', 'cashier-wang', 'cashier']],
  );
  assert.is(asked.figures.refundedMinor, 0);
  // The same refund sent again (a retry) is a duplicate of the request.
  assert.is((await handler.handle(refund, { role: 'cashier' })).status, 'duplicate');
  const self = await handler.handle(approve('cashier-wang'), { role: 'manager' });
  assert.is(self.status === 'rejected' && self.error.code, 'SELF_APPROVAL');
  const byCashier = await handler.handle(approve('cashier-zhang'), { role: 'cashier' });
  assert.is(byCashier.status === 'rejected' && byCashier.error.code, 'NOT_PERMITTED');
  const approved = await handler.handle(approve('manager-zhao'), { role: 'manager' });
  assert.ok(approved.status === 'applied');
  if (approved.status !== 'applied') return;
  assert.equal(
    approved.events.map((e) => [e.type, e.metadata.actor, e.metadata.role]),
    [
      ['RequestApproved', 'manager-zhao', 'manager'],
      ['Refunded', 'manager-zhao', 'manager'],
    ],
  );
  assert.is(approved.figures.refundedMinor, 60000);
  assert.equal(await handler.handle(approve('manager-zhao'), { role: 'manager' }), {
    status: 'duplicate',
    duplicate: { key: 'commandId', id: 'approve-manager-zhao' },
  });
  assert.equal(await handler.handle(approve('manager-zhao', 'again'), { role: 'manager' }), {
    status: 'duplicate',
    duplicate: { key: 'requestId', id: 'r1' },
  });
  assert.is(await count(store), 5);
});

test('within the limit the refund is recorded straight away', async () => {
  const { handler } = await setUp();
  const small = { ...refund, amountMinor: 50000 } as RenewalCommand;
  const r = await handler.handle(small, { role: 'cashier' });
  assert.equal(r.status === 'applied' && r.events.map((e) => e.type), ['Refunded']);
});

test('every aggregate gets the check: the contract too', async () => {
  const store = getInMemoryEventStore();
  const contracts = getCommandHandler(contractDecider, { store, access: DEFAULT_ACCESS_POLICY });
  const r = await contracts.handle({ type: 'EndContract', commandId: 'x', actor: 'wang', contractId: 'k' } as never, { role: 'cashier' });
  assert.equal(r.status === 'rejected' && r.error.code, 'NOT_PERMITTED');
});

test('users: added with a role by a manager, the same again a duplicate, disabled ones are no longer active', async () => {
  const store = getInMemoryEventStore();
  const users = getCommandHandler(usersDecider, { store, access: DEFAULT_ACCESS_POLICY });
  const user = (input: Record<string, unknown>): UserCommand => {
    const r = decodeUserCommand({ actor: 'manager-zhao', at: '2026-01-01T08:00:00Z', ...input });
    if (E.isLeft(r)) throw new Error(r.left.message);
    return r.right;
  };
  const add = user({
    type: 'AddUser',
    commandId: 'u1',
    userId: 'cashier-wang',
    role: 'cashier',
    passwordHash: hashPassword('s3cret-pass'),
  });
  assert.is((await users.handle(add, { role: 'manager' })).status, 'applied');
  assert.equal(await users.handle({ ...add, commandId: 'u1-again' } as UserCommand, { role: 'manager' }), {
    status: 'duplicate',
    duplicate: { key: 'userId', id: 'cashier-wang' },
  });
  const other = await users.handle({ ...add, commandId: 'u1-other', role: 'manager' } as UserCommand, { role: 'manager' });
  assert.is(other.status === 'rejected' && other.error.code, 'USER_EXISTS');
  const byCashier = await users.handle(user({ type: 'DisableUser', commandId: 'd0', userId: 'cashier-wang' }), { role: 'cashier' });
  assert.is(byCashier.status === 'rejected' && byCashier.error.code, 'NOT_PERMITTED');
  const wang = activeUser(await readUsers(store), 'cashier-wang');
  assert.is(wang?.role, 'cashier');
  assert.ok(verifyPassword('s3cret-pass', wang!.passwordHash!));
  assert.not.ok(verifyPassword('s3cret-pas', wang!.passwordHash!));
  assert.is(
    (await users.handle(user({ type: 'DisableUser', commandId: 'd1', userId: 'cashier-wang' }), { role: 'manager' })).status,
    'applied',
  );
  assert.is(activeUser(await readUsers(store), 'cashier-wang'), null);
  const unknown = await users.handle(user({ type: 'DisableUser', commandId: 'd2', userId: 'nobody' }), { role: 'manager' });
  assert.is(unknown.status === 'rejected' && unknown.error.code, 'UNKNOWN_USER');
});

test('two hashes of one password differ (salted), and each verifies', () => {
  const a = hashPassword('密码 correct horse');
  const b = hashPassword('密码 correct horse');
  assert.is.not(a, b);
  assert.ok(verifyPassword('密码 correct horse', a) && verifyPassword('密码 correct horse', b));
  assert.not.ok(verifyPassword('anything', 'not-a-hash'));
});

test.run();
