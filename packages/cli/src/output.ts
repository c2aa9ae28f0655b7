import { formatMinor } from '@renewal-ledger/core';
import { csvTable } from '@renewal-ledger/projections';

// Printing: aligned tables for people, JSON and CSV for programs. JSON output is stable (see
// docs/cli.md): amounts are integers of minor units, positions are decimal strings.

/** Plain text tables: numbers right-aligned, text left-aligned, two spaces between columns. */
export const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string => {
  const cells = [header.map(String), ...rows.map((r) => r.map((c) => String(c)))];
  // A column is numeric when every non-empty cell is a number (a total row may leave cells blank).
  const isNumber = (c: string | number | undefined) => typeof c === 'number' || /^-?[\d,.]+%?$|^-$/.test(String(c));
  const numeric = header.map((_, i) => rows.some((r) => r[i] !== '' && r[i] !== undefined) && rows.every((r) => r[i] === '' || isNumber(r[i])));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
};

export const count = (n: number | bigint) => n.toLocaleString('en-US');

/** "1 cycle", "2 cycles". */
export const plural = (n: number | bigint, word: string, many = `${word}s`) => `${count(n)} ${n === 1 || n === 1n ? word : many}`;

/** Minor units for people, with thousands separators: 202853494 -> "2,028,534.94" (+ " CNY" when given). */
export const money = (amount: number | bigint, currency?: string): string => {
  const text = formatMinor(amount);
  const [whole, frac] = text.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${frac === undefined ? '' : `.${frac}`}${currency ? ` ${currency}` : ''}`;
};

// `--bom` is a choice about the whole output, like NO_COLOR: `main` sets it for the command it runs.
let withBom = false;
/** Whether CSV output starts with a UTF-8 byte order mark (`--bom`; off by default: docs/cli.md). */
export const csvBom = (): boolean => withBom;
export const setCsvBom = (on: boolean): void => {
  withBom = on;
};

/**
 * A CSV table, through the project's one CSV writer (@renewal-ledger/projections: RFC 4180, and
 * text that a spreadsheet would run as a formula neutralised), with the byte order mark of `--bom`.
 */
export const csv = (header: readonly string[], rows: readonly (readonly unknown[])[]): string => csvTable(header, rows, { bom: withBom });

/** bigints as decimal strings: JSON has no 64-bit integers. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** One line of JSON (JSON lines output). */
export const toJsonLine = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export const print = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const printJson = (value: unknown): void => print(toJson(value));

export const warn = (text: string): void => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
};
