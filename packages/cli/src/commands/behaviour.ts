// `renewal behaviour`: how customers pay, from the behaviour view (packages/projection-behaviour):
// reminder effectiveness per channel and level, the collection rate per billing month and the
// takings per channel over some days; with --contract, one contract's punctuality.
import type { BusinessDate } from '@renewal-ledger/core';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { getBehaviourView, type ContractBehaviour } from '@renewal-ledger/projection-behaviour';
import { dateOf, formatOf, idOf, noPositionals, parse } from '../args.js';
import { readLedger } from '../ledger.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { amountCells, amountHeaders, count, csv, print, printJson, table } from '../output.js';
import { rate, renderPeriods, renderTakings, takingsCsv } from '../reports.js';
import { renderReminderEffects } from '../demo-behaviour.js';
import { requireContract } from '../lookups.js';
import { KNOWN_AT_HELP, readBooks, renderBooksHeader } from '../books.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const NAME = 'behaviour';

const renderContract = (c: ContractBehaviour): string =>
  [
    `Contract ${c.contractId} as of ${c.asOf}: ${count(c.cycles)} decided cycles, ${count(c.onTime)} on time (${rate(c.onTimeRate)}), ` +
      `average ${c.averageDaysLate === null ? '-' : c.averageDaysLate.toFixed(1)} days late, current streak ${count(c.currentStreak)} on time`,
    c.standings.length === 0
      ? '  (no cycle is decided yet: none settled, none past its due date)'
      : table(
          ['cycle', 'due date', 'status', 'days late', 'settled on'],
          c.standings.map((s) => [s.cycleId, s.dueDate, s.status, s.daysLate, s.settledOn ?? '']),
        ),
  ].join('\n');

const takingsTitle = (from: string, to: string) =>
  `Takings per channel from ${from} to ${to} (new money; payments from credit not counted again)`;

/** The first day of the month of `date`. */
const monthStart = (date: BusinessDate): BusinessDate => `${date.slice(0, 8)}01` as BusinessDate;

export const behaviourCommand: Command = {
  name: NAME,
  summary: 'payment behaviour: reminder effectiveness, collection rate per month, takings per channel',
  common: true,
  help: `usage: renewal behaviour [--as-of DATE] [--from DATE --to DATE] [--known-at K [--replay]] [--contract ID] [--format table|json|csv]

How customers pay, from the behaviour view:
  - reminder effectiveness: per channel and level, the amount reminders chased and the part of it
    paid within 7 days of the reminder;
  - the collection rate per billing month (collected / due);
  - takings per channel: new money taken, refunded and reversed (bounced or charged back) on the
    days from --from to --to (a lump sum counts once, payments from credit not again).
With --contract, one contract's punctuality instead: on-time rate, average days late and the
current streak as of --as-of, and each decided cycle.

  --as-of DATE     the date punctuality is judged at, YYYY-MM-DD (default: today in the
                   ledger's time zone)
  --from DATE      first day of the takings (default: the first day of the --as-of month)
  --to DATE        last day of the takings (default: --as-of)
  --contract ID    one contract's punctuality (one the store does not hold, neither opened
                   nor billed, is exit 1)
${KNOWN_AT_HELP}
                   (the takings only, from --from to --to, as the books showed them; not with
                   --contract)

The views are caught up with the store first where they are built (renewal projections rebuild),
else computed in memory for this run; PostgreSQL views this user cannot write are read as they
are when they reach the store's head, else computed in memory too. --format csv prints one table: the contract's
cycles with --contract, else the collection rate per month.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      'as-of': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      contract: { type: 'string' },
      'known-at': { type: 'string' },
      replay: { type: 'boolean' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(NAME, '--as-of', values['as-of']);
    const givenFrom = values.from === undefined ? null : dateOf(NAME, '--from', values.from);
    const givenTo = values.to === undefined ? null : dateOf(NAME, '--to', values.to);
    if (givenFrom && givenTo && givenFrom > givenTo) throw new UsageError(`--from ${givenFrom} is after --to ${givenTo}`, NAME);
    const contractId = values.contract === undefined ? undefined : idOf(NAME, '--contract', values.contract);
    const knownAt = values['known-at'];
    if (values.replay && knownAt === undefined) throw new UsageError('--replay goes with --known-at', NAME);
    if (knownAt !== undefined && contractId !== undefined)
      throw new UsageError('--known-at gives the takings as they stood; it does not go with --contract', NAME);
    const reads = contractId === undefined ? ['behaviour'] : ['behaviour', 'arrears'];
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: readViews(...reads) });
    try {
      const ledger = await readLedger(session.store, { daysFromInstants: givenAsOf === null });
      const asOf = givenAsOf ?? ledger.today;
      const from = givenFrom ?? monthStart(asOf);
      const to = givenTo ?? asOf;
      if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`, NAME);
      if (knownAt !== undefined) {
        // The takings run to the as-of date of the picture: --to.
        const books = await readBooks(NAME, session, { asOf: to, knownAt, takingsFrom: from, top: 0 }, { replay: values.replay === true });
        if (format === 'json') printJson({ asOf: to, knownAt: books.knownAt, takings: books.takings });
        else if (format === 'csv') print(takingsCsv(books.takings));
        else print([renderBooksHeader(books), renderTakings(takingsTitle(from, to), books.takings)].join('\n\n'));
        return 0;
      }
      // The arrears view knows which contracts have cycles: a mistyped id is an error, not zeros.
      await catchUp(session, { only: reads, required: reads });
      const view = getBehaviourView(session.views);
      if (contractId !== undefined) {
        const known = await getArrearsView(session.views).byContract(contractId, { asOf });
        if (known.cycles.length === 0) await requireContract(session, contractId, asOf);
        const contract = await view.contract(contractId, { asOf });
        if (format === 'json') printJson({ asOf, contract });
        else if (format === 'csv')
          print(
            csv(
              ['contract_id', 'cycle_id', 'due_date', 'status', 'days_late', 'settled_on'],
              contract.standings.map((s) => [contract.contractId, s.cycleId, s.dueDate, s.status, s.daysLate, s.settledOn]),
            ),
          );
        else print(renderContract(contract));
        return 0;
      }
      const reminderEffectiveness = await view.reminderEffectiveness();
      const collectionRates = await view.collectionRates();
      const takings = await view.takings({ from, to });
      if (format === 'json') {
        printJson({ asOf, reminderEffectiveness, collectionRates, takings });
      } else if (format === 'csv') {
        print(
          csv(
            ['billing_month', 'currency', 'cycles', ...amountHeaders('billed', 'due', 'collected'), 'collection_rate'],
            collectionRates.map((p) => [
              p.billingMonth,
              p.currency,
              p.cycles,
              ...amountCells(p.currency, p.billedMinor, p.dueMinor, p.collectedMinor),
              p.collectionRate === null ? '' : p.collectionRate.toFixed(6),
            ]),
          ),
        );
      } else {
        print(
          [
            renderReminderEffects(reminderEffectiveness),
            renderPeriods('Collection rate per billing month (collected / due)', collectionRates),
            renderTakings(takingsTitle(from, to), takings),
          ].join('\n\n'),
        );
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
