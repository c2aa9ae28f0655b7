// How refusal messages write an amount: in the decimals of its currency when the rule knows it
// (JPY 0, KWD 3, CNY 2), else 2; no grouping and no currency code, since the message sits beside
// the figures as minor units. Internal to core: the cycle's, the contract's and the policies'
// messages share it.
import { currencyExponent, formatMinor } from './money.js';

export type AmountText = (minor: number) => string;

export const amountText = (currency?: string): AmountText =>
  currency ? (minor) => formatMinor(minor, undefined, currencyExponent(currency)) : (minor) => formatMinor(minor);
