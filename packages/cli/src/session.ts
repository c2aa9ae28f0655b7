// Opening what a command works on: the event store named by --store, and the view database named
// by --views or derived from the store (a sibling SQLite file, the same PostgreSQL database in
// schema renewal_views). Commands that read views catch the projections up first: they are
// incremental, so this costs only the events recorded since the last run.
import { basename, dirname, extname, join } from 'node:path';
import type { EventStore } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import {
  getPostgresViewDatabase,
  getProjectionRunner,
  getSQLiteViewDatabase,
  type ProgressReport,
  type ProjectionRunResult,
  type ProjectionRunner,
  type ViewDatabase,
} from '@renewal-ledger/projections';
import { arrearsProjection } from '@renewal-ledger/projection-arrears';
import { receiptsProjection } from '@renewal-ledger/projection-receipts';
import { auditProjection } from '@renewal-ledger/projection-audit';
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import { CliError, UsageError } from './errors.js';
import { progress, type ProgressMode } from './progress.js';
import { warn } from './output.js';

export const DEFAULT_STORE = 'sqlite:./renewal.db';
export const VIEWS_SCHEMA = 'renewal_views';

/** The projections the CLI keeps up to date, in the order they run. */
export const PROJECTIONS = [arrearsProjection, receiptsProjection, auditProjection, behaviourProjection] as const;
export const PROJECTION_NAMES = PROJECTIONS.map((p) => p.name);

export type ViewsLocation =
  | { readonly kind: 'sqlite'; readonly path: string; readonly label: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly label: string };

const isPostgresUrl = (s: string) => /^postgres(ql)?:\/\//i.test(s);

/** `--store`, else $RENEWAL_STORE, else the command's default. */
export const storeUrlOf = (flag: string | undefined, fallback = DEFAULT_STORE, env: NodeJS.ProcessEnv = process.env): string =>
  flag ?? (env.RENEWAL_STORE || fallback);

/** `./renewal.db` -> `./renewal-views.db`; `/data/ledger` -> `/data/ledger-views.db`. */
const siblingOf = (path: string): string => {
  const ext = extname(path);
  const stem = basename(path, ext);
  const dir = dirname(path);
  const name = `${stem}-views${ext || '.db'}`;
  if (dir !== '.') return join(dir, name);
  return path.startsWith('./') ? `./${name}` : name;
};

const sqlitePathOf = (storeUrl: string): string => {
  let rest = storeUrl.trim().replace(/^sqlite:/i, '');
  if (rest.startsWith('//')) rest = rest.slice(2);
  return rest;
};

/**
 * Where the views live. `--views` (or $RENEWAL_VIEWS) wins: a postgres:// URL (schema
 * renewal_views unless it says `?schema=`), `sqlite:PATH`, a path or `:memory:`. Otherwise: beside
 * a SQLite store, in memory for a memory store, in the same PostgreSQL database (schema
 * renewal_views, or `<schema>_views` when the store's URL names a schema), and
 * `./renewal-views.db` for EventStoreDB.
 */
export const viewsLocationOf = (storeUrl: string, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ViewsLocation => {
  const given = flag ?? (env.RENEWAL_VIEWS || undefined);
  const target = given ?? defaultViewsFor(storeUrl);
  if (isPostgresUrl(target)) {
    // A `?schema=` on --views names the views' schema; on the store's URL it names the store's,
    // and the views go beside it in `<schema>_views`.
    const named = schemaParam(target);
    const schema = given !== undefined ? (named ?? VIEWS_SCHEMA) : named ? `${named}_views` : VIEWS_SCHEMA;
    return { kind: 'postgres', url: target, schema, label: `PostgreSQL schema ${schema}` };
  }
  const path = /^sqlite:/i.test(target) ? sqlitePathOf(target) : target;
  if (path === '') throw new UsageError('--views needs a file path, :memory: or a postgres:// URL');
  return { kind: 'sqlite', path, label: path === ':memory:' ? 'in memory' : path };
};

const schemaParam = (url: string): string | null => {
  try {
    return new URL(url).searchParams.get('schema');
  } catch {
    return null;
  }
};

const defaultViewsFor = (storeUrl: string): string => {
  const url = storeUrl.trim();
  if (isPostgresUrl(url)) return url;
  if (/^memory:$/i.test(url)) return ':memory:';
  if (/^sqlite:/i.test(url)) {
    const path = sqlitePathOf(url);
    return path === ':memory:' || path === '' ? ':memory:' : siblingOf(path);
  }
  return './renewal-views.db';
};

export const openViews = async (location: ViewsLocation): Promise<ViewDatabase> =>
  location.kind === 'postgres'
    ? getPostgresViewDatabase({ connectionString: location.url, schema: location.schema })
    : getSQLiteViewDatabase({ path: location.path });

export interface Session {
  readonly storeUrl: string;
  readonly store: EventStore;
  readonly views: ViewDatabase;
  readonly viewsLocation: ViewsLocation;
  readonly runner: ProjectionRunner;
  close(): Promise<void>;
}

/** Opens the store, and the views when a command needs them. */
export const openSession = async (options: { storeUrl: string; views: string | undefined }): Promise<Session> => {
  const viewsLocation = viewsLocationOf(options.storeUrl, options.views);
  const store = await openStore(options.storeUrl);
  let views: ViewDatabase;
  try {
    views = await openViews(viewsLocation);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw new CliError(`cannot open the views (${viewsLocation.label}): ${(e as Error).message}`, 1, { cause: e });
  }
  const runner = getProjectionRunner({ store, database: views, projections: [...PROJECTIONS] });
  return {
    storeUrl: options.storeUrl,
    store,
    views,
    viewsLocation,
    runner,
    close: async () => {
      await views.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    },
  };
};

/** Adds the progress of each projection up into one bar. */
export const projectionProgress = (label: string, mode: ProgressMode, projections: number) => {
  const done = new Map<string, number>();
  const totals = new Map<string, number>();
  let bar: ReturnType<typeof progress> | null = null;
  return {
    onProgress: (p: ProgressReport) => {
      done.set(`${p.projection}/${p.phase}`, p.done);
      totals.set(`${p.projection}/${p.phase}`, p.total ?? p.done);
      // The first report knows one projection's total; assume the others read as much.
      const known = [...totals.values()];
      const total = Math.max(known.reduce((a, b) => a + b, 0), (known[0] ?? 0) * projections);
      bar ??= progress(label, total, { mode });
      bar.setTotal(total);
      bar.update([...done.values()].reduce((a, b) => a + b, 0));
    },
    finish: () => bar?.finish(),
  };
};

/**
 * Catches the views up with the store. A projection that fails is reported on stderr and the
 * others go on; `required` names the views the command cannot do without.
 */
export const catchUp = async (
  session: Session,
  options: { readonly only?: readonly string[]; readonly mode?: ProgressMode; readonly required?: readonly string[] } = {},
): Promise<readonly ProjectionRunResult[]> => {
  const only = options.only ?? PROJECTION_NAMES;
  const bar = projectionProgress('views', options.mode ?? 'lazy', only.length);
  const runner = getProjectionRunner({
    store: session.store,
    database: session.views,
    projections: [...PROJECTIONS].filter((p) => only.includes(p.name)),
    onProgress: bar.onProgress,
  });
  const results = await runner.catchUp();
  bar.finish();
  for (const r of results) {
    if (r.status !== 'failed') continue;
    const needed = options.required?.includes(r.projection);
    const message = `the ${r.projection} view stopped: ${r.error.message}`;
    if (needed) throw new CliError(`${message} (run with --debug for details, or see renewal projections status)`, 1, { cause: r.error });
    warn(`warning: ${message}`);
  }
  return results;
};
