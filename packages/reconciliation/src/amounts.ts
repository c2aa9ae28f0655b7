// Amounts as statements write them: decimal yuan ("315.20", "-12.5", WeChat Pay's fee "0.06000"
// with three zeros padded). Read exactly into minor units, never through a float; a fee rounded
// by the provider to the fen keeps its padding zeros only.
const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Minor units of a decimal amount with `decimals` digits (trailing zeros beyond them allowed), or null. */
export const decimalToMinor = (text: string, decimals: number): number | null => {
  const m = DECIMAL.exec(text.trim().replace(/,/g, ''));
  if (!m) return null;
  let fraction = m[3] ?? '';
  if (fraction.length > decimals) {
    if (!/^0*$/.test(fraction.slice(decimals))) return null;
    fraction = fraction.slice(0, decimals);
  }
  const value = Number(m[2]! + fraction.padEnd(decimals, '0'));
  if (!Number.isSafeInteger(value)) return null;
  return m[1] === '-' ? -value : value;
};
