// Progress for long work (the demo, an import, a rebuild): on a terminal a redrawn bar with the
// rate and the time left; otherwise (CI logs, pipes) a plain line every few seconds and one at the
// end. `lazy` stays silent unless the work lasts longer than a second, so quick catch-ups before
// a report print nothing.

export type ProgressMode = 'always' | 'lazy' | 'off';

export interface Progress {
  update(done: number): void;
  setTotal(total: number): void;
  finish(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

export const progress = (
  label: string,
  initialTotal: number,
  options: { readonly mode?: ProgressMode; readonly out?: NodeJS.WriteStream } = {},
): Progress => {
  const out = options.out ?? process.stderr;
  const mode = options.mode ?? 'always';
  const tty = out.isTTY === true;
  const started = performance.now();
  let total = initialTotal;
  let lastDraw = 0;
  let drawn = false;
  let last = 0;
  const draw = (done: number, final: boolean) => {
    if (mode === 'off') return;
    const now = performance.now();
    const seconds = (now - started) / 1000;
    if (mode === 'lazy' && !drawn && seconds < 1) return;
    if (!final && drawn && now - lastDraw < (tty ? 100 : 5000)) return;
    if (!final && !drawn && !tty && mode === 'always' && seconds < 5) return;
    lastDraw = now;
    drawn = true;
    // The first fraction of a second says nothing about the rate.
    const rate = seconds >= 0.25 || (final && seconds > 0) ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const rateText = rate > 0 ? `${fmt(rate)}/s` : '…/s';
    const share = total > 0 ? Math.min(1, done / total) : 1;
    if (tty) {
      const width = 28;
      const filled = Math.round(share * width);
      out.write(
        `\r\x1b[2K  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${fmt(done)}/${fmt(total)}  ${rateText}  ${final ? `in ${duration(seconds)}` : `ETA ${duration(eta)}`}` +
          (final ? '\n' : ''),
      );
    } else {
      out.write(
        `  ${label}: ${fmt(done)}/${fmt(total)} (${(share * 100).toFixed(0)}%), ${rateText}${final ? `, done in ${duration(seconds)}` : `, about ${duration(eta)} left`}\n`,
      );
    }
  };
  return {
    update: (done) => {
      last = done;
      draw(done, false);
    },
    setTotal: (t) => {
      total = t;
    },
    finish: () => {
      // A lazy bar that never showed stays silent: the work was quick.
      if (mode === 'lazy' && !drawn) return;
      draw(Math.max(last, total), true);
    },
  };
};
