import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, renewalCycle, fold, cycleFigures, agingAsOf, type BusinessDate } from '@renewal-ledger/core';

const must = <A>(e: E.Either<unknown, A>): A => { if (E.isLeft(e)) throw new Error(JSON.stringify(e.left)); return e.right; };

test('bill, pay part, plan, age', () => {
  const bill = must(decodeCommand({ type: 'Bill', commandId: 'c1', cycleId: 'unit-0301/2026-01', actor: 'clerk', at: '2026-01-01T08:00:00Z',
    contractId: 'unit-0301', period: { start: '2026-01-01', end: '2026-02-01' }, dueDate: '2026-01-15', currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor: 31520, basis: { kind: 'per-area', quantity: '98.50', rateMinor: 320 } }] }));
  let s = renewalCycle.initialState();
  s = fold(renewalCycle)(must(renewalCycle.decide(bill, s)), s);
  const pay = must(decodeCommand({ type: 'RecordPayment', commandId: 'c2', cycleId: 'unit-0301/2026-01', actor: 'cashier', at: '2026-01-10T08:00:00Z', paymentId: 'p1', amountMinor: 10000, channel: 'cash' }));
  s = fold(renewalCycle)(must(renewalCycle.decide(pay, s)), s);
  assert.is(cycleFigures(s).outstandingMinor, 21520);
  assert.is(agingAsOf('2026-02-20' as BusinessDate)(s).bucket, '31-60');
  const bad = decodeCommand({ type: 'Bill', commandId: 'c1', cycleId: 'x', actor: 'a', at: '2026-01-01T08:00:00Z', contractId: 'k', period: { start: '2026-01-01', end: '2026-02-30' }, dueDate: '2026-01-15', currency: 'CNY', lines: [{ code: 'a', description: 'b', amountMinor: 1 }, { code: 'a', description: 'b', amountMinor: 1 }, { code: 'a', description: 'b', amountMinor: -5 }], ammount: 3 });
  assert.ok(E.isLeft(bad));
  if (E.isLeft(bad)) console.log(bad.left.message);
});
test.run();
