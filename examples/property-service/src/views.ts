// Where the views live, chosen as the `renewal` CLI chooses: beside a SQLite store
// (`./renewal.db` -> `./renewal-views.db`), in memory for the memory store, and in the same
// PostgreSQL database (schema renewal_views) for a PostgreSQL store, unless told otherwise.
import { basename, dirname, extname, join } from 'node:path';
import { getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';

const isPostgres = (s: string) => /^postgres(ql)?:\/\//i.test(s);

const schemaParam = (url: string): string | null => {
  try {
    return new URL(url).searchParams.get('schema');
  } catch {
    return null;
  }
};

const sibling = (path: string): string => {
  const ext = extname(path);
  const name = `${basename(path, ext)}-views${ext || '.db'}`;
  return dirname(path) === '.' ? name : join(dirname(path), name);
};

export const openViewDatabase = async (storeUrl: string, views?: string): Promise<{ database: ViewDatabase; label: string }> => {
  if (views && isPostgres(views)) {
    const schema = schemaParam(views) ?? 'renewal_views';
    return { database: await getPostgresViewDatabase({ connectionString: views, schema }), label: `PostgreSQL schema ${schema}` };
  }
  if (!views && isPostgres(storeUrl)) {
    const named = schemaParam(storeUrl);
    const schema = named ? `${named}_views` : 'renewal_views';
    return { database: await getPostgresViewDatabase({ connectionString: storeUrl, schema }), label: `PostgreSQL schema ${schema}` };
  }
  let path = views?.replace(/^sqlite:(\/\/)?/i, '');
  if (!path) {
    const sqlite = /^sqlite:(\/\/)?(.*)$/i.exec(storeUrl.trim());
    path =
      sqlite?.[2] && sqlite[2] !== ':memory:'
        ? sibling(sqlite[2])
        : sqlite
          ? ':memory:'
          : /^memory:$/i.test(storeUrl.trim())
            ? ':memory:'
            : './renewal-views.db';
  }
  return { database: getSQLiteViewDatabase({ path }), label: path === ':memory:' ? 'in memory' : path };
};
