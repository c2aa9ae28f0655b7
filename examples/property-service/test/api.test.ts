// The property service's HTTP API: commands decoded by core's codecs (400 with the io-ts paths),
// decided by the rules (422, or 409 for a conflict with what is recorded, with code and figures),
// and the views read back once they include the client's own write.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeContractCommand, ledgerSettingsDecider, type Instant } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { giveMandate, openJson } from '@renewal-ledger/testing/contracts';
import { bill, payment, pgTest, startOnPostgres, startOnSQLite, type Running } from './support.js';

const test = suite<{ s: Running }>('property service API');
test.before.each(async (ctx) => {
  ctx.s = await startOnSQLite();
});
test.after.each(async (ctx) => ctx.s.stop());

test('a command is applied (201), repeated (200 duplicate), and its figures come back', async ({ s }) => {
  const billed = await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  assert.is(billed.status, 201);
  // Position 1 is the user the test signed in as (renewal-users), 2 their session.
  assert.equal(billed.body.events, [{ type: 'Billed', position: '3', revision: '0' }]);
  assert.is(billed.body.figures.outstandingMinor, 31520);
  const again = await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  assert.is(again.status, 200);
  assert.equal(again.body, { status: 'duplicate', duplicate: { key: 'commandId', id: 'bill-unit-0301/2026-01' } });
  // The type may come from the path.
  const paid = await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-1', 10000, '2026-01-20T10:30:00Z'));
  assert.is(paid.status, 201);
  assert.is(paid.body.figures.outstandingMinor, 21520);
  assert.is(paid.body.position, '4');
});

test('a bad body is a 400 naming each problem by its path; nothing is written', async ({ s }) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  const bad = await s.post('/api/commands/RecordPayment', { ...payment('unit-0301/2026-01', 'pay-1', -5, 'yesterday'), chanel: 'cash' });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.code, 'INVALID_INPUT');
  assert.equal(bad.body.error.problems.map((p: any) => p.path).sort(), ['amountMinor', 'at', 'chanel']);
  assert.equal(bad.body.error.problems.find((p: any) => p.path === 'amountMinor').message, 'expected a positive safe integer, got -5');
  const nested = await s.post('/api/commands', {
    ...bill('unit-0302/2026-01', 'unit-0302', 100),
    lines: [{ code: 'x', description: 'y', amountMinor: 1.5 }],
  });
  assert.is(nested.status, 400);
  assert.is(nested.body.error.problems[0].path, 'lines/0/amountMinor');
  const notJson = await s.post('/api/commands', '{"type": "Bill",');
  assert.is(notJson.status, 400);
  assert.match(notJson.body.error.problems[0].message, /^not valid JSON/);
  const mismatch = await s.post('/api/commands/Refund', {
    ...payment('unit-0301/2026-01', 'pay-1', 100, '2026-01-20T10:30:00Z'),
    type: 'RecordPayment',
  });
  assert.is(mismatch.status, 400);
  assert.is(mismatch.body.error.problems[0].path, 'type');
  assert.is((await s.post('/api/commands/Pay', {})).status, 404);
  assert.is(await s.service.store.headPosition(), 3n, 'only the user, their session and the bill were stored');
});

test('ill-formed text is a 400: a lone surrogate in a JSON escape, bytes that are not UTF-8', async ({ s }) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  // JSON.stringify writes the lone surrogate as the escape \ud800: valid JSON, but no character.
  const lone = await s.post('/api/commands/RecordPayment', {
    ...payment('unit-0301/2026-01', 'pay-1', 100, '2026-01-20T10:30:00Z'),
    reference: 'ref\ud800',
  });
  assert.is(lone.status, 400);
  assert.equal(lone.body.error.problems, [{ path: 'reference', message: 'is not well-formed Unicode (it holds a lone surrogate)' }]);
  const json = JSON.stringify({
    ...payment('unit-0301/2026-01', 'pay-2', 100, '2026-01-20T10:30:00Z'),
    type: 'RecordPayment',
    actor: 'cashier-XX',
  });
  const bytes = Buffer.from(json, 'utf8');
  const at = bytes.indexOf('XX');
  bytes[at] = 0xc3; // the start of a two-byte sequence...
  bytes[at + 1] = 0x28; // ...followed by a byte that cannot continue it
  const res = await fetch(`${s.url}/api/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...s.headers },
    body: bytes,
  });
  assert.is(res.status, 400);
  assert.is(((await res.json()) as any).error.message, 'the request body is not valid UTF-8: send JSON encoded as UTF-8');
  assert.is(await s.service.store.headPosition(), 3n, 'only the user, their session and the bill were stored');
});

test('a rule refusal is a 422 with the code and figures; a conflict with recorded facts a 409', async ({ s }) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  const over = await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-1', 50000, '2026-01-20T10:30:00Z'));
  assert.is(over.status, 422);
  assert.equal(over.body, {
    status: 'rejected',
    error: {
      code: 'OVERPAYMENT',
      message: 'payment of 500.00 exceeds the outstanding 315.20',
      outstandingMinor: 31520,
      attemptedMinor: 50000,
    },
  });
  const unbilled = await s.post('/api/commands/RecordPayment', payment('unit-0999/2026-01', 'pay-2', 100, '2026-01-20T10:30:00Z'));
  assert.is(unbilled.status, 422);
  assert.is(unbilled.body.error.code, 'NOT_BILLED');
  // The same bill under another command id is the same fact; a different bill is a conflict.
  assert.is((await s.post('/api/commands', { ...bill('unit-0301/2026-01', 'unit-0301', 31520), commandId: 'bill-again' })).status, 200);
  const rebill = await s.post('/api/commands', { ...bill('unit-0301/2026-01', 'unit-0301', 40000), commandId: 'bill-other' });
  assert.is(rebill.status, 409);
  assert.is(rebill.body.error.code, 'ALREADY_BILLED');
  assert.is(rebill.body.error.totalMinor, 31520);
  assert.is(await s.service.store.headPosition(), 3n);
});

test('a command id reused for other content is a 409 COMMAND_ID_CONFLICT naming the earlier command; the same content a 200 duplicate', async ({
  s,
}) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  const first = await s.post('/api/commands/RecordPayment', {
    ...payment('unit-0301/2026-01', 'P1', 1000, '2026-01-20T10:30:00Z'),
    commandId: 'K1',
  });
  assert.is(first.status, 201);
  const reused = await s.post('/api/commands/RecordPayment', {
    ...payment('unit-0301/2026-01', 'P2', 2000, '2026-01-20T10:30:00Z'),
    commandId: 'K1',
  });
  assert.is(reused.status, 409);
  assert.equal(
    [reused.body.status, reused.body.error.code, reused.body.error.commandId, reused.body.error.eventTypes, reused.body.error.position],
    ['rejected', 'COMMAND_ID_CONFLICT', 'K1', ['Paid'], first.body.position],
  );
  // On another cycle the store itself holds the id: the same refusal, not an error.
  await s.post('/api/commands', bill('unit-0302/2026-01', 'unit-0302', 50000));
  const elsewhere = await s.post('/api/commands/RecordPayment', {
    ...payment('unit-0302/2026-01', 'P3', 1000, '2026-01-20T10:30:00Z'),
    commandId: 'K1',
  });
  assert.is(elsewhere.status, 409);
  assert.is(elsewhere.body.error.code, 'COMMAND_ID_CONFLICT');
  assert.is(elsewhere.body.error.streamName, 'renewal-cycle-unit-0301/2026-01');
  const retry = await s.post('/api/commands/RecordPayment', {
    ...payment('unit-0301/2026-01', 'P1', 1000, '2026-01-20T10:30:00Z'),
    commandId: 'K1',
  });
  assert.is(retry.status, 200);
  assert.equal(retry.body, { status: 'duplicate', duplicate: { key: 'commandId', id: 'K1' } });
  assert.is(await s.service.store.headPosition(), 5n, 'the user, their session, two bills and P1 only');
});

test("the views, read back once they include the client's own write (?after=)", async ({ s }) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  await s.post('/api/commands', bill('unit-0302/2026-01', 'unit-0302', 50000));
  await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-1', 10000, '2026-01-20T10:30:00Z', 'cash'));
  const last = await s.post('/api/commands/RecordPayment', payment('unit-0302/2026-01', 'pay-2', 20000, '2026-01-20T16:00:00Z', 'alipay'));
  const after = `after=${last.body.position}`;
  // As of 1 February both are 17 days past due: 215.20 + 300.00 in 1-30.
  const arrears = await s.get(`/api/arrears?asOf=2026-02-01&${after}`);
  assert.is(arrears.status, 200);
  // Totals over cycles travel as decimal strings (they may pass 2^53); one cycle's figures as numbers.
  assert.equal(arrears.body.currencies[0].buckets, { current: '0', '1-30': '51520', '31-60': '0', '61-90': '0', '90+': '0' });
  const takings = await s.get(`/api/takings?day=2026-01-20&${after}`);
  assert.equal(
    takings.body.channels.map((c: any) => [c.channel, c.takenMinor]),
    [
      ['alipay', '20000'],
      ['cash', '10000'],
    ],
  );
  const receipts = await s.get(`/api/receipts?${after}`);
  assert.equal(
    receipts.body.map((r: any) => [r.paymentId, r.balanceAfterMinor]),
    [
      ['pay-2', 30000],
      ['pay-1', 21520],
    ],
  );
  const periods = await s.get(`/api/arrears/periods?${after}`);
  assert.equal(
    periods.body.map((p: any) => [p.billingMonth, p.dueMinor, p.collectedMinor]),
    [['2026-01', '81520', '30000']],
  );
  const debtors = await s.get(`/api/arrears/debtors?asOf=2026-02-01&limit=1&${after}`);
  assert.equal(
    debtors.body.map((d: any) => [d.contractId, d.overdueMinor]),
    [['unit-0302', '30000']],
  );
  const trail = await s.get('/api/audit/history?cycleId=unit-0301%2F2026-01&asOf=2026-01-19');
  assert.equal(
    trail.body.history.map((h: any) => h.type),
    ['Billed', 'Paid'],
  );
  assert.is(trail.body.asOf.figures.outstandingMinor, 31520, 'on the 19th nothing had been paid');
  const verify = await s.get(`/api/audit/verify?${after}`);
  // The user the test signed in as, their session, two bills and two payments.
  assert.equal([verify.body.ok, verify.body.entries], [true, 6]);
});

test('verify lists the late entries: a payment dated in a closed month and entered after its closing', async ({ s }) => {
  await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520));
  // The ledger opened in UTC, and January closed now, after the bill was recorded (written here
  // straight to the store; the service records by the real clock).
  const now = new Date().toISOString();
  const settings = getCommandHandler(ledgerSettingsDecider, { store: s.service.store, clock: () => now as Instant });
  const by = { actor: 'manager-zhao', at: now };
  const open = { type: 'OpenLedger', commandId: 'open', ...by, timeZone: 'UTC', currency: 'CNY' };
  assert.is((await settings.handle(open as never)).status, 'applied');
  const close = { type: 'ClosePeriod', commandId: 'close-2026-01', ...by, period: '2026-01', figures: [] };
  const closed = await settings.handle(close as never);
  assert.is(
    closed.status,
    'applied',
    JSON.stringify(closed, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
  );
  // Entered after the closing, dated 20 January: inside the closed month.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const paid = await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-1', 10000, '2026-01-20T10:30:00Z'));
  assert.is(paid.status, 201);
  const verify = await s.get(`/api/audit/verify?after=${paid.body.position}`);
  assert.is(verify.body.ok, true, 'a late entry is not tampering');
  const [late, ...more] = verify.body.lateEntries;
  assert.equal(more, []);
  assert.equal(
    { ...late, recordedAt: undefined },
    {
      period: '2026-01',
      closedAt: now,
      position: paid.body.position,
      streamName: 'renewal-cycle-unit-0301/2026-01',
      type: 'Paid',
      at: '2026-01-20T10:30:00Z',
      day: '2026-01-20',
      recordedAt: undefined,
      // The service records the signed-in user as the actor.
      actor: 'admin',
    },
  );
  assert.ok(Date.parse(late.recordedAt) > Date.parse(now));
});

test('bad queries are 400s, unknown paths 404, wrong methods 405; the page is served', async ({ s }) => {
  const bad = await s.get('/api/arrears?asOf=2026-02-30');
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.problems, [{ path: 'asOf', message: 'expected a calendar date YYYY-MM-DD, got "2026-02-30"' }]);
  assert.is((await s.get('/api/nothing')).status, 404);
  assert.is((await s.get('/api/commands')).status, 405);
  assert.is((await s.get('/api/audit/history?cycleId=nope')).status, 404);
  const page = await s.get('/');
  assert.is(page.status, 200);
  assert.match(page.body, '<h2>Arrears aging');
});

// Contract commands as JSON, as a clerk's system would send them (the shared test helpers).
const openFlat = (contractId: string) => openJson({ contractId, commandId: `open-${contractId}` });
const mandate = (contractId: string, mandateId: string) => {
  const { type: _, ...json } = encodeContractCommand(giveMandate(mandateId, { contractId }));
  return json;
};

test('contract and ledger settings commands go to their own aggregates through the same endpoint', async ({ s }) => {
  const opened = await s.post('/api/commands', openFlat('unit-0301'));
  assert.is(opened.status, 201, JSON.stringify(opened.body));
  assert.equal(
    opened.body.events.map((e: any) => e.type),
    ['ContractOpened'],
  );
  const given = await s.post('/api/commands', { type: 'GiveMandate', ...mandate('unit-0301', 'm-1') });
  assert.is(given.status, 201, JSON.stringify(given.body));
  assert.equal(
    given.body.events.map((e: any) => e.type),
    ['MandateGiven'],
  );
  // The contract's figures: credit, none yet.
  assert.is(given.body.figures.creditBalanceMinor, 0);
  // The type from the path; the same command again is a duplicate.
  assert.equal((await s.post('/api/commands/GiveMandate', mandate('unit-0301', 'm-1'))).body, {
    status: 'duplicate',
    duplicate: { key: 'commandId', id: 'mandate-m-1' },
  });
  // A second mandate while one is active conflicts with what is recorded: 409 with the contract rule's code.
  const second = await s.post('/api/commands/GiveMandate', mandate('unit-0301', 'm-2'));
  assert.is(second.status, 409);
  assert.equal(
    [second.body.status, second.body.error.code, second.body.error.activeMandateId],
    ['rejected', 'MANDATE_ALREADY_ACTIVE', 'm-1'],
  );
  const bad = await s.post('/api/commands/GiveMandate', { ...mandate('unit-0301', 'm-3'), method: 42 });
  assert.is(bad.status, 400);
  assert.equal(
    bad.body.error.problems.map((p: any) => p.path),
    ['method'],
  );
  // The ledger's settings: /api/ledger says the zone from then on.
  const ledger = await s.post('/api/commands', {
    type: 'OpenLedger',
    commandId: 'open-ledger',
    actor: 'admin',
    at: '2026-01-01T00:00:00Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
  });
  assert.is(ledger.status, 201, JSON.stringify(ledger.body));
  assert.is((await s.get('/api/ledger')).body.timeZone, 'Asia/Shanghai');
  // A type no aggregate has: 400 naming every type there is; in the path: 404.
  const unknown = await s.post('/api/commands', { type: 'Nope' });
  assert.is(unknown.status, 400);
  assert.equal(
    unknown.body.error.problems.map((p: any) => p.path),
    ['type'],
  );
  for (const type of ['RecordPayment', 'GiveMandate', 'OpenLedger']) assert.match(unknown.body.error.problems[0].message, type);
  assert.is((await s.post('/api/commands/Nope', {})).status, 404);
});

test('an id that names nothing is a 404 naming it, everywhere; one with nothing to show a 200 with an empty answer', async ({ s }) => {
  for (const [path, field] of [
    ['/api/receipts?cycleId=nope', 'cycleId'],
    ['/api/receipts?contractId=nope', 'contractId'],
    ['/api/arrears/contract?contractId=nope', 'contractId'],
    ['/api/arrears/cycle?cycleId=nope', 'cycleId'],
    ['/api/audit/history?cycleId=nope', 'cycleId'],
  ] as const) {
    const r = await s.get(path);
    assert.is(r.status, 404, path);
    assert.is(r.body.error.code, 'NOT_FOUND', path);
    assert.is(r.body.error[field], 'nope', path);
    assert.match(r.body.error.message, / nope in the store/, path);
  }
  // A cycle billed and not paid; a contract opened and not billed.
  const billed = await s.post('/api/commands', bill('unit-0302/2026-01', 'unit-0302', 50000));
  const opened = await s.post('/api/commands', openFlat('unit-0303'));
  const after = `after=${opened.body.position}`;
  assert.ok(BigInt(opened.body.position) > BigInt(billed.body.position));
  const cycleReceipts = await s.get(`/api/receipts?cycleId=unit-0302%2F2026-01&${after}`);
  assert.equal([cycleReceipts.status, cycleReceipts.body], [200, []]);
  const billedContract = await s.get(`/api/receipts?contractId=unit-0302&${after}`);
  assert.equal([billedContract.status, billedContract.body], [200, []]);
  const openedReceipts = await s.get(`/api/receipts?contractId=unit-0303&${after}`);
  assert.equal([openedReceipts.status, openedReceipts.body], [200, []]);
  const openedArrears = await s.get(`/api/arrears/contract?contractId=unit-0303&asOf=2026-02-01&${after}`);
  assert.is(openedArrears.status, 200);
  assert.equal([openedArrears.body.contractId, openedArrears.body.cycles], ['unit-0303', []]);
});

test.run();

const pg = suite('property service API on PostgreSQL');
pgTest(pg)('the same service by URL on PostgreSQL: commands in, views out', async () => {
  const s = await startOnPostgres();
  try {
    assert.is((await s.post('/api/commands', bill('unit-0301/2026-01', 'unit-0301', 31520))).status, 201);
    const paid = await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-1', 10000, '2026-01-20T10:30:00Z'));
    assert.is(paid.status, 201);
    const over = await s.post('/api/commands/RecordPayment', payment('unit-0301/2026-01', 'pay-2', 50000, '2026-01-21T10:30:00Z'));
    assert.is(over.status, 422);
    const arrears = await s.get(`/api/arrears?asOf=2026-02-01&after=${paid.body.position}`);
    assert.is(arrears.body.currencies[0].buckets['1-30'], '21520');
    const status = await s.get('/api/status');
    assert.is(status.body.store, 'postgres');
    assert.match(status.body.views, /^PostgreSQL schema t_service_.*_views$/);
  } finally {
    await s.stop();
  }
});
pg.run();
