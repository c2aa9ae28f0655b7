// The ratios the issues ask for, per store and line (issue 18's, and the earlier ones it leaves
// standing): the report's target column, and what `--runs` counts as met.
import type { StoreKind } from './line.js';

const LINE_TARGETS: Readonly<Record<StoreKind, Readonly<Record<string, number>>>> = {
  // Issue 18: in memory, a, c and d at least 0.5 of the bare-fold limit (b's 0.5 stands).
  memory: { a: 0.5, b: 0.5, c: 0.5, d: 0.5 },
  // Issue 18: d at least 0.5 of the raw write-the-same-rows limit and 0.3 of the raw read-and-fold
  // one; the books as known at (e:known-at) at least 0.5 of a raw SQL query over the same rows.
  sqlite: { a: 0.8, b: 0.5, c: 0.5, d: 0.3, 'd:write': 0.5, 'e:known-at': 0.5 },
  // Issue 18: a at least 0.6 of a one-round-trip raw limit, b 0.5; d as on SQLite.
  postgres: { a: 0.6, b: 0.5, c: 0.5, d: 0.3, 'd:write': 0.5, 'e:known-at': 0.5 },
};

/** The target of a line (`a`, `d:write`, ...) on a store, or null where none is set. */
export const targetFor = (store: StoreKind, id: string): number | null => LINE_TARGETS[store][id] ?? null;

/** Issue 18: the views database at most this many times the event store (after the demo). */
export const VIEWS_TO_STORE_TARGET = 1.5;
