// The books as they stood (docs/as-known-at.md) for the commands that take --known-at: from the
// arrears view's history rows (caught up first), or with --replay, or where the views would only
// be computed in memory for this run, a replay of the log (the reference, and cheaper than
// building every view in memory to ask one question).
import type { BusinessDate } from '@renewal-ledger/core';
import { booksAsTheyStood, getArrearsView, type BooksAsTheyStood } from '@renewal-ledger/projection-arrears';
import { ViewNotReadyError } from '@renewal-ledger/projections';
import { UsageError } from './errors.js';
import { count, plural } from './output.js';
import { catchUp, type Session } from './session.js';

export const KNOWN_AT_HELP = `  --known-at K     the books as they stood: only events recorded by K (an ISO timestamp with Z
                   or an offset, or a date: the end of that day in the ledger's zone) and dated
                   by the end of --as-of; read from the arrears view's history rows
  --replay         with --known-at: replay the event store instead of reading the views (the
                   reference; also what runs when the views are not built)`;

/** The books as of `asOf` as known at the text given to --known-at; a malformed one is a usage error. */
export const readBooks = async (
  command: string,
  session: Session,
  query: { readonly asOf: BusinessDate; readonly knownAt: string; readonly top?: number; readonly takingsFrom?: BusinessDate },
  options: { readonly replay?: boolean } = {},
): Promise<BooksAsTheyStood> => {
  const location = session.viewsLocation;
  const viewsBuilt = !(location.kind === 'sqlite' && location.path === ':memory:');
  try {
    if (options.replay || !viewsBuilt) return await booksAsTheyStood(session.store, query);
    await catchUp(session, { only: ['arrears'], required: ['arrears'] });
    try {
      const { foldedCycles: _, ...books } = await getArrearsView(session.views).asKnownAt(session.store, query);
      return books;
    } catch (e) {
      // Views read as they are (PostgreSQL views this user cannot write), built before the
      // history rows: the replay answers.
      if (e instanceof ViewNotReadyError) return await booksAsTheyStood(session.store, query);
      throw e;
    }
  } catch (e) {
    if (e instanceof TypeError && e.message.startsWith('knownAt:'))
      throw new UsageError(`--known-at${e.message.slice('knownAt'.length)}`, command);
    throw e;
  }
};

/** What the picture holds and what it leaves out: the line above every as-known-at report. */
export const renderBooksHeader = (b: BooksAsTheyStood): string =>
  `The books as of ${b.asOf} as known at ${b.knownAt}: ${plural(b.events, 'event')} in the picture; ` +
  `${count(b.recordedLater)} recorded later and ${count(b.datedLater)} dated after ${b.asOf} left out`;
