// Periods by cadence and billing day, worked out on a calendar.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  nextScheduledPeriod,
  prorationOf,
  scheduledPeriodOn,
  scheduledPeriodsFrom,
  scheduledPeriodStarting,
  scheduledPeriodsUntil,
  type BusinessDate,
  type ScheduleTerms,
} from '@renewal-ledger/core';

const terms = (over: Partial<Record<keyof ScheduleTerms, unknown>> = {}): ScheduleTerms =>
  ({ startDate: '2026-01-17', billingDay: 1, cadence: 'monthly', ...over }) as ScheduleTerms;
const d = (s: string) => s as BusinessDate;
const rows = (t: ScheduleTerms, until: string) =>
  scheduledPeriodsUntil(t, d(until)).map((p) => [
    p.period.start,
    p.period.end,
    p.full.start === p.period.start && p.full.end === p.period.end ? 'whole' : `of ${p.full.start}..${p.full.end}`,
  ]);

const test = suite('schedule');

test('monthly on the 1st, joining on the 17th: a first part-month, then whole months', () => {
  assert.equal(rows(terms(), '2026-03-01'), [
    ['2026-01-17', '2026-02-01', 'of 2026-01-01..2026-02-01'],
    ['2026-02-01', '2026-03-01', 'whole'],
    ['2026-03-01', '2026-04-01', 'whole'],
  ]);
  assert.equal(prorationOf(scheduledPeriodsUntil(terms(), d('2026-01-17'))[0]!), { days: 15, ofDays: 31 });
});

test('billing day 31 falls on the last day of shorter months', () => {
  assert.equal(rows(terms({ startDate: '2026-01-31', billingDay: 31 }), '2026-05-31'), [
    ['2026-01-31', '2026-02-28', 'whole'],
    ['2026-02-28', '2026-03-31', 'whole'],
    ['2026-03-31', '2026-04-30', 'whole'],
    ['2026-04-30', '2026-05-31', 'whole'],
    ['2026-05-31', '2026-06-30', 'whole'],
  ]);
  // In a leap year February has its 29th.
  assert.equal(
    rows(terms({ startDate: '2028-01-31', billingDay: 31 }), '2028-02-29').map((r) => r[0]),
    ['2028-01-31', '2028-02-29'],
  );
  // Billing day 30 joined on 2026-02-10: the first period ends on 28 February.
  assert.equal(rows(terms({ startDate: '2026-02-10', billingDay: 30 }), '2026-03-30'), [
    ['2026-02-10', '2026-02-28', 'of 2026-01-30..2026-02-28'],
    ['2026-02-28', '2026-03-30', 'whole'],
    ['2026-03-30', '2026-04-30', 'whole'],
  ]);
});

test('quarterly and yearly periods count from the start month; a billing day later in the month gives a short first stretch', () => {
  assert.equal(rows(terms({ cadence: 'quarterly', billingDay: 20 }), '2026-07-20'), [
    ['2026-01-17', '2026-01-20', 'of 2025-10-20..2026-01-20'],
    ['2026-01-20', '2026-04-20', 'whole'],
    ['2026-04-20', '2026-07-20', 'whole'],
    ['2026-07-20', '2026-10-20', 'whole'],
  ]);
  assert.equal(rows(terms({ startDate: '2026-03-01', cadence: 'yearly' }), '2028-03-01'), [
    ['2026-03-01', '2027-03-01', 'whole'],
    ['2027-03-01', '2028-03-01', 'whole'],
    ['2028-03-01', '2029-03-01', 'whole'],
  ]);
});

test('the end date cuts the last period and nothing is scheduled after it', () => {
  assert.equal(rows(terms({ startDate: '2026-01-01', endDate: '2026-03-10' }), '2026-12-01'), [
    ['2026-01-01', '2026-02-01', 'whole'],
    ['2026-02-01', '2026-03-01', 'whole'],
    ['2026-03-01', '2026-03-10', 'of 2026-03-01..2026-04-01'],
  ]);
  assert.equal(rows(terms({ startDate: '2026-01-01', endDate: '2026-03-01' }), '2026-12-01').length, 2);
});

test('finding periods by date', () => {
  const t = terms();
  assert.is(scheduledPeriodOn(t, d('2026-01-16')), null);
  assert.equal(scheduledPeriodOn(t, d('2026-02-14'))?.period, { start: '2026-02-01', end: '2026-03-01' });
  assert.equal(scheduledPeriodStarting(t, d('2026-01-17'))?.period, { start: '2026-01-17', end: '2026-02-01' });
  assert.is(scheduledPeriodStarting(t, d('2026-01-01')), null);
  assert.is(scheduledPeriodStarting(t, d('2026-02-02')), null);
  assert.equal(nextScheduledPeriod(t, d('2026-02-02'))?.period.start, '2026-03-01');
  assert.equal(nextScheduledPeriod(t, d('2025-12-01'))?.period.start, '2026-01-17');
  assert.is(nextScheduledPeriod(terms({ endDate: '2026-03-01' }), d('2026-02-02')), null);
  const first = scheduledPeriodStarting(t, d('2026-02-01'))!;
  assert.equal(
    scheduledPeriodsFrom(t, first, 3).map((p) => p.period.start),
    ['2026-02-01', '2026-03-01', '2026-04-01'],
  );
  assert.equal(
    scheduledPeriodsFrom(terms({ endDate: '2026-03-15' }), first, 3).map((p) => p.period.start),
    ['2026-02-01', '2026-03-01'],
  );
});

test.run();
