// `renewal arrears`: what is owed and how old it is, as of a date. The portfolio's aging buckets
// per currency by default; one contract's cycles with --contract; the largest debtors with --top;
// the collection rate per billing month with --periods.
import { AGING_BUCKETS } from '@renewal-ledger/core';
import { getArrearsView, type ArrearsCycle, type ContractArrears, type Debtor, type Portfolio } from '@renewal-ledger/projection-arrears';
import { dateOf, formatOf, idOf, noPositionals, parse, positiveIntOf } from '../args.js';
import { readLedger } from '../ledger.js';
import type { Command } from '../command.js';
import { amount, amountCells, amountHeaders, count, csv, print, printJson, table } from '../output.js';
import { renderAging, renderDebtors, renderPeriods } from '../reports.js';
import { requireContract } from '../lookups.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';
import { KNOWN_AT_HELP, readBooks, renderBooksHeader } from '../books.js';
import { UsageError } from '../errors.js';

const NAME = 'arrears';

const renderContract = (c: ContractArrears): string => {
  const rows = c.cycles.map((x: ArrearsCycle) => [
    x.cycleId,
    x.dueDate,
    amount(x.figures.dueMinor, x.currency),
    amount(x.figures.netPaidMinor, x.currency),
    amount(x.figures.outstandingMinor, x.currency),
    amount(x.figures.openDisputedMinor, x.currency),
    amount(x.aging.overdueMinor, x.currency),
    x.aging.daysPastDue,
    x.aging.overdueMinor > 0 ? x.aging.bucket : '',
    x.aging.planStatus === 'none' ? '' : x.aging.planStatus,
  ]);
  const totals = c.totals.map(
    (t) =>
      `  ${t.currency}: due ${amount(t.dueMinor, t.currency)}, paid ${amount(t.netPaidMinor, t.currency)}, outstanding ${amount(t.outstandingMinor, t.currency)}, collectible ${amount(t.collectibleMinor, t.currency)}, overdue ${amount(t.overdueMinor, t.currency)}` +
      ` (${
        AGING_BUCKETS.filter((b) => t.buckets[b] > 0)
          .map((b) => `${b} ${amount(t.buckets[b], t.currency)}`)
          .join(', ') || 'nothing collectible'
      })`,
  );
  if (c.cycles.length === 0) return `Contract ${c.contractId} as of ${c.asOf}: no cycles billed yet`;
  return [
    `Contract ${c.contractId} as of ${c.asOf}: ${count(c.cycles.length)} cycles`,
    table(['cycle', 'due date', 'due', 'paid', 'outstanding', 'disputed', 'overdue', 'days', 'bucket', 'plan'], rows),
    ...totals,
  ].join('\n');
};

const debtorsCsv = (debtors: readonly Debtor[]) =>
  csv(
    ['contract_id', 'currency', ...amountHeaders('overdue', 'collectible'), 'days_past_due', 'bucket', 'cycles'],
    debtors.map((d) => [
      d.contractId,
      d.currency,
      ...amountCells(d.currency, d.overdueMinor, d.collectibleMinor),
      d.daysPastDue,
      d.bucket,
      d.cycles,
    ]),
  );

const bucketsCsv = (asOf: string, portfolio: Portfolio) =>
  csv(
    ['as_of', 'currency', 'bucket', 'cycles', ...amountHeaders('amount')],
    portfolio.currencies.flatMap((c) =>
      AGING_BUCKETS.map((b) => [asOf, c.currency, b, c.bucketCycles[b], ...amountCells(c.currency, c.buckets[b])]),
    ),
  );

export const arrearsCommand: Command = {
  name: NAME,
  summary: "aging buckets, a contract's cycles, top debtors, collection rate per month",
  common: true,
  help: `usage: renewal arrears [--as-of DATE] [--known-at K [--replay]] [--contract ID] [--top N] [--periods] [--format table|json|csv]

What is owed and how old it is as of a date: every collectible amount in exactly one aging
bucket (current, 1-30, 31-60, 61-90, 90+ days past due), per currency.

  --as-of DATE     the date the aging is computed at, YYYY-MM-DD (default: today in the
                   ledger's time zone)
  --contract ID    one contract: each cycle's figures and aging, and its totals (one the
                   store does not hold, neither opened nor billed, is exit 1)
  --top N          the N contracts with the most overdue
  --periods        billed, due, collected and the collection rate per billing month
${KNOWN_AT_HELP}
                   (the aging buckets and --top; not with --contract or --periods)

The views are caught up with the store first where they are built (renewal projections rebuild),
else computed in memory for this run; PostgreSQL views this user cannot write are read as they
are when they reach the store's head, else computed in memory too. --format csv prints one table: the contract's
cycles, the debtors, the periods, or the buckets, in that order of preference.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      'as-of': { type: 'string' },
      contract: { type: 'string' },
      top: { type: 'string' },
      periods: { type: 'boolean' },
      'known-at': { type: 'string' },
      replay: { type: 'boolean' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(NAME, '--as-of', values['as-of']);
    const top = values.top === undefined ? null : positiveIntOf(NAME, '--top', values.top);
    const contractId = values.contract === undefined ? undefined : idOf(NAME, '--contract', values.contract);
    const knownAt = values['known-at'];
    if (values.replay && knownAt === undefined) throw new UsageError('--replay goes with --known-at', NAME);
    if (knownAt !== undefined && (contractId !== undefined || values.periods))
      throw new UsageError('--known-at gives the portfolio and --top as they stood; it does not go with --contract or --periods', NAME);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: readViews('arrears') });
    try {
      const ledger = await readLedger(session.store, { daysFromInstants: givenAsOf === null });
      const asOf = givenAsOf ?? ledger.today;
      if (knownAt !== undefined) {
        const books = await readBooks(
          NAME,
          session,
          { asOf, knownAt, ...(top === null ? {} : { top }) },
          { replay: values.replay === true },
        );
        if (format === 'json')
          printJson({
            asOf,
            knownAt: books.knownAt,
            picture: { events: books.events, recordedLater: books.recordedLater, datedLater: books.datedLater },
            currencies: books.portfolio.currencies,
            ...(top === null ? {} : { topDebtors: books.topDebtors }),
          });
        else if (format === 'csv' && top !== null) print(debtorsCsv(books.topDebtors));
        else if (format === 'csv') print(bucketsCsv(asOf, books.portfolio));
        else
          print(
            [renderBooksHeader(books), renderAging(books.portfolio), ...(top === null ? [] : [renderDebtors(asOf, books.topDebtors)])].join(
              '\n\n',
            ),
          );
        return 0;
      }
      await catchUp(session, { only: ['arrears'], required: ['arrears'] });
      const view = getArrearsView(session.views);
      const contract = contractId === undefined ? null : await view.byContract(contractId, { asOf });
      if (contract && contract.cycles.length === 0) await requireContract(session, contract.contractId, asOf);
      const portfolio = contract ? null : await view.portfolio({ asOf });
      const debtors = top === null ? null : await view.topDebtors({ asOf, limit: top });
      const periods = values.periods ? await view.billingPeriods() : null;

      if (format === 'json') {
        printJson({
          asOf,
          ...(portfolio ? { currencies: portfolio.currencies } : {}),
          ...(contract ? { contract } : {}),
          ...(debtors ? { topDebtors: debtors } : {}),
          ...(periods ? { billingPeriods: periods } : {}),
        });
      } else if (format === 'csv') {
        if (contract)
          print(
            csv(
              [
                'cycle_id',
                'contract_id',
                'currency',
                'billing_month',
                'due_date',
                ...amountHeaders('total', 'due', 'net_paid', 'outstanding', 'open_disputed', 'collectible', 'overdue', 'not_yet_due'),
                'days_past_due',
                'bucket',
                'plan_status',
              ],
              contract.cycles.map((c) => [
                c.cycleId,
                c.contractId,
                c.currency,
                c.billingMonth,
                c.dueDate,
                ...amountCells(
                  c.currency,
                  c.figures.totalMinor,
                  c.figures.dueMinor,
                  c.figures.netPaidMinor,
                  c.figures.outstandingMinor,
                  c.figures.openDisputedMinor,
                  c.figures.collectibleMinor,
                  c.aging.overdueMinor,
                  c.aging.notYetDueMinor,
                ),
                c.aging.daysPastDue,
                c.aging.bucket,
                c.aging.planStatus,
              ]),
            ),
          );
        else if (debtors) print(debtorsCsv(debtors));
        else if (periods)
          print(
            csv(
              [
                'billing_month',
                'currency',
                'cycles',
                ...amountHeaders('billed', 'due', 'collected', 'outstanding', 'written_off'),
                'collection_rate',
              ],
              periods.map((p) => [
                p.billingMonth,
                p.currency,
                p.cycles,
                ...amountCells(p.currency, p.billedMinor, p.dueMinor, p.collectedMinor, p.outstandingMinor, p.writtenOffMinor),
                p.collectionRate === null ? '' : p.collectionRate.toFixed(6),
              ]),
            ),
          );
        else print(bucketsCsv(asOf, portfolio!));
      } else {
        const parts: string[] = [];
        if (contract) parts.push(renderContract(contract));
        if (portfolio) parts.push(renderAging(portfolio));
        if (debtors) parts.push(renderDebtors(asOf, debtors));
        if (periods) parts.push(renderPeriods('Collection rate per billing month (collected / due)', periods));
        print(parts.join('\n\n'));
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
