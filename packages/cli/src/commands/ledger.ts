// `renewal init`, `renewal ledger`, `renewal ledger set-zone`: the ledger's own settings, recorded
// in the store as events (LedgerOpened, TimeZoneChanged) with who set them and when, so every view,
// report and rebuild on any machine counts days in the same zone.
import { randomUUID } from 'node:crypto';
import {
  currentZone,
  decodeLedgerSettingsCommand,
  formatProblem,
  ledgerSettingsDecider,
  ledgerZonesOf,
  zoneAt,
  type Instant,
  type LedgerSettingsState,
} from '@renewal-ledger/core';
import { getCommandHandler, loadLedgerSettings, type EventStore, type HandleResult } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import * as E from 'fp-ts/lib/Either.js';
import { dateOf, formatOf, noPositionals, onePositional, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { actorOf as whoActs } from '../actor.js';
import { clockNow, readLedger } from '../ledger.js';
import { print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

export const actorOf = (given: string | undefined): string => given ?? process.env.USER ?? 'renewal-cli';

type LedgerHandleResult = HandleResult<typeof ledgerSettingsDecider>;

/**
 * Decodes, decides and appends a settings command (the generic command handler); a refusal is
 * exit 1 with its rule code. The decider knows a repeat by the settings themselves (the same
 * ledger opened again, the same change again), so each run has a command id of its own: the
 * instant it runs at and a random part (two runs may share an instant: RENEWAL_NOW).
 */
export const record = async (
  store: EventStore,
  name: string,
  json: Record<string, unknown>,
  givenActor: string | undefined,
): Promise<LedgerHandleResult> => {
  const at = clockNow();
  // Once the ledger has users, its settings are changed by one of them, as their role allows.
  const who = await whoActs(store, name, givenActor);
  const command = decodeLedgerSettingsCommand({
    commandId: `${name.replace(/^ledger /, '')}:${at}:${randomUUID().slice(0, 8)}`,
    at,
    ...json,
    actor: who.actor ?? actorOf(givenActor),
  });
  if (E.isLeft(command)) throw new UsageError(command.left.problems.map(formatProblem).join('; '), name);
  const access = who.access ? { access: who.access, role: who.role! } : {};
  return getCommandHandler(ledgerSettingsDecider, { store, clock: () => at, ...access }).handle(command.right);
};

/** The settings as `--format json` prints them: the zone in force now, the opening and every change. */
const settingsJson = (s: LedgerSettingsState, now: Instant) => {
  const zones = ledgerZonesOf(s);
  return {
    recorded: s.opened !== null,
    // In force now; `latestTimeZone` differs from it while a change is still to take effect.
    timeZone: zoneAt(zones, now),
    latestTimeZone: currentZone(zones),
    currency: s.opened?.currency ?? null,
    locale: s.opened?.locale ?? 'en',
    opened: s.opened
      ? { timeZone: s.opened.timeZone, by: s.opened.actor, at: s.opened.at, zoneFrom: s.opened.zoneFrom ?? 'opening' }
      : null,
    zoneChanges: s.zoneChanges.map((c) => ({
      timeZone: c.timeZone,
      effectiveFrom: c.effectiveFrom,
      previousTimeZone: c.previousTimeZone,
      by: c.actor,
      at: c.at,
      reason: c.reason ?? null,
    })),
  };
};

const renderSettings = (s: LedgerSettingsState, now: Instant): string => {
  const j = settingsJson(s, now);
  if (!j.recorded) return 'Ledger: no settings recorded: days are counted in UTC (renewal init --tz ZONE --currency CODE records them)';
  const o = j.opened!;
  const head = [
    `Ledger: time zone ${j.timeZone} now, currency ${j.currency}, locale ${j.locale}`,
    `  opened in ${o.timeZone} by ${o.by} at ${o.at}${o.zoneFrom === 'start' ? ' (on an empty store: its zone counts from the start)' : ' (instants before the opening keep their UTC day)'}`,
    ...(j.latestTimeZone !== j.timeZone ? [`  from ${j.zoneChanges[j.zoneChanges.length - 1]!.effectiveFrom}: ${j.latestTimeZone}`] : []),
  ].join('\n');
  if (j.zoneChanges.length === 0) return head;
  return `${head}\nZone changes\n${table(
    ['from', 'time zone', 'before', 'by', 'recorded', 'reason'],
    j.zoneChanges.map((c) => [c.effectiveFrom, c.timeZone, c.previousTimeZone, c.by, c.at, c.reason ?? '-']),
  )}`;
};

const outcome = async (store: EventStore, name: string, r: LedgerHandleResult, format: string): Promise<number> => {
  if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
  const state = r.status === 'applied' ? r.state : (await loadLedgerSettings(store)).state;
  const now = clockNow();
  if (format === 'json')
    printJson({ status: r.status, ...(r.status === 'duplicate' ? { duplicate: r.duplicate } : {}), ledger: settingsJson(state, now) });
  else if (r.status === 'applied') print(renderSettings(state, now));
  else
    print(
      `${name}: nothing to change: ${r.duplicate.key === 'zoneChange' ? 'this zone change is recorded already' : 'the ledger is already opened with these settings'}\n${renderSettings(state, now)}`,
    );
  return 0;
};

const INIT = 'init';
export const initCommand: Command = {
  name: INIT,
  summary: 'create a ledger: its time zone, default currency and locale',
  common: true,
  help: `usage: renewal init --tz ZONE --currency CODE [--locale TAG] [--actor NAME] [--store URL] [--format table|json]

Records the ledger's settings in the store (a LedgerOpened event): the IANA time zone every
business day is counted in (the takings day of a payment, the year of a receipt number, today's
date of every command), the default currency (ISO 4217) and the locale amounts are grouped in.
Running it again with the same settings changes nothing; to change the zone later, see
renewal ledger set-zone.

  --tz ZONE        an IANA time zone: Asia/Shanghai, Europe/Berlin, America/New_York, UTC
  --currency CODE  ISO 4217: CNY, EUR, JPY (0 decimals), KWD (3 decimals)
  --locale TAG     how amounts are written: zh-CN, en-US, de-DE (default en)
  --actor NAME     who sets it (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(INIT, argv, {
      tz: { type: 'string' },
      currency: { type: 'string' },
      locale: { type: 'string' },
      actor: { type: 'string' },
    });
    noPositionals(INIT, positionals);
    const format = formatOf(INIT, values.format, ['table', 'json']);
    if (values.tz === undefined) throw new UsageError('--tz is missing: the IANA time zone of the ledger, e.g. Asia/Shanghai', INIT);
    if (values.currency === undefined) throw new UsageError("--currency is missing: the ledger's ISO 4217 currency, e.g. CNY", INIT);
    const store = await openStore(storeUrlOf(values.store));
    try {
      // On an empty store nothing was counted in UTC yet: the zone counts every instant, so a
      // history imported after init is counted in it too (docs/time-zones-and-money.md).
      const empty = (await store.headPosition()) < 0n;
      const r = await record(
        store,
        INIT,
        {
          type: 'OpenLedger',
          actor: actorOf(values.actor),
          timeZone: values.tz,
          currency: values.currency,
          zoneFrom: empty ? 'start' : 'opening',
          ...(values.locale !== undefined ? { locale: values.locale } : {}),
        },
        values.actor,
      );
      return await outcome(store, INIT, r, format);
    } finally {
      await store.close();
    }
  },
};

const SHOW = 'ledger';
export const ledgerCommand: Command = {
  name: SHOW,
  summary: "show the ledger's settings: time zone (and its changes), currency, locale",
  common: true,
  help: `usage: renewal ledger [--store URL] [--format table|json]

The ledger's settings as the store records them: its time zone and every change of it (from which
day, who, when, why), its default currency and locale. A store without settings counts days in UTC.`,
  async run(argv) {
    const { values, positionals } = parse(SHOW, argv, {});
    noPositionals(SHOW, positionals);
    const format = formatOf(SHOW, values.format, ['table', 'json']);
    // A reader: an existing store, read-only.
    const store = await openStore(storeUrlOf(values.store), { create: false, readOnly: true });
    try {
      const ledger = await readLedger(store);
      if (format === 'json') printJson({ ...settingsJson(ledger.settings, ledger.now), today: ledger.today });
      else print(`${renderSettings(ledger.settings, ledger.now)}\nToday in the ledger: ${ledger.today} (${ledger.defaults.timeZone})`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const SET_ZONE = 'ledger set-zone';
export const setZoneCommand: Command = {
  name: SET_ZONE,
  summary: "count the ledger's days in another time zone from a date on",
  common: true,
  help: `usage: renewal ledger set-zone <ZONE> --effective DATE [--reason TEXT] [--actor NAME] [--store URL] [--format table|json]

Records a TimeZoneChanged event: from DATE on, business days are counted in ZONE. Days before keep
the zone they were counted in, so reports of past days and receipt numbers already issued stay as
they were. DATE must be today (in the zone in force) or later: a change reaching back would recount
days already reported. Views learn the change as they read the log; nothing needs a rebuild.

  --effective DATE  the first day counted in the new zone, YYYY-MM-DD
  --reason TEXT     why (kept with the event)
  --actor NAME      who changes it (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(SET_ZONE, argv, {
      effective: { type: 'string' },
      reason: { type: 'string' },
      actor: { type: 'string' },
    });
    const zone = onePositional(SET_ZONE, positionals, 'the new time zone (an IANA name such as Europe/Berlin)');
    const format = formatOf(SET_ZONE, values.format, ['table', 'json']);
    if (values.effective === undefined)
      throw new UsageError('--effective is missing: the first day counted in the new zone, YYYY-MM-DD', SET_ZONE);
    const effectiveFrom = dateOf(SET_ZONE, '--effective', values.effective);
    // A zone change needs an opened ledger: no store is created just to refuse it (LEDGER_NOT_OPENED).
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const r = await record(
        store,
        SET_ZONE,
        {
          type: 'ChangeTimeZone',
          actor: actorOf(values.actor),
          timeZone: zone,
          effectiveFrom,
          ...(values.reason !== undefined ? { reason: values.reason } : {}),
        },
        values.actor,
      );
      return await outcome(store, SET_ZONE, r, format);
    } finally {
      await store.close();
    }
  },
};

export const ledgerCommands: readonly Command[] = [initCommand, ledgerCommand, setZoneCommand];
