// The books as they stood (docs/as-known-at.md) for the commands that take --known-at: a replay
// of the log, not the views, so no catch-up is needed and any moment can be asked about.
import type { BusinessDate } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { booksAsTheyStood, type BooksAsTheyStood } from '@renewal-ledger/projection-arrears';
import { UsageError } from './errors.js';
import { count, plural } from './output.js';

export const KNOWN_AT_HELP = `  --known-at K     the books as they stood: only events recorded by K (an ISO timestamp with Z
                   or an offset, or a date: the end of that day in the ledger's zone) and dated
                   by the end of --as-of; replayed from the event store, not read from the views`;

/** The books as of `asOf` as known at the text given to --known-at; a malformed one is a usage error. */
export const readBooks = async (
  command: string,
  store: EventStore,
  query: { readonly asOf: BusinessDate; readonly knownAt: string; readonly top?: number; readonly takingsFrom?: BusinessDate },
): Promise<BooksAsTheyStood> => {
  try {
    return await booksAsTheyStood(store, query);
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
