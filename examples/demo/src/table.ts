// Plain text tables for the terminal: numbers right-aligned, text left-aligned.
export const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string => {
  const cells = [header.map(String), ...rows.map((r) => r.map(String))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^-?[\d,.]+%?$/.test(String(r[i]))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
};

export const count = (n: number | bigint) => n.toLocaleString('en-US');
