// Which bills are due as of a date, over several contracts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { billsDue, canonicalJson, initialContractState, type BusinessDate } from '@renewal-ledger/core';
import { contractOf, endContract, open } from '@renewal-ledger/testing/contracts';

const flat = contractOf(open({ startDate: '2026-01-17' }));
const parking = contractOf(
  open({
    contractId: 'park-07',
    subject: { kind: 'parking', spaces: 1 },
    cadence: 'quarterly',
    feePlan: { items: [{ code: 'pass', description: 'Parking pass', basis: { kind: 'per-unit', rateMinor: 45000 } }] },
  }),
);
const leaving = contractOf(
  open({ contractId: 'unit-0302', startDate: '2025-11-01' }),
  endContract('2026-02-01', { contractId: 'unit-0302' }),
);
const asOf = '2026-03-01' as BusinessDate;

test('every period starting on or before the date, per contract in period order', () => {
  const due = billsDue([flat, parking, leaving, initialContractState()], null, asOf);
  assert.equal(
    due.bills.map((b) => [b.cycleId, b.period.end, b.lines.reduce((s, l) => s + l.amountMinor, 0)]),
    [
      ['unit-0301/2026-01-17', '2026-02-01', 15252],
      ['unit-0301/2026-02-01', '2026-03-01', 31520],
      ['unit-0301/2026-03-01', '2026-04-01', 31520],
      ['park-07/2026-01-01', '2026-04-01', 45000],
      // Ended on 1 February: November, December, January only.
      ['unit-0302/2025-11-01', '2025-12-01', 31520],
      ['unit-0302/2025-12-01', '2026-01-01', 31520],
      ['unit-0302/2026-01-01', '2026-02-01', 31520],
    ],
  );
  assert.equal(due.refused, []);
});

test('periods known to be billed are left out; asking again proposes the very same commands', () => {
  const billed = new Set(['unit-0301/2026-01-17', 'unit-0301/2026-02-01', 'park-07/2026-01-01']);
  const due = billsDue([flat, parking], billed, asOf);
  assert.equal(
    due.bills.map((b) => b.cycleId),
    ['unit-0301/2026-03-01'],
  );
  assert.is(canonicalJson(billsDue([flat, parking], null, asOf)), canonicalJson(billsDue([flat, parking], null, asOf)));
  assert.equal(billsDue([flat], null, '2026-01-16' as BusinessDate).bills, []);
});

test('a period that has nothing to bill is reported, not proposed', () => {
  const tiny = contractOf(
    open({
      contractId: 'tiny',
      startDate: '2026-02-27',
      feePlan: { items: [{ code: 'fee', description: 'Tiny fee', basis: { kind: 'fixed', rateMinor: 5 } }] },
    }),
  );
  // 2 of 28 days of 0.05 is 0.0036: nothing.
  const due = billsDue([tiny], null, asOf);
  assert.equal(
    due.bills.map((b) => b.cycleId),
    ['tiny/2026-03-01'],
  );
  assert.equal(
    due.refused.map((r) => [r.contractId, r.period.start, r.error.code]),
    [['tiny', '2026-02-27', 'NOTHING_TO_BILL']],
  );
});

test.run();
