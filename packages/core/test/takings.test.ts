// The takings report (core's channelTakings) on hand-worked cycles, and its one law: the takings
// over some days are the sum of each day's. Days are business days in the ledger's zone
// (Asia/Shanghai, UTC+8 all year, here), never UTC slices of the instants.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  businessDayOf,
  channelTakings,
  evolveCycle,
  fixedZone,
  noTakings,
  takingOfCycleEvent,
  type BusinessDate,
  type ChannelTakings,
  type CycleState,
  type Instant,
  type RenewalEvent,
  type Taking,
} from '@renewal-ledger/core';
import { history, pay, refund, reverse, simpleBill, stateOf } from './builders.js';

const SHANGHAI = fixedZone('Asia/Shanghai');

/** The takings of a cycle's events, each judged against the state before it, as the views fold them. */
const takingsOf = (events: readonly RenewalEvent[]): Taking[] => {
  const out: Taking[] = [];
  let state: CycleState = stateOf([]);
  for (const e of events) {
    const t = takingOfCycleEvent(e, state);
    if (t) out.push(t);
    state = evolveCycle(state, e);
  }
  return out;
};

const line = (channel: string, o: Partial<ChannelTakings> = {}): ChannelTakings => ({ ...noTakings(channel, 'CNY'), ...o });

// One cycle of 50000, paid by four channels around the local midnight of 10-11 January:
// - p1 cash 10000 at 10:00 local on the 10th (02:00 UTC);
// - p2 WeChat Pay 8000 at 07:00 local on the 10th (23:00 UTC on the 9th: a UTC slice says the 9th);
// - p3 Alipay 15000 at 00:30 local on the 11th (16:30 UTC on the 10th), reversed (charged back)
//   in full at 01:00 local on the 11th;
// - p4 cash 5000 taken at 23:59 local on the 10th and entered offline two days later (the event
//   is recorded on the 12th; its `at` is when the money was taken);
// - r1 refunds 2000 of p1 at 09:00 local on the 12th.
const events = history(
  simpleBill(50000),
  pay('p1', 10000, { at: '2026-01-10T02:00:00Z' }),
  pay('p2', 8000, { at: '2026-01-09T23:00:00Z', channel: 'wechat-pay' }),
  pay('p3', 15000, { at: '2026-01-10T16:30:00Z', channel: 'alipay' }),
  reverse('v1', 'p3', 15000, { at: '2026-01-10T17:00:00Z' }),
  pay('p4', 5000, { at: '2026-01-10T15:59:00Z', offline: true }),
  refund('r1', 'p1', 2000, { at: '2026-01-12T01:00:00Z' }),
);
const takings = takingsOf(events);
const report = (from: string, to: string) =>
  channelTakings(SHANGHAI, { from: from as BusinessDate, to: to as BusinessDate }, takings).channels;

test('each day by its local date: cash and WeChat Pay on the 10th, the Alipay payment and its chargeback on the 11th, the refund on the 12th', () => {
  // A UTC slice would put the WeChat Pay payment on the 9th: the local day is the 10th.
  assert.equal(report('2026-01-09', '2026-01-09'), []);
  // 10th: cash p1 10000 + p4 5000 (taken that evening, entered on the 12th) = 2 payments, 15000;
  // WeChat Pay p2 8000.
  assert.equal(report('2026-01-10', '2026-01-10'), [
    line('cash', { payments: 2, takenMinor: 15000n, netMinor: 15000n }),
    line('wechat-pay', { payments: 1, takenMinor: 8000n, netMinor: 8000n }),
  ]);
  // 11th: Alipay 15000 taken and 15000 reversed: net 0, and nothing else.
  assert.equal(report('2026-01-11', '2026-01-11'), [
    line('alipay', { payments: 1, takenMinor: 15000n, reversals: 1, reversedMinor: 15000n, netMinor: 0n }),
  ]);
  // 12th: the refund of 2000 from p1, on p1's channel.
  assert.equal(report('2026-01-12', '2026-01-12'), [line('cash', { refunds: 1, refundedMinor: 2000n, netMinor: -2000n })]);
});

test('over the three days: cash 15000 - 2000 = 13000, Alipay 0, WeChat Pay 8000', () => {
  assert.equal(report('2026-01-10', '2026-01-12'), [
    line('alipay', { payments: 1, takenMinor: 15000n, reversals: 1, reversedMinor: 15000n, netMinor: 0n }),
    line('cash', { payments: 2, takenMinor: 15000n, refunds: 1, refundedMinor: 2000n, netMinor: 13000n }),
    line('wechat-pay', { payments: 1, takenMinor: 8000n, netMinor: 8000n }),
  ]);
});

test('a payment made from credit, and its refund, are no takings: the credit was counted when received', () => {
  const fromCredit = history(simpleBill(50000), pay('c1', 7000, { creditApplicationId: 'apply-1' }), refund('rc', 'c1', 1000));
  assert.equal(takingsOf(fromCredit), []);
});

// Takings on 2026-01-08..16 in UTC (the 16 is 08:00 in Shanghai on the 17th), every kind and a
// few channels and currencies.
const takingArb: fc.Arbitrary<Taking> = fc.record({
  kind: fc.constantFrom('taken', 'refunded', 'reversed'),
  channel: fc.constantFrom('cash', 'alipay', 'wechat-pay'),
  currency: fc.constantFrom('CNY', 'USD'),
  at: fc
    .integer({ min: Date.parse('2026-01-08T00:00:00Z'), max: Date.parse('2026-01-16T23:59:59Z') })
    .map((ms) => new Date(ms).toISOString() as Instant),
  amountMinor: fc.integer({ min: 1, max: 2 ** 40 }),
});

const DAYS = ['2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14'] as BusinessDate[];

test('property: the takings over a range of days are the sum of each day’s takings', () => {
  fc.assert(
    fc.property(
      fc.array(takingArb, { maxLength: 60 }),
      fc.constantFrom('Asia/Shanghai', 'America/New_York', 'UTC'),
      fc.integer({ min: 0, max: DAYS.length - 1 }),
      fc.integer({ min: 0, max: DAYS.length - 1 }),
      (takings, zone, i, j) => {
        const zones = fixedZone(zone);
        const [from, to] = [DAYS[Math.min(i, j)]!, DAYS[Math.max(i, j)]!];
        const whole = channelTakings(zones, { from, to }, takings).channels;
        // Each day's lines, added up field by field by hand (not through the tally under test).
        const summed = new Map<string, ChannelTakings>();
        for (const day of DAYS.filter((d) => d >= from && d <= to))
          for (const c of channelTakings(zones, { from: day, to: day }, takings).channels) {
            const key = `${c.channel} ${c.currency}`;
            const s = summed.get(key) ?? noTakings(c.channel, c.currency);
            summed.set(key, {
              ...s,
              payments: s.payments + c.payments,
              takenMinor: s.takenMinor + c.takenMinor,
              refunds: s.refunds + c.refunds,
              refundedMinor: s.refundedMinor + c.refundedMinor,
              reversals: s.reversals + c.reversals,
              reversedMinor: s.reversedMinor + c.reversedMinor,
              netMinor: s.netMinor + c.netMinor,
            });
          }
        const byLine = (a: ChannelTakings, b: ChannelTakings) => (a.channel + a.currency < b.channel + b.currency ? -1 : 1);
        assert.equal(whole, [...summed.values()].sort(byLine));
        // Every taking dated in the range is counted once: the counts add up to them.
        const inRange = takings.filter((t) => {
          const d = businessDayOf(zones, t.at);
          return d >= from && d <= to;
        });
        assert.is(
          whole.reduce((n, c) => n + c.payments + c.refunds + c.reversals, 0),
          inRange.length,
        );
        for (const c of whole) assert.is(c.netMinor, c.takenMinor - c.refundedMinor - c.reversedMinor);
      },
    ),
  );
});

test.run();
