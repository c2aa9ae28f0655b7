// Progress for long work: a redrawn bar with rate and ETA on a terminal, plain lines otherwise
// (CI logs, pipes), at most one line every few seconds.

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const progress = (label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress => {
  const started = performance.now();
  let lastDraw = 0;
  const tty = out.isTTY === true;
  const draw = (done: number, final: boolean) => {
    const now = performance.now();
    if (!final && now - lastDraw < (tty ? 100 : 5000)) return;
    lastDraw = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    const share = total > 0 ? done / total : 1;
    if (tty) {
      const width = 30;
      const filled = Math.round(share * width);
      out.write(
        `\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${fmt(done)}/${fmt(total)} ${fmt(rate)}/s ETA ${eta.toFixed(0)}s  ` +
          (final ? '\n' : ''),
      );
    } else {
      out.write(`  ${label}: ${fmt(done)}/${fmt(total)} (${(share * 100).toFixed(0)}%), ${fmt(rate)}/s\n`);
    }
  };
  return { update: (done) => draw(done, false), finish: () => draw(total, true) };
};
