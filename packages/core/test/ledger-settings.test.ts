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
const open = (over: Record<string, unknown> = {}) => command({ type: 'OpenLedger', timeZone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN', ...over });
const change = (over: Record<string, unknown> = {}) =>
  command({ type: 'ChangeTimeZone', commandId: 'c-2', at: '2026-06-01T02:00:00Z', timeZone: 'Europe/Berlin', effectiveFrom: '2026-07-01', ...over });
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
  given([]).when(open()).then([
    { type: 'LedgerOpened', data: { commandId: 'c-1', actor: 'owner-li', at: '2026-01-05T09:00:00Z', timeZone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN' } } as never,
  ]);
  // The locale is stored in its canonical spelling; it defaults to en.
  const state = given([]).when(open({ locale: 'zh-cn' })).thenState();
  assert.is(state.opened?.locale, 'zh-CN');
  assert.is(given([]).when(open({ locale: undefined })).thenState().opened?.locale, 'en');
});

opening('a zone that is not an IANA name, an unknown locale and a non-ISO currency are refused', () => {
  given([]).when(open({ timeZone: 'Asia/Beijing' })).thenFails({ code: 'UNKNOWN_TIME_ZONE', timeZone: 'Asia/Beijing' });
  given([]).when(open({ timeZone: '+08:00' })).thenFails({ code: 'UNKNOWN_TIME_ZONE' });
  given([]).when(open({ locale: 'not a locale' })).thenFails({ code: 'UNKNOWN_LOCALE' });
  const bad = decodeLedgerSettingsCommand({ type: 'OpenLedger', commandId: 'c', actor: 'a', at: '2026-01-05T09:00:00Z', timeZone: 'UTC', currency: 'XYZ' });
  assert.ok(E.isLeft(bad) && bad.left.problems[0]!.message.includes('not an ISO 4217'));
});

opening('the same settings again are a duplicate, other settings LEDGER_ALREADY_OPENED', () => {
  const events = historyOf(open());
  given(events).when(open({ commandId: 'again', at: '2026-02-01T00:00:00Z' })).thenNothing();
  given(events).when(open({ commandId: 'other', currency: 'USD' })).thenFails({ code: 'LEDGER_ALREADY_OPENED', openedByCommandId: 'c-1' });
});

opening('stores decode the settings events like any other: decodeStoredEvent knows them', () => {
  const [opened] = historyOf(open());
  assert.equal(decodeStoredEvent({ type: 'LedgerOpened', schemaVersion: 1, data: JSON.parse(JSON.stringify(opened!.data)) }), E.right(opened));
  const bad = decodeStoredEvent({ type: 'TimeZoneChanged', schemaVersion: 1, data: { ...opened!.data, effectiveFrom: '2026-02-30' } });
  assert.ok(E.isLeft(bad) && bad.left.problems.some((p) => p.path === 'data/effectiveFrom'), JSON.stringify(bad));
});

opening.run();

const changing = suite('changing the zone');

changing('from a date on or after the day it is recorded, with the zone it replaces', () => {
  const events = historyOf(open());
  given(events).when(change()).then([
    {
      type: 'TimeZoneChanged',
      data: { commandId: 'c-2', actor: 'owner-li', at: '2026-06-01T02:00:00Z', timeZone: 'Europe/Berlin', effectiveFrom: '2026-07-01', previousTimeZone: 'Asia/Shanghai' },
    } as never,
  ]);
  // Recorded at 2026-06-30T17:00Z: 01:00 on 1 July in Shanghai, so effective 1 July is today there, and fine.
  const late = given(events).when(change({ at: '2026-06-30T17:00:00Z' })).thenState();
  assert.equal(late.zoneChanges.map((c) => c.effectiveFrom), ['2026-07-01']);
});

changing('refused: before the day it is recorded (in the zone in force), not after the previous change, to the same zone, before opening', () => {
  const events = historyOf(open());
  // 2026-06-30T17:00Z is already 1 July in Shanghai: 30 June is in the past there.
  given(events)
    .when(change({ at: '2026-06-30T17:00:00Z', effectiveFrom: '2026-06-30' }))
    .thenFails({ code: 'ZONE_CHANGE_IN_THE_PAST', recordedOn: '2026-07-01', effectiveFrom: '2026-06-30', timeZone: 'Asia/Shanghai' });
  const changed = historyOf(open(), change());
  given(changed).when(change({ commandId: 'c-3', effectiveFrom: '2026-07-01', timeZone: 'America/New_York' })).thenFails({ code: 'ZONE_CHANGE_NOT_AFTER_PREVIOUS', previousEffectiveFrom: '2026-07-01' });
  given(events).when(change({ timeZone: 'Asia/Shanghai' })).thenFails({ code: 'ZONE_UNCHANGED' });
  given(events).when(change({ timeZone: 'Mars/Olympus_Mons' })).thenFails({ code: 'UNKNOWN_TIME_ZONE' });
  given([]).when(change()).thenFails({ code: 'LEDGER_NOT_OPENED', commandType: 'ChangeTimeZone' });
  given(changed).when(change()).thenNothing(); // the same command id again
});

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
  assert.is(zoneOn(zones, d('2026-07-01')), 'Europe/Berlin');
  assert.is(endOfBusinessDay(zones, d('2026-06-30')), '2026-06-30T15:59:59.999Z');
  assert.is(startOfBusinessDay(zones, d('2026-07-01')), '2026-06-30T22:00:00Z');
  assert.is(endOfBusinessDay(zones, d('2026-07-02')), '2026-07-02T21:59:59.999Z');
});

days('a fixed zone: the same answers as the zone alone', () => {
  const berlin = fixedZone('Europe/Berlin');
  assert.is(businessDayOf(berlin, i('2026-03-28T23:30:00Z')), '2026-03-29'); // 00:30 CET
  assert.is(businessDayOf(berlin, i('2026-10-24T22:30:00Z')), '2026-10-25'); // 00:30 CEST
});

days.run();
