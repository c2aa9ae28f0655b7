// Reports written as they go, for a command whose input streams (`apply`): memory stays flat in
// the number of rows. JSON is one document whose array is written an item at a time, in the same
// pretty layout `toJson` gives a whole document; CSV is written a row at a time; a table is
// printed a page at a time (each page aligned on its own). Writes wait for standard output to
// drain, so a slow reader holds the work back instead of filling memory.
import { once } from 'node:events';
import { csv, table, toJson } from './output.js';

/** Writes to standard output, waiting when its buffer is full. */
export const writeOut = async (text: string): Promise<void> => {
  if (text === '' || process.stdout.write(text)) return;
  await once(process.stdout, 'drain');
};

/** A line of text to standard output, as `print` writes it. */
export const writeOutLine = (text: string): Promise<void> => writeOut(text.endsWith('\n') ? text : `${text}\n`);

const indented = (text: string, pad: string): string => text.replace(/\n/g, `\n${pad}`);

const members = (fields: Readonly<Record<string, unknown>>): string[] =>
  Object.entries(fields).map(([k, v]) => `  ${JSON.stringify(k)}: ${indented(toJson(v), '  ')}`);

export interface JsonDocumentStream {
  /** One item of the array, written now. */
  item(value: unknown): Promise<void>;
  /** Closes the array and writes the fields that come after it. */
  end(after: Readonly<Record<string, unknown>>): Promise<void>;
}

/** `{ ...before, [arrayKey]: [items...], ...after }`, written as it goes. */
export const jsonDocumentStream = async (before: Readonly<Record<string, unknown>>, arrayKey: string): Promise<JsonDocumentStream> => {
  let items = 0;
  await writeOut(`{\n${[...members(before), `  ${JSON.stringify(arrayKey)}: [`].join(',\n')}`);
  return {
    item: (value) => writeOut(`${items++ === 0 ? '\n' : ',\n'}    ${indented(toJson(value), '    ')}`),
    end: (after) => {
      const rest = members(after);
      return writeOut(`${items === 0 ? ']' : '\n  ]'}${rest.length ? `,\n${rest.join(',\n')}` : ''}\n}\n`);
    },
  };
};

/** What `csv` writes before the rows of a document with an empty header. */
const EMPTY_HEAD = csv([''], []);

/** CSV rows after the header, formatted exactly as `csv` formats them: its document with the head cut off. */
const csvRows = (rows: readonly (readonly unknown[])[]): string => (rows.length === 0 ? '' : csv([''], rows).slice(EMPTY_HEAD.length));

export interface RowStream<Row> {
  rows(rows: readonly Row[]): Promise<void>;
  /** Whatever is still buffered (a table's last page). */
  end(): Promise<void>;
}

export const csvStream = async (header: readonly string[]): Promise<RowStream<readonly unknown[]>> => {
  await writeOut(csv(header, []));
  return { rows: (rows) => writeOut(csvRows(rows)), end: async () => {} };
};

/** An aligned table printed a page of `pageSize` rows at a time, each page with its header. */
export const tableStream = (header: readonly string[], pageSize = 1000): RowStream<readonly (string | number)[]> => {
  let page: (readonly (string | number)[])[] = [];
  let pages = 0;
  const flush = async () => {
    if (page.length === 0) return;
    const text = table(header, page);
    page = [];
    await writeOut(`${pages++ === 0 ? '' : '\n'}${text}\n`);
  };
  return {
    rows: async (rows) => {
      for (const r of rows) {
        page.push(r);
        if (page.length >= pageSize) await flush();
      }
    },
    end: flush,
  };
};
