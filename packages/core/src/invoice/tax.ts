// The tax part of a tax-inclusive amount, as fapiao are written in China: a line states its
// amount with tax (价税合计), and the tax (税额) is taken out of it. One function computes it;
// every line, red line, view and report calls it.
//
// The rule, exact in integer minor units:
//   tax = round half up (gross x rate / (10000 + rate)), rate in basis points (600 = 6%)
//   net = gross - tax
// The remainder of the division goes to the net, never to the tax: tax + net = gross exactly on
// every line. An invoice's tax is the sum of its lines' taxes (never the tax of its total, which
// can differ by a minor unit per line), so the month's totals per rate add up from the lines.
// Worked: 315.20 at 6%: 31520 x 600 / 10600 = 1784.15..., half up 1784: tax 17.84, net 297.36.

/** The most a tax rate can be, in basis points (100%). */
export const MAX_TAX_RATE_BP = 10000;

export interface TaxSplit {
  /** The tax-inclusive amount. */
  readonly grossMinor: number;
  readonly taxMinor: number;
  /** gross - tax. */
  readonly netMinor: number;
}

/**
 * The tax part of a non-negative tax-inclusive amount at a rate in basis points, half up. BigInt,
 * because gross x rate leaves the safe integer range long before gross does.
 */
export const taxPartOf = (grossMinor: number, rateBp: number): number => {
  if (!Number.isSafeInteger(grossMinor) || grossMinor < 0) throw new RangeError(`gross ${grossMinor} is not a non-negative safe integer`);
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > MAX_TAX_RATE_BP)
    throw new RangeError(`tax rate ${rateBp} is not basis points from 0 to ${MAX_TAX_RATE_BP}`);
  const divisor = BigInt(MAX_TAX_RATE_BP + rateBp);
  // half up: floor((2 x gross x rate + divisor) / (2 x divisor))
  return Number((2n * BigInt(grossMinor) * BigInt(rateBp) + divisor) / (2n * divisor));
};

/** A tax-inclusive amount split into tax and net. */
export const splitTax = (grossMinor: number, rateBp: number): TaxSplit => {
  const taxMinor = taxPartOf(grossMinor, rateBp);
  return { grossMinor, taxMinor, netMinor: grossMinor - taxMinor };
};

/** A rate in basis points as people write it: 600 -> `6%`, 150 -> `1.5%`. */
export const formatTaxRate = (rateBp: number): string => {
  const digits = String(rateBp).padStart(3, '0');
  const fraction = digits.slice(-2).replace(/0+$/, '');
  return `${digits.slice(0, -2)}${fraction ? `.${fraction}` : ''}%`;
};

/**
 * The tax a red line takes back: of what is left of the original line (amount and tax not yet
 * credited), the same proportion as the amount it takes back, half up. A red line for all that is
 * left takes exactly the tax that is left, so an invoice credited in full nets to zero, tax
 * included, whatever the parts; and what is left never has more tax than amount.
 */
export const creditTaxOf = (amountMinor: number, remainingMinor: number, remainingTaxMinor: number): number => {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > remainingMinor)
    throw new RangeError(`a red line of ${amountMinor} does not fit what is left of its line (${remainingMinor})`);
  if (amountMinor === remainingMinor) return remainingTaxMinor;
  const r = BigInt(remainingMinor);
  return Number((2n * BigInt(remainingTaxMinor) * BigInt(amountMinor) + r) / (2n * r));
};
