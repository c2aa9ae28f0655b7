// What the harness needs of each store kind: the library's store and view database, and the
// limit's raw side (better-sqlite3, pg, or bare arrays) over the same rows.
import type { BusinessDate, CycleState } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { ViewDatabase } from '@renewal-ledger/projections';
import type { ScheduledCommand } from '@renewal-ledger/workload';
import type { StoreKind } from './line.js';
import type { Tick } from './measure.js';
import type { Plan, PlannedRow, RecordedAtOf } from './plan.js';
import type { AgingTotals, DebtorLine, Totals } from './totals.js';
import type { RawBooksAccess } from './as-known-at-path.js';
import type { ViewRowsWrite } from './view-rows.js';

/** `a`: the command path's store; `b`: the batch path's, which paths c, d and e then read; `f`: the month-end run's. */
export type StoreName = 'a' | 'b' | 'f';

export interface WriteWork {
  /** The rows the library writes for these commands (the raw inserts write the same). */
  readonly plan: Plan;
  /** The commands behind the rows (the memory limit decides them itself). */
  readonly commands: readonly ScheduledCommand[];
  readonly recordedAtOf: RecordedAtOf;
  /** One transaction per command (null), or per batch of this many commands. */
  readonly batchSize: number | null;
  /**
   * Rows the library's store held before its timed writes (path f; they are its first rows): a
   * SQL limit's destination gets them too, untimed, so both sides insert into tables of the same
   * size; `written` leaves them out.
   */
  readonly history?: readonly PlannedRow[];
}

export interface LimitWriter {
  /** Timed: writes the rows of commands [from, to); `from` on a batch boundary for batches. */
  write(from: number, to: number, tick: Tick): Promise<void>;
  close(): Promise<void>;
}

/** The rows of commands [from, to) as transactions: one per command, or one per batch. */
export function* transactionsOf(work: WriteWork, from: number, to: number): Generator<readonly PlannedRow[]> {
  const rows = work.plan.rowsByCommand;
  if (work.batchSize === null) {
    for (let i = from; i < to; i++) if (rows[i]!.length > 0) yield rows[i]!;
    return;
  }
  for (let b = from; b < to; b += work.batchSize) {
    const batch = rows.slice(b, Math.min(b + work.batchSize, to)).flat();
    if (batch.length > 0) yield batch;
  }
}

export interface Digest {
  readonly count: number;
  readonly digest: string;
}

export interface Replayed {
  readonly totals: Totals;
  readonly events: number;
  readonly states: ReadonlyMap<string, CycleState>;
}

/** Rows folded into cycles (contract events left out) and digested. */
export interface Written {
  readonly totals: Totals;
  readonly digest: Digest;
}

export interface Limit {
  /** Untimed: a fresh destination for the rows (SQL: a table made by the store's own migration, with `work.history` in it). */
  openWriter(name: StoreName, work: WriteWork): Promise<LimitWriter>;
  /** Untimed: what the limit's last writer wrote (its history left out), folded, and a digest of its rows. */
  written(name: StoreName): Promise<Written>;
  /** Untimed: the rows of the library's store after its first `skip`, folded and digested. */
  libraryRows(name: StoreName, skip?: number): Promise<Written>;
  /** Timed (c): each stream of the library's store read with a raw ordered select, parsed, folded. */
  rehydrate(name: StoreName, streamNames: readonly string[], tick: Tick): Promise<CycleState[]>;
  /** Timed (d): the library's whole store read in global order, parsed, folded. */
  replay(name: StoreName, tick: Tick): Promise<Replayed>;
  /**
   * Untimed (d, second limit): the rows of every table of the library's views read back, and fresh
   * tables of the same schema made for writing them raw (`write` is what is timed).
   */
  viewRows(): Promise<ViewRowsWrite>;
  /** Timed (e): the arrears rows read raw, open cycles' states parsed and aged. */
  portfolio(asOf: BusinessDate, tick: Tick): Promise<AgingTotals & { cycles: number }>;
  /** Timed (e): the open arrears rows read raw, aged, summed per contract, ranked. */
  topDebtors(asOf: BusinessDate, limit: number, tick: Tick): Promise<DebtorLine[]>;
  /** e:known-at: raw access to the views' history rows and the store's events (as-known-at-path.ts); absent where there is none. */
  knownAtAccess?(): RawBooksAccess;
}

export interface Backend {
  readonly kind: StoreKind;
  /** Whether the command path runs on a subset here (one fsync or several round trips per command). */
  readonly durable: boolean;
  /** A fresh, empty library store. */
  openStore(name: StoreName): Promise<EventStore>;
  storeBytes(name: StoreName): Promise<number | null>;
  /** Untimed: appends rows the library would have written straight into its store (the rest of a history whose start was measured). */
  fillStore(name: StoreName, rows: readonly PlannedRow[]): Promise<void>;
  /** Untimed: drops a store and its limit's copy once their path is measured and checked (memory, disk). */
  discard(name: StoreName): Promise<void>;
  /** A fresh, empty view database. */
  openViews(): Promise<ViewDatabase>;
  viewsBytes(): Promise<number | null>;
  readonly limit: Limit;
  /** A line for the output: the settings in use. */
  describe(): string;
  close(): Promise<void>;
}
