// Alipay writes amounts in yuan with at most two decimals ("315.20"); the ledger keeps fen.
import { formatMinor, parseMinor } from '@renewal-ledger/core';

/** 31520 -> "315.20". */
export const yuanText = (minor: number): string => formatMinor(minor, undefined, 2);

/** "315.20" or "315.2" -> 31520; null for anything that is not a plain non-negative amount. */
export const fenOf = (text: unknown): number | null =>
  typeof text === 'string' && /^\d{1,12}(\.\d{1,2})?$/.test(text) ? parseMinor(text, 'CNY') : null;
