// A statement file as CSV records, streamed: csv-parse reads the bytes as they come, so memory
// stays flat however long the file is. Each record comes with its line number for the report.
import { Transform, type Readable } from 'node:stream';
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

/** Bytes in `encoding` to UTF-8 text, chunk by chunk (a character split between chunks is kept whole). */
const decoding = (encoding: StatementEncoding): Transform => {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
};

/** The records of a CSV statement. Lines starting with `#` (Alipay's title and totals) are skipped. */
export async function* csvRows(input: Readable, encoding: StatementEncoding = 'utf-8'): AsyncGenerator<Row> {
  const parser = parse({
    bom: true,
    comment: '#',
    comment_no_infix: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const source = encoding === 'utf-8' ? input : input.pipe(decoding(encoding));
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)
    yield { line: info.lines, cells: record };
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

/** The rows after the header, which must name `columns` (a list with '' names an optional column). */
export async function* headedRows<K extends string>(
  format: string,
  input: Readable,
  columns: Readonly<Record<K, readonly string[]>>,
  encoding: StatementEncoding | undefined,
  what: string,
): AsyncGenerator<HeadedRow<K>> {
  let at: Record<K, number> | null = null;
  for await (const { line, cells } of csvRows(input, encoding)) {
    const bad = (problem: string) => new StatementFormatError(format, line, problem);
    if (!at) {
      const found = columnsOf(cells, columns);
      if ('missing' in found) throw bad(`no column ${found.missing} in the header`);
      at = found;
      continue;
    }
    const index = at;
    const cell = (column: K) => (index[column] >= 0 ? (cells[index[column]] ?? '').replace(/^`/, '').trim() : '');
    yield { line, cells, cell, bad };
  }
  if (!at) throw new StatementFormatError(format, 0, `no header line: is this ${what}?`);
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
