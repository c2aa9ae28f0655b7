// Identifiers are chosen by callers (`unit-0301/2026-01`), so the only rules are: non-empty,
// at most 200 characters, no control characters or surrounding white space.
import * as t from 'io-ts';

const isIdText = (u: unknown): u is string =>
  typeof u === 'string' && u.length > 0 && u.length <= 200 && u.trim() === u && !/[\u0000-\u001f\u007f]/.test(u);

const idCodec = <B>(name: string) =>
  new t.Type<string & B, string, unknown>(
    name,
    (u): u is string & B => isIdText(u),
    (u, c) => (isIdText(u) ? t.success(u as string & B) : t.failure(u, c)),
    (a) => a,
  );

export interface CycleIdBrand {
  readonly CycleId: unique symbol;
}
export type CycleId = string & CycleIdBrand;
export const CycleIdC = idCodec<CycleIdBrand>('a cycle id (1-200 characters, no control characters)');

export interface ContractIdBrand {
  readonly ContractId: unique symbol;
}
export type ContractId = string & ContractIdBrand;
export const ContractIdC = idCodec<ContractIdBrand>('a contract id (1-200 characters, no control characters)');

export interface IdBrand {
  readonly Id: unique symbol;
}
/** Any other caller-chosen id: command, payment, refund, dispute, plan, actor... */
export type Id = string & IdBrand;
export const IdC = idCodec<IdBrand>('an id (1-200 characters, no control characters)');

/** Free text such as a reason or description: non-empty, at most 2,000 characters. */
export interface TextBrand {
  readonly Text: unique symbol;
}
export type Text = string & TextBrand;
const isText = (u: unknown): u is Text => typeof u === 'string' && u.trim().length > 0 && u.length <= 2000;
export const TextC = new t.Type<Text, string, unknown>(
  'a non-empty text of at most 2000 characters',
  isText,
  (u, c) => (isText(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export interface CurrencyBrand {
  readonly Currency: unique symbol;
}
/** An ISO 4217 currency code: three capital letters. */
export type Currency = string & CurrencyBrand;
const isCurrency = (u: unknown): u is Currency => typeof u === 'string' && /^[A-Z]{3}$/.test(u);
export const CurrencyC = new t.Type<Currency, string, unknown>(
  'an ISO 4217 currency code such as "CNY"',
  isCurrency,
  (u, c) => (isCurrency(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export const CYCLE_STREAM_PREFIX = 'renewal-cycle-';
export const cycleStreamName = (cycleId: string): string => `${CYCLE_STREAM_PREFIX}${cycleId}`;
export const cycleIdOfStream = (stream: string): CycleId | null =>
  stream.startsWith(CYCLE_STREAM_PREFIX) ? (stream.slice(CYCLE_STREAM_PREFIX.length) as CycleId) : null;
