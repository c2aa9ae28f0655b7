// Who may do what over HTTP, on SQLite and on PostgreSQL: no session is a 401, a role that may
// not issue a command a 403, a cashier's refund over the limit a 202 with the pending request
// (the actor taken from the session, never the body), a manager's approval the refund note;
// CSRF on cookie sessions, and a limit on failed sign-ins.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, PASSWORD, payment, pgTest, startOnPostgres, startOnSQLite, type Running } from './support.js';

const CYCLE = 'unit-0301/2026-01';

const office = async (s: Running) => {
  await s.addUser('cashier-chen', 'cashier');
  await s.addUser('auditor-sun', 'auditor');
  await s.addUser('manager-zhao', 'manager');
  assert.is((await s.post('/api/commands', bill(CYCLE, 'unit-0301', 100000))).status, 201);
  const cashier = await s.as('cashier-chen');
  assert.is((await cashier.post('/api/commands/RecordPayment', payment(CYCLE, 'pay-1', 100000, '2026-01-20T10:30:00Z'))).status, 201);
  return { cashier, auditor: await s.as('auditor-sun'), manager: await s.as('manager-zhao') };
};

// 600.00 back on a payment of 1,000.00: over the cashier's 500.00.
const refund = {
  type: 'Refund',
  commandId: 'refund-1',
  cycleId: CYCLE,
  actor: 'manager-zhao', // forged: the session says who it is
  at: '2026-01-22T09:00:00Z',
  refundId: 'r1',
  paymentId: 'pay-1',
  amountMinor: 60000,
  reason: 'paid twice',
};

const scenario = async (s: Running) => {
  const { cashier, auditor, manager } = await office(s);
  const head = await s.service.store.headPosition();

  // No session: 401 for reads and writes alike, nothing written.
  const anonymousRead = await s.anonymous.get('/api/arrears');
  assert.is(anonymousRead.status, 401);
  assert.is(anonymousRead.body.error.code, 'UNAUTHENTICATED');
  assert.is((await s.anonymous.post('/api/commands', refund)).status, 401);

  // An auditor reads everything and changes nothing.
  // (after=: once the views hold what was written, which a fresh PostgreSQL service builds first)
  assert.is((await auditor.get(`/api/arrears?asOf=2026-02-01&after=${head}`)).status, 200);
  const audited = await auditor.post('/api/commands', refund);
  assert.is(audited.status, 403);
  assert.equal([audited.body.error.code, audited.body.error.role, audited.body.error.commandType], ['NOT_PERMITTED', 'auditor', 'Refund']);
  assert.is(await s.service.store.headPosition(), head, 'nothing written');

  // The cashier's refund over the limit: 202, pending, recorded as the cashier's.
  const asked = await cashier.post('/api/commands', refund);
  assert.is(asked.status, 202);
  assert.equal(
    [asked.body.status, asked.body.request.requestId, asked.body.request.actor, asked.body.request.role, asked.body.request.amountMinor],
    ['pending', 'r1', 'cashier-chen', 'cashier', 60000],
  );
  assert.is(asked.body.figures.refundedMinor, 0, 'no money moved');
  const pending = await manager.get(`/api/approvals?after=${asked.body.position}`);
  assert.equal(
    pending.body.map((p: any) => [p.requestId, p.requester, p.amountMinor]),
    [['r1', 'cashier-chen', 60000]],
  );

  // The cashier cannot approve; the manager can: the refund note appears.
  const approve = {
    type: 'ApproveRequest',
    commandId: 'approve-r1',
    cycleId: CYCLE,
    actor: 'cashier-chen',
    at: '2026-01-22T10:00:00Z',
    requestId: 'r1',
  };
  assert.is((await cashier.post('/api/commands', approve)).status, 403);
  const approved = await manager.post('/api/commands', approve);
  assert.is(approved.status, 201);
  assert.equal(
    approved.body.events.map((e: any) => e.type),
    ['RequestApproved', 'Refunded'],
  );
  assert.is(approved.body.figures.refundedMinor, 60000);
  assert.is((await manager.post('/api/commands', approve)).status, 200, 'approving again is a duplicate');
  const notes = await manager.get(`/api/receipts?cycleId=${encodeURIComponent(CYCLE)}&after=${approved.body.position}`);
  assert.equal(
    notes.body.map((d: any) => d.kind),
    ['refund-note', 'receipt'],
  );
  const history = await auditor.get(`/api/audit/history?cycleId=${encodeURIComponent(CYCLE)}`);
  assert.equal(
    history.body.history.slice(-3).map((h: any) => [h.type, h.actor, h.role]),
    [
      ['ApprovalRequested', 'cashier-chen', 'cashier'],
      ['RequestApproved', 'manager-zhao', 'manager'],
      ['Refunded', 'manager-zhao', 'manager'],
    ],
  );
  assert.equal((await manager.get('/api/approvals')).body, []);
};

const test = suite('property service: who may do what');
test('401, 403, 202 pending and the approval, on SQLite', async () => {
  const s = await startOnSQLite();
  try {
    await scenario(s);
  } finally {
    await s.stop();
  }
});
pgTest(test)('401, 403, 202 pending and the approval, on PostgreSQL', async () => {
  const s = await startOnPostgres();
  try {
    await scenario(s);
  } finally {
    await s.stop();
  }
});

test('a cookie session needs the CSRF token to change anything; sign-out ends it', async () => {
  const s = await startOnSQLite();
  try {
    await s.addUser('cashier-chen', 'cashier');
    const signIn = await fetch(`${s.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'cashier-chen', password: PASSWORD }),
    });
    assert.is(signIn.status, 200);
    const cookie = signIn.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const jar = { cookie: cookie.split(';')[0]! };
    const { csrfToken, permissions } = (await signIn.json()) as { csrfToken: string; permissions: string[] };
    assert.ok(permissions.includes('RecordPayment') && !permissions.includes('ApproveRequest'));
    const post = (headers: Record<string, string>) =>
      fetch(`${s.url}/api/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...jar, ...headers },
        body: JSON.stringify({ ...payment(CYCLE, 'pay-1', 100, '2026-01-20T10:30:00Z'), type: 'RecordPayment' }),
      });
    const forged = await post({});
    assert.is(forged.status, 403);
    assert.is(((await forged.json()) as any).error.code, 'CSRF');
    // With the token the command reaches the rules (the cycle is not billed: 422).
    assert.is((await post({ 'x-csrf-token': csrfToken })).status, 422);
    assert.is((await fetch(`${s.url}/api/session`, { headers: jar })).status, 200);
    assert.is((await fetch(`${s.url}/api/session`, { method: 'DELETE', headers: { ...jar, 'x-csrf-token': csrfToken } })).status, 200);
    assert.is((await fetch(`${s.url}/api/session`, { headers: jar })).status, 401);
  } finally {
    await s.stop();
  }
});

test('wrong passwords are 401 without saying which part was wrong; the sixth try in a minute is 429', async () => {
  const s = await startOnSQLite();
  try {
    await s.addUser('cashier-chen', 'cashier');
    for (let i = 0; i < 5; i++) {
      const wrong = await s.anonymous.post('/api/session', { userId: 'cashier-chen', password: `guess-${i}` });
      assert.is(wrong.status, 401);
      assert.is(wrong.body.error.message, 'the user name or the password is wrong');
    }
    const limited = await s.anonymous.post('/api/session', { userId: 'cashier-chen', password: PASSWORD });
    assert.is(limited.status, 429);
    assert.is(limited.body.error.code, 'TOO_MANY_SIGN_INS');
    assert.is((await s.anonymous.post('/api/session', { userId: 'nobody', password: 'x' })).status, 429, 'the address is limited too');
  } finally {
    await s.stop();
  }
});

test.run();
