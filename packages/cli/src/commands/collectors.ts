// `renewal collectors assign|target|report`: the collection office (docs/collectors-and-targets.md).
// Contracts are assigned to a collector and a team from a day on (a reassignment is a new fact,
// the old one stays as history); a month's targets are set per collector or team; the report
// measures them as of any day.
import * as E from 'fp-ts/lib/Either.js';
import {
  collectorsDecider,
  decodeCollectorsCommand,
  formatProblem,
  parseMinor,
  type CollectorsCommand,
  type Performance,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { readCollectorsPerformance } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { actorOf } from '../actor.js';
import { dateOf, formatOf, idOf, noPositionals, onePositional, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { readLedger } from '../ledger.js';
import { money, print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Decodes and handles one command of the collection office as the actor of the command line. */
const runOfficeCommand = async (
  name: string,
  storeFlag: string | undefined,
  actorFlag: string | undefined,
  build: (today: string, currency: string | null) => Record<string, unknown>,
  done: string,
) => {
  const store = await openStore(storeUrlOf(storeFlag), { create: false });
  try {
    const who = await actorOf(store, name, actorFlag);
    if (who.actor === null) throw new UsageError('say who you are with --actor USER or RENEWAL_ACTOR', name);
    const ledger = await readLedger(store, { daysFromInstants: true });
    // The command id names this run; the same assignment or target again at another time is found
    // by its business ids instead (a duplicate too).
    const input = build(ledger.today, ledger.defaults.currency);
    const decoded = decodeCollectorsCommand({ ...input, commandId: `${input.commandId}@${ledger.now}`, actor: who.actor, at: ledger.now });
    if (E.isLeft(decoded)) throw new UsageError(decoded.left.problems.map(formatProblem).join('; '), name);
    const handler = getCommandHandler(collectorsDecider, {
      store,
      clock: () => ledger.now,
      ...(who.access ? { access: who.access, role: who.role! } : {}),
    });
    const r = await handler.handle(decoded.right as CollectorsCommand);
    if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
    print(r.status === 'applied' ? done : `${done}: already recorded (nothing new written)`);
  } finally {
    await store.close();
  }
};

const assignCommand: Command = {
  name: 'collectors assign',
  summary: 'assign a contract to a collector and a team from a day on (reassigning keeps the history)',
  help: `usage: renewal collectors assign <contractId> --collector ID --team ID [--from DATE] [--actor USER]

From --from (default today in the ledger's zone) the collector answers for the contract: money it
pays counts to them, and so do its cycles falling due. A reassignment starts after the current
assignment (ASSIGNMENT_OUT_OF_ORDER otherwise); the same assignment again is a duplicate.`,
  async run(argv) {
    const name = 'collectors assign';
    const { values, positionals } = parse(name, argv, {
      collector: { type: 'string' },
      team: { type: 'string' },
      from: { type: 'string' },
    });
    const contractId = idOf(name, 'the contract id', onePositional(name, positionals, 'the contract id'));
    if (!values.collector) throw new UsageError('--collector is missing', name);
    if (!values.team) throw new UsageError('--team is missing', name);
    const from = values.from === undefined ? undefined : dateOf(name, '--from', values.from);
    await runOfficeCommand(
      name,
      values.store,
      values.actor,
      (today) => ({
        type: 'AssignCollector',
        commandId: `assign-collector:${contractId}@${from ?? today}`,
        contractId,
        collectorId: values.collector,
        teamId: values.team,
        from: from ?? today,
      }),
      `assigned ${contractId} to ${values.collector} (team ${values.team})`,
    );
    return 0;
  },
};

const targetCommand: Command = {
  name: 'collectors target',
  summary: "set a month's target of a collector or a team: collected, collection rate, arrears reduced",
  help: `usage: renewal collectors target --month YYYY-MM (--collector ID | --team ID) [--collected AMOUNT] [--rate PERCENT]
       [--arrears-reduced AMOUNT] [--currency CODE] [--actor USER]

Amounts are in --currency (default the ledger's); --rate is the collection rate of the assigned
cycles as a percentage (95 or 95.5). At least one figure. Setting it again replaces it (the
earlier target stays in the log).`,
  async run(argv) {
    const name = 'collectors target';
    const { values, positionals } = parse(name, argv, {
      month: { type: 'string' },
      collector: { type: 'string' },
      team: { type: 'string' },
      collected: { type: 'string' },
      rate: { type: 'string' },
      'arrears-reduced': { type: 'string' },
      currency: { type: 'string' },
    });
    noPositionals(name, positionals);
    if (!values.month || !MONTH.test(values.month)) throw new UsageError('--month YYYY-MM is missing or not a month', name);
    if ((values.collector === undefined) === (values.team === undefined)) throw new UsageError('give one of --collector or --team', name);
    const scope = values.collector !== undefined ? 'collector' : 'team';
    const subjectId = (values.collector ?? values.team)!;
    let rateBp: number | undefined;
    if (values.rate !== undefined) {
      const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(values.rate);
      rateBp = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : Number.NaN;
      if (!(rateBp >= 0 && rateBp <= 10000)) throw new UsageError(`--rate must be a percentage from 0 to 100, got ${values.rate}`, name);
    }
    await runOfficeCommand(
      name,
      values.store,
      values.actor,
      (_today, ledgerCurrency) => {
        const currency = values.currency ?? ledgerCurrency;
        if (!currency) throw new UsageError('--currency is missing (this ledger records none: renewal init --currency)', name);
        const amount = (flag: string, text: string | undefined) => {
          if (text === undefined) return undefined;
          const minor = parseMinor(text, currency);
          if (minor === null || minor < 0) throw new UsageError(`${flag} must be an amount in ${currency}, got ${text}`, name);
          return minor;
        };
        const collected = amount('--collected', values.collected);
        const reduced = amount('--arrears-reduced', values['arrears-reduced']);
        return {
          type: 'SetCollectionTarget',
          commandId: `target:${values.month}:${scope}:${subjectId}:${[collected, rateBp, reduced].join('/')}`,
          month: values.month,
          scope,
          subjectId,
          currency,
          ...(collected !== undefined ? { collectedMinor: collected } : {}),
          ...(rateBp !== undefined ? { collectionRateBp: rateBp } : {}),
          ...(reduced !== undefined ? { arrearsReducedMinor: reduced } : {}),
        };
      },
      `set the ${values.month} target of ${scope} ${subjectId}`,
    );
    return 0;
  },
};

const pct = (bp: number | null | undefined): string => (bp === null || bp === undefined ? '' : `${(bp / 100).toFixed(2)}%`);

const reportCommand: Command = {
  name: 'collectors report',
  summary: "collectors' and teams' performance for a month as of a day: target, achieved, share, rank, per channel",
  help: `usage: renewal collectors report [--month YYYY-MM] [--as-of DATE] [--currency CODE] [--format table|json]

As of --as-of (default today in the ledger's zone; only what was recorded by then counts, so an
offline payment entered later shows from the day it was entered) for --month (default the month
of --as-of): per collector and per team, money collected in the month (offline money to whoever
took it, the rest to whoever held the contract that day), the collection rate of the cycles
assigned to them that fell due in the month, the arrears of the month's start paid since, each
against its target, with the share and the rank, and what was collected per channel.`,
  async run(argv) {
    const name = 'collectors report';
    const { values, positionals } = parse(name, argv, {
      month: { type: 'string' },
      'as-of': { type: 'string' },
      currency: { type: 'string' },
    });
    noPositionals(name, positionals);
    const format = formatOf(name, values.format, ['table', 'json']);
    if (values.month !== undefined && !MONTH.test(values.month)) throw new UsageError(`--month must be YYYY-MM, got ${values.month}`, name);
    const store = await openStore(storeUrlOf(values.store), { create: false, readOnly: true });
    try {
      const ledger = await readLedger(store, { daysFromInstants: values['as-of'] === undefined });
      const asOf = values['as-of'] === undefined ? ledger.today : dateOf(name, '--as-of', values['as-of']);
      const month = values.month ?? asOf.slice(0, 7);
      const currency = values.currency ?? ledger.defaults.currency;
      if (!currency) throw new UsageError('--currency is missing (this ledger records none: renewal init --currency)', name);
      const report = await readCollectorsPerformance(store, { month, asOf, currency });
      if (format === 'json') {
        printJson(report);
        return 0;
      }
      const rows = (list: readonly Performance[]) =>
        list.map((p) => [
          p.rank,
          p.id,
          p.teamId ?? '',
          money(p.collectedMinor, currency),
          p.target?.collectedMinor === undefined ? '' : money(p.target.collectedMinor, currency),
          pct(p.share.collected),
          pct(p.collectionRateBp),
          pct(p.target?.collectionRateBp),
          money(p.arrearsReducedMinor, currency),
          p.target?.arrearsReducedMinor === undefined ? '' : money(p.target.arrearsReducedMinor, currency),
          p.channels.map((c) => `${c.channel} ${money(c.collectedMinor, currency)}`).join(', '),
        ]);
      const header = [
        'rank',
        'id',
        'team',
        'collected',
        'target',
        'share',
        'rate',
        'rate target',
        'arrears reduced',
        'target',
        'per channel',
      ];
      print(`Collectors, ${month} as of ${asOf} (${currency})`);
      print(report.collectors.length === 0 ? 'no collectors assigned or targeted' : table(header, rows(report.collectors)));
      print(`\nTeams`);
      print(report.teams.length === 0 ? 'no teams' : table(header, rows(report.teams)));
      if (report.unassignedMinor !== 0) print(`\nCollected on contracts nobody was assigned: ${money(report.unassignedMinor, currency)}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const collectorsCommands: readonly Command[] = [assignCommand, targetCommand, reportCommand];
