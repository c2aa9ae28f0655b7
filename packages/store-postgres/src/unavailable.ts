// The server a store's connections go to, for StoreUnavailableError's message (never a password).
import type { Pool } from 'pg';
import { serverOfUrl } from '@renewal-ledger/eventstore';

/** `PostgreSQL at host:port/database`, from the connection string or the options of a pool given. */
export const serverOf = (connectionString: string | undefined, pool?: Pool): string => {
  const options = (pool as { options?: { host?: string; port?: number; database?: string; connectionString?: string } } | undefined)
    ?.options;
  const url = connectionString ?? options?.connectionString;
  if (url) return `PostgreSQL at ${serverOfUrl(url, 5432)}`;
  return `PostgreSQL at ${options?.host ?? 'localhost'}:${options?.port ?? 5432}${options?.database ? `/${options.database}` : ''}`;
};
