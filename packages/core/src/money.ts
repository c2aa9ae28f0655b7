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
  new t.Type<A, number, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c)),
    (a) => a,
  );

export const MinorUnitsC = refinedNumber<MinorUnits>('a safe integer of minor units', isMinorUnits);
export const PositiveMinorUnitsC = refinedNumber<PositiveMinorUnits>('a positive safe integer', isPositiveMinorUnits);
export const NonNegativeMinorUnitsC = refinedNumber<NonNegativeMinorUnits>('a non-negative safe integer', isNonNegativeMinorUnits);

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

// How amounts read and are written per currency and locale (money-text.ts).
export { iso4217MinorUnits, currencyExponent, formatMinor, formatGrouped, formatMoney, parseAmount, parseMinor } from './money-text.js';
