// Opening what a command works on: the event store named by --store, and the view database named
// by --views or derived from the store (a sibling SQLite file, the same PostgreSQL database in
// schema renewal_views). Commands that read views catch the projections up first: they are
// incremental, so this costs only the events recorded since the last run.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StoreUnavailableError, type EventStore } from '@renewal-ledger/eventstore';
import { temporaryCopyOf } from '@renewal-ledger/eventstore/sqlite-files';
import { openStore } from '@renewal-ledger/stores';
import {
  getPostgresViewDatabase,
  getProjectionRunner,
  getSQLiteViewDatabase,
  hasRunnerTables,
  readRegistration,
  type ProgressReport,
  type ProjectionRunResult,
  type ProjectionRunner,
  type ViewDatabase,
} from '@renewal-ledger/projections';
import { arrearsProjection } from '@renewal-ledger/projection-arrears';
import { receiptsProjection } from '@renewal-ledger/projection-receipts';
import { auditProjection } from '@renewal-ledger/projection-audit';
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import { invoicesProjection } from '@renewal-ledger/projection-invoices';
import { CliError, UsageError } from './errors.js';
import { progress, type ProgressMode } from './progress.js';
import { warn } from './output.js';
import { postgresViewsWritable, viewsBehind } from './views-access.js';

export const DEFAULT_STORE = 'sqlite:./renewal.db';
export const VIEWS_SCHEMA = 'renewal_views';

/** The projections the CLI keeps up to date, in the order they run. */
export const PROJECTIONS = [arrearsProjection, receiptsProjection, auditProjection, behaviourProjection, invoicesProjection] as const;
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

/**
 * How a command may touch what it opens. Readers never create: they open an existing store
 * read-only, and views only where they exist (docs/cli.md).
 * - store `create`: open the store, creating it if missing (apply, renew, remind, demo);
 *   `read`: an existing store, read-only (every other command), else StoreNotFoundError.
 * - views `create`: open the views, creating them if missing (demo, projections rebuild|follow);
 *   `figures`: the views where they exist, else computed in memory for this run (arrears,
 *   receipts, behaviour: figures are the same however they are computed); `audit`: the audit
 *   trail where it exists, else an error (a chain computed now from the events would prove
 *   nothing about them); `existing`: the views where they exist, else none (status).
 * Existing SQLite views that cannot be written here (a read-only place) are used from a
 * temporary copy, caught up there and thrown away. Existing PostgreSQL views this user cannot
 * write (a role with SELECT only, a read replica) are never caught up: `figures` reads them as
 * they are when the views the command reads (`reads`) reach the store's head, and otherwise
 * computes them in memory for this run; `audit` verifies the trail as it is built, saying how far
 * it reaches; `existing` reads them.
 */
export interface Access {
  readonly store: 'create' | 'read';
  readonly views: 'create' | 'figures' | 'audit' | 'existing';
  /** The views the command reads (default: all). */
  readonly reads?: readonly string[];
}

const MEMORY: ViewsLocation = { kind: 'sqlite', path: ':memory:', label: 'in memory' };

const writable = (path: string): boolean => {
  try {
    // The directory too: SQLite writes its -wal and -shm files beside the database.
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * A views file that cannot be: in a directory that does not exist, or a directory itself. Usage
 * problems (exit 2), found before anything is opened or created.
 */
const checkViewsPath = (location: ViewsLocation): void => {
  if (location.kind !== 'sqlite' || location.path === ':memory:') return;
  if (!existsSync(dirname(location.path)))
    throw new CliError(`cannot open the views at ${location.path}: the directory ${dirname(location.path)} does not exist`, 2);
  if (existsSync(location.path) && statSync(location.path).isDirectory())
    throw new CliError(
      `cannot open the views at ${location.path}: it is a directory (give the path of a views file, or --views :memory:)`,
      2,
    );
};

export const openViews = async (location: ViewsLocation, create = true): Promise<ViewDatabase> => {
  if (location.kind === 'postgres') return getPostgresViewDatabase({ connectionString: location.url, schema: location.schema, create });
  checkViewsPath(location);
  return getSQLiteViewDatabase({ path: location.path });
};

interface ResolvedViews {
  readonly database: ViewDatabase;
  readonly location: ViewsLocation;
  /** What was used instead of the location asked for, and why: said on standard error. */
  readonly note: string | null;
  readonly release: () => void;
  /** False for views read as they are, never caught up (PostgreSQL views this user cannot write). */
  readonly catchUp: boolean;
}

const notBuilt = (location: ViewsLocation) =>
  new CliError(
    `the audit trail is not built yet (views: ${location.label}): there is nothing to verify; build it with renewal projections rebuild --only audit`,
  );

/** The views a command works on, given its access, what exists and the store's head (see Access). */
const resolveViews = async (location: ViewsLocation, access: Access, head: bigint): Promise<ResolvedViews> => {
  const views = await existingViews(location, access, head);
  if (access.views !== 'audit' || (await readRegistration(views.database, auditProjection.name).catch(() => null))?.live) return views;
  await views.database.close();
  views.release();
  throw notBuilt(location);
};

const existingViews = async (
  location: ViewsLocation,
  { views: access, reads = PROJECTION_NAMES }: Access,
  head: bigint,
): Promise<ResolvedViews> => {
  const here = async (at: ViewsLocation, note: string | null = null, release: () => void = () => undefined): Promise<ResolvedViews> => ({
    database: await openViews(at, access === 'create'),
    location: at,
    note,
    release,
    catchUp: true,
  });
  if (access === 'create' || (location.kind === 'sqlite' && location.path === ':memory:')) return here(location);
  const missing = async (): Promise<ResolvedViews> => {
    if (access === 'audit') throw notBuilt(location);
    if (access === 'existing') return here({ ...MEMORY, label: `${location.label} (not built yet)` });
    return here(
      { ...MEMORY, label: `in memory (${location.label} is not built yet)` },
      `the views at ${location.label} are not built yet: they were computed in memory for this run (renewal projections rebuild keeps them)`,
    );
  };
  if (location.kind === 'sqlite') {
    if (!existsSync(location.path)) return missing();
    if (writable(location.path)) return here(location);
    const copy = temporaryCopyOf(location.path);
    return here(
      { kind: 'sqlite', path: copy.path, label: `a temporary copy of ${location.label}` },
      `the views at ${location.label} cannot be written here: a temporary copy was caught up for this run`,
      copy.remove,
    );
  }
  const database = await openViews(location, false);
  if (!(await hasRunnerTables(database).catch(() => false))) {
    await database.close();
    return missing();
  }
  const asTheyAre = (note: string | null, catchUp: boolean): ResolvedViews => ({
    database,
    location,
    note,
    release: () => undefined,
    catchUp,
  });
  if (access === 'existing' || (await postgresViewsWritable(database))) return asTheyAre(null, true);
  // This user cannot write them (a role with SELECT only, a read replica): they are read as
  // they are, never caught up, and only when they hold everything the command reads.
  const behind = await viewsBehind(
    database,
    PROJECTIONS.filter((p) => reads.includes(p.name)),
    head,
  );
  if (behind.length === 0) return asTheyAre(null, false);
  if (access === 'audit') {
    const audited = behind[0]!.position;
    return asTheyAre(
      `the audit trail at ${location.label} cannot be brought up to date by this user: the chain is verified as it is built, ${audited === null ? 'from no position' : `up to position ${audited}`}; the store is at ${head} (a user who can write the views catches it up: renewal projections follow)`,
      false,
    );
  }
  await database.close();
  return here(
    { ...MEMORY, label: `in memory (${location.label} cannot be written by this user)` },
    `the views at ${location.label} cannot be written by this user and are behind the store (${behind.map((b) => `${b.projection} at ${b.position ?? 'nothing'}`).join(', ')}; the store is at ${head}): they were computed in memory for this run (a user who can write them catches them up: renewal projections follow)`,
  );
};

export interface Session {
  readonly storeUrl: string;
  readonly store: EventStore;
  readonly views: ViewDatabase;
  readonly viewsLocation: ViewsLocation;
  /** False when the views are read as they are (PostgreSQL views this user cannot write): `catchUp` leaves them. */
  readonly viewsCatchUp: boolean;
  readonly runner: ProjectionRunner;
  close(): Promise<void>;
}

/** Opens the store, and the views, as the command's access allows. */
export const openSession = async (options: { storeUrl: string; views: string | undefined; access: Access }): Promise<Session> => {
  const asked = viewsLocationOf(options.storeUrl, options.views);
  const { access } = options;
  // Views that will be made where they cannot be: said before a store is created for nothing.
  if (access.views === 'create') checkViewsPath(asked);
  const store = await openStore(options.storeUrl, access.store === 'read' ? { create: false, readOnly: true } : {});
  let views: ResolvedViews;
  let head: bigint;
  try {
    // The store first: one that cannot be reached (a server's stores connect on first use) is
    // what the user needs to hear, not what that means for the views.
    head = await store.headPosition();
    views = await resolveViews(asked, access, head);
  } catch (e) {
    await store.close().catch(() => undefined);
    if (e instanceof CliError || e instanceof StoreUnavailableError) throw e;
    throw new CliError(`cannot open the views (${asked.label}): ${(e as Error).message}`, 1, { cause: e });
  }
  // An empty store has nothing to compute: no note.
  if (views.note && head >= 0n) warn(`note: ${views.note}`);
  const runner = getProjectionRunner({ store, database: views.database, projections: [...PROJECTIONS] });
  return {
    storeUrl: options.storeUrl,
    store,
    views: views.database,
    viewsLocation: views.location,
    viewsCatchUp: views.catchUp,
    runner,
    close: async () => {
      await views.database.close().catch(() => undefined);
      views.release();
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
      const total = Math.max(
        known.reduce((a, b) => a + b, 0),
        (known[0] ?? 0) * projections,
      );
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
  // Views this user cannot write are read as they are (openSession checked what they hold).
  if (!session.viewsCatchUp) return [];
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
    // A database out of reach is said as it is, once: it is no view's fault.
    if (r.error.cause instanceof StoreUnavailableError) throw r.error.cause;
    const needed = options.required?.includes(r.projection);
    const message = `the ${r.projection} view stopped: ${r.error.message}`;
    if (needed) throw new CliError(`${message} (run with --debug for details, or see renewal projections status)`, 1, { cause: r.error });
    warn(`warning: ${message}`);
  }
  return results;
};

/** The commands that read figures from the views named: an existing store, read-only; views where they exist. */
export const readViews = (...reads: readonly string[]): Access => ({ store: 'read', views: 'figures', reads });
/** The audit commands: an existing store, read-only; the audit trail where it exists. */
export const READ_AUDIT: Access = { store: 'read', views: 'audit', reads: [auditProjection.name] };
