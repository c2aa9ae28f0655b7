// The ledger's settings: opening a ledger in a zone, changing the zone from a date, and the
// business day of an instant under that history. Figures are worked by hand in the comments.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  businessDayOf,
  decodeLedgerSettingsCommand,
  decodeStoredEvent,
  DeciderSpecification,
  endOfBusinessDay,
  fixedZone,
  ledgerSettingsDecider,
  ledgerZonesOf,
  startOfBusinessDay,
  UTC_ZONES,
  zoneAt,
  zoneOn,
  type BusinessDate,
  type Instant,
  type LedgerSettingsCommand,
  type LedgerSettingsEvent,
} from '@renewal-ledger/core';

const given = DeciderSpecification.for(ledgerSettingsDecider);
const command = (json: Record<string, unknown>): LedgerSettingsCommand => {
  const r = decodeLedgerSettingsCommand({ commandId: 'c-1', actor: 'owner-li', at: '2026-01-05T09:00:00Z', ...json });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const open = (over: Record<string, unknown> = {}) =>
  command({ type: 'OpenLedger', timeZone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN', ...over });
const change = (over: Record<string, unknown> = {}) =>
  command({
    type: 'ChangeTimeZone',
    commandId: 'c-2',
    at: '2026-06-01T02:00:00Z',
    timeZone: 'Europe/Berlin',
    effectiveFrom: '2026-07-01',
    ...over,
  });
const historyOf = (...commands: LedgerSettingsCommand[]): LedgerSettingsEvent[] => {
  let state = ledgerSettingsDecider.initialState();
  const out: LedgerSettingsEvent[] = [];
  for (const c of commands) {
    const d = ledgerSettingsDecider.decide(c, state);
    if (E.isLeft(d)) throw new Error(d.left.message);
    for (const e of d.right.events) state = ledgerSettingsDecider.evolve(state, e);
    out.push(...d.right.events);
  }
  return out;
};
const i = (s: string) => s as Instant;
const d = (s: string) => s as BusinessDate;

const opening = suite('opening a ledger');

opening('records zone, currency and locale with who and when', () => {
  given([])
    .when(open())
    .then([
      {
        type: 'LedgerOpened',
        data: {
          commandId: 'c-1',
          actor: 'owner-li',
          at: '2026-01-05T09:00:00Z',
          timeZone: 'Asia/Shanghai',
          currency: 'CNY',
          locale: 'zh-CN',
          zoneFrom: 'opening',
        },
      } as never,
    ]);
  // The locale is stored in its canonical spelling; it defaults to en.
  const state = given([])
    .when(open({ locale: 'zh-cn' }))
    .thenState();
  assert.is(state.opened?.locale, 'zh-CN');
  assert.is(
    given([])
      .when(open({ locale: undefined }))
      .thenState().opened?.locale,
    'en',
  );
});

opening('a zone that is not an IANA name, an unknown locale and a non-ISO currency are refused', () => {
  given([])
    .when(open({ timeZone: 'Asia/Beijing' }))
    .thenFails({ code: 'UNKNOWN_TIME_ZONE', timeZone: 'Asia/Beijing' });
  given([])
    .when(open({ timeZone: '+08:00' }))
    .thenFails({ code: 'UNKNOWN_TIME_ZONE' });
  given([])
    .when(open({ locale: 'not a locale' }))
    .thenFails({ code: 'UNKNOWN_LOCALE' });
  const bad = decodeLedgerSettingsCommand({
    type: 'OpenLedger',
    commandId: 'c',
    actor: 'a',
    at: '2026-01-05T09:00:00Z',
    timeZone: 'UTC',
    currency: 'XYZ',
  });
  assert.ok(E.isLeft(bad) && bad.left.problems[0]!.message.includes('not an ISO 4217'));
});

opening('the same settings again are a duplicate, other settings LEDGER_ALREADY_OPENED', () => {
  const events = historyOf(open());
  given(events)
    .when(open({ commandId: 'again', at: '2026-02-01T00:00:00Z' }))
    .thenNothing();
  given(events)
    .when(open({ commandId: 'other', currency: 'USD' }))
    .thenFails({ code: 'LEDGER_ALREADY_OPENED', openedByCommandId: 'c-1' });
});

opening(
  'zoneFrom: an opening on an empty store counts from the start, a late one from its instant (and an event without it is a late one)',
  () => {
    const zonesOf = (events: LedgerSettingsEvent[]) => {
      let state = ledgerSettingsDecider.initialState();
      for (const e of events) state = ledgerSettingsDecider.evolve(state, e);
      return ledgerZonesOf(state);
    };
    // 23:30Z on 1 January, before the opening (09:00Z on 5 January): 07:30 on the 2nd in Shanghai.
    const before = i('2026-01-01T23:30:00Z');
    assert.is(businessDayOf(zonesOf(historyOf(open({ zoneFrom: 'start' }))), before), '2026-01-02');
    assert.is(businessDayOf(zonesOf(historyOf(open({ zoneFrom: 'opening' }))), before), '2026-01-01');
    const [late] = historyOf(open());
    assert.is((late!.data as { zoneFrom?: string }).zoneFrom, 'opening');
    const { zoneFrom: _omitted, ...stored } = late!.data as { zoneFrom?: string };
    assert.is(businessDayOf(zonesOf([{ type: 'LedgerOpened', data: stored } as LedgerSettingsEvent]), before), '2026-01-01');
    // After the opening both count in Shanghai: 23:30Z on 5 January is the 6th there.
    assert.is(businessDayOf(zonesOf(historyOf(open({ zoneFrom: 'opening' }))), i('2026-01-05T23:30:00Z')), '2026-01-06');
  },
);

opening('stores decode the settings events like any other: decodeStoredEvent knows them', () => {
  const [opened] = historyOf(open());
  assert.equal(
    decodeStoredEvent({ type: 'LedgerOpened', schemaVersion: 1, data: JSON.parse(JSON.stringify(opened!.data)) }),
    E.right(opened),
  );
  const bad = decodeStoredEvent({ type: 'TimeZoneChanged', schemaVersion: 1, data: { ...opened!.data, effectiveFrom: '2026-02-30' } });
  assert.ok(E.isLeft(bad) && bad.left.problems.some((p) => p.path === 'data/effectiveFrom'), JSON.stringify(bad));
});

opening.run();

const changing = suite('changing the zone');

changing('from a date on or after the day it is recorded, with the zone it replaces', () => {
  const events = historyOf(open());
  given(events)
    .when(change())
    .then([
      {
        type: 'TimeZoneChanged',
        data: {
          commandId: 'c-2',
          actor: 'owner-li',
          at: '2026-06-01T02:00:00Z',
          timeZone: 'Europe/Berlin',
          effectiveFrom: '2026-07-01',
          previousTimeZone: 'Asia/Shanghai',
        },
      } as never,
    ]);
  // Recorded at 2026-06-30T17:00Z: 01:00 on 1 July in Shanghai, so effective 1 July is today there, and fine.
  const late = given(events)
    .when(change({ at: '2026-06-30T17:00:00Z' }))
    .thenState();
  assert.equal(
    late.zoneChanges.map((c) => c.effectiveFrom),
    ['2026-07-01'],
  );
});

changing(
  'refused: before the day it is recorded (in the zone in force), not after the previous change, to the same zone, before opening',
  () => {
    const events = historyOf(open());
    // 2026-06-30T17:00Z is already 1 July in Shanghai: 30 June is in the past there.
    given(events)
      .when(change({ at: '2026-06-30T17:00:00Z', effectiveFrom: '2026-06-30' }))
      .thenFails({ code: 'ZONE_CHANGE_IN_THE_PAST', recordedOn: '2026-07-01', effectiveFrom: '2026-06-30', timeZone: 'Asia/Shanghai' });
    // Eastwards: recorded in Berlin at 22:00 on 20 Nov (21:00Z), already 05:00 on 21 Nov in Shanghai.
    // Effective 20 Nov would move that evening's payments to 21 Nov: refused, naming both days.
    const berlin = historyOf(open({ timeZone: 'Europe/Berlin' }));
    given(berlin)
      .when(change({ at: '2026-11-20T21:00:00Z', effectiveFrom: '2026-11-20', timeZone: 'Asia/Shanghai' }))
      .thenFails({
        code: 'ZONE_CHANGE_IN_THE_PAST',
        recordedOn: '2026-11-20',
        timeZone: 'Europe/Berlin',
        recordedOnInNewZone: '2026-11-21',
        newTimeZone: 'Asia/Shanghai',
      });
    given(berlin)
      .when(change({ at: '2026-11-20T21:00:00Z', effectiveFrom: '2026-11-21', timeZone: 'Asia/Shanghai' }))
      .then([
        {
          type: 'TimeZoneChanged',
          data: {
            commandId: 'c-2',
            actor: 'owner-li',
            at: '2026-11-20T21:00:00Z',
            timeZone: 'Asia/Shanghai',
            effectiveFrom: '2026-11-21',
            previousTimeZone: 'Europe/Berlin',
          },
        } as never,
      ]);
    const changed = historyOf(open(), change());
    given(changed)
      .when(change({ commandId: 'c-3', effectiveFrom: '2026-07-01', timeZone: 'America/New_York' }))
      .thenFails({ code: 'ZONE_CHANGE_NOT_AFTER_PREVIOUS', previousEffectiveFrom: '2026-07-01' });
    given(events)
      .when(change({ timeZone: 'Asia/Shanghai' }))
      .thenFails({ code: 'ZONE_UNCHANGED' });
    given(events)
      .when(change({ timeZone: 'Mars/Olympus_Mons' }))
      .thenFails({ code: 'UNKNOWN_TIME_ZONE' });
    given([]).when(change()).thenFails({ code: 'LEDGER_NOT_OPENED', commandType: 'ChangeTimeZone' });
    given(changed).when(change()).thenNothing(); // the same command id again
    // The same change again under another command id (renewal ledger set-zone run twice): nothing new.
    given(changed)
      .when(change({ commandId: 'c-9', at: '2026-06-02T02:00:00Z' }))
      .thenNothing();
  },
);

changing(
  'zone names are compared and stored canonically: asia/shanghai, PRC and US/Eastern name Asia/Shanghai and America/New_York',
  () => {
    const r = decodeLedgerSettingsCommand({
      type: 'OpenLedger',
      commandId: 'c',
      actor: 'a',
      at: '2026-01-05T09:00:00Z',
      timeZone: 'asia/tokyo',
      currency: 'JPY',
    });
    assert.ok(E.isRight(r) && r.right.type === 'OpenLedger' && r.right.timeZone === 'Asia/Tokyo');
    given([])
      .when(open({ timeZone: 'PRC' }))
      .then([
        {
          type: 'LedgerOpened',
          data: {
            commandId: 'c-1',
            actor: 'owner-li',
            at: '2026-01-05T09:00:00Z',
            timeZone: 'Asia/Shanghai',
            currency: 'CNY',
            locale: 'zh-CN',
            zoneFrom: 'opening',
          },
        } as never,
      ]);
    const events = historyOf(open());
    given(events)
      .when(change({ timeZone: 'asia/shanghai' }))
      .thenFails({ code: 'ZONE_UNCHANGED', timeZone: 'Asia/Shanghai' });
    given(events)
      .when(change({ timeZone: 'US/Eastern' }))
      .then([
        {
          type: 'TimeZoneChanged',
          data: {
            commandId: 'c-2',
            actor: 'owner-li',
            at: '2026-06-01T02:00:00Z',
            timeZone: 'America/New_York',
            effectiveFrom: '2026-07-01',
            previousTimeZone: 'Asia/Shanghai',
          },
        } as never,
      ]);
    // Stored before names were normalised: an `asia/tokyo` ledger is Asia/Tokyo when folded, so
    // opening it again as Asia/Tokyo is the same ledger, and its days are Tokyo's.
    const stored = [
      {
        type: 'LedgerOpened',
        data: { commandId: 'c-0', actor: 'a', at: '2026-01-05T09:00:00Z', timeZone: 'asia/tokyo', currency: 'JPY', locale: 'ja-JP' },
      },
    ] as LedgerSettingsEvent[];
    given(stored)
      .when(open({ commandId: 'again', timeZone: 'Asia/Tokyo', currency: 'JPY', locale: 'ja-JP' }))
      .thenNothing();
    let state = ledgerSettingsDecider.initialState();
    for (const e of stored) state = ledgerSettingsDecider.evolve(state, e);
    assert.is(state.opened?.timeZone, 'Asia/Tokyo');
    assert.is(businessDayOf(ledgerZonesOf(state), i('2026-05-28T15:30:00Z')), '2026-05-29'); // 00:30 in Tokyo
  },
);

changing.run();

const days = suite('business days under a zone history');

days('a ledger with no settings counts in UTC', () => {
  const zones = ledgerZonesOf(ledgerSettingsDecider.initialState());
  assert.equal(zones, UTC_ZONES);
  assert.is(businessDayOf(zones, i('2026-05-28T23:30:00Z')), '2026-05-28');
  assert.is(endOfBusinessDay(zones, d('2026-05-28')), '2026-05-28T23:59:59.999Z');
});

days('Shanghai until 30 June, Berlin from 1 July: days before keep their zone', () => {
  let state = ledgerSettingsDecider.initialState();
  for (const e of historyOf(open(), change())) state = ledgerSettingsDecider.evolve(state, e);
  const zones = ledgerZonesOf(state);
  // 2026-05-28T23:30Z: Shanghai (+8) 07:30 on 29 May.
  assert.is(businessDayOf(zones, i('2026-05-28T23:30:00Z')), '2026-05-29');
  // 30 June ends at 16:00Z in Shanghai; Berlin's 1 July (CEST, +2) starts at 30 June 22:00Z. From
  // 16:00Z the instant is Shanghai's 1 July, until Berlin takes over at 22:00Z (also 1 July).
  assert.is(businessDayOf(zones, i('2026-06-30T15:59:00Z')), '2026-06-30');
  assert.is(businessDayOf(zones, i('2026-06-30T16:30:00Z')), '2026-07-01');
  assert.is(businessDayOf(zones, i('2026-06-30T22:30:00Z')), '2026-07-01');
  // 2026-07-01T23:30Z: Berlin 01:30 on 2 July (Shanghai would say 07:30 on 2 July too); 2026-07-02T20:00Z:
  // Berlin 22:00 on 2 July, where Shanghai would have said 04:00 on 3 July.
  assert.is(businessDayOf(zones, i('2026-07-02T20:00:00Z')), '2026-07-02');
  assert.is(zoneOn(zones, d('2026-06-30')), 'Asia/Shanghai');
  // 1 July begins in Shanghai (16:00Z) and ends in Berlin (1 July 22:00Z): a 30-hour day, so no
  // instant is counted on 30 June after 1 July began, and none on 1 July twice.
  assert.is(zoneOn(zones, d('2026-07-01')), 'Asia/Shanghai');
  assert.is(zoneOn(zones, d('2026-07-02')), 'Europe/Berlin');
  assert.is(endOfBusinessDay(zones, d('2026-06-30')), '2026-06-30T15:59:59.999Z');
  assert.is(startOfBusinessDay(zones, d('2026-07-01')), '2026-06-30T16:00:00Z');
  assert.is(endOfBusinessDay(zones, d('2026-07-01')), '2026-07-01T21:59:59.999Z');
  assert.is(endOfBusinessDay(zones, d('2026-07-02')), '2026-07-02T21:59:59.999Z');
});

/** The zones after opening in `open` at `openedAt` and changing to `to` from `from`, recorded at `at`. */
const zonesOf = (openZone: string, to: string, from: string, at: string, openedAt = '2026-01-05T09:00:00Z') => {
  let state = ledgerSettingsDecider.initialState();
  for (const e of historyOf(open({ timeZone: openZone, at: openedAt }), change({ timeZone: to, effectiveFrom: from, at })))
    state = ledgerSettingsDecider.evolve(state, e);
  return ledgerZonesOf(state);
};

days('eastwards, Berlin to Shanghai effective today: the evening before keeps its day (QA: 19 Nov 20:00 Berlin)', () => {
  // Recorded at 2026-11-20T10:00+01:00 = 09:00Z: 20 Nov in Berlin and (17:00) in Shanghai, so
  // effective 20 Nov is allowed. 20 Nov starts at the later of Berlin's midnight (19 Nov 23:00Z,
  // CET +1) and Shanghai's (19 Nov 16:00Z): 23:00Z.
  const zones = zonesOf('Europe/Berlin', 'Asia/Shanghai', '2026-11-20', '2026-11-20T09:00:00Z');
  // 2026-11-19T20:00+01:00 = 19:00Z: in Berlin's 19 Nov (Shanghai would say 03:00 on 20 Nov).
  assert.is(businessDayOf(zones, i('2026-11-19T19:00:00Z')), '2026-11-19');
  assert.is(businessDayOf(zones, i('2026-11-19T22:59:59.999Z')), '2026-11-19');
  // 23:00Z: Shanghai 07:00 on 20 Nov. 20 Nov ends at Shanghai's midnight, 20 Nov 16:00Z: 17 hours.
  assert.is(businessDayOf(zones, i('2026-11-19T23:00:00Z')), '2026-11-20');
  assert.is(startOfBusinessDay(zones, d('2026-11-20')), '2026-11-19T23:00:00Z');
  assert.is(endOfBusinessDay(zones, d('2026-11-19')), '2026-11-19T22:59:59.999Z');
  assert.is(endOfBusinessDay(zones, d('2026-11-20')), '2026-11-20T15:59:59.999Z');
  assert.is(businessDayOf(zones, i('2026-11-20T16:00:00Z')), '2026-11-21');
});

days('eastwards from 1 October: --known-at 30 September ends where 1 October begins (QA: 21:59:59.999Z)', () => {
  // Berlin is on CEST (+2) on 30 Sep: its 1 Oct starts at 30 Sep 22:00Z, Shanghai's at 16:00Z.
  // The later is 22:00Z, so 16:00Z-21:59Z stay on 30 September (Berlin), as --known-at says.
  const zones = zonesOf('Europe/Berlin', 'Asia/Shanghai', '2026-10-01', '2026-09-01T08:00:00Z');
  assert.is(endOfBusinessDay(zones, d('2026-09-30')), '2026-09-30T21:59:59.999Z');
  assert.is(businessDayOf(zones, i('2026-09-30T16:00:00Z')), '2026-09-30');
  assert.is(businessDayOf(zones, i('2026-09-30T21:59:59.999Z')), '2026-09-30');
  assert.is(businessDayOf(zones, i('2026-09-30T22:00:00Z')), '2026-10-01');
  // 1 Oct: 22:00Z (06:00 in Shanghai) to Shanghai's midnight, 1 Oct 16:00Z.
  assert.is(endOfBusinessDay(zones, d('2026-10-01')), '2026-10-01T15:59:59.999Z');
});

days('westwards, New York to Tokyo and back: days never go backwards, every bound is the next start less 1 ms', () => {
  // Tokyo (+9) to New York (EDT, -4) from 1 Jul: Tokyo's 1 Jul starts 30 Jun 15:00Z, New York's
  // 1 Jul 04:00Z, the later: 1 Jul is 37 hours long, 30 Jun 15:00Z to 2 Jul 03:59:59.999Z.
  const zones = zonesOf('Asia/Tokyo', 'America/New_York', '2026-07-01', '2026-06-01T00:00:00Z');
  assert.is(startOfBusinessDay(zones, d('2026-07-01')), '2026-06-30T15:00:00Z');
  assert.is(businessDayOf(zones, i('2026-07-01T03:59:59Z')), '2026-07-01'); // Tokyo 12:59 on 1 Jul
  assert.is(businessDayOf(zones, i('2026-07-01T04:00:00Z')), '2026-07-01'); // New York 00:00 on 1 Jul
  assert.is(endOfBusinessDay(zones, d('2026-07-01')), '2026-07-02T03:59:59.999Z');
  let previous = '0000-00-00';
  for (let ms = Date.parse('2026-06-29T00:00:00Z'); ms < Date.parse('2026-07-04T00:00:00Z'); ms += 15 * 60_000) {
    const day = businessDayOf(zones, new Date(ms).toISOString() as Instant);
    assert.ok(day >= previous, `${new Date(ms).toISOString()}: ${day} after ${previous}`);
    previous = day;
  }
});

days('an opening is a change from UTC at its instant: what came before keeps its UTC day', () => {
  // Opened in Shanghai at 2026-01-05T09:00Z (17:00 there): before it UTC, from it Shanghai.
  let state = ledgerSettingsDecider.initialState();
  for (const e of historyOf(open())) state = ledgerSettingsDecider.evolve(state, e);
  const zones = ledgerZonesOf(state);
  // 2026-01-04T20:00Z: 4 Jan in UTC (5 Jan 04:00 in Shanghai, but the ledger was not open yet).
  assert.is(businessDayOf(zones, i('2026-01-04T20:00:00Z')), '2026-01-04');
  assert.is(businessDayOf(zones, i('2026-01-05T08:59:59Z')), '2026-01-05');
  // From the opening: 2026-01-05T16:00Z is 6 Jan 00:00 in Shanghai.
  assert.is(businessDayOf(zones, i('2026-01-05T16:00:00Z')), '2026-01-06');
  assert.is(endOfBusinessDay(zones, d('2026-01-04')), '2026-01-04T23:59:59.999Z');
  assert.is(endOfBusinessDay(zones, d('2026-01-05')), '2026-01-05T15:59:59.999Z');
  // Opened in New York at 2026-01-06T03:00Z: 22:00 on 5 Jan there, already 6 Jan in UTC. UTC goes
  // on until New York's 6 Jan begins (05:00Z, EST -5): the day never steps back to 5 Jan.
  let ny = ledgerSettingsDecider.initialState();
  for (const e of historyOf(open({ timeZone: 'America/New_York', at: '2026-01-06T03:00:00Z' }))) ny = ledgerSettingsDecider.evolve(ny, e);
  const nyZones = ledgerZonesOf(ny);
  assert.is(businessDayOf(nyZones, i('2026-01-06T03:30:00Z')), '2026-01-06');
  assert.is(startOfBusinessDay(nyZones, d('2026-01-06')), '2026-01-06T00:00:00Z');
  assert.is(endOfBusinessDay(nyZones, d('2026-01-06')), '2026-01-07T04:59:59.999Z');
  assert.is(zoneAt(nyZones, i('2026-01-06T05:00:00Z')), 'America/New_York');
});

days('a fixed zone: the same answers as the zone alone', () => {
  const berlin = fixedZone('Europe/Berlin');
  assert.is(businessDayOf(berlin, i('2026-03-28T23:30:00Z')), '2026-03-29'); // 00:30 CET
  assert.is(businessDayOf(berlin, i('2026-10-24T22:30:00Z')), '2026-10-25'); // 00:30 CEST
});

days.run();

const closing = suite('closing a period');
// The ledger is opened in Shanghai on 5 January 2026; 2026 ends at 15:59:59.999Z on 31 December.
const figures = [
  {
    currency: 'CNY',
    cycles: 3,
    dueMinor: '94560',
    netPaidMinor: '63040',
    outstandingMinor: '31520',
    collectibleMinor: '31520',
    overdueMinor: '31520',
    creditMinor: '0',
    buckets: { current: '0', '1-30': '31520', '31-60': '0', '61-90': '0', '90+': '0' },
  },
];
const close = (over: Record<string, unknown> = {}) =>
  command({ type: 'ClosePeriod', commandId: 'close-2026', at: '2027-01-05T01:00:00Z', period: '2026', figures, ...over });

closing('records the period, its first and last day, and the figures', () => {
  given(historyOf(open()))
    .when(close({ seal: { position: '41', hash: 'a'.repeat(64), entries: 42 } }))
    .then([
      {
        type: 'PeriodClosed',
        data: {
          commandId: 'close-2026',
          actor: 'owner-li',
          at: '2027-01-05T01:00:00Z',
          period: '2026',
          firstDay: '2026-01-01',
          lastDay: '2026-12-31',
          figures,
          seal: { position: '41', hash: 'a'.repeat(64), entries: 42 },
        },
      } as never,
    ]);
});

closing('a month closes after its last day in the ledger zone, not before', () => {
  // 2026-02-28T16:00:00Z is 1 March 00:00 in Shanghai: February has ended there.
  given(historyOf(open()))
    .when(close({ period: '2026-02', at: '2026-02-28T16:00:00Z' }))
    .thenState();
  // 15:59:59Z is still 28 February in Shanghai.
  given(historyOf(open()))
    .when(close({ period: '2026-02', at: '2026-02-28T15:59:59Z' }))
    .thenFails({ code: 'PERIOD_NOT_ENDED', period: '2026-02', lastDay: '2026-02-28', recordedOn: '2026-02-28' });
});

closing('a period closes once: a second closing is refused naming the first', () => {
  given(historyOf(open(), close()))
    .when(close({ commandId: 'close-2026-again', at: '2027-02-01T01:00:00Z' }))
    .thenFails({ code: 'PERIOD_ALREADY_CLOSED', period: '2026', closedAt: '2027-01-05T01:00:00Z', closedByCommandId: 'close-2026' });
  // The same command again is a duplicate, not a refusal.
  given(historyOf(open(), close())).when(close()).then([]);
});

closing('a period that is neither a year nor a month is bad input naming the field', () => {
  const r = decodeLedgerSettingsCommand({
    type: 'ClosePeriod',
    commandId: 'c',
    actor: 'a',
    at: '2027-01-05T01:00:00Z',
    period: '2026-13',
    figures: [],
  });
  assert.ok(E.isLeft(r));
  assert.match(E.isLeft(r) ? r.left.message : '', /period/);
});

closing.run();
