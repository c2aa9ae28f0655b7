// The shapes the collectors' commands and events share: a month, and what a target is set on.
import * as t from 'io-ts';
import { oneOf } from '../shape.js';

/** `YYYY-MM`: the calendar month a target is for, in the ledger's zone. */
export const MonthC = new t.Type<string, string, unknown>(
  'a month (YYYY-MM)',
  (u): u is string => typeof u === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(u),
  (u, c) => (typeof u === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** A target is set on a collector or on a team. */
export const TARGET_SCOPES = ['collector', 'team'] as const;
export type TargetScope = (typeof TARGET_SCOPES)[number];
export const TargetScopeC = oneOf(TARGET_SCOPES);

/** A collection rate in basis points: 9500 = 95.00%. */
export const RateBpC = new t.Type<number, number, unknown>(
  'a rate in basis points (0-10000)',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 10000,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 10000 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);
