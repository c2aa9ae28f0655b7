// What the harness needs of each store kind: the library's store and view database, and the
// limit's raw side (better-sqlite3, pg, or bare arrays) over the same rows.
import type { BusinessDate, CycleState } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { ViewDatabase } from '@renewal-ledger/projections';
import type { ScheduledCommand } from '@renewal-ledger/workload';
import type { StoreKind } from './line.js';
import type { Tick } from './measure.js';
import type { PlannedRow, RecordedAtOf } from './plan.js';
import type { AgingTotals, DebtorLine, Totals } from './totals.js';

/** `a`: the command path's store; `b`: the batch path's, which paths c, d and e then read. */
export type StoreName = 'a' | 'b';

export interface WriteWork {
  /** One transaction per group: a command's rows (a) or a batch's (b). Empty groups write nothing. */
  readonly groups: readonly (readonly PlannedRow[])[];
  /** The commands behind the rows (the memory limit decides them itself). */
  readonly commands: readonly ScheduledCommand[];
  readonly recordedAtOf: RecordedAtOf;
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

export interface Limit {
  /** Timed: writes the groups, one transaction each. */
  write(name: StoreName, work: WriteWork, tick: Tick): Promise<void>;
  /** Untimed: what the limit wrote, folded, and a digest of its rows. */
  written(name: StoreName): Promise<{ totals: Totals; digest: Digest }>;
  /** Untimed: a digest of the rows in the library's store. */
  libraryDigest(name: StoreName): Promise<Digest>;
  /** Timed (c): each stream of the library's store read with a raw ordered select, parsed, folded. */
  rehydrate(name: StoreName, streamNames: readonly string[], tick: Tick): Promise<Totals>;
  /** Timed (d): the library's whole store read in global order, parsed, folded. */
  replay(name: StoreName, tick: Tick): Promise<Replayed>;
  /** Timed (e): the arrears rows read raw, open cycles' states parsed and aged. */
  portfolio(asOf: BusinessDate, tick: Tick): Promise<AgingTotals & { cycles: number }>;
  /** Timed (e): the open arrears rows read raw, aged, summed per contract, ranked. */
  topDebtors(asOf: BusinessDate, limit: number, tick: Tick): Promise<DebtorLine[]>;
}

export interface Backend {
  readonly kind: StoreKind;
  /** Whether the command path runs on a subset here (one fsync or several round trips per command). */
  readonly durable: boolean;
  /** A fresh, empty library store. */
  openStore(name: StoreName): Promise<EventStore>;
  storeBytes(name: StoreName): Promise<number | null>;
  /** A fresh, empty view database. */
  openViews(): Promise<ViewDatabase>;
  viewsBytes(): Promise<number | null>;
  readonly limit: Limit;
  /** A line for the output: the settings in use. */
  describe(): string;
  close(): Promise<void>;
}
