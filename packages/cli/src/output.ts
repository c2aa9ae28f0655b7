import stringWidth from 'string-width';
import { formatGrouped, formatMinor } from '@renewal-ledger/core';
import { csvTable } from '@renewal-ledger/projections';

// Printing: aligned tables for people, JSON and CSV for programs. JSON output is stable (see
// docs/cli.md): amounts are integers of minor units, positions are decimal strings.

/** Columns a cell takes on a terminal: a CJK character (收银员) is two, a combining mark none. */
export const displayWidth = (text: string): number => stringWidth(text);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The text cut to at most `width` columns, ending in an ellipsis when cut. */
export const truncate = (text: string, width: number): string => {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
};

/** Widest a text column gets before its cells are cut with an ellipsis. */
export const MAX_COLUMN_WIDTH = 48;

/**
 * Plain text tables: numbers right-aligned, text left-aligned, two spaces between columns, laid
 * out by display width (a Chinese cashier's name lines up with a Latin one). Text cells wider
 * than `maxWidth` columns are cut with an ellipsis; numbers and the last column never are. Every
 * column has a header.
 */
export const table = (
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  options: { readonly maxWidth?: number } = {},
): string => {
  const blank = header.findIndex((h) => h.trim() === '');
  if (blank >= 0) throw new Error(`table: column ${blank + 1} has no header`);
  const wide = rows.find((r) => r.length > header.length);
  if (wide) throw new Error(`table: a row has ${wide.length} cells for ${header.length} headers`);
  const maxWidth = options.maxWidth ?? MAX_COLUMN_WIDTH;
  // A column is numeric when every non-empty cell is a number (a total row may leave cells blank).
  const isNumber = (c: string | number | undefined) => typeof c === 'number' || /^-?[\d,.]+%?$|^-$/.test(String(c));
  const numeric = header.map(
    (_, i) => rows.some((r) => r[i] !== '' && r[i] !== undefined) && rows.every((r) => r[i] === '' || r[i] === undefined || isNumber(r[i])),
  );
  // The last column is never cut: nothing follows it to misalign (an error's whole message).
  const last = header.length - 1;
  const cells = [
    header.map(String),
    ...rows.map((r) =>
      header.map((_, i) => (r[i] === undefined ? '' : String(r[i]))).map((c, i) => (numeric[i] || i === last ? c : truncate(c, maxWidth))),
    ),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i]!))));
  const pad = (c: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - displayWidth(c));
    return numeric[i] ? gap + c : c + gap;
  };
  const line = (r: readonly string[]) => r.map(pad).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
};

export const count = (n: number | bigint) => n.toLocaleString('en-US');

/** "1 cycle", "2 cycles". */
export const plural = (n: number | bigint, word: string, many = `${word}s`) => `${count(n)} ${n === 1 || n === 1n ? word : many}`;

// How amounts are shown: written as the ledger's locale writes numbers (through Intl: digits,
// grouping, decimal sign), with the decimals of THE AMOUNT'S currency (JPY 0, CNY 2, KWD 3), never
// the ledger's: every call names the currency of its figure. The locale is set once per run from
// the ledger's settings (readLedger); the ledger's currency only stands in for a figure whose
// currency is unknown (null), which no figure of a bill or contract is.
let display: { locale: string; currency: string | null } = { locale: 'en', currency: null };
export const setDisplay = (settings: { readonly locale: string; readonly currency: string | null }): void => {
  display = { locale: settings.locale, currency: settings.currency };
};

/** An amount in its currency's minor units for a table cell: amount(150000, 'JPY') -> "150,000". */
export const amount = (minor: number | bigint, currency: string | null | undefined): string =>
  formatGrouped(minor, currency ?? display.currency ?? undefined, display.locale);

/** An amount for a sentence, with its currency: money(202853494, 'CNY') -> "2,028,534.94 CNY". */
export const money = (minor: number | bigint, currency: string | null | undefined): string =>
  `${amount(minor, currency)}${currency ? ` ${currency}` : ''}`;

/** An amount as CSV writes it: the currency's decimals, no grouping ("1.500" for 1,500 fils). */
export const csvAmount = (minor: number | bigint, currency: string): string => formatMinor(minor, currency).split(' ')[0]!;

/** CSV headers for amounts: each `name_minor` followed by `name`, the same amount in the currency's decimals. */
export const amountHeaders = (...names: readonly string[]): string[] => names.flatMap((n) => [`${n}_minor`, n]);
/** The cells under amountHeaders: the minor units and the decimals, amount by amount. */
export const amountCells = (currency: string, ...minors: readonly (number | bigint)[]): (number | bigint | string)[] =>
  minors.flatMap((m) => [m, csvAmount(m, currency)]);

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
export const toJson = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** One line of JSON (JSON lines output). */
export const toJsonLine = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export const print = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const printJson = (value: unknown): void => print(toJson(value));

export const warn = (text: string): void => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
};
