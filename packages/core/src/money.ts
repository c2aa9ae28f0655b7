// Money is an integer count of minor units (fen, cents). Every amount the library stores or
// computes is one of these: sums refuse to leave the safe-integer range rather than silently
// losing precision, and `quantity x rate` is computed in integer arithmetic with half-up rounding.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

export interface MinorUnitsBrand {
  readonly MinorUnits: unique symbol;
}
/** A safe integer count of minor units; may be negative (a balance the customer is owed). */
export type MinorUnits = number & MinorUnitsBrand;

export interface PositiveMinorUnitsBrand {
  readonly PositiveMinorUnits: unique symbol;
}
/** A strictly positive safe integer count of minor units: the amount of a bill line, payment, refund... */
export type PositiveMinorUnits = MinorUnits & PositiveMinorUnitsBrand;

export interface NonNegativeMinorUnitsBrand {
  readonly NonNegativeMinorUnits: unique symbol;
}
export type NonNegativeMinorUnits = MinorUnits & NonNegativeMinorUnitsBrand;

export const isMinorUnits = (u: unknown): u is MinorUnits => typeof u === 'number' && Number.isSafeInteger(u);
export const isPositiveMinorUnits = (u: unknown): u is PositiveMinorUnits => isMinorUnits(u) && u > 0;
export const isNonNegativeMinorUnits = (u: unknown): u is NonNegativeMinorUnits => isMinorUnits(u) && u >= 0;

const refinedNumber = <A extends number>(name: string, is: (u: unknown) => u is A): t.Type<A, number, unknown> =>
  new t.Type<A, number, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), (a) => a);

export const MinorUnitsC = refinedNumber<MinorUnits>('a safe integer of minor units', isMinorUnits);
export const PositiveMinorUnitsC = refinedNumber<PositiveMinorUnits>('a positive safe integer', isPositiveMinorUnits);
export const NonNegativeMinorUnitsC = refinedNumber<NonNegativeMinorUnits>(
  'a non-negative safe integer',
  isNonNegativeMinorUnits,
);

/** Raised when a sum or product would leave the safe-integer range: an error, never a wrong number. */
export interface AmountOutOfRange {
  readonly code: 'AMOUNT_OUT_OF_RANGE';
  readonly message: string;
  readonly operands: readonly number[];
}

const outOfRange = (operands: readonly number[]): AmountOutOfRange => ({
  code: 'AMOUNT_OUT_OF_RANGE',
  message: `the result of ${operands.join(', ')} is outside the safe integer range (±${Number.MAX_SAFE_INTEGER})`,
  operands,
});

export const addMinor =
  (b: MinorUnits) =>
  (a: MinorUnits): E.Either<AmountOutOfRange, MinorUnits> => {
    const r = a + b;
    return Number.isSafeInteger(r) ? E.right(r as MinorUnits) : E.left(outOfRange([a, b]));
  };

export const subtractMinor =
  (b: MinorUnits) =>
  (a: MinorUnits): E.Either<AmountOutOfRange, MinorUnits> => {
    const r = a - b;
    return Number.isSafeInteger(r) ? E.right(r as MinorUnits) : E.left(outOfRange([a, -b]));
  };

/** Sum of amounts; refuses (Left) as soon as a partial sum leaves the safe-integer range. */
export const sumMinor = (amounts: ReadonlyArray<number>): E.Either<AmountOutOfRange, MinorUnits> => {
  let total = 0;
  for (const a of amounts) {
    total += a;
    if (!Number.isSafeInteger(total) || !Number.isSafeInteger(a)) return E.left(outOfRange(amounts));
  }
  return E.right(total as MinorUnits);
};

// ---------------------------------------------------------------------------------------------
// Decimal quantities (square metres, units) arrive as strings so that "98.50" stays exact.

export interface DecimalQuantityBrand {
  readonly DecimalQuantity: unique symbol;
}
/** A non-negative decimal written as a string: up to 12 integer digits and 6 decimals ("98.50"). */
export type DecimalQuantity = string & DecimalQuantityBrand;

const QUANTITY = /^(0|[1-9]\d{0,11})(\.\d{1,6})?$/;
export const isDecimalQuantity = (u: unknown): u is DecimalQuantity => typeof u === 'string' && QUANTITY.test(u);
export const DecimalQuantityC = new t.Type<DecimalQuantity, string, unknown>(
  'a decimal quantity string such as "98.50"',
  isDecimalQuantity,
  (u, c) => (isDecimalQuantity(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** The quantity as an integer and a power-of-ten scale: "98.50" -> { digits: 9850n, scale: 2 }. */
export const parseQuantity = (q: DecimalQuantity): { readonly digits: bigint; readonly scale: number } => {
  const dot = q.indexOf('.');
  if (dot < 0) return { digits: BigInt(q), scale: 0 };
  return { digits: BigInt(q.slice(0, dot) + q.slice(dot + 1)), scale: q.length - dot - 1 };
};

/** round(numerator / denominator), half away from zero... for non-negative operands that is half-up. */
const divideHalfUp = (numerator: bigint, denominator: bigint): bigint => (numerator * 2n + denominator) / (denominator * 2n);

/** A fraction of a period a line is charged for, in days: `{ days: 14, ofDays: 31 }`. */
export interface Proration {
  readonly days: number;
  readonly ofDays: number;
}

/**
 * `quantity x rateMinor` (optionally x days / ofDays), rounded half-up to a whole minor unit,
 * computed exactly in integer arithmetic: `"98.50" x 320 = 31520`, `"0.005" x 1 = 0`, `"0.5" x 1 = 1`.
 */
export const amountFromRate = (
  quantity: DecimalQuantity,
  rateMinor: NonNegativeMinorUnits,
  proration?: Proration,
): E.Either<AmountOutOfRange, NonNegativeMinorUnits> => {
  const { digits, scale } = parseQuantity(quantity);
  let numerator = digits * BigInt(rateMinor);
  let denominator = 10n ** BigInt(scale);
  if (proration) {
    numerator *= BigInt(proration.days);
    denominator *= BigInt(proration.ofDays);
  }
  const r = divideHalfUp(numerator, denominator);
  return r <= BigInt(Number.MAX_SAFE_INTEGER)
    ? E.right(Number(r) as NonNegativeMinorUnits)
    : E.left(outOfRange([Number(digits), rateMinor]));
};

// ---------------------------------------------------------------------------------------------
// Minor units per currency: the ISO 4217 exponent, from the runtime's Intl data (JPY 0, CNY 2,
// KWD 3) rather than a hard-coded 2.

const exponents = new Map<string, number>();
/** Decimals of a currency's minor unit: 0 for JPY, 2 for CNY, 3 for KWD. 2 for a code Intl does not know. */
export const currencyExponent = (currency: string): number => {
  let e = exponents.get(currency);
  if (e === undefined) {
    try {
      e = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      e = 2;
    }
    exponents.set(currency, e);
  }
  return e;
};

const splitMinor = (amount: number | bigint, decimals: number) => {
  const exact = BigInt(amount);
  const negative = exact < 0n;
  const abs = negative ? -exact : exact;
  const unit = 10n ** BigInt(decimals);
  return { negative, whole: abs / unit, fraction: decimals > 0 ? (abs % unit).toString().padStart(decimals, '0') : '' };
};

/**
 * Formats minor units for people with the currency's own decimals: formatMinor(31520, 'CNY') ->
 * "315.20 CNY", formatMinor(1500, 'JPY') -> "1500 JPY", formatMinor(1500, 'KWD') -> "1.500 KWD".
 * Without a currency, 2 decimals (or `decimals`). Integer arithmetic only; totals over many
 * cycles are bigints, formatted exactly the same way.
 */
export const formatMinor = (amount: number | bigint, currency?: string, decimals = currency ? currencyExponent(currency) : 2): string => {
  const { negative, whole, fraction } = splitMinor(amount, decimals);
  const text = `${negative ? '-' : ''}${whole.toString()}${fraction ? `.${fraction}` : ''}`;
  return currency ? `${text} ${currency}` : text;
};

const separators = new Map<string, { readonly grouping: Intl.NumberFormat; readonly decimal: string }>();
const separatorsOf = (locale: string) => {
  let s = separators.get(locale);
  if (!s) {
    const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    s = { grouping: new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: true }), decimal };
    separators.set(locale, s);
  }
  return s;
};

/**
 * Minor units grouped as the locale writes numbers, with the currency's decimals:
 * formatGrouped(202853494, 'CNY', 'zh-CN') -> "2,028,534.94"; (123456789, 'EUR', 'de-DE') ->
 * "1.234.567,89"; (1234567, 'JPY', 'ja-JP') -> "1,234,567". The whole part is a BigInt through
 * Intl and the fraction is cut from the integer: no float ever holds the amount.
 */
export const formatGrouped = (amount: number | bigint, currency: string | undefined, locale = 'en'): string => {
  const { negative, whole, fraction } = splitMinor(amount, currency ? currencyExponent(currency) : 2);
  const s = separatorsOf(locale);
  return `${negative ? '-' : ''}${s.grouping.format(whole)}${fraction ? `${s.decimal}${fraction}` : ''}`;
};

/**
 * An amount typed by a person ("1,234.5", "1500") in minor units of its currency: "315.2" CNY ->
 * 31520, "1500" JPY -> 1500, "1.5" KWD -> 1500. Grouping commas are allowed; more decimals than
 * the currency has, or anything else, is null.
 */
export const parseMinor = (text: string, currency: string): MinorUnits | null => {
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const decimals = currencyExponent(currency);
  const fraction = m[3] ?? '';
  if (fraction.length > decimals) return null;
  const digits = BigInt(m[2]!.replace(/,/g, '') + fraction.padEnd(decimals, '0'));
  const value = m[1] ? -digits : digits;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? (Number(value) as MinorUnits) : null;
};
