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

/** Called per item a loop handles (or with how many it just handled); samples RSS every 256 items. */
export type Tick = (items?: number) => void;
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
  let items = 0;
  let nextSample = 256;
  const sample = () => {
    if (!active) return;
    const rss = process.memoryUsage.rss();
    if (rss > totals[active].peak) totals[active].peak = rss;
  };
  const tick: Tick = (n = 1) => {
    items += n;
    if (items >= nextSample) {
      nextSample = items + 256;
      sample();
    }
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

/** A side measured once before and once after the other (which cannot be sliced): the mean of the two. */
export const meanOf = (before: Timing, after: Timing): Timing => ({
  ms: (before.ms + after.ms) / 2,
  peakRssBytes: Math.max(before.peakRssBytes, after.peakRssBytes),
  startRssBytes: before.startRssBytes,
});

/** Two parts of one side measured apart (a raw rebuild's read and its writes): their times added. */
export const sumOf = (first: Timing, second: Timing): Timing => ({
  ms: first.ms + second.ms,
  peakRssBytes: Math.max(first.peakRssBytes, second.peakRssBytes),
  startRssBytes: first.startRssBytes,
});

/** Each side `rounds` times, alternating; the best time counts (queries take a second or less). */
export const bestOf = async <L, R>(
  rounds: number,
  libraryRun: (tick: Tick) => Promise<L>,
  limitRun: (tick: Tick) => Promise<R>,
): Promise<[{ result: L; timing: Timing }, { result: R; timing: Timing }]> => {
  let lib: { result: L; timing: Timing } | null = null;
  let lim: { result: R; timing: Timing } | null = null;
  const better = <A>(a: { result: A; timing: Timing } | null, b: { result: A; timing: Timing }) =>
    a === null
      ? b
      : {
          result: b.result,
          timing: {
            ms: Math.min(a.timing.ms, b.timing.ms),
            peakRssBytes: Math.max(a.timing.peakRssBytes, b.timing.peakRssBytes),
            startRssBytes: a.timing.startRssBytes,
          },
        };
  for (let i = 0; i < rounds; i++) {
    lib = better(lib, await measure(libraryRun, { collect: i === 0 }));
    lim = better(lim, await measure(limitRun, { collect: false }));
  }
  return [lib!, lim!];
};

/** Library and limit in alternating slices of [0, total), which one goes first alternating too. */
export const interleave = async (
  meter: Meter,
  total: number,
  slice: number,
  libraryRun: (from: number, to: number, tick: Tick) => Promise<void>,
  limitRun: (from: number, to: number, tick: Tick) => Promise<void>,
): Promise<void> => {
  for (let from = 0, n = 0; from < total; from += slice, n++) {
    const to = Math.min(total, from + slice);
    const lib = () => meter.run('library', (tick) => libraryRun(from, to, tick));
    const lim = () => meter.run('limit', (tick) => limitRun(from, to, tick));
    if (n % 2 === 0) {
      await lib();
      await lim();
    } else {
      await lim();
      await lib();
    }
  }
};

export const perSecond = (count: number, timing: Timing): number => (timing.ms > 0 ? (count * 1000) / timing.ms : Number.POSITIVE_INFINITY);
