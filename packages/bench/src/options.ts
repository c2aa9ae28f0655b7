// Command-line options of `pnpm bench`.
import { DEFAULT_OPTIONS, type BenchOptions } from './harness.js';
import type { PathId, StoreKind } from './line.js';

export const USAGE = `pnpm bench [-- options]

  --accounts N        contracts in the portfolio (default 2000: about 112,000 events)
  --months N          monthly cycles per contract (default 24)
  --seed N            portfolio seed (default 2026)
  --batch-size N      commands per handleBatch call in path b (default 500)
  --command-subset N  path a on SQLite and PostgreSQL runs the first N commands, library and
                      limit alike (default 5000; 'all' for every command)
  --pg-batch-subset N path b on PostgreSQL runs the first N commands (whole batches), library
                      and limit alike; the rest of the history is then inserted raw so c, d
                      and e read all of it (default 20000; 'all' for every command)
  --contracts N       contracts of the month-end renewal run, path f (default 100000)
  --stores LIST       memory,sqlite,postgres (default all; postgres needs POSTGRES_URL)
  --paths LIST        a,b,c,d,e,f (default all; b runs whenever c, d or e does: it fills the store)
  --json FILE         also write the results as JSON
  --runs N            run the bench N times, each in a fresh process, and print each line's
                      ratio as its range over the runs (min-max, each run, runs meeting the
                      target); --json then writes every run's report and the ranges
  --rss-check         instead: rebuild peak RSS at about 100,000 vs 1,000,000 events
  --rss-sizes LIST    with --rss-check: the sizes in events, smallest first, each seeded and
                      rebuilt in a fresh process (e.g. 1000000,10000000); the largest's peak
                      is compared with the smallest's
  --rss-small N       accounts of the small rebuild (default 1786, about 100,000 events)
  --rss-large N       accounts of the large rebuild (default 17860, about 1,000,000 events)
  --apply-rss-check   instead: peak RSS of renewal apply on a ~100 MB vs a ~1 GB file of
                      commands (generated in the temp dir, deleted after)
  --apply-small MB    size of the small file (default 100)
  --apply-large MB    size of the large file (default 1000)
  --reconcile-rss-check  instead: peak RSS of reconciling a generated Alipay bill of 100,000
                      vs 1,000,000 lines against the same small ledger
  --reconcile-small N lines of the small bill (default 100000)
  --reconcile-large N lines of the large bill (default 1000000)
  --dir DIR           where the SQLite files go (default: the OS temp dir)
  --no-warmup         skip the unmeasured warm-up run of every path on a small portfolio
  --quiet             no progress on stderr

PostgreSQL: export POSTGRES_URL="$(POSTGRES_TEST_PORT=54346 bash scripts/postgres.sh start)"`;

export interface CliOptions {
  readonly bench: BenchOptions;
  readonly jsonFile: string | null;
  readonly quiet: boolean;
  /** Runs of the bench (`--runs`), each in a fresh process; 1 runs it here. */
  readonly runs: number;
  /** The rebuild memory check's sizes: accounts (`--rss-small`, `--rss-large`) or events (`--rss-sizes`). */
  readonly rssCheck: { readonly accounts: readonly number[] } | { readonly events: readonly number[] } | null;
  readonly rssChild: { readonly role: 'seed' | 'rebuild' } | null;
  readonly applyRssCheck: { readonly small: number; readonly large: number } | null;
  /** Internal: this process is the one that applies a file (`--apply-rss-child --dir DIR`). */
  readonly applyRssChild: boolean;
  readonly reconcileRssCheck: { readonly small: number; readonly large: number } | null;
  /** Internal: this process is the one that reconciles (`--reconcile-rss-child --dir DIR`). */
  readonly reconcileRssChild: boolean;
  readonly help: boolean;
}

const positive = (flag: string, v: string | undefined): number => {
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x <= 0) throw new TypeError(`${flag} needs a positive integer, got ${JSON.stringify(v)}`);
  return x;
};

const positiveNumber = (flag: string, v: string | undefined): number => {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new TypeError(`${flag} needs a positive number, got ${JSON.stringify(v)}`);
  return x;
};

const list = <A extends string>(flag: string, v: string | undefined, allowed: readonly A[]): A[] => {
  const xs = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const x of xs)
    if (!allowed.includes(x as A)) throw new TypeError(`${flag}: ${JSON.stringify(x)} is not one of ${allowed.join(', ')}`);
  if (xs.length === 0) throw new TypeError(`${flag} needs a list of ${allowed.join(', ')}`);
  return xs as A[];
};

export const parseArgs = (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions => {
  const bench: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...DEFAULT_OPTIONS, postgresUrl: env.POSTGRES_URL || null };
  let jsonFile: string | null = null;
  let quiet = false;
  let rss = false;
  let runs = 1;
  let small = 1786;
  let large = 17_860;
  let rssEvents: number[] | null = null;
  let rssChild: CliOptions['rssChild'] = null;
  let applyRss = false;
  let applySmall = 100;
  let applyLarge = 1000;
  let applyRssChild = false;
  let reconcileRss = false;
  let reconcileSmall = 100_000;
  let reconcileLarge = 1_000_000;
  let reconcileRssChild = false;
  let help = false;
  // `pnpm bench -- --accounts 200` hands the script a literal `--` first.
  const args = argv.filter((a, i) => !(a === '--' && i === 0));
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--accounts':
        bench.accounts = positive(flag, value());
        break;
      case '--months':
        bench.months = positive(flag, value());
        break;
      case '--contracts':
        bench.contracts = positive(flag, value());
        break;
      case '--seed':
        bench.seed = Number(value());
        break;
      case '--batch-size':
        bench.batchSize = positive(flag, value());
        break;
      case '--command-subset': {
        const v = value();
        bench.commandSubset = v === 'all' ? null : positive(flag, v);
        break;
      }
      case '--pg-batch-subset': {
        const v = value();
        bench.postgresBatchSubset = v === 'all' ? null : positive(flag, v);
        break;
      }
      case '--stores':
        bench.stores = list<StoreKind>(flag, value(), ['memory', 'sqlite', 'postgres']);
        break;
      case '--paths':
        bench.paths = list<PathId>(flag, value(), ['a', 'b', 'c', 'd', 'e', 'f']);
        break;
      case '--json':
        jsonFile = value();
        break;
      case '--dir':
        bench.dir = value();
        break;
      case '--no-warmup':
        bench.warmup = false;
        break;
      case '--quiet':
        quiet = true;
        break;
      case '--rss-check':
        rss = true;
        break;
      case '--runs':
        runs = positive(flag, value());
        break;
      case '--rss-sizes': {
        const sizes = value()
          .split(',')
          .map((x) => positive(flag, x.trim()));
        if (sizes.some((x, i) => i > 0 && x <= sizes[i - 1]!))
          throw new TypeError(`${flag} needs sizes in events, smallest first, got ${sizes.join(',')}`);
        rssEvents = sizes;
        break;
      }
      case '--rss-small':
        small = positive(flag, value());
        break;
      case '--rss-large':
        large = positive(flag, value());
        break;
      case '--rss-child': {
        const role = value();
        if (role !== 'seed' && role !== 'rebuild') throw new TypeError(`--rss-child seed|rebuild, got ${role}`);
        rssChild = { role };
        break;
      }
      case '--apply-rss-check':
        applyRss = true;
        break;
      case '--apply-small':
        applySmall = positiveNumber(flag, value());
        break;
      case '--apply-large':
        applyLarge = positiveNumber(flag, value());
        break;
      case '--reconcile-rss-check':
        reconcileRss = true;
        break;
      case '--reconcile-small':
        reconcileSmall = positive(flag, value());
        break;
      case '--reconcile-large':
        reconcileLarge = positive(flag, value());
        break;
      case '--reconcile-rss-child':
        reconcileRssChild = true;
        break;
      case '--apply-rss-child':
        applyRssChild = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new TypeError(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  return {
    bench,
    jsonFile,
    quiet,
    runs,
    rssCheck: rss ? (rssEvents ? { events: rssEvents } : { accounts: [small, large] }) : null,
    rssChild,
    applyRssCheck: applyRss ? { small: applySmall, large: applyLarge } : null,
    applyRssChild,
    reconcileRssCheck: reconcileRss ? { small: reconcileSmall, large: reconcileLarge } : null,
    reconcileRssChild,
    help,
  };
};
