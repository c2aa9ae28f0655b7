// One entry point to every store, chosen by URL. Each adapter is an optional peer dependency,
// loaded lazily with a dynamic import: an application on PostgreSQL installs and loads only
// @renewal-ledger/store-postgres (and pg), never better-sqlite3 or the EventStoreDB client.
import {
  getInMemoryEventStore,
  missingPackageIn,
  StoreUrlError,
  type EventStore,
  type EventStoreOptions,
} from '@renewal-ledger/eventstore';

export const STORE_URL_FORMS = [
  'memory:                                  (in memory, for tests and trials)',
  'sqlite:./renewal.db                      (a file relative to the working directory)',
  'sqlite:/absolute/path/renewal.db',
  'postgres://user:password@host:5432/db    (also postgresql://)',
  'esdb://host:2113?tls=false               (EventStoreDB; also esdb+discover://)',
] as const;

type Factory = (options: EventStoreOptions & Record<string, unknown>) => EventStore | Promise<EventStore>;

const describe = (url: string) => (url.length > 80 ? `${url.slice(0, 77)}...` : url);

const refuse = (url: string, why: string): never => {
  throw new StoreUrlError(`${why}: ${JSON.stringify(describe(url))}. A store URL is one of:\n  ${STORE_URL_FORMS.join('\n  ')}`);
};

/**
 * The factory an adapter package exports. A MissingPackageError naming the package to install
 * when it (or its driver) is not installed; the URL itself stays out of the message, since it may
 * hold a password.
 */
const load = async (neededFor: string, pkg: () => Promise<unknown>, name: string, exportName: string): Promise<Factory> => {
  let mod: Record<string, unknown>;
  try {
    mod = (await pkg()) as Record<string, unknown>;
  } catch (e) {
    throw (
      missingPackageIn(e, neededFor) ??
      new Error(`${neededFor} needs ${name}, which could not be loaded: ${(e as Error).message}`, { cause: e })
    );
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
      const factory = await load(
        'a SQLite store URL (sqlite:)',
        () => import('@renewal-ledger/store-sqlite'),
        '@renewal-ledger/store-sqlite',
        'getSQLiteEventStore',
      );
      return factory({ ...options, url: text });
    }
    case 'postgres':
    case 'postgresql': {
      if (!text.includes('//')) return refuse(url, 'a PostgreSQL URL starts with postgres://');
      const factory = await load(
        'a PostgreSQL store URL (postgres://)',
        () => import('@renewal-ledger/store-postgres'),
        '@renewal-ledger/store-postgres',
        'getPostgresEventStore',
      );
      return factory({ ...options, connectionString: text });
    }
    case 'esdb':
    case 'esdb+discover': {
      if (!text.includes('//')) return refuse(url, 'an EventStoreDB URL starts with esdb://');
      const factory = await load(
        'an EventStoreDB store URL (esdb://)',
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
