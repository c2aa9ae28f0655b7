// The rules of a reconciliation: one per file (its sha256), differences resolved once each.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  decideReconciliation,
  decodeReconciliationCommand,
  fold,
  reconciliationDecider,
  reconciliationStatus,
  type ReconciliationCommand,
} from '@renewal-ledger/core';

const test = suite('reconciliation rules');
const SHA = 'a'.repeat(64);
const cmd = (json: Record<string, unknown>): ReconciliationCommand => {
  const r = decodeReconciliationCommand(json);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const zeroFigures = {
  statementPaymentsMinor: 31520,
  statementRefundsMinor: 0,
  feesMinor: 189,
  ledgerPaymentsMinor: 0,
  ledgerRefundsMinor: 0,
  matchedMinor: 0,
  missingInLedgerMinor: 31520,
  missingInStatementMinor: 0,
  amountDifferenceMinor: 0,
};
const reconcile = (over: Record<string, unknown> = {}) =>
  cmd({
    type: 'ReconcileStatement',
    commandId: `reconcile:${SHA}`,
    sha256: SHA,
    actor: 'accountant-zhou',
    at: '2026-03-11T02:00:00Z',
    source: 'wechat-pay',
    channel: 'wechat-pay',
    fileName: 'wechat-2026-03-10.csv',
    currency: 'CNY',
    from: '2026-03-10',
    to: '2026-03-10',
    toleranceDays: 1,
    counts: { lines: 1, matched: 0, missingInLedger: 1, missingInStatement: 0, amountDifferences: 0, dateDifferences: 0, linesWithFees: 1 },
    figures: zeroFigures,
    differences: [{ key: 'line-2', kind: 'missing-in-ledger', direction: 'payment', amountMinor: 31520, line: 2, day: '2026-03-10' }],
    ...over,
  });
const resolve = (over: Record<string, unknown> = {}) =>
  cmd({
    type: 'ResolveDifference',
    commandId: 'resolve-1',
    sha256: SHA,
    actor: 'accountant-zhou',
    at: '2026-03-11T03:00:00Z',
    differenceKey: 'line-2',
    resolution: 'recorded-in-ledger',
    note: 'recorded',
    ...over,
  });
const run = (...commands: ReconciliationCommand[]) => {
  let state = reconciliationDecider.initialState();
  const results = commands.map((c) => {
    const r = decideReconciliation(c, state);
    if (E.isRight(r)) state = fold(reconciliationDecider)(r.right.events, state);
    return r;
  });
  return { state, results };
};
const codeOf = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'ok');

test('a file is reconciled once: again is a duplicate by its sha256, whatever the figures now', () => {
  const { state, results } = run(reconcile(), reconcile({ commandId: 'other', figures: { ...zeroFigures, matchedMinor: 31520 } }));
  assert.equal(results[1], E.right({ events: [], duplicate: { key: 'sha256', id: SHA } }));
  assert.equal(reconciliationStatus(state), { differences: 1, resolved: 0, open: 1 });
});

test('INVALID_SHA256, INVALID_PERIOD, NOT_RECONCILED', () => {
  assert.is(codeOf(run(reconcile({ sha256: 'abc', commandId: 'x' })).results[0]!), 'INVALID_SHA256');
  assert.is(codeOf(run(reconcile({ from: '2026-03-11' })).results[0]!), 'INVALID_PERIOD');
  assert.is(codeOf(run(resolve()).results[0]!), 'NOT_RECONCILED');
});

test('a difference is resolved once; the same resolution again is a duplicate, another a refusal; unknown keys refused', () => {
  const { state, results } = run(
    reconcile(),
    resolve(),
    resolve({ commandId: 'resolve-2' }),
    resolve({ commandId: 'resolve-3', resolution: 'timing' }),
    resolve({ commandId: 'resolve-4', differenceKey: 'line-9' }),
  );
  assert.equal(results.map(codeOf), ['ok', 'ok', 'ok', 'DIFFERENCE_ALREADY_RESOLVED', 'UNKNOWN_DIFFERENCE']);
  assert.equal(E.isRight(results[2]!) && results[2].right.duplicate, { key: 'differenceKey', id: 'line-2' });
  // 1 difference, resolved: the day is closed.
  assert.equal(reconciliationStatus(state), { differences: 1, resolved: 1, open: 0 });
});

test.run();
