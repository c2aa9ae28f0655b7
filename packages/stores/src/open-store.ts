// One entry point to every store, chosen by URL. Adapters load lazily with a dynamic import, so
// an application on SQLite never loads `pg` or the EventStoreDB client (or needs them installed).
import { getInMemoryEventStore, StoreUrlError, type EventStore, type EventStoreOptions } from '@renewal-ledger/eventstore';

export const STORE_URL_FORMS = [
  'memory:                                  (in memory, for tests and trials)',
  'sqlite:./renewal.db                      (a file relative to the working directory)',
  'sqlite:/absolute/path/renewal.db',
  'postgres://user:password@host:5432/db    (also postgresql://)',
  'esdb://host:2113?tls=false               (EventStoreDB; also esdb+discover://)',
] as const;

type Factory = (options: { readonly connectionString: string } & EventStoreOptions) => EventStore | Promise<EventStore>;

const describe = (url: string) => (url.length > 80 ? `${url.slice(0, 77)}...` : url);

const refuse = (url: string, why: string): never => {
  throw new StoreUrlError(`${why}: ${JSON.stringify(describe(url))}. A store URL is one of:\n  ${STORE_URL_FORMS.join('\n  ')}`);
};

/** The factory an adapter package exports, or a clear error when the package or export is missing. */
const load = async (pkg: () => Promise<unknown>, name: string, exportName: string): Promise<Factory> => {
  let mod: Record<string, unknown>;
  try {
    mod = (await pkg()) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name} is needed for this store URL but could not be loaded (is it installed?): ${(e as Error).message}`, { cause: e });
  }
  const factory = mod[exportName];
  if (typeof factory !== 'function') throw new Error(`${name} does not export ${exportName}()`);
  return factory as Factory;
};

/**
 * Opens the event store a URL names: `memory:`, `sqlite:./renewal.db`, `sqlite:/abs/path`,
 * `postgres://...` (or `postgresql://`), `esdb://...` (or `esdb+discover://`). Anything else is a
 * StoreUrlError listing these forms.
 */
export const openStore = async (url: string, options: EventStoreOptions = {}): Promise<EventStore> => {
  if (typeof url !== 'string' || url.trim() === '') return refuse(String(url), 'no store URL given');
  const text = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      if (text.toLowerCase() !== 'memory:') return refuse(url, 'memory: takes nothing after the colon');
      return getInMemoryEventStore(options);
    case 'sqlite': {
      if (/^sqlite:(\/\/)?$/i.test(text)) return refuse(url, 'a sqlite: URL needs a file path');
      const { getSQLiteEventStore } = await import('@renewal-ledger/store-sqlite');
      return getSQLiteEventStore({ ...options, url: text });
    }
    case 'postgres':
    case 'postgresql': {
      if (!text.includes('//')) return refuse(url, 'a PostgreSQL URL starts with postgres://');
      const factory = await load(() => import('@renewal-ledger/store-postgres'), '@renewal-ledger/store-postgres', 'getPostgresEventStore');
      return factory({ ...options, connectionString: text });
    }
    case 'esdb':
    case 'esdb+discover': {
      if (!text.includes('//')) return refuse(url, 'an EventStoreDB URL starts with esdb://');
      const factory = await load(
        () => import('@renewal-ledger/store-eventstoredb'),
        '@renewal-ledger/store-eventstoredb',
        'getEventStoreDBEventStore',
      );
      return factory({ ...options, connectionString: text });
    }
    default:
      return refuse(url, scheme ? `unknown store kind "${scheme}:"` : 'not a store URL');
  }
};
