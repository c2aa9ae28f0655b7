// A bank's statement as CSV, read through a column mapping (banks name their columns as they
// like): a date or time, a signed amount (money in positive, money out negative: a refund), a
// reference and, optionally, a fee. Times are wall-clock in the bank's zone.
import { decimalToMinor } from './amounts.js';
import { headedRowBatches, timeIn, type StatementEncoding } from './rows.js';
import type { StatementLine } from './statement-line.js';

export interface BankColumnMapping {
  /** The column with the booking date (`2026-01-15`) or time (`2026-01-15 10:00[:00]`). */
  readonly date: string;
  /** The signed amount: positive received, negative paid out. */
  readonly amount: string;
  /** The payer's reference (what the ledger recorded as the payment's reference). */
  readonly reference: string;
  /** The bank's own transaction id, when it has one. */
  readonly bankRef?: string;
  readonly fee?: string;
}

export interface BankStatementOptions {
  readonly mapping: BankColumnMapping;
  /** The zone the bank writes its times in. */
  readonly zone: string;
  readonly currency: string;
  /** Decimals of the currency's minor unit (2 for CNY). */
  readonly decimals?: number;
  readonly encoding?: StatementEncoding;
}

/** `date=Booking date,amount=Amount,reference=Reference,fee=Fee`: the CLI's form of a mapping. */
export const parseBankMapping = (text: string): BankColumnMapping => {
  const pairs = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new TypeError(`column mapping: ${JSON.stringify(part)} is not key=column`);
    pairs.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const key of pairs.keys())
    if (!['date', 'amount', 'reference', 'bankRef', 'fee'].includes(key))
      throw new TypeError(`column mapping: unknown key ${key} (date, amount, reference, bankRef, fee)`);
  for (const key of ['date', 'amount', 'reference'])
    if (!pairs.get(key)) throw new TypeError(`column mapping: ${key}=<column> is required`);
  return {
    date: pairs.get('date')!,
    amount: pairs.get('amount')!,
    reference: pairs.get('reference')!,
    ...(pairs.get('bankRef') ? { bankRef: pairs.get('bankRef')! } : {}),
    ...(pairs.get('fee') ? { fee: pairs.get('fee')! } : {}),
  };
};

export async function* readBankStatement(
  input: AsyncIterable<Buffer | string>,
  options: BankStatementOptions,
): AsyncGenerator<StatementLine[]> {
  const { mapping } = options;
  const decimals = options.decimals ?? 2;
  // Optional columns the mapping leaves out are looked for under no name ('').
  const columns = {
    date: [mapping.date],
    amount: [mapping.amount],
    reference: [mapping.reference],
    bankRef: mapping.bankRef ? [mapping.bankRef] : [''],
    fee: mapping.fee ? [mapping.fee] : [''],
  };
  for await (const batch of headedRowBatches('bank', input, columns, options.encoding, 'a CSV with a header')) {
    const lines: StatementLine[] = [];
    for (const row of batch) {
      const money = (column: 'amount' | 'fee', label: string) => {
        const text = row.cell(column);
        if (column === 'fee' && text === '') return 0;
        const amount = decimalToMinor(text, decimals);
        if (amount === null || amount === 0) throw row.bad(`${label} ${JSON.stringify(text)} is not an amount`);
        return amount;
      };
      const amount = money('amount', mapping.amount);
      lines.push({
        line: row.line,
        direction: amount < 0 ? 'refund' : 'payment',
        providerRef: row.cell('bankRef') || null,
        merchantRef: row.cell('reference') || null,
        refundRef: amount < 0 ? row.cell('reference') || null : null,
        at: timeIn(row, 'date', mapping.date, options.zone),
        amountMinor: Math.abs(amount),
        feeMinor: Math.abs(money('fee', mapping.fee ?? 'fee')),
        currency: options.currency,
      });
    }
    yield lines;
  }
}
