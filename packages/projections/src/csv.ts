// The one CSV writer of the project: the CLI's reports and the audit export write through it.
// RFC 4180: fields separated by commas, lines ended by CRLF, a field quoted (its quotes doubled)
// when it holds a comma, a quote or a line break. And safe to open in a spreadsheet: a text cell
// that begins with =, +, -, @, a tab or a carriage return would be run as a formula by Excel,
// LibreOffice or Google Sheets (CSV injection), so it gets a leading apostrophe, OWASP's rule:
// `=HYPERLINK(...)` is written `'=HYPERLINK(...)` and shown as the text it is. Numbers are not
// text: an amount of -500 is written -500, a number the spreadsheet adds up, never a formula.

/** The UTF-8 byte order mark, with which Excel reads a CSV file as UTF-8 (Chinese names, say). */
export const CSV_BOM = '\uFEFF';

/** What a spreadsheet would take for the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** One field: null and undefined empty, numbers as they are, text neutralised and quoted as needed. */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  // A plain decimal written as text (an amount in its currency's decimals, "-40.00") is a number
  // to a spreadsheet, never a formula: neutralising it would make a refund or a credit text.
  if (typeof value === 'string' && PLAIN_DECIMAL.test(value)) return value;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One record, CRLF-terminated. */
export const csvLine = (values: readonly unknown[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A header and its rows; with `bom`, preceded by the byte order mark. */
export const csvTable = (
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { readonly bom?: boolean } = {},
): string => `${options.bom ? CSV_BOM : ''}${csvLine(header)}${rows.map(csvLine).join('')}`;
