// Customer types: the classification compares figures with thresholds and says why; properties of
// the rules (a stricter threshold never adds a type; bursts are cycles sharing a settlement day).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  burstCyclesOf,
  classifyCustomer,
  CUSTOMER_APPROACHES,
  DEFAULT_CUSTOMER_TYPE_THRESHOLDS,
  decodeCustomerTypeThresholds,
  type BusinessDate,
  type CustomerFigures,
} from '@renewal-ledger/core';

const test = suite('customer types');
const base: CustomerFigures = {
  contractId: 'c',
  asOf: '2026-01-31' as BusinessDate,
  cycles: 0,
  onTime: 0,
  settledOn: [],
  reminders: 0,
  remindersFollowedByPayment: 0,
  disputes: 0,
  complaints: 0,
};

test('no figures, no type; the approach follows the type', () => {
  const none = classifyCustomer(base, DEFAULT_CUSTOMER_TYPE_THRESHOLDS);
  assert.equal([none.type, none.matches, none.approach], [null, [], null]);
  const loyal = classifyCustomer({ ...base, cycles: 10, onTime: 9 }, DEFAULT_CUSTOMER_TYPE_THRESHOLDS);
  assert.equal([loyal.type, loyal.approach], ['loyal', CUSTOMER_APPROACHES.loyal]);
  // 8 of 9: 88.88%, under 90%.
  assert.is(classifyCustomer({ ...base, cycles: 9, onTime: 8 }, DEFAULT_CUSTOMER_TYPE_THRESHOLDS).type, null);
});

test('bursts: the cycles settled on a day with another', () => {
  assert.is(burstCyclesOf(['2025-09-25', '2025-09-25', '2025-10-01', '2025-12-28', '2025-12-28', '2025-12-28'] as BusinessDate[]), 5);
  assert.is(burstCyclesOf([]), 0);
});

test('thresholds decode strictly and name what is wrong', () => {
  const bad = decodeCustomerTypeThresholds({ ...DEFAULT_CUSTOMER_TYPE_THRESHOLDS, loyalOnTimeBp: 12000 });
  assert.ok(bad._tag === 'Left' && bad.left.problems.some((p) => p.path.includes('loyalOnTimeBp')));
});

test('property: a stricter threshold never adds a type; a looser one never removes one', () => {
  const figures = fc.record({
    cycles: fc.integer({ min: 0, max: 12 }),
    onTimeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    reminders: fc.integer({ min: 0, max: 12 }),
    followedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    disputes: fc.integer({ min: 0, max: 3 }),
    complaints: fc.integer({ min: 0, max: 3 }),
    days: fc.array(fc.integer({ min: 1, max: 28 }), { maxLength: 12 }),
  });
  fc.assert(
    fc.property(figures, fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 10000 }), (g, a, b) => {
      const f: CustomerFigures = {
        ...base,
        cycles: g.cycles,
        onTime: Math.floor(g.cycles * g.onTimeShare),
        settledOn: g.days.map((d) => `2025-12-${String(d).padStart(2, '0')}` as BusinessDate),
        reminders: g.reminders,
        remindersFollowedByPayment: Math.floor(g.reminders * g.followedShare),
        disputes: g.disputes,
        complaints: g.complaints,
      };
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const at = (bp: number) =>
        new Set(
          classifyCustomer(f, {
            ...DEFAULT_CUSTOMER_TYPE_THRESHOLDS,
            loyalOnTimeBp: bp,
            hesitantPaidAfterBp: bp,
            impulsiveBurstBp: bp,
          }).matches.map((m) => m.type),
        );
      const strict = at(hi);
      const loose = at(lo);
      return [...strict].every((t) => loose.has(t));
    }),
  );
});

test.run();
