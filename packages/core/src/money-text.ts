// How amounts read and are written: each currency's own minor units (ISO 4217), and numbers as a
// locale writes them. Apart from money.ts so that it imports nothing but ISO's table: the property
// service serves this module as it is built to the dashboard, which formats and reads amounts
// with these very functions (one place decides how an amount reads, on the server and the page).
import type { MinorUnits } from './money.js';
import { ISO_4217_MINOR_UNITS } from './iso4217.js';

// ---------------------------------------------------------------------------------------------
// Minor units per currency: the ISO 4217 exponent (JPY 0, CNY 2, KWD 3, CLF 4), a fact of the
// standard, from the generated table of ISO's list (iso4217.ts), never the runtime's display data:
// Intl shows HUF and IDR with 0 decimals where ISO counts 2, and its digits change with the ICU
// a Node release ships, which must never change how a stored amount reads.

/**
 * The ISO 4217 minor units of a code: a number (JPY 0, KWD 3); null where ISO says N.A. (XAU,
 * XDR, XTS, XXX: no minor unit); undefined for a code not in the list (XYZ, or a withdrawn HRK).
 */
export const iso4217MinorUnits = (code: string): number | null | undefined =>
  Object.hasOwn(ISO_4217_MINOR_UNITS, code) ? ISO_4217_MINOR_UNITS[code] : undefined;

/**
 * Decimals of a currency's minor unit: 0 for JPY, 2 for CNY, 3 for KWD. Commands accept only
 * codes that have minor units (CurrencyC); for what stored events may hold: 0 for a code without
 * a minor unit (XAU: whole units are the only exact reading) and 2 for a code ISO's list no longer
 * has (a withdrawn currency such as HRK, 2 decimals like most).
 */
export const currencyExponent = (currency: string): number => {
  const units = iso4217MinorUnits(currency);
  return units === undefined ? 2 : (units ?? 0);
};

/** `-1234.567` for (-1234567, 3): the exact decimal text of minor units, digits from the integer. */
const decimalText = (amount: number | bigint, decimals: number): string => {
  const exact = BigInt(amount);
  const negative = exact < 0n;
  const digits = (negative ? -exact : exact).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : ''}`;
};

/**
 * Formats minor units for people with the currency's own decimals: formatMinor(31520, 'CNY') ->
 * "315.20 CNY", formatMinor(1500, 'JPY') -> "1500 JPY", formatMinor(1500, 'KWD') -> "1.500 KWD".
 * Without a currency, 2 decimals (or `decimals`). Integer arithmetic only; totals over many
 * cycles are bigints, formatted exactly the same way.
 */
export const formatMinor = (amount: number | bigint, currency?: string, decimals = currency ? currencyExponent(currency) : 2): string => {
  const text = decimalText(amount, decimals);
  return currency ? `${text} ${currency}` : text;
};

// Intl formats an exact decimal string (ECMA-402's Intl.NumberFormat v3, in Node 20): the digits,
// grouping and decimal separator are all the locale's (Arabic-Indic digits in ar-KW), and no float
// ever holds the amount. One formatter per locale and number of decimals.
const formatters = new Map<string, (text: string) => string>();
const formatterOf = (locale: string, decimals: number) => {
  const key = `${locale}\u0000${decimals}`;
  let f = formatters.get(key);
  if (!f) {
    const nf = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true });
    // lib ES2022 types format() for numbers only; the runtime takes a decimal string exactly.
    f = nf.format.bind(nf) as unknown as (text: string) => string;
    formatters.set(key, f);
  }
  return f;
};

/**
 * Minor units written as the locale writes numbers, with the currency's decimals:
 * formatGrouped(202853494, 'CNY', 'zh-CN') -> "2,028,534.94"; (123456789, 'EUR', 'de-DE') ->
 * "1.234.567,89"; (1234567, 'JPY', 'ja-JP') -> "1,234,567"; (1234567, 'KWD', 'ar-KW') ->
 * "١٬٢٣٤٫٥٦٧". The exact decimal text goes to Intl: no float ever holds the amount.
 */
export const formatGrouped = (amount: number | bigint, currency: string | undefined, locale = 'en'): string =>
  formatterOf(locale, currency ? currencyExponent(currency) : 2)(decimalText(amount, currency ? currencyExponent(currency) : 2));

/** How a locale writes numbers: its group and decimal separators, and its ten digits. */
interface NumberSymbols {
  readonly group: string;
  readonly decimal: string;
  readonly digits: readonly string[];
}
const symbols = new Map<string, NumberSymbols>();
const symbolsOf = (locale: string): NumberSymbols => {
  let s = symbols.get(locale);
  if (!s) {
    const nf = new Intl.NumberFormat(locale, { useGrouping: true, minimumFractionDigits: 1 });
    const parts = nf.formatToParts(12345.5);
    const plain = new Intl.NumberFormat(locale, { useGrouping: false });
    s = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
      digits: Array.from({ length: 10 }, (_, d) => plain.format(d)),
    };
    symbols.set(locale, s);
  }
  return s;
};

// Separators people type for the ones a locale prints: fr-FR groups with a narrow no-break space
// (U+202F) and people type a space, de-CH groups with U+2019 and people type an apostrophe.
const SPACES = /[\s\u00a0\u202f]/gu;
const APOSTROPHES = /[\u2019']/gu;
const typedForm = (text: string): string => text.replace(SPACES, ' ').replace(APOSTROPHES, "'");

/** Minor units of `[-]whole[.fraction]` (ASCII digits) in `decimals`, or null (too many decimals, out of range). */
const minorOf = (negative: boolean, whole: string, fraction: string, decimals: number): MinorUnits | null => {
  if (fraction.length > decimals) return null;
  const digits = BigInt(whole + fraction.padEnd(decimals, '0'));
  const value = negative ? -digits : digits;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? (Number(value) as MinorUnits) : null;
};

/** A number in one way of writing it: `group` between every three digits (or none), `decimal` before the fraction. */
const readWith = (text: string, group: string | null, decimal: string, decimals: number): MinorUnits | null => {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Groups of three, or the Indian lakh and crore (1,00,00,000: twos before the last three).
  const g = group === null ? '' : esc(group);
  const whole = group === null ? '\\d+' : `\\d{1,3}(?:${g}\\d{3})+|\\d{1,2}(?:${g}\\d{2})*${g}\\d{3}|\\d+`;
  const m = new RegExp(`^(-)?(${whole})(?:${esc(decimal)}(\\d+))?$`).exec(text);
  if (!m) return null;
  return minorOf(m[1] !== undefined, group === null ? m[2]! : m[2]!.split(group).join(''), m[3] ?? '', decimals);
};

/**
 * An amount a person typed, in minor units of its currency, read as the locale writes numbers
 * (its digits, group and decimal separators: "1.234,56" in de-DE, "1 234,56" in fr-FR,
 * "1'234.56" in de-CH, "1,23,456.78" in hi-IN) or plainly ("1234.56"); en-style grouping ("1,234.56") is read in a
 * locale that groups with commas. Exact: "315.2" CNY -> 31520, "1500" JPY -> 1500, "1,5" KWD in
 * de-DE -> 1500. Null for anything else: more decimals than the currency has, other characters,
 * and text the locale and the plain reading read as two different amounts ("1.234" in de-DE for
 * KWD: 1234 dinar or 1.234?), which a clerk must write unambiguously.
 */
export const parseAmount = (text: string, currency: string, locale = 'en'): MinorUnits | null => {
  const decimals = currencyExponent(currency);
  const s = symbolsOf(locale);
  let typed = typedForm(text.trim());
  // The locale's own digits (Arabic-Indic in ar-KW) read as ASCII ones.
  s.digits.forEach((d, i) => {
    if (d !== String(i)) typed = typed.split(d).join(String(i));
  });
  typed = typed.replace(/^[\u061c\u200e\u200f]+/u, '').replace(/^\u2212/u, '-');
  const readings = [readWith(typed, typedForm(s.group), s.decimal, decimals), readWith(typed, null, '.', decimals)];
  const found = [...new Set(readings.filter((r): r is MinorUnits => r !== null))];
  return found.length === 1 ? found[0]! : null;
};

/**
 * An amount typed in plain or en-US notation ("1,234.5", "1500") in minor units of its currency:
 * "315.2" CNY -> 31520, "1500" JPY -> 1500, "1.5" KWD -> 1500. Null for more decimals than the
 * currency has, or anything else. For text written in a locale, see parseAmount.
 */
export const parseMinor = (text: string, currency: string): MinorUnits | null => parseAmount(text, currency, 'en');

const moneyFormatters = new Map<string, (text: string) => string>();
/**
 * Minor units as an amount of money in the locale's way with the currency's sign:
 * formatMoney(123456705, 'CNY', 'zh-CN') -> "¥1,234,567.05", (31520, 'CNY', 'en') -> "CN¥315.20",
 * (1500, 'JPY', 'en') -> "¥1,500". The exact decimal text goes to Intl, as in formatGrouped.
 */
export const formatMoney = (amount: number | bigint, currency: string, locale = 'en'): string => {
  const decimals = currencyExponent(currency);
  const key = `${locale}\u0000${currency}`;
  let f = moneyFormatters.get(key);
  if (!f) {
    const nf = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    f = nf.format.bind(nf) as unknown as (text: string) => string;
    moneyFormatters.set(key, f);
  }
  return f(decimalText(amount, decimals));
};
