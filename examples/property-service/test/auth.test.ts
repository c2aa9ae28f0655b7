// Who may do what over HTTP, on SQLite and on PostgreSQL: no session is a 401, a role that may
// not issue a command a 403, a cashier's refund over the limit a 202 with the pending request
// (the actor taken from the session, never the body), a manager's approval the refund note;
// CSRF on cookie sessions, and a limit on failed sign-ins.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeUserCommand, usersDecider } from '@renewal-ledger/core';
import { getCommandHandler, hashPassword } from '@renewal-ledger/eventstore';
import { startPropertyService } from '../src/index.js';
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

test('sessions are kept in the ledger: a restart on the same SQLite file keeps the cookie signed in until it expires; sign-out and disabling end it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-sessions-'));
  const store = `sqlite:${join(dir, 'renewal.db')}`;
  let clock = Date.parse('2026-01-20T09:00:00Z');
  // One hour sessions on a clock the test moves.
  const start = () =>
    startPropertyService({ store, port: 0, pollIntervalMs: 50, log: () => undefined, auth: { now: () => clock, sessionMs: 3600_000 } });
  let service = await start();
  try {
    const user = async (type: 'AddUser' | 'DisableUser', userId: string) => {
      const c = decodeUserCommand(
        type === 'AddUser'
          ? {
              type,
              commandId: `add:${userId}`,
              actor: 'setup',
              at: '2026-01-01T00:00:00Z',
              userId,
              role: 'cashier',
              passwordHash: hashPassword(PASSWORD),
            }
          : { type, commandId: `disable:${userId}`, actor: 'setup', at: '2026-01-20T09:30:00Z', userId },
      );
      if (E.isLeft(c)) throw new Error(c.left.message);
      assert.is((await getCommandHandler(usersDecider, { store: service.store }).handle(c.right)).status, 'applied');
    };
    await user('AddUser', 'cashier-chen');
    await user('AddUser', 'cashier-wu');
    const signIn = async (userId: string) => {
      const r = await fetch(`${service.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, password: PASSWORD }),
      });
      assert.is(r.status, 200);
      const body = (await r.json()) as { token: string; csrfToken: string };
      return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, ...body };
    };
    const chen = await signIn('cashier-chen');
    const wu = await signIn('cashier-wu');
    const whoAmI = (cookie: string) => fetch(`${service.url}/api/session`, { headers: { cookie } });
    assert.is((await whoAmI(chen.cookie)).status, 200);

    // The store holds a hash of each token, never the token (nor the CSRF token).
    for await (const e of service.store.readAll()) {
      const text = JSON.stringify({ data: e.data, metadata: e.metadata, streamName: e.streamName });
      assert.not.ok(text.includes(chen.token) || text.includes(chen.csrfToken), `${e.type} holds a secret`);
    }

    // Restarted on the same file: the same cookie is still signed in, with the same CSRF token,
    // and a change made with them reaches the rules (the cycle is not billed: 422, not 401 or 403).
    await service.close();
    service = await start();
    const again = await whoAmI(chen.cookie);
    assert.is(again.status, 200);
    const me = (await again.json()) as { userId: string; csrfToken: string };
    assert.equal([me.userId, me.csrfToken], ['cashier-chen', chen.csrfToken]);
    const paid = await fetch(`${service.url}/api/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: chen.cookie, 'x-csrf-token': chen.csrfToken },
      body: JSON.stringify({ ...payment(CYCLE, 'pay-1', 100, '2026-01-20T10:30:00Z'), type: 'RecordPayment' }),
    });
    assert.is(paid.status, 422);

    // Signed out: ended in the store, so a restart does not bring it back.
    assert.is(
      (await fetch(`${service.url}/api/session`, { method: 'DELETE', headers: { cookie: chen.cookie, 'x-csrf-token': chen.csrfToken } }))
        .status,
      200,
    );
    await service.close();
    service = await start();
    assert.is((await whoAmI(chen.cookie)).status, 401);

    // A disabled user's session ends at their next request, recorded; a restart keeps it ended.
    assert.is((await whoAmI(wu.cookie)).status, 200);
    await user('DisableUser', 'cashier-wu');
    assert.is((await whoAmI(wu.cookie)).status, 401);
    const ended: string[] = [];
    for await (const e of service.store.readAll())
      if (e.type === 'SessionEnded') ended.push(`${(e.data as { userId: string }).userId}: ${(e.data as { reason: string }).reason}`);
    assert.equal(ended, ['cashier-chen: signed out', 'cashier-wu: user disabled']);

    // Expiry: a session opened now lives one hour, across a restart, and not a millisecond more.
    await user('AddUser', 'cashier-li');
    const li = await signIn('cashier-li');
    clock += 3600_000 - 1;
    await service.close();
    service = await start();
    assert.is((await whoAmI(li.cookie)).status, 200);
    clock += 1;
    assert.is((await whoAmI(li.cookie)).status, 401);
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
