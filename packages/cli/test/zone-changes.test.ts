// Through the CLI, what QA found when trying zones as a new user: a zone change effective today
// towards the east must not recount the day before; a late `init` counts what came before in UTC
// and shows it so; times are unambiguous per row; `renewal ledger` shows the zone in force now;
// zone names are canonical; `apply --recorded-at` cannot record before a fact happened nor in the
// future. On SQLite and PostgreSQL (the views count days). Figures worked by hand in the comments.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';
import { onBothStores as onBothStoresOf } from './support/postgres.js';

const zones = suite('zone changes and late openings through the CLI');

/** Runs a scenario in a fresh workspace on SQLite, and on PostgreSQL when there is one. */
const onBothStores = (name: string, scenario: (w: Workspace, store: string) => void) =>
  onBothStoresOf(zones, 'zones', workspace, name, scenario);

const at = (now: string) => ({ env: { RENEWAL_NOW: now } });

// QA's case. A Berlin ledger takes a payment at 20:00 on 19 November (19:00Z); the next morning the
// office moves the ledger to Shanghai "effective today". The change takes effect at the later of
// 20 Nov's start in Berlin (19 Nov 23:00Z) and in Shanghai (19 Nov 16:00Z): 23:00Z. So the payment
// stays in 19 November's takings, where it was reported, in the views, in core and after a rebuild.
const eastwardsToday = (w: Workspace, store: string) => {
  const renewal = (args: string[], now: string) => w.renewal([...args, '--store', store], at(now));
  assert.is(renewal(['init', '--tz', 'Europe/Berlin', '--currency', 'EUR', '--locale', 'de-DE'], '2026-11-01T09:00:00+01:00').status, 0);
  w.writeLines('bill.jsonl', [
    { ...bill('unit-7/2026-11', 'unit-7', 50000, { start: '2026-11-01', end: '2026-12-01' }, '2026-11-15'), currency: 'EUR' },
  ]);
  assert.is(renewal(['apply', 'bill.jsonl'], '2026-11-01T10:00:00+01:00').status, 0);
  w.writeLines('evening.jsonl', [pay('unit-7/2026-11', 'pay-evening', 10000, '2026-11-19T20:00:00+01:00')]);
  assert.is(renewal(['apply', 'evening.jsonl'], '2026-11-19T20:05:00+01:00').status, 0);
  const before = renewal(['receipts', '--day', '2026-11-19', '--format', 'json'], '2026-11-19T21:00:00+01:00').json();
  assert.equal(
    before.documents.map((d: any) => [d.paymentId, d.atDate]),
    [['pay-evening', '2026-11-19']],
  );

  const moved = renewal(
    ['ledger', 'set-zone', 'Asia/Shanghai', '--effective', '2026-11-20', '--reason', 'office moved'],
    '2026-11-20T10:00:00+01:00',
  );
  assert.is(moved.status, 0, moved.stderr);
  // A payment at 08:00 on 20 Nov in Shanghai (00:00Z): after the changeover, in 20 Nov.
  w.writeLines('morning.jsonl', [pay('unit-7/2026-11', 'pay-morning', 5000, '2026-11-20T08:00:00+08:00')]);
  assert.is(renewal(['apply', 'morning.jsonl'], '2026-11-20T18:00:00+08:00').status, 0);

  const now = '2026-11-21T09:00:00+08:00';
  const day19 = renewal(['receipts', '--day', '2026-11-19'], now);
  assert.is(day19.status, 0, day19.stderr);
  // The ledger has had two zones: every time carries its offset.
  assert.match(day19.stdout, /R-2026-000001\s+2026-11-19 20:00 \+01:00\s/);
  assert.not.match(day19.stdout, 'pay-morning');
  assert.match(day19.stdout, 'at (local time, offset)');
  const day20 = renewal(['receipts', '--day', '2026-11-20', '--format', 'json'], now).json();
  assert.equal(
    day20.documents.map((d: any) => [d.paymentId, d.atDate]),
    [['pay-morning', '2026-11-20']],
  );
  assert.match(renewal(['receipts', '--day', '2026-11-20'], now).stdout, /2026-11-20 08:00 \+08:00/);
  // --known-at 19 November ends at the instant before 20 November starts: 22:59:59.999Z.
  const known = renewal(['audit', 'history', 'unit-7/2026-11', '--known-at', '2026-11-19', '--format', 'json'], now).json();
  assert.is(known.point.knownAt, '2026-11-19T22:59:59.999Z');
  // A rebuild reads the same events in the same order: the same days.
  assert.is(renewal(['projections', 'rebuild'], now).status, 0);
  const rebuilt = renewal(['receipts', '--day', '2026-11-19', '--format', 'json'], now).json();
  assert.equal(
    rebuilt.documents.map((d: any) => [d.paymentId, d.atDate, d.number]),
    [['pay-evening', '2026-11-19', 'R-2026-000001']],
  );
  // `renewal ledger`: the zone in force now, and the history of changes.
  const ledger = renewal(['ledger', '--format', 'json'], now).json();
  assert.equal(
    [
      ledger.timeZone,
      ledger.opened.timeZone,
      ledger.today,
      ledger.zoneChanges.map((c: any) => [c.effectiveFrom, c.previousTimeZone, c.timeZone]),
    ],
    ['Asia/Shanghai', 'Europe/Berlin', '2026-11-21', [['2026-11-20', 'Europe/Berlin', 'Asia/Shanghai']]],
  );
  const text = renewal(['ledger'], now).stdout;
  assert.match(text, 'Ledger: time zone Asia/Shanghai now, currency EUR, locale de-DE');
  assert.match(text, /opened in Europe\/Berlin by \S+ at 2026-11-01T08:00:00Z/);
  // The history: from 20 Nov, Shanghai, after Berlin, recorded at 10:00 Berlin time (09:00Z), and why.
  assert.match(text, 'Zone changes');
  assert.match(
    text.slice(text.indexOf('Zone changes')),
    /\n\s*2026-11-20\s+Asia\/Shanghai\s+Europe\/Berlin\s+\S+\s+2026-11-20T09:00:00Z\s+office moved/,
  );
};

onBothStores(
  'Berlin to Shanghai effective today: 19 November keeps its evening payment, in the views, --known-at and a rebuild',
  eastwardsToday,
);

// QA's case: payments recorded while the store had no settings (UTC), then `renewal init` in
// Shanghai. Those were counted in UTC when recorded; the opening is a change from UTC effective at
// the opening, so they keep their UTC day, and the CLI shows their time in UTC, not Shanghai's.
const lateInit = (w: Workspace, store: string) => {
  const renewal = (args: string[], now: string) => w.renewal([...args, '--store', store], at(now));
  w.writeLines('year-end.jsonl', [
    bill('unit-9/2026-12', 'unit-9', 30000, { start: '2026-12-01', end: '2027-01-01' }, '2026-12-15'),
    // 16:30Z on 31 December: 00:30 on 1 January in Shanghai, but the ledger counted in UTC then.
    pay('unit-9/2026-12', 'pay-new-year', 10000, '2026-12-31T16:30:00Z'),
  ]);
  assert.is(renewal(['apply', 'year-end.jsonl'], '2026-12-31T17:00:00Z').status, 0);
  const first = renewal(['receipts', '--day', '2026-12-31', '--format', 'json'], '2026-12-31T17:00:00Z');
  assert.equal(
    first.json().documents.map((d: any) => [d.paymentId, d.atDate, d.number]),
    [['pay-new-year', '2026-12-31', 'R-2026-000001']],
  );
  const init = renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], '2027-01-02T09:00:00+08:00');
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stdout, 'instants before the opening keep their UTC day');
  const now = '2027-01-02T10:00:00+08:00';
  const table = renewal(['receipts', '--day', '2026-12-31'], now).stdout;
  assert.match(table, /R-2026-000001\s+2026-12-31 16:30 \+00:00\s/);
  assert.not.match(table, '2027-01-01 00:30');
  assert.is(renewal(['projections', 'rebuild'], now).status, 0);
  const rebuilt = renewal(['receipts', '--day', '2026-12-31', '--format', 'json'], now).json();
  assert.equal(
    rebuilt.documents.map((d: any) => [d.paymentId, d.atDate, d.number]),
    [['pay-new-year', '2026-12-31', 'R-2026-000001']],
  );
  // After the opening, Shanghai's days: 23:30Z on 2 Jan is 07:30 on 3 Jan.
  w.writeLines('after.jsonl', [pay('unit-9/2026-12', 'pay-after', 5000, '2027-01-02T23:30:00Z')]);
  assert.is(renewal(['apply', 'after.jsonl'], '2027-01-03T09:00:00+08:00').status, 0);
  const after = renewal(['receipts', '--day', '2027-01-03', '--format', 'json'], '2027-01-03T10:00:00+08:00').json();
  assert.equal(
    after.documents.map((d: any) => [d.paymentId, d.atDate]),
    [['pay-after', '2027-01-03']],
  );
};

onBothStores('init on a store that holds events: what came before keeps its UTC day, shown in UTC, and a rebuild agrees', lateInit);

zones('set-zone "effective today" recorded late in the evening, eastwards, is refused naming both days', () => {
  const w = workspace();
  try {
    assert.is(w.renewal(['init', '--tz', 'Europe/Berlin', '--currency', 'EUR'], at('2026-11-01T09:00:00+01:00')).status, 0);
    const r = w.renewal(['ledger', 'set-zone', 'Asia/Shanghai', '--effective', '2026-11-20'], at('2026-11-20T22:00:00+01:00'));
    assert.is(r.status, 1);
    assert.match(r.stderr, 'ZONE_CHANGE_IN_THE_PAST');
    assert.match(r.stderr, '2026-11-20 in Europe/Berlin, 2026-11-21 in Asia/Shanghai');
    assert.is(w.renewal(['ledger', 'set-zone', 'Asia/Shanghai', '--effective', '2026-11-21'], at('2026-11-20T22:00:00+01:00')).status, 0);
  } finally {
    w.cleanup();
  }
});

zones('zone names are stored and compared canonically: asia/tokyo, PRC, US/Eastern', () => {
  const w = workspace();
  try {
    const now = at('2026-06-01T10:00:00+08:00');
    const tokyo = w.renewal(['init', '--tz', 'asia/tokyo', '--currency', 'JPY', '--format', 'json', '--store', 'sqlite:./tokyo.db'], now);
    assert.is(tokyo.status, 0, tokyo.stderr);
    assert.is(tokyo.json().ledger.timeZone, 'Asia/Tokyo');
    // The same ledger, spelt canonically: already opened with these settings.
    const again = w.renewal(['init', '--tz', 'Asia/Tokyo', '--currency', 'JPY', '--store', 'sqlite:./tokyo.db'], now);
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stdout, 'already opened with these settings');
    assert.is(
      w.renewal(['init', '--tz', 'US/Eastern', '--currency', 'USD', '--format', 'json', '--store', 'sqlite:./ny.db'], now).json().ledger
        .timeZone,
      'America/New_York',
    );
    assert.is(w.renewal(['init', '--tz', 'PRC', '--currency', 'CNY', '--format', 'json'], now).json().ledger.timeZone, 'Asia/Shanghai');
    const same = w.renewal(['ledger', 'set-zone', 'asia/shanghai', '--effective', '2026-07-01'], now);
    assert.is(same.status, 1);
    assert.match(same.stderr, 'ZONE_UNCHANGED: the ledger is already in Asia/Shanghai');
  } finally {
    w.cleanup();
  }
});

zones('init again with the same settings says so and exits 0 (also as JSON); other settings are LEDGER_ALREADY_OPENED with a hint', () => {
  const w = workspace();
  try {
    const now = at('2026-06-01T10:00:00+08:00');
    assert.is(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN'], now).status, 0);
    // The same instant too (RENEWAL_NOW): each run has its own command id, so no COMMAND_ID_CONFLICT.
    const again = w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN'], now);
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stdout, 'init: nothing to change: the ledger is already opened with these settings');
    const json = w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN', '--format', 'json'], now);
    assert.is(json.status, 0, json.stderr);
    assert.equal([json.json().status, json.json().duplicate.key, json.json().ledger.timeZone], ['duplicate', 'ledger', 'Asia/Shanghai']);
    // set-zone on a store that does not exist: exit 2, and no store is made to refuse it in.
    const nowhere = w.renewal(['ledger', 'set-zone', 'Europe/Berlin', '--effective', '2026-07-01', '--store', 'sqlite:./nowhere.db'], now);
    assert.is(nowhere.status, 2, nowhere.stderr);
    assert.is(existsSync(join(w.dir, 'nowhere.db')), false);
    const other = w.renewal(['init', '--tz', 'Europe/Berlin', '--currency', 'CNY', '--locale', 'zh-CN'], now);
    assert.is(other.status, 1);
    assert.match(other.stderr, 'LEDGER_ALREADY_OPENED');
    assert.match(other.stderr, 'renewal ledger set-zone');
  } finally {
    w.cleanup();
  }
});

zones('apply --recorded-at: not in the future of the clock (exit 2), and no line recorded before it happened', () => {
  const w = workspace();
  try {
    const now = at('2026-06-01T10:00:00+08:00');
    assert.is(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY'], now).status, 0);
    w.writeLines('day.jsonl', [
      bill('unit-1/2026-05', 'unit-1', 31520, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'),
      pay('unit-1/2026-05', 'pay-1', 10000, '2026-05-20T10:30:00+08:00'),
    ]);
    // 2099 is after the clock: a usage error, nothing read or written.
    const future = w.renewal(['apply', 'day.jsonl', '--recorded-at', '2099-01-01T00:00:00Z'], now);
    assert.is(future.status, 2);
    // Now is the later of RENEWAL_NOW and the machine's clock: 2099 is after both.
    assert.match(future.stderr, /--recorded-at 2099-01-01T00:00:00Z is in the future \(now is 20\d\d-/);
    // 1999: both lines happened in 2026, after it. Refused, naming both instants; no receipt R-1999.
    const past = w.renewal(['apply', 'day.jsonl', '--recorded-at', '1999-01-01T00:00:00Z', '--format', 'json'], now);
    assert.is(past.status, 1);
    // Nothing stored: the store holds the ledger's opening only.
    assert.equal(w.renewal(['arrears', '--as-of', '2026-06-01', '--format', 'json'], now).json().currencies, []);
    const lines = past.json().lines;
    assert.equal(
      lines.map((l: any) => [l.status, l.error.code, l.error.at, l.error.recordedAt]),
      [
        ['rejected', 'RECORDED_BEFORE_IT_HAPPENED', '2026-05-01T01:00:00Z', '1999-01-01T00:00:00Z'],
        ['rejected', 'RECORDED_BEFORE_IT_HAPPENED', '2026-05-20T02:30:00Z', '1999-01-01T00:00:00Z'],
      ],
    );
    // A minute before the payment: the bill (1 May) is fine, the payment (10:30 on 20 May) is not.
    const minute = w.renewal(['apply', 'day.jsonl', '--recorded-at', '2026-05-20T10:29:00+08:00'], now);
    assert.is(minute.status, 1);
    assert.match(
      minute.stdout,
      /RECORDED_BEFORE_IT_HAPPENED: command cmd-pay-1 says it happened at 2026-05-20T02:30:00Z but would be recorded at 2026-05-20T02:29:00Z/,
    );
    assert.is(w.renewal(['apply', 'day.jsonl', '--recorded-at', '2026-05-20T18:00:00+08:00'], now).status, 0);
    const receipts = w.renewal(['receipts', '--day', '2026-05-20', '--format', 'json'], now).json();
    assert.equal(
      receipts.documents.map((d: any) => d.number),
      ['R-2026-000001'],
    );
  } finally {
    w.cleanup();
  }
});

zones.run();
