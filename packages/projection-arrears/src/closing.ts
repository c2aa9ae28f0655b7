// Year-end (or month-end) closing (docs/as-known-at.md, "Closing a period"): the figures of the
// books as they stood at the period's last day, as known at the closing, recorded as a fact
// (PeriodClosed on the ledger's settings stream, with the audit seal the caller took). Nothing is
// refused afterwards: what is entered later but dated inside a closed period is a fact like any
// other, flagged by projection-audit's lateEntries (`renewal close --check`, `renewal audit verify`).
import { closingPeriodDays, ledgerSettingsDecider, type ClosingFigures, type ClosingSeal, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, type CommandHandlerOptions, type EventStore, type HandleResult } from '@renewal-ledger/eventstore';
import type { SqlExecutor } from '@renewal-ledger/projections';
import { booksAsTheyStood, type BooksAsTheyStood } from './as-known-at.js';
import type { BooksFromViews } from './books-view.js';
import { getArrearsView } from './view.js';

/** The books alone, without how they were read. */
const booksOf = ({ foldedCycles: _, ...books }: BooksFromViews): BooksAsTheyStood => books;

/** The figures a closing records, per currency: the portfolio's sums as decimal text. */
export const closingFiguresOf = (books: BooksAsTheyStood): ClosingFigures[] =>
  books.portfolio.currencies.map((c) => ({
    currency: c.currency,
    cycles: c.cycles,
    dueMinor: String(c.dueMinor),
    netPaidMinor: String(c.netPaidMinor),
    outstandingMinor: String(c.outstandingMinor),
    collectibleMinor: String(c.collectibleMinor),
    overdueMinor: String(c.overdueMinor),
    creditMinor: String(c.creditMinor),
    buckets: {
      current: String(c.buckets.current),
      '1-30': String(c.buckets['1-30']),
      '31-60': String(c.buckets['31-60']),
      '61-90': String(c.buckets['61-90']),
      '90+': String(c.buckets['90+']),
    },
  }));

export interface ClosePeriodOptions {
  /** A year `2026` or a month `2026-12`. */
  readonly period: string;
  readonly commandId: string;
  readonly actor: string;
  /** The closing instant: the books are taken as known at it, and it is the event's `at` and recorded time. */
  readonly at: Instant;
  /** The audit chain's head (projection-audit's sealAuditChain), when the caller took one. */
  readonly seal?: ClosingSeal;
  readonly reason?: string;
  /** How many debtors the returned books list (the closing's aged-debtors list); default 10. */
  readonly top?: number;
  /**
   * The arrears view, caught up with the store: the books are then read from its history rows
   * (getArrearsView().asKnownAt) rather than replayed from the log; the same figures.
   */
  readonly views?: SqlExecutor;
  /** Access checking, as for any command: the policy and the role of the actor. */
  readonly access?: CommandHandlerOptions['access'];
  readonly role?: string;
}

export interface PeriodClosing {
  readonly books: BooksAsTheyStood;
  readonly result: HandleResult<typeof ledgerSettingsDecider>;
}

/** Closes a period: the books as of its last day as known now, recorded as PeriodClosed (refused by the ledger's rules, never thrown). */
export const closePeriod = async (store: EventStore, options: ClosePeriodOptions): Promise<PeriodClosing> => {
  const days = closingPeriodDays(options.period);
  if (days === null) throw new TypeError(`period: expected a year YYYY or a month YYYY-MM, got ${JSON.stringify(options.period)}`);
  const query = { asOf: days.last, knownAt: options.at, top: options.top ?? 10 };
  const books = options.views ? booksOf(await getArrearsView(options.views).asKnownAt(store, query)) : await booksAsTheyStood(store, query);
  const handler = getCommandHandler(ledgerSettingsDecider, {
    store,
    clock: () => options.at,
    ...(options.access ? { access: options.access } : {}),
  });
  const result = await handler.handle(
    {
      type: 'ClosePeriod',
      commandId: options.commandId,
      actor: options.actor,
      at: options.at,
      period: options.period,
      figures: closingFiguresOf(books),
      ...(options.seal ? { seal: options.seal } : {}),
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    } as never,
    options.role !== undefined ? { role: options.role } : {},
  );
  return { books, result };
};
