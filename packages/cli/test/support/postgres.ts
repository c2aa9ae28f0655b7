// The CLI's PostgreSQL tests: the server they use, why they skip without one, and a store in a
// schema of its own that is dropped (with its views' schema) after the test.
import { getPostgresViewDatabase } from '@renewal-ledger/projections';

export const postgresUrl = process.env.POSTGRES_URL || undefined;

/** Why the PostgreSQL tests cannot run here, or null (with REQUIRE_POSTGRES=1 they must). */
export const postgresSkip = postgresUrl || process.env.REQUIRE_POSTGRES === '1' ? null : 'POSTGRES_URL is not set';

/** Runs `body` with a store URL naming a fresh schema (`?schema=`), then drops it and `<schema>_views`. */
export const withPostgresStore = async (
  label: string,
  body: (storeUrl: string, schema: string, url: string) => Promise<void> | void,
): Promise<void> => {
  const url = postgresUrl;
  if (!url) throw new Error('REQUIRE_POSTGRES=1 but POSTGRES_URL is not set');
  const schema = `t_cli_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await body(`${url}${url.includes('?') ? '&' : '?'}schema=${schema}`, schema, url);
  } finally {
    const admin = await getPostgresViewDatabase({ connectionString: url });
    await admin.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.execute(`DROP SCHEMA IF EXISTS "${schema}_views" CASCADE`);
    await admin.close();
  }
};

type Suite = ((name: string, body: () => void | Promise<void>) => void) & {
  skip: (name: string, body: () => void | Promise<void>) => void;
};

/**
 * Adds `scenario` to `suite` twice: in a fresh workspace on SQLite, and in one on a PostgreSQL
 * schema of its own (skipped, saying so, when there is no server).
 */
export const onBothStores = <W extends { cleanup(): void }>(
  suite: Suite,
  label: string,
  makeWorkspace: () => W,
  name: string,
  scenario: (w: W, store: string) => void,
): void => {
  const inWorkspace = (store: string) => {
    const w = makeWorkspace();
    try {
      scenario(w, store);
    } finally {
      w.cleanup();
    }
  };
  suite(`SQLite: ${name}`, () => inWorkspace('sqlite:./renewal.db'));
  const pg = () => withPostgresStore(label, inWorkspace);
  if (!postgresSkip) suite(`PostgreSQL: ${name}`, pg);
  else suite.skip(`PostgreSQL: ${name}`, pg);
};
