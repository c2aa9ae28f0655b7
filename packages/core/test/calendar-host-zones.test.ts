// The calendar under other host zones. A memoised result computed once in this process would
// hide a host-zone dependence, so each zone gets a fresh Node process (TZ is read at start-up)
// that computes the same figures; they must equal the figures worked by hand below.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const core = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const SCRIPT = `
import * as c from ${JSON.stringify(core)};
const zones = c.ledgerZones([{ timeZone: 'Asia/Shanghai', from: null }, { timeZone: 'Europe/Berlin', from: '2026-07-01' }]);
const terms = { startDate: '2026-01-31', billingDay: 31, cadence: 'monthly' };
console.log(JSON.stringify({
  addDays: c.addDaysTo(1)('2011-12-29'),
  days: c.daysBetween('2011-12-29', '2011-12-31'),
  march: c.daysBetween('2026-03-01', '2026-04-01'),
  valid: [c.isBusinessDate('2011-12-30'), c.isBusinessDate('2018-11-04'), c.isBusinessDate('2026-02-29')],
  february: c.daysInMonth(2024, 2),
  schedule: c.scheduledPeriodsUntil(terms, '2026-05-01').map((p) => p.period.start),
  shanghai: c.businessDayOf(zones, '2026-05-28T23:30:00Z'),
  berlin: c.businessDayOf(zones, '2026-10-24T22:30:00Z'),
  endOfDay: c.endOfBusinessDay(zones, '2026-03-29'),
  startOfDay: c.startOfBusinessDay(zones, '2026-10-25'),
  offset: c.normaliseInstant('2026-05-29T07:30:00+08:00'),
}));
`;

// Worked by hand: Samoa skipped 2011-12-30 locally, but a business date has no zone; 31 days in
// March across both DST changes; billing day 31 falls on 28 Feb, 31 Mar, 30 Apr; the zone history
// is Shanghai (+8) until 30 June and Berlin from 1 July (CEST +2 until 25 Oct, then CET +1).
const EXPECTED = {
  addDays: '2011-12-30',
  days: 2,
  march: 31,
  valid: [true, true, false],
  february: 29,
  schedule: ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'],
  shanghai: '2026-05-29', // 07:30 in Shanghai
  berlin: '2026-10-25', // 00:30 CEST on the night the clocks go back
  endOfDay: '2026-03-29T15:59:59.999Z', // still Shanghai in March: 23:59:59.999 +08:00
  startOfDay: '2026-10-24T22:00:00Z', // 00:00 CEST
  offset: '2026-05-28T23:30:00Z',
};

const host = suite('calendar under other host zones');

for (const tz of ['UTC', 'Pacific/Apia', 'America/New_York', 'Asia/Shanghai']) {
  host(`TZ=${tz}`, () => {
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    assert.is(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), EXPECTED);
  });
}

host.run();
