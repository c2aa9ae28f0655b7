// A statement file as CSV records, streamed: csv-parse reads the bytes as they come, so memory
// stays flat however long the file is. Each record comes with its line number for the report.
import { parse } from 'csv-parse';
import type { Instant } from '@renewal-ledger/core';
import { decimalToMinor } from './amounts.js';
import { instantOfLocal } from './local-time.js';
import { StatementFormatError } from './statement-line.js';

export type StatementEncoding = 'utf-8' | 'gb18030';

export interface Row {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * The records of a CSV statement, in batches: one per read of the file. csv-parse turns each chunk
 * into records at once and they are handed over together, so a record lives for one batch and
 * dies young (a promise per record kept hundreds of them waiting and grew the old generation with
 * the file). Lines starting with `#` (Alipay's title and totals) are skipped.
 */
export async function* csvRowBatches(input: AsyncIterable<Buffer | string>, encoding: StatementEncoding = 'utf-8'): AsyncGenerator<Row[]> {
  const parser = parse({
    bom: true,
    comment: '#',
    comment_no_infix: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  let failure: Error | null = null;
  parser.on('error', (e) => {
    failure = e;
  });
  const decoder = encoding === 'utf-8' ? null : new TextDecoder(encoding);
  type Parsed = { record: string[]; info: { lines: number } };
  const drain = (): Row[] => {
    const rows: Row[] = [];
    for (let r = parser.read() as Parsed | null; r !== null; r = parser.read() as Parsed | null)
      rows.push({ line: r.info.lines, cells: r.record });
    return rows;
  };
  for await (const chunk of input) {
    if (failure) throw failure;
    parser.write(decoder && typeof chunk !== 'string' ? decoder.decode(chunk, { stream: true }) : chunk);
    const rows = drain();
    if (failure) throw failure;
    if (rows.length) yield rows;
  }
  if (decoder) parser.write(decoder.decode());
  parser.end();
  // The last line (no newline after it) comes out of the parser's flush.
  const rest: Row[] = [];
  for await (const r of parser as AsyncIterable<Parsed>) rest.push({ line: r.info.lines, cells: r.record });
  if (failure) throw failure;
  if (rest.length) yield rest;
}

/** A header's column names, trimmed, with the units a title carries ("订单金额（元）" is "订单金额"). */
export const columnName = (cell: string): string =>
  cell
    .replace(/^\uFEFF/, '')
    .replace(/^`/, '')
    .trim()
    .replace(/[（(]元[）)]$/, '');

/** Where each named column is, or the first name missing. */
export const columnsOf = <K extends string>(
  header: readonly string[],
  wanted: Readonly<Record<K, readonly string[]>>,
): Record<K, number> | { missing: string } => {
  const names = header.map(columnName);
  const out = {} as Record<K, number>;
  for (const key of Object.keys(wanted) as K[]) {
    const candidates = wanted[key];
    const at = names.findIndex((n) => n !== '' && candidates.includes(n));
    if (at < 0 && candidates.length && !candidates.includes('')) return { missing: candidates[0]! };
    out[key] = at;
  }
  return out;
};

/** A data row of a statement whose header named its columns: cells by column, and its line's error. */
export interface HeadedRow<K extends string> {
  readonly line: number;
  readonly cells: readonly string[];
  /** The cell of a column, without WeChat Pay's leading backtick; '' for a column the file lacks. */
  readonly cell: (column: K) => string;
  readonly bad: (problem: string) => StatementFormatError;
}

/** The rows after the header, in batches, which must name `columns` (a list with '' names an optional column). */
export async function* headedRowBatches<K extends string>(
  format: string,
  input: AsyncIterable<Buffer | string>,
  columns: Readonly<Record<K, readonly string[]>>,
  encoding: StatementEncoding | undefined,
  what: string,
): AsyncGenerator<HeadedRow<K>[]> {
  let at: Record<K, number> | null = null;
  for await (const batch of csvRowBatches(input, encoding)) {
    const rows: HeadedRow<K>[] = [];
    for (const { line, cells } of batch) {
      const bad = (problem: string) => new StatementFormatError(format, line, problem);
      if (!at) {
        const found = columnsOf(cells, columns);
        if ('missing' in found) throw bad(`no column ${found.missing} in the header`);
        at = found;
        continue;
      }
      const index = at;
      const cell = (column: K) => (index[column] >= 0 ? (cells[index[column]] ?? '').replace(/^`/, '').trim() : '');
      rows.push({ line, cells, cell, bad });
    }
    if (rows.length) yield rows;
  }
  if (!at) throw new StatementFormatError(format, 0, `no header line: is this ${what}?`);
}

/** Statement lines one by one, from batches: for a caller that does not mind a promise per line. */
export async function* oneByOne<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/** A cell's amount in minor units (2 decimals), or the line's error naming the column. */
export const amountIn = <K extends string>(
  row: HeadedRow<K>,
  column: K,
  label: string,
  options: { optional?: boolean; nonZero?: boolean } = {},
): number => {
  const text = row.cell(column);
  if (text === '' && options.optional) return 0;
  const amount = decimalToMinor(text, 2);
  if (amount === null || (options.nonZero && amount === 0)) throw row.bad(`${label} ${JSON.stringify(text)} is not an amount of fen`);
  return amount;
};

/** A cell's wall-clock time in `zone` as an instant, or the line's error. */
export const timeIn = <K extends string>(row: HeadedRow<K>, column: K, label: string, zone: string): Instant => {
  const when = instantOfLocal(row.cell(column), zone);
  if (!when) throw row.bad(`${label} ${JSON.stringify(row.cell(column))} is not a time`);
  return when;
};
