// Argument parsing with node:util parseArgs, the options every command shares, and the checks
// that turn a bad value into a UsageError naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isBusinessDate, normaliseInstant, toNfc, type BusinessDate, type Instant } from '@renewal-ledger/core';
import { UsageError } from './errors.js';

export type Format = 'table' | 'json' | 'csv';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Every command takes these. */
export const COMMON_OPTIONS = {
  store: { type: 'string' },
  views: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  actor: { type: 'string' },
} as const satisfies Options;

export const COMMON_HELP = `Common options:
  --store URL     the event store (default sqlite:./renewal.db, or $RENEWAL_STORE):
                  sqlite:PATH, memory:, postgres://user:pass@host/db, esdb://host:2113
  --views WHERE   where the views live (default: beside the store; see docs/cli.md):
                  a SQLite file path, :memory:, or a postgres:// URL
  --format F      table (default), json or csv, where the command prints data
  --bom           with --format csv: begin with a UTF-8 byte order mark (for Excel)
  --actor USER    who runs the command (or $RENEWAL_ACTOR): once the ledger has users, one of
                  them, whose role is checked and recorded (docs/roles-and-approvals.md)
  --debug         show the stack trace of an unexpected error
  -h, --help      this help`;

export interface Parsed<O extends Options> {
  readonly values: {
    [K in keyof (O & typeof COMMON_OPTIONS)]?: (O & typeof COMMON_OPTIONS)[K] extends { type: 'boolean' }
      ? boolean
      : (O & typeof COMMON_OPTIONS)[K] extends { multiple: true }
        ? string[]
        : string;
  };
  readonly positionals: string[];
}

/** parseArgs with the common options; its errors become UsageErrors of `command`. */
export const parse = <O extends Options>(command: string, argv: readonly string[], options: O): Parsed<O> => {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed<O>['values'], positionals };
  } catch (e) {
    // parseArgs messages end in advice about `--` that does not fit here; keep the first sentence.
    const message = (e as Error).message.split('. To specify')[0]!.replace(/\.$/, '');
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1), command);
  }
};

export const formatOf = (command: string, value: string | undefined, allowed: readonly Format[] = ['table', 'json', 'csv']): Format => {
  const f = (value ?? allowed[0]!) as Format;
  if (!allowed.includes(f)) throw new UsageError(`--format takes ${allowed.join(', ')}; got ${JSON.stringify(value)}`, command);
  return f;
};

export const dateOf = (command: string, flag: string, value: string): BusinessDate => {
  if (!isBusinessDate(value)) throw new UsageError(`${flag} takes a calendar date YYYY-MM-DD; got ${JSON.stringify(value)}`, command);
  return value;
};

/** A point in time as given: a business date (meaning the end of that day) or an instant. */
export type PointGiven = { readonly date: BusinessDate } | { readonly instant: Instant };

/**
 * A date (the end of that day in the ledger's zone) or a timestamp with Z or an offset (stored
 * and compared in UTC).
 */
export const pointInTimeOf = (command: string, flag: string, value: string): PointGiven => {
  if (isBusinessDate(value)) return { date: value };
  const instant = normaliseInstant(value);
  if (instant !== null) return { instant };
  throw new UsageError(
    `${flag} takes a date YYYY-MM-DD (the end of that day in the ledger's time zone) or a timestamp with Z or an offset, YYYY-MM-DDTHH:mm:ssZ or ...+08:00; got ${JSON.stringify(value)}`,
    command,
  );
};

/** A timestamp with Z or an offset (`--recorded-at`), in UTC. */
export const instantOf = (command: string, flag: string, value: string): Instant => {
  const instant = normaliseInstant(value);
  if (instant === null)
    throw new UsageError(
      `${flag} takes a timestamp with Z or an offset, e.g. 2026-05-29T18:00:00+08:00; got ${JSON.stringify(value)}`,
      command,
    );
  return instant;
};

export const positiveIntOf = (command: string, flag: string, value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${flag} takes a positive whole number; got ${JSON.stringify(value)}`, command);
  return n;
};

export const nonNegativeBigIntOf = (command: string, flag: string, value: string): bigint => {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes a position (a whole number); got ${JSON.stringify(value)}`, command);
  return BigInt(value);
};

/** An id given on the command line, in the normal form ids are compared in (NFC: docs/events.md). */
export const idOf = (command: string, flag: string, value: string): string => {
  if (value.trim() === '') throw new UsageError(`${flag} needs an id`, command);
  return toNfc(value);
};

/** The one positional a command needs, or a UsageError saying what is missing. */
export const onePositional = (command: string, positionals: readonly string[], what: string): string => {
  if (positionals.length === 0) throw new UsageError(`${what} is missing`, command);
  if (positionals.length > 1) throw new UsageError(`one ${what} only; got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`, command);
  return positionals[0]!;
};

export const noPositionals = (command: string, positionals: readonly string[]): void => {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, command);
};
