// Statements write wall-clock times in the provider's zone ("2026-01-15 10:00:00", China time for
// Alipay and WeChat Pay); the ledger compares instants and business days in its own zone.
import { TZDate } from '@date-fns/tz';
import type { Instant } from '@renewal-ledger/core';

const LOCAL = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The instant of a wall-clock time in `zone`, or null when it is not `YYYY-MM-DD[ HH:mm[:ss]]`. */
export const instantOfLocal = (text: string, zone: string): Instant | null => {
  const m = LOCAL.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new TZDate(y, mo - 1, d, h, mi, s, zone);
  if (Number.isNaN(date.getTime()) || date.getDate() !== d) return null;
  return new Date(date.getTime()).toISOString().replace('.000Z', 'Z') as Instant;
};
