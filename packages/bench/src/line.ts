// One line of the results: a path on a store, the library against the limit on the same rows.
import { perSecond, type Timing } from './measure.js';
import type { Check } from './totals.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';
export type PathId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

export interface Side {
  /** What was timed. */
  readonly what: string;
  readonly ms: number;
  readonly perSecond: number;
  readonly peakRssMb: number;
  /** RSS when the side started (the harness holds the workload in memory too). */
  readonly startRssMb: number;
}

export interface Line {
  readonly store: StoreKind;
  readonly path: PathId;
  /** `a`, `b`, `c`, `d`, `d:read`, `e:portfolio`, `e:top100`, `f`. */
  readonly id: string;
  readonly title: string;
  /** What the rates count: events, or cycles for queries. */
  readonly unit: 'events' | 'cycles';
  readonly count: number;
  readonly library: Side;
  readonly limit: Side;
  /** library / limit, on rates. */
  readonly ratio: number;
  /** The ratio the issue asks for, or null where none is set (diagnostic lines, queries). */
  readonly target: number | null;
  /** Size of the library's database after the path (event store, plus views for d and e), in bytes. */
  readonly databaseBytes: number | null;
  readonly check: Check;
  readonly note: string | null;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export const side = (what: string, count: number, timing: Timing): Side => ({
  what,
  ms: Math.round(timing.ms * 10) / 10,
  perSecond: Math.round(perSecond(count, timing)),
  peakRssMb: mb(timing.peakRssBytes),
  startRssMb: mb(timing.startRssBytes),
});

export const makeLine = (l: {
  store: StoreKind;
  path: PathId;
  id: string;
  title: string;
  unit?: 'events' | 'cycles';
  count: number;
  library: { what: string; timing: Timing };
  limit: { what: string; timing: Timing };
  target: number | null;
  databaseBytes: number | null;
  check: Check;
  note?: string | null;
}): Line => {
  const library = side(l.library.what, l.count, l.library.timing);
  const limit = side(l.limit.what, l.count, l.limit.timing);
  return {
    store: l.store,
    path: l.path,
    id: l.id,
    title: l.title,
    unit: l.unit ?? 'events',
    count: l.count,
    library,
    limit,
    ratio: Math.round((l.limit.timing.ms / l.library.timing.ms) * 1000) / 1000,
    target: l.target,
    databaseBytes: l.databaseBytes,
    check: l.check,
    note: l.note ?? null,
  };
};
