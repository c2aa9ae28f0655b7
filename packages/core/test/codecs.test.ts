// Commands decode strictly with one readable problem per bad field (path: message); events
// decode loosely and survive the trip through JSON that every store makes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, decodeEvent, encodeCommand, encodeEvent, RENEWAL_COMMAND_TYPES, type InvalidInput } from '@renewal-ledger/core';
import { agree, bill, billJson, dispute, history, pay, paymentJson as buildPayment, refusalOf } from './builders.js';
import { play, scenarioArb } from './scenarios.js';

const problems = (input: unknown): InvalidInput => refusalOf(input);
const paymentJson = (over: Record<string, unknown> = {}) =>
  buildPayment('p1', 10000, { commandId: 'c-1', actor: 'cashier-1', at: '2026-01-10T09:00:00Z', ...over }) as Record<string, unknown>;

const commands = suite('decodeCommand');

commands('a well-formed command decodes to itself and encodes back to the same JSON', () => {
  for (const json of [billJson(), paymentJson({ reference: 'TX-1', offline: true, currency: 'CNY' })]) {
    const c = decodeCommand(json);
    assert.ok(E.isRight(c));
    if (E.isRight(c)) {
      assert.equal(c.right, json);
      assert.equal(encodeCommand(c.right), json);
    }
  }
});

commands('a bad amount deep in a bill is reported with its path', () => {
  const lines = [...(billJson().lines as object[]), { code: 'water', description: 'Shared water', amountMinor: -5 }];
  const e = problems(billJson({ lines }));
  assert.is(e.subject, 'Bill command');
  assert.equal(e.problems, [{ path: 'lines/2/amountMinor', message: 'expected a positive safe integer, got -5' }]);
  assert.is(e.message, 'invalid Bill command: lines/2/amountMinor: expected a positive safe integer, got -5');
});

commands('every problem at once, each with its path', () => {
  const e = problems(
    billJson({
      period: { start: '2026-01-01', end: '2026-02-30' },
      currency: 'cny',
      lines: [{ code: 'a', description: '', amountMinor: 1.5, basis: { kind: 'per-area', quantity: '98.5000001', rateMinor: 320 } }],
    }),
  );
  assert.equal(e.problems, [
    { path: 'period/end', message: 'expected a calendar date YYYY-MM-DD, got "2026-02-30"' },
    { path: 'currency', message: 'expected an ISO 4217 currency code such as "CNY", got "cny"' },
    { path: 'lines/0/description', message: 'expected a non-empty text of at most 2000 characters, got ""' },
    { path: 'lines/0/amountMinor', message: 'expected a positive safe integer, got 1.5' },
    { path: 'lines/0/basis/quantity', message: 'expected a decimal quantity string such as "98.50", got "98.5000001"' },
  ]);
});

commands('an unknown key is a typo, reported with the known ones, at any depth', () => {
  const top = problems(paymentJson({ referenc: 'TX-1' }));
  assert.equal(top.problems, [
    {
      path: 'referenc',
      message:
        'is not a known field (known: type, commandId, cycleId, actor, at, paymentId, amountMinor, channel, reference, offline, currency, lumpSumId, creditApplicationId, lateFeeMinor)',
    },
  ]);
  const inLine = problems(billJson({ lines: [{ code: 'a', description: 'A', amountMinor: 100, amount: 100 }] }));
  assert.equal(
    inLine.problems.map((p) => p.path),
    ['lines/0/amount'],
  );
  const inPeriod = problems(billJson({ period: { start: '2026-01-01', end: '2026-02-01', ends: '2026-02-01' } }));
  assert.equal(inPeriod.problems, [{ path: 'period/ends', message: 'is not a known field (known: start, end)' }]);
  const inBasis = problems(billJson({ lines: [{ code: 'a', description: 'A', amountMinor: 100, basis: { kind: 'fixed', rate: 100 } }] }));
  assert.equal(
    inBasis.problems.map((p) => p.path),
    ['lines/0/basis/rate'],
  );
});

commands('missing fields say what was expected', () => {
  const { paymentId: _p, amountMinor: _a, ...rest } = paymentJson();
  assert.equal(problems(rest).problems, [
    { path: 'paymentId', message: 'is required: expected an id (1-200 characters, no control characters)' },
    { path: 'amountMinor', message: 'is required: expected a positive safe integer' },
  ]);
  const { lines: _l, period: _d, ...noLines } = billJson();
  assert.equal(problems(noLines).problems, [
    { path: 'period', message: 'is required: expected Period' },
    { path: 'lines', message: 'is required: expected an array' },
  ]);
  assert.equal(problems(billJson({ lines: 5 })).problems, [{ path: 'lines', message: 'expected an array, got 5' }]);
});

commands('an unknown or missing command type lists the known ones', () => {
  const known = RENEWAL_COMMAND_TYPES.join(', ');
  const unknown = problems({ ...paymentJson(), type: 'Pay' });
  assert.is(unknown.subject, 'renewal command');
  assert.equal(unknown.problems, [{ path: 'type', message: `expected one of ${known}, got "Pay"` }]);
  const { type: _t, ...untyped } = paymentJson();
  assert.equal(problems(untyped).problems, [{ path: 'type', message: `is required: expected one of ${known}` }]);
  assert.equal(problems(null).problems, [{ path: '', message: 'expected RenewalCommand, got null' }]);
  assert.equal(problems('RecordPayment').problems, [{ path: '', message: 'expected RenewalCommand, got "RecordPayment"' }]);
});

commands('values out of their lists and malformed ids, dates and instants', () => {
  const e = problems(paymentJson({ channel: 'bitcoin', paymentId: ' p1', at: '2026-01-10T09:00:00', offline: 'yes' }));
  assert.equal(e.problems, [
    {
      path: 'at',
      message: '"2026-01-10T09:00:00" has no time zone: add Z for UTC or the offset it was taken in, e.g. "2026-01-10T09:00:00+08:00"',
    },
    { path: 'paymentId', message: 'expected an id (1-200 characters, no control characters), got " p1"' },
    { path: 'channel', message: 'expected one of cash, card, bank-transfer, alipay, wechat-pay, auto-debit, other, got "bitcoin"' },
    { path: 'offline', message: 'expected boolean, got "yes"' },
  ]);
});

commands('an instant with an offset is stored in UTC; the same instant with Z decodes alike', () => {
  // 07:30 in Beijing (+08:00) on 29 May is 23:30 UTC on 28 May; 01:00 at -05:30 is 06:30 UTC.
  const shanghai = decodeCommand(paymentJson({ at: '2026-05-29T07:30:00+08:00' }));
  assert.equal(shanghai, decodeCommand(paymentJson({ at: '2026-05-28T23:30:00Z' })));
  assert.is(E.isRight(shanghai) && shanghai.right.at, '2026-05-28T23:30:00Z');
  const west = decodeCommand(paymentJson({ at: '2026-05-29T01:00:00.250-05:30' }));
  assert.is(E.isRight(west) && west.right.at, '2026-05-29T06:30:00.250Z');
  // Still refused: a date alone, an offset past ±14:00, an impossible local date.
  for (const at of ['2026-05-29', '2026-05-29T07:30:00+15:00', '2026-02-30T07:30:00+08:00', '2026-05-29T07:30+08:00'])
    assert.ok(E.isLeft(decodeCommand(paymentJson({ at }))), at);
});

commands('currencies are ISO 4217: XYZ is refused with its own message', () => {
  const e = problems(paymentJson({ currency: 'XYZ' }));
  assert.equal(e.problems, [{ path: 'currency', message: '"XYZ" is not an ISO 4217 currency code (such as CNY, JPY or KWD)' }]);
  for (const ok of ['CNY', 'JPY', 'KWD', 'EUR']) assert.ok(E.isRight(decodeCommand(paymentJson({ currency: ok }))), ok);
});

commands.run();

// ---------------------------------------------------------------------------------------------
const events = suite('events');

const viaJson = (e: unknown) => decodeEvent(JSON.parse(JSON.stringify(encodeEvent(e as never))));

events('events of a realistic cycle survive encode -> JSON -> decode unchanged', () => {
  const all = history(
    bill(),
    pay('p1', 10000, { reference: 'TX-1', offline: true }),
    dispute('d1', 500, { lineCode: 'service' }),
    agree('plan-1', [
      ['2026-02-01', 17000],
      ['2026-03-01', 17000],
    ]),
  );
  for (const e of all) assert.equal(viaJson(e), E.right(e));
});

events('property: every event decide produces survives encode -> JSON -> decode unchanged', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      for (const e of play(scenario).events) assert.equal(viaJson(e), E.right(e));
    }),
    { numRuns: 200 },
  );
});

events('events decode loosely: a field added by a newer writer is no error and changes nothing known', () => {
  const [paid] = history(bill(), pay('p1', 10000)).slice(1);
  const json = JSON.parse(JSON.stringify(encodeEvent(paid!)));
  const newer = { ...json, data: { ...json.data, terminalId: 'POS-7', receiptLanguage: 'zh' }, writtenBy: 'v9' };
  const r = decodeEvent(newer);
  assert.ok(E.isRight(r), JSON.stringify(r));
  if (E.isLeft(r)) return;
  // Whether the unknown fields are kept or dropped is the decoder's choice; what is known is intact.
  const { terminalId: _t, receiptLanguage: _l, ...known } = r.right.data as unknown as Record<string, unknown>;
  assert.is(r.right.type, 'Paid');
  assert.equal(known, paid!.data);
});

events('a bad stored event is reported with its path', () => {
  const [paid] = history(bill(), pay('p1', 10000)).slice(1);
  const json = JSON.parse(JSON.stringify(encodeEvent(paid!)));
  const r = decodeEvent({ ...json, data: { ...json.data, amountMinor: '10000' } });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.equal(r.left.problems, [{ path: 'data/amountMinor', message: 'expected a positive safe integer, got "10000"' }]);
  const unknown = decodeEvent({ type: 'Teleported', data: {} });
  assert.ok(E.isLeft(unknown));
  if (E.isLeft(unknown)) assert.is(unknown.left.problems[0]?.path, 'type');
});

events.run();
