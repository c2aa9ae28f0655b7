// Wall-clock time and peak resident memory of one measured run. The peak is sampled: by a timer
// (which only fires when the work yields to the event loop) and by `tick`, which loops call every
// few hundred items, because synchronous drivers (better-sqlite3) may not yield for seconds.
export interface Timing {
  readonly ms: number;
  /** Highest resident set size seen during the run, in bytes. */
  readonly peakRssBytes: number;
}

export type Tick = () => void;

export interface Measured<A> {
  readonly result: A;
  readonly timing: Timing;
}

const collect = () => {
  // With --expose-gc (as `pnpm bench` runs it), each run starts without the garbage of the last.
  (globalThis as { gc?: () => void }).gc?.();
};

export const measure = async <A>(work: (tick: Tick) => Promise<A> | A): Promise<Measured<A>> => {
  collect();
  let peak = process.memoryUsage.rss();
  let calls = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  const tick: Tick = () => {
    if (++calls % 256 === 0) sample();
  };
  const timer = setInterval(sample, 20);
  timer.unref();
  const started = process.hrtime.bigint();
  try {
    const result = await work(tick);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    sample();
    return { result, timing: { ms, peakRssBytes: peak } };
  } finally {
    clearInterval(timer);
  }
};

export const perSecond = (count: number, timing: Timing): number => (timing.ms > 0 ? (count * 1000) / timing.ms : Number.POSITIVE_INFINITY);
