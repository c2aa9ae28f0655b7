// CreditOverCollection: money a provider collected for a cycle that refused it (paid at the
// counter in between) is kept as the contract's credit, once, and credit applies it like any other.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { contractFigures, decideContract } from '@renewal-ledger/core';
import { contractCommand, contractOf, open } from '@renewal-ledger/testing/contracts';

const test = suite('CreditOverCollection');
const JAN = 'unit-0301/2026-01-01';

const overCollection = (over: Record<string, unknown> = {}) =>
  contractCommand({
    type: 'CreditOverCollection',
    commandId: 'over-collection:a1',
    contractId: 'unit-0301',
    actor: 'auto-debit',
    at: '2026-01-15T02:00:00Z',
    collectionId: `${JAN}/auto-debit/2026-01-15/1`,
    cycleId: JAN,
    amountMinor: 31520,
    channel: 'auto-debit',
    reason: 'collected for a cycle that refused it: OVERPAYMENT',
    reference: 'ALI-2026011522001',
    ...over,
  });

test('the collection becomes the contract credit with an event of its own, in the contract currency', () => {
  const contract = contractOf(open({ startDate: '2025-12-01' }));
  const d = decideContract(overCollection(), contract);
  assert.ok(E.isRight(d));
  const events = E.isRight(d) ? d.right.events : [];
  assert.equal(
    events.map((e) => [e.type, (e.data as { amountMinor?: number }).amountMinor, (e.data as { currency?: string }).currency]),
    [['OverCollectionCredited', 31520, 'CNY']],
  );
  const after = contractOf(open({ startDate: '2025-12-01' }), overCollection());
  // 0 + 315.20 kept: the balance and what was received as credit.
  assert.equal(contractFigures(after), { creditReceivedMinor: 31520, creditAppliedMinor: 0, creditBalanceMinor: 31520, lumpSumsMinor: 0 });
});

test('the same collection again is a duplicate; the same id with another amount an ID_CONFLICT', () => {
  const contract = contractOf(open({ startDate: '2025-12-01' }), overCollection());
  const again = decideContract(overCollection({ commandId: 'over-collection:a1-again' }), contract);
  assert.equal(E.isRight(again) && again.right.duplicate, { key: 'collectionId', id: `${JAN}/auto-debit/2026-01-15/1` });
  const other = decideContract(overCollection({ commandId: 'over-collection:a1-b', amountMinor: 100 }), contract);
  assert.equal(E.isLeft(other) && other.left.code, 'ID_CONFLICT');
  assert.is(contract.creditBalanceMinor, 31520);
});

test('INVALID_AMOUNT', () => {
  const contract = contractOf(open({ startDate: '2025-12-01' }));
  for (const value of [0, -5])
    assert.equal(
      E.isLeft(decideContract({ ...overCollection(), amountMinor: value } as never, contract)) &&
        (decideContract({ ...overCollection(), amountMinor: value } as never, contract) as E.Left<{ code: string }>).left.code,
      'INVALID_AMOUNT',
    );
});

test.run();
