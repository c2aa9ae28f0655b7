// Through the CLI: the ledger's zone (renewal init, ledger, ledger set-zone), today in that zone
// for a default --as-of (the clock given by RENEWAL_NOW, the CLI's documented testing aid),
// apply --recorded-at, amounts in each currency's own decimals, and tables that line up in
// Chinese. Figures worked by hand in the comments.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import stringWidth from 'string-width';
import { bill, openFlat, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';
import { onBothStores as onBothStoresOf, postgresSkip, withPostgresStore } from './support/postgres.js';

// ---------------------------------------------------------------------------------------------
const renew = suite('today in the ledger zone');

/** renew with the clock at 00:30 on 1 July in Shanghai, which is still 30 June in UTC. */
const renewJuly = (w: Workspace, store: string) => {
  const init = w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--store', store]);
  assert.is(init.status, 0, init.stderr);
  w.writeLines('contracts.jsonl', [openFlat('unit-0301', '2026-06-01')]);
  assert.is(w.renewal(['apply', 'contracts.jsonl', '--store', store, '--recorded-at', '2026-06-01T09:00:00+08:00']).status, 0);
  const r = w.renewal(['renew', '--store', store, '--format', 'json'], { env: { RENEWAL_NOW: '2026-07-01T00:30:00+08:00' } });
  assert.is(r.status, 0, r.stderr);
  const out = r.json();
  // Today is 1 July in Shanghai: June's and July's periods are due (315.20 each: 98.50 m2 x 3.20).
  assert.is(out.asOf, '2026-07-01');
  assert.equal(
    out.bills.map((b: any) => [b.cycleId, b.totalMinor]),
    [
      ['unit-0301/2026-06-01', 31520],
      ['unit-0301/2026-07-01', 31520],
    ],
  );
  assert.is(r.stderr, '', 'a ledger with a zone needs no note');
  // The July bill is issued at 00:00 on 1 July Beijing time: 16:00 UTC on 30 June.
  const history = w.renewal(['audit', 'history', 'unit-0301/2026-07-01', '--store', store, '--format', 'json']).json();
  assert.is(history.history[0].at, '2026-06-30T16:00:00Z');
};

renew('SQLite: renew with the clock at 2026-07-01T00:30:00+08:00 and no --as-of bills July', () => {
  const w = workspace();
  try {
    renewJuly(w, 'sqlite:./renewal.db');
  } finally {
    w.cleanup();
  }
});

const pgRenew = () =>
  withPostgresStore('tz', (store) => {
    const w = workspace();
    try {
      renewJuly(w, store);
    } finally {
      w.cleanup();
    }
  });
if (!postgresSkip) renew('PostgreSQL: renew with the clock at 2026-07-01T00:30:00+08:00 and no --as-of bills July', pgRenew);
else {
  console.log('SKIPPED: POSTGRES_URL is not set: the PostgreSQL renew test was not run');
  renew.skip('PostgreSQL: renew with the clock at 2026-07-01T00:30:00+08:00 and no --as-of bills July', pgRenew);
}

renew('a store with no zone counts in UTC and says so once on stderr', () => {
  const w = workspace();
  try {
    w.writeLines('contracts.jsonl', [openFlat('unit-0301', '2026-06-01')]);
    assert.is(w.renewal(['apply', 'contracts.jsonl']).status, 0);
    const r = w.renewal(['renew', '--format', 'json'], { env: { RENEWAL_NOW: '2026-07-01T00:30:00+08:00' } });
    assert.is(r.status, 0, r.stderr);
    // 16:30 UTC on 30 June: only June is due.
    assert.is(r.json().asOf, '2026-06-30');
    assert.equal(
      r.json().bills.map((b: any) => b.cycleId),
      ['unit-0301/2026-06-01'],
    );
    const notes = r.stderr.split('\n').filter((l) => l.includes('no time zone'));
    assert.is(notes.length, 1, r.stderr);
    assert.match(notes[0]!, 'renewal init --tz ZONE --currency CODE');
    // With --as-of given, no day comes from the clock: no note.
    assert.is(w.renewal(['renew', '--as-of', '2026-06-30']).stderr, '');
  } finally {
    w.cleanup();
  }
});

renew('init, ledger and set-zone: the settings, their refusals and the zone history', () => {
  const w = workspace();
  try {
    const now = { env: { RENEWAL_NOW: '2026-06-01T10:00:00+08:00' } };
    assert.is(w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN'], now).status, 0);
    const again = w.renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN'], now);
    assert.is(again.status, 0);
    assert.match(again.stdout, 'nothing to change');
    const other = w.renewal(['init', '--tz', 'Europe/Berlin', '--currency', 'EUR'], now);
    assert.is(other.status, 1);
    assert.match(other.stderr, 'LEDGER_ALREADY_OPENED');
    const badZone = w.renewal(['init', '--tz', 'Asia/Beijing', '--currency', 'CNY', '--store', 'sqlite:./other.db']);
    assert.is(badZone.status, 1);
    assert.match(badZone.stderr, 'UNKNOWN_TIME_ZONE: "Asia/Beijing" is not an IANA time zone');
    const badCurrency = w.renewal(['init', '--tz', 'UTC', '--currency', 'XYZ', '--store', 'sqlite:./other.db']);
    assert.is(badCurrency.status, 2);
    assert.match(badCurrency.stderr, '"XYZ" is not an ISO 4217 currency code');
    // Gold and "no currency" are in ISO's list but have no minor unit (N.A.): nothing to count in.
    for (const code of ['XAU', 'XXX']) {
      const none = w.renewal(['init', '--tz', 'UTC', '--currency', code, '--store', 'sqlite:./other.db']);
      assert.is(none.status, 2);
      assert.match(none.stderr, `"${code}" has no minor unit in ISO 4217`);
    }
    // 1 June is the day it is recorded: 31 May is in the past.
    const past = w.renewal(['ledger', 'set-zone', 'Europe/Berlin', '--effective', '2026-05-31'], now);
    assert.is(past.status, 1);
    assert.match(past.stderr, 'ZONE_CHANGE_IN_THE_PAST');
    const moved = w.renewal(
      ['ledger', 'set-zone', 'Europe/Berlin', '--effective', '2026-07-01', '--reason', 'office moved', '--actor', 'owner-li'],
      now,
    );
    assert.is(moved.status, 0, moved.stderr);
    const shown = w.renewal(['ledger', '--format', 'json'], { env: { RENEWAL_NOW: '2026-07-01T23:30:00+02:00' } }).json();
    assert.equal(
      [
        shown.timeZone,
        shown.currency,
        shown.locale,
        shown.today,
        shown.zoneChanges.map((c: any) => [c.effectiveFrom, c.timeZone, c.previousTimeZone, c.by, c.reason]),
      ],
      // 23:30 in Berlin on 1 July is 05:30 on 2 July in Shanghai, but Berlin counts from 1 July,
      // and it is the zone in force now.
      ['Europe/Berlin', 'CNY', 'zh-CN', '2026-07-01', [['2026-07-01', 'Europe/Berlin', 'Asia/Shanghai', 'owner-li', 'office moved']]],
    );
  } finally {
    w.cleanup();
  }
});

renew.run();

// ---------------------------------------------------------------------------------------------
const money = suite('each currency its own minor units; tables by display width');

const withCurrency = (o: Record<string, unknown>, currency: string) => ({ ...o, currency });

const jpyAndKwd = (w: Workspace, store: string) => {
  const renewal = (args: string[]) => w.renewal([...args, '--store', store]);
  assert.is(renewal(['init', '--tz', 'Asia/Tokyo', '--currency', 'JPY']).status, 0);
  w.writeLines('day.jsonl', [
    // 150,000 yen billed, 50,000 paid: yen have no minor unit.
    withCurrency(bill('tokyo-1/2026-05', 'tokyo-1', 150000, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'), 'JPY'),
    pay('tokyo-1/2026-05', 'pay-jpy', 50000, '2026-05-20T10:00:00+09:00'),
    // 12.345 dinar billed (12,345 fils), 1.500 paid.
    withCurrency(bill('kuwait-1/2026-05', 'kuwait-1', 12345, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'), 'KWD'),
    pay('kuwait-1/2026-05', 'pay-kwd', 1500, '2026-05-20T11:00:00+09:00', 'cash', { currency: 'KWD' }),
    withCurrency(bill('nowhere-1/2026-05', 'nowhere-1', 100, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'), 'XYZ'),
  ]);
  const applied = renewal(['apply', 'day.jsonl', '--format', 'json']);
  assert.is(applied.status, 1);
  const lines = applied.json().lines;
  assert.equal(
    lines.map((l: any) => l.status),
    ['applied', 'applied', 'applied', 'applied', 'malformed'],
  );
  assert.equal(lines[4].problems, [{ path: 'currency', message: '"XYZ" is not an ISO 4217 currency code (such as CNY, JPY or KWD)' }]);

  const table = renewal(['receipts', '--day', '2026-05-20']).stdout;
  assert.match(table, /pay-jpy|R-2026-000001/);
  assert.match(table, /\s50,000\s+JPY\s/);
  assert.match(table, /\s1\.500\s+KWD\s/);
  // receipts, refund notes and reversal notes (a count and an amount each), then the net.
  assert.match(table, /total\s+JPY\s+1\s+50,000\s+0\s+0\s+0\s+0\s+50,000/);
  assert.match(table, /total\s+KWD\s+1\s+1\.500\s+0\s+0\.000\s+0\s+0\.000\s+1\.500/);
  const csv = renewal(['receipts', '--day', '2026-05-20', '--format', 'csv']).stdout.split('\r\n');
  const header = csv[0]!.split(',');
  const rows = csv.slice(1, 3).map((r) => r.split(','));
  const col = (name: string) => rows.map((r) => r[header.indexOf(name)]);
  assert.equal(col('amount_minor'), ['50000', '1500']);
  assert.equal(col('amount'), ['50000', '1.500']);
  assert.equal(col('currency'), ['JPY', 'KWD']);
  const json = renewal(['receipts', '--day', '2026-05-20', '--format', 'json']).json();
  assert.equal(
    json.documents.map((d: any) => [d.amountMinor, d.currency]),
    [
      [50000, 'JPY'],
      [1500, 'KWD'],
    ],
  );
  // Outstanding after the payments: 100,000 yen and 10.845 dinar.
  const tokyo = renewal(['arrears', '--as-of', '2026-05-31', '--contract', 'tokyo-1']).stdout;
  assert.match(tokyo, /tokyo-1\/2026-05\s+2026-05-15\s+150,000\s+50,000\s+100,000/);
  const kuwait = renewal(['arrears', '--as-of', '2026-05-31', '--contract', 'kuwait-1']).stdout;
  assert.match(kuwait, /kuwait-1\/2026-05\s+2026-05-15\s+12\.345\s+1\.500\s+10\.845/);
};

/** Runs a scenario in a fresh workspace on SQLite, and on PostgreSQL when there is one. */
const onBothStores = (name: string, scenario: (w: Workspace, store: string) => void) =>
  onBothStoresOf(money, 'money', workspace, name, scenario);

onBothStores('JPY with 0 decimals and KWD with 3 in tables and CSV; JSON in minor units; XYZ refused', jpyAndKwd);

// QA's case: a CNY ledger (2 decimals) with a JPY and a KWD bill. Every amount prints with ITS
// currency's exponent, never the ledger's: apply's detail, the aging table and its sentences,
// and the CSV amount columns.
const otherCurrenciesInACnyLedger = (w: Workspace, store: string) => {
  const renewal = (args: string[]) => w.renewal([...args, '--store', store]);
  assert.is(renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN']).status, 0);
  w.writeLines('day.jsonl', [
    withCurrency(bill('tokyo-1/2026-05', 'tokyo-1', 1500000, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'), 'JPY'),
    withCurrency(bill('kuwait-1/2026-05', 'kuwait-1', 1234567, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'), 'KWD'),
    pay('tokyo-1/2026-05', 'pay-jpy', 150000, '2026-05-20T10:00:00+08:00'),
  ]);
  const applied = renewal(['apply', 'day.jsonl']);
  assert.is(applied.status, 0, applied.stderr);
  // 1,500,000 yen (not 15,000.00); 1,234,567 fils = 1,234.567 dinar (not 12,345.67); after paying 150,000 yen, 1,350,000.
  assert.match(applied.stdout, /Billed #\d+; outstanding 1,500,000\n/);
  assert.match(applied.stdout, /Billed #\d+; outstanding 1,234\.567\n/);
  assert.match(applied.stdout, /Paid #\d+; outstanding 1,350,000\n/);
  // As of 30 May both bills are 15 days past due (15 May): all in 1-30.
  const aging = renewal(['arrears', '--as-of', '2026-05-30']).stdout;
  const jpy = aging.slice(aging.indexOf('(JPY)'), aging.indexOf('(KWD)'));
  const kwd = aging.slice(aging.indexOf('(KWD)'));
  assert.match(jpy, /1-30\s+1\s+1,350,000\n/);
  assert.match(jpy, /total\s+1,350,000\n/);
  assert.match(jpy, 'due 1,500,000, paid 150,000, outstanding 1,350,000');
  assert.match(kwd, /total\s+1,234\.567\n/);
  assert.match(kwd, 'due 1,234.567, paid 0.000, outstanding 1,234.567');
  // CSV: the minor units and, beside them, the amount in the currency's decimals.
  const csvOf = (args: string[]) => {
    const [head, ...rows] = renewal([...args, '--format', 'csv'])
      .stdout.trim()
      .split('\r\n')
      .map((r) => r.split(','));
    return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]])));
  };
  const buckets = csvOf(['arrears', '--as-of', '2026-05-30']).filter((r) => r.bucket === '1-30');
  assert.equal(
    buckets.map((r) => [r.currency, r.amount_minor, r.amount]),
    [
      ['JPY', '1350000', '1350000'],
      ['KWD', '1234567', '1234.567'],
    ],
  );
  const cycles = csvOf(['arrears', '--as-of', '2026-05-30', '--contract', 'kuwait-1']);
  assert.equal(
    [cycles[0]!.due_minor, cycles[0]!.due, cycles[0]!.overdue, cycles[0]!.not_yet_due],
    ['1234567', '1234.567', '1234.567', '0.000'],
  );
  const debtors = csvOf(['arrears', '--as-of', '2026-05-30', '--top', '5']);
  assert.equal(
    debtors.map((r) => [r.contract_id, r.overdue]),
    [
      ['tokyo-1', '1350000'],
      ['kuwait-1', '1234.567'],
    ],
  );
  const periods = csvOf(['arrears', '--periods']);
  assert.equal(
    periods.map((r) => [r.currency, r.billed, r.collected]),
    [
      ['JPY', '1500000', '150000'],
      ['KWD', '1234.567', '0.000'],
    ],
  );
  const rates = csvOf(['behaviour', '--as-of', '2026-05-30']);
  assert.equal(
    rates.map((r) => [r.currency, r.due_minor, r.due, r.collected]),
    [
      ['JPY', '1500000', '1500000', '150000'],
      ['KWD', '1234567', '1234.567', '0.000'],
    ],
  );
};

onBothStores(
  "a CNY ledger with JPY and KWD bills: every amount in its own currency's decimals (apply, aging, CSV)",
  otherCurrenciesInACnyLedger,
);

const chineseTable = (w: Workspace, store: string) => {
  const renewal = (args: string[]) => w.renewal([...args, '--store', store]);
  assert.is(renewal(['init', '--tz', 'Asia/Shanghai', '--currency', 'CNY', '--locale', 'zh-CN']).status, 0);
  const longName = '收银员'.repeat(20); // 120 columns: cut to 48
  w.writeLines('day.jsonl', [
    bill('楼-01/2026-05', '楼-01', 100000, { start: '2026-05-01', end: '2026-06-01' }, '2026-05-15'),
    { ...pay('楼-01/2026-05', '微信-0001', 12345, '2026-05-29T07:30:00+08:00', 'wechat-pay'), actor: '收银员王芳' },
    { ...pay('楼-01/2026-05', 'card-0002', 20000, '2026-05-29T09:00:00+08:00', 'card'), actor: 'cashier-chen' },
    { ...pay('楼-01/2026-05', '支付宝-0003', 3000, '2026-05-29T10:00:00+08:00', 'alipay'), actor: longName },
  ]);
  const applied = renewal(['apply', 'day.jsonl', '--recorded-at', '2026-05-29T18:00:00+08:00']);
  assert.is(applied.status, 0, applied.stdout + applied.stderr);
  const out = renewal(['receipts', '--day', '2026-05-29']).stdout;
  const table = out
    .slice(out.indexOf('Documents of'))
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  assert.is(table.length, 5, out); // header, rule, three receipts
  // Where each column starts, in display columns: the same on every line as on the rule.
  const starts = (line: string) => {
    const out: number[] = [];
    let col = 0;
    let prevSpace = true;
    let spaces = 0;
    for (const ch of line) {
      if (ch === ' ') spaces++;
      else {
        if (prevSpace && (spaces >= 2 || col === 2)) out.push(col);
        spaces = 0;
      }
      prevSpace = ch === ' ';
      col += stringWidth(ch);
    }
    return out;
  };
  const rule = starts(table[1]!);
  // number, at, contract, cycle, channel, amount, cur, cashier, offline, late fee, balance after.
  assert.is(rule.length, 11, table[1]);
  // The amount column ends at the same display column on every row (numbers are right-aligned),
  // and the currency column starts at the same one.
  const curStart = rule[6]!;
  for (const line of table.slice(2)) {
    let col = 0;
    let text = '';
    for (const ch of line) {
      if (col >= curStart) text += ch;
      col += stringWidth(ch);
    }
    assert.ok(text.startsWith('CNY'), `${line}\n${text}`);
  }
  assert.equal(
    table.slice(2).map((l) => stringWidth(l.slice(0, l.indexOf('CNY')))),
    [curStart, curStart, curStart],
  );
  assert.match(out, '收银员王芳');
  const cut = table[4]!.split(/\s{2,}/).find((c) => c.startsWith('收银员收银员'))!;
  assert.ok(cut.endsWith('…'), cut);
  assert.is(stringWidth(cut), 47); // 23 characters of 2 columns and the ellipsis of 1: at most 48
  // --recorded-at: every line recorded at 18:00 Beijing time, in UTC.
  const docs = renewal(['receipts', '--day', '2026-05-29', '--format', 'json']).json().documents;
  assert.equal(
    docs.map((d: any) => [d.recordedAt, d.recordedDate, d.atDate]),
    Array(3).fill(['2026-05-29T10:00:00Z', '2026-05-29', '2026-05-29']),
  );
  const bad = renewal(['apply', 'day.jsonl', '--recorded-at', '2026-05-29 18:00']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, '--recorded-at takes a timestamp with Z or an offset');
};

onBothStores(
  'a receipts table with Chinese cashiers and references lines up by display width; an over-long cell ends in an ellipsis',
  chineseTable,
);

money.run();
