// What a store under test gives the conformance suite, and how big the suite's races are.
import type { EventStore } from '../port.js';

/** Where a stored event is, as the suite names it to `corruptEventData`. */
export interface StoredEventLocation {
  readonly streamName: string;
  readonly streamRevision: bigint;
  readonly globalPosition: bigint;
}

/**
 * How a child process opens its own store on the same database:
 * `(await import(module))[exportName](argument)` must return an EventStore (or a promise of one).
 * `module` is anything `import()` accepts from the suite's own files: an absolute `file:` URL is
 * the safe choice (`import.meta.resolve('@my/store')` in the test file). `argument` must survive
 * JSON (no bigints). Child processes run with the parent's `process.execArgv` (so `--import tsx`
 * and `--conditions` carry over).
 */
export interface ChildProcessStore {
  readonly module: string;
  readonly exportName: string;
  readonly argument: unknown;
}

/**
 * One fresh database with a store open on it; the suite opens one per test and closes it after.
 * Empty is best. Every stream and id the suite writes carries a run id, so a database that cannot
 * be emptied (EventStoreDB) works too; only the `headPosition() === -1n` check then does not run.
 * The suite writes real renewal events (Billed, Paid), since stores decode what they read.
 */
export interface ConformanceFixture {
  /** The store under test. */
  readonly store: EventStore;
  /**
   * A second, independent store on the same database: its own connection (pool, file handle,
   * client), as another server process would have. The suite closes what it opens.
   */
  openConnection(): Promise<EventStore>;
  /**
   * How a child process opens a store on this database, for the race between handlers in
   * separate OS processes (essential for embedded stores such as SQLite, where processes share
   * one file). Without it the target must declare `unsupported.childProcesses`.
   */
  readonly childProcessStore?: ChildProcessStore;
  /**
   * Replaces the stored data of one event with `json` (raw text, written as-is into the database,
   * bypassing the store's API), as a faulty migration or a hand edit would. Stores whose events
   * cannot be edited (EventStoreDB) omit it and declare `unsupported.corruptEventData` on the target.
   */
  corruptEventData?(event: StoredEventLocation, json: string): Promise<void>;
  /** Closes the store and removes the database (files, schema) the fixture made. */
  close(): Promise<void>;
}

export interface ConformanceTarget {
  /** Names the suites: `eventstore conformance: <name> / <area>`. */
  readonly name: string;
  /** A fresh, empty database with a store on it. Called once per test. */
  open(): Promise<ConformanceFixture>;
  /**
   * Why this target cannot run here (e.g. `EVENTSTOREDB_URL is not set`). Every test is then
   * registered as skipped, and one line saying so is printed; `open` is never called.
   */
  readonly skip?: string | undefined;
  /**
   * Whether `appendBatch` is all-or-nothing. Default true. Set false for stores that append a
   * batch one request at a time (EventStoreDB): the all-or-nothing tests then report as skipped.
   */
  readonly atomicBatch?: boolean;
  /**
   * Whether an event id is unique across all streams (EventIdConflictError on reuse). Default
   * true. EventStoreDB deduplicates ids per stream only: set false, and that test reports as skipped.
   */
  readonly eventIdsUniqueAcrossStreams?: boolean;
  /**
   * Tests this store cannot run, each with the reason printed when it is reported as skipped:
   * `corruptEventData` for stores whose events cannot be edited in place (EventStoreDB),
   * `childProcesses` when the fixture gives no `childProcessStore`.
   */
  readonly unsupported?: {
    readonly corruptEventData?: string;
    readonly childProcesses?: string;
  };
  /** Size of the concurrency tests. Defaults: 4 connections, 3 processes, 24 payments each. */
  readonly race?: RaceSize;
}

export interface RaceSize {
  /** Handlers racing in this process, each on its own `openConnection()`. */
  readonly connections?: number;
  /** Child processes racing (only with `childProcessStore`). */
  readonly processes?: number;
  /** Payment commands each racer sends; every command is also sent by one other racer. */
  readonly paymentsPerRacer?: number;
}

/** The areas the suite covers; each is one uvu suite. */
export const CONFORMANCE_AREAS = [
  'append and read',
  'expected revision',
  'idempotent append',
  'read all',
  'append batch',
  'stored event decoding',
  'command handler',
  'handler batch',
  'concurrency',
  'well-formed text',
] as const;
export type ConformanceArea = (typeof CONFORMANCE_AREAS)[number];
