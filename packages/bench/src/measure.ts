// Wall-clock time and peak resident memory of the library and of its limit.
//
// Library and limit run interleaved in slices (a few hundred commands, a batch, a thousand
// cycles), each slice timed on its own: this machine is shared, and a disk or CPU that gets busy
// for a minute must slow both sides alike, not whichever happened to run then.
//
// The peak is sampled: by a timer (which only fires when the work yields to the event loop) and
// by `tick`, which loops call per item, because synchronous drivers (better-sqlite3) may not yield
// for seconds. Samples count for the side running when they are taken.
export interface Timing {
  readonly ms: number;
  /** Highest resident set size seen while the side ran, in bytes. */
  readonly peakRssBytes: number;
  /** Resident set size when the side first started: the peak less this is what the run added. */
  readonly startRssBytes: number;
}

export type Tick = () => void;
export type SideName = 'library' | 'limit';

export interface Meter {
  /** Runs one slice of one side, adding its time to that side. */
  run<A>(side: SideName, work: (tick: Tick) => Promise<A> | A): Promise<A>;
  timing(side: SideName): Timing;
  stop(): void;
}

const collect = () => {
  // With --expose-gc (as `pnpm bench` runs it), each measurement starts without the last one's garbage.
  (globalThis as { gc?: () => void }).gc?.();
};

/** `collect`: start from a full garbage collection (skipped for short repeated queries). */
export const startMeter = (options: { collect?: boolean } = {}): Meter => {
  if (options.collect !== false) collect();
  const totals: Record<SideName, { ns: bigint; peak: number; start: number }> = {
    library: { ns: 0n, peak: 0, start: 0 },
    limit: { ns: 0n, peak: 0, start: 0 },
  };
  let active: SideName | null = null;
  let calls = 0;
  const sample = () => {
    if (!active) return;
    const rss = process.memoryUsage.rss();
    if (rss > totals[active].peak) totals[active].peak = rss;
  };
  const tick: Tick = () => {
    if (++calls % 256 === 0) sample();
  };
  const timer = setInterval(sample, 20);
  timer.unref();
  return {
    async run(side, work) {
      active = side;
      if (totals[side].start === 0) totals[side].start = process.memoryUsage.rss();
      sample();
      const started = process.hrtime.bigint();
      try {
        return await work(tick);
      } finally {
        totals[side].ns += process.hrtime.bigint() - started;
        sample();
        active = null;
      }
    },
    timing: (side) => ({ ms: Number(totals[side].ns) / 1e6, peakRssBytes: totals[side].peak, startRssBytes: totals[side].start }),
    stop: () => clearInterval(timer),
  };
};

/** One side measured alone (paths that cannot be sliced: a rebuild, a query). */
export const measure = async <A>(
  work: (tick: Tick) => Promise<A> | A,
  options: { collect?: boolean } = {},
): Promise<{ result: A; timing: Timing }> => {
  const meter = startMeter(options);
  try {
    const result = await meter.run('library', work);
    return { result, timing: meter.timing('library') };
  } finally {
    meter.stop();
  }
};

export const perSecond = (count: number, timing: Timing): number => (timing.ms > 0 ? (count * 1000) / timing.ms : Number.POSITIVE_INFINITY);
