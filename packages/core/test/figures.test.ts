// cycleFigures on worked examples: every figure below is worked out by hand from the commands.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cycleFigures } from '@renewal-ledger/core';
import { adjust, bill, dispute, history, pay, refund, resolve, stateOf, writeOff } from './builders.js';

test('an empty cycle has every figure at zero', () => {
  assert.equal(cycleFigures(stateOf([])), {
    totalMinor: 0,
    dueMinor: 0,
    paidMinor: 0,
    refundedMinor: 0,
    reversedMinor: 0,
    netPaidMinor: 0,
    outstandingMinor: 0,
    openDisputedMinor: 0,
    collectibleMinor: 0,
    adjustedMinor: 0,
    disputeAdjustedMinor: 0,
    writtenOffMinor: 0,
    lateFeeChargedMinor: 0,
    lateFeeWaivedMinor: 0,
    lateFeePaidMinor: 0,
    lateFeeOutstandingMinor: 0,
  });
});

test('a cycle with every kind of fact', () => {
  const events = history(
    bill(), //                                          total 31520 + 15000 - 2520 = 44000
    pay('p1', 10000),
    pay('p2', 5000), //                                 paid 15000
    refund('r1', 'p1', 2000), //                        refunded 2000 -> net paid 13000
    adjust('a1', 1000), //                              adjusted 1000
    dispute('d1', 3000), //                             open 3000
    dispute('d2', 2000),
    resolve('d2', 'partially-upheld', 500), //          dispute adjusted 500, d2 closed
    writeOff('w1', 1500), //                            written off 1500
  );
  // due = 44000 - 1000 - 500 - 1500 = 41000; outstanding = 41000 - 13000 = 28000;
  // collectible = 28000 - 3000 open = 25000.
  assert.equal(cycleFigures(stateOf(events)), {
    totalMinor: 44000,
    dueMinor: 41000,
    paidMinor: 15000,
    refundedMinor: 2000,
    reversedMinor: 0,
    netPaidMinor: 13000,
    outstandingMinor: 28000,
    openDisputedMinor: 3000,
    collectibleMinor: 25000,
    adjustedMinor: 1000,
    disputeAdjustedMinor: 500,
    writtenOffMinor: 1500,
    lateFeeChargedMinor: 0,
    lateFeeWaivedMinor: 0,
    lateFeePaidMinor: 0,
    lateFeeOutstandingMinor: 0,
  });
});

test('a customer in credit: paid in full, then adjusted, outstanding is negative and nothing is collectible', () => {
  const f = cycleFigures(stateOf(history(bill(), pay('p1', 44000), adjust('a1', 500))));
  assert.is(f.dueMinor, 43500);
  assert.is(f.outstandingMinor, -500);
  assert.is(f.collectibleMinor, 0);
});

test('disputes larger than what is left: collectible is 0, not negative', () => {
  const f = cycleFigures(stateOf(history(bill(), pay('p1', 40000), dispute('d1', 10000))));
  // outstanding 4000 - open 10000 = -6000 -> 0
  assert.is(f.outstandingMinor, 4000);
  assert.is(f.openDisputedMinor, 10000);
  assert.is(f.collectibleMinor, 0);
});

test('a rejected dispute stops counting as open and changes nothing due', () => {
  const open = cycleFigures(stateOf(history(bill(), dispute('d1', 8000))));
  const closed = cycleFigures(stateOf(history(bill(), dispute('d1', 8000), resolve('d1', 'rejected', 0))));
  assert.equal([open.openDisputedMinor, open.collectibleMinor, open.dueMinor], [8000, 36000, 44000]);
  assert.equal([closed.openDisputedMinor, closed.collectibleMinor, closed.dueMinor], [0, 44000, 44000]);
});

test('an upheld dispute moves its amount from open to dispute-adjusted', () => {
  const f = cycleFigures(stateOf(history(bill(), dispute('d1', 8000), resolve('d1', 'upheld', 8000))));
  assert.equal(
    [f.openDisputedMinor, f.disputeAdjustedMinor, f.dueMinor, f.outstandingMinor, f.collectibleMinor],
    [0, 8000, 36000, 36000, 36000],
  );
});

test.run();
