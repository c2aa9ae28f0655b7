// Identifiers are chosen by callers (`unit-0301/2026-01`), so the rules are few. What arrives
// (commands, from people and programs): 1-200 characters, well-formed Unicode, no control or
// invisible format characters (bidi controls, zero-width characters: an id must look like what it
// is), no surrounding white space; and ids compare in one normal form, NFC: an id written in
// another form is normalised to NFC as it is decoded, so `e` + U+0301 and `é` name the same cycle.
// Event ids derive from command ids, so they are NFC too.
// What is stored is read with the rule it was written under (the `Stored` codecs: the same length
// and no C0 controls, nothing more), so events written before these rules still decode.
import * as t from 'io-ts';
import { iso4217MinorUnits } from './money.js';
import { forbiddenIdCharacter, isWellFormedText, toNfc } from './unicode.js';

const isStoredIdText = (u: unknown): u is string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  typeof u === 'string' && u.length > 0 && u.length <= 200 && u.trim() === u && !/[\u0000-\u001f\u007f]/.test(u);

/** Why an input id is refused, or null when it is a valid id (after normalising to NFC). */
const idProblem = (s: string): string | null => {
  if (!isWellFormedText(s)) return 'is not well-formed Unicode (it holds a lone surrogate)';
  const forbidden = forbiddenIdCharacter(s);
  if (forbidden)
    return `holds ${forbidden}, a control or invisible character (bidi control, zero-width character): an id must look like what it is`;
  return null;
};

/** A valid input id already in NFC: what `is` accepts and decoding returns. */
const isInputIdText = (u: unknown): u is string => isStoredIdText(u) && idProblem(u) === null && toNfc(u) === u;

const idCodec = <B>(name: string) =>
  new t.Type<string & B, string, unknown>(
    name,
    (u): u is string & B => isInputIdText(u),
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c);
      const problem = idProblem(u);
      if (problem) return t.failure(u, c, problem);
      const nfc = toNfc(u);
      return isStoredIdText(nfc) ? t.success(nfc as string & B) : t.failure(u, c);
    },
    (a) => a,
  );

const storedIdCodec = <B>(name: string) =>
  new t.Type<string & B, string, unknown>(
    name,
    (u): u is string & B => isStoredIdText(u),
    (u, c) => (isStoredIdText(u) ? t.success(u as string & B) : t.failure(u, c)),
    (a) => a,
  );

export interface CycleIdBrand {
  readonly CycleId: unique symbol;
}
export type CycleId = string & CycleIdBrand;
export const CycleIdC = idCodec<CycleIdBrand>('a cycle id (1-200 characters, no control characters)');
/** A cycle id as stored events hold it. */
export const StoredCycleIdC = storedIdCodec<CycleIdBrand>(CycleIdC.name);

export interface ContractIdBrand {
  readonly ContractId: unique symbol;
}
export type ContractId = string & ContractIdBrand;
export const ContractIdC = idCodec<ContractIdBrand>('a contract id (1-200 characters, no control characters)');
/** A contract id as stored events hold it. */
export const StoredContractIdC = storedIdCodec<ContractIdBrand>(ContractIdC.name);

export interface IdBrand {
  readonly Id: unique symbol;
}
/** Any other caller-chosen id: command, payment, refund, dispute, plan, actor... */
export type Id = string & IdBrand;
export const IdC = idCodec<IdBrand>('an id (1-200 characters, no control characters)');
/** An id as stored events and their metadata hold it. */
export const StoredIdC = storedIdCodec<IdBrand>(IdC.name);

/** Free text such as a reason or description: non-empty, at most 2,000 characters, well-formed. */
export interface TextBrand {
  readonly Text: unique symbol;
}
export type Text = string & TextBrand;
const isStoredText = (u: unknown): u is Text => typeof u === 'string' && u.trim().length > 0 && u.length <= 2000;
const TEXT_NAME = 'a non-empty text of at most 2000 characters';
export const TextC = new t.Type<Text, string, unknown>(
  TEXT_NAME,
  (u): u is Text => isStoredText(u) && isWellFormedText(u),
  (u, c) =>
    !isStoredText(u)
      ? t.failure(u, c)
      : isWellFormedText(u)
        ? t.success(u)
        : t.failure(u, c, 'is not well-formed Unicode (it holds a lone surrogate)'),
  (a) => a,
);
/** Free text as stored events hold it. */
export const StoredTextC = new t.Type<Text, string, unknown>(
  TEXT_NAME,
  isStoredText,
  (u, c) => (isStoredText(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export interface CurrencyBrand {
  readonly Currency: unique symbol;
}
/** An ISO 4217 currency code: three capital letters. */
export type Currency = string & CurrencyBrand;

/**
 * True for a currency of ISO 4217 that amounts can be counted in (`CNY`, `JPY`, `KWD`): a code of
 * ISO's list (the generated iso4217.ts, not the runtime's Intl data) with minor units; false for
 * `XYZ`, and for `XAU` or `XXX`, which ISO gives no minor unit (N.A.).
 */
export const isIso4217Currency = (u: unknown): u is Currency => typeof u === 'string' && typeof iso4217MinorUnits(u) === 'number';
const hasCurrencyShape = (u: unknown): u is Currency => typeof u === 'string' && /^[A-Z]{3}$/.test(u);

/** Commands (what people type): a code of ISO 4217 with minor units. */
export const CurrencyC = new t.Type<Currency, string, unknown>(
  'an ISO 4217 currency code such as "CNY"',
  isIso4217Currency,
  (u, c) =>
    isIso4217Currency(u)
      ? t.success(u)
      : hasCurrencyShape(u)
        ? t.failures([
            {
              value: u,
              context: c,
              message:
                iso4217MinorUnits(u) === null
                  ? `${JSON.stringify(u)} has no minor unit in ISO 4217 (N.A.: a precious metal, a fund, a testing code or no currency), so amounts cannot be counted in it`
                  : `${JSON.stringify(u)} is not an ISO 4217 currency code (such as CNY, JPY or KWD)`,
            },
          ])
        : t.failure(u, c),
  (a) => a,
);
/**
 * Stored events: three capital letters, as before ISO 4217 was checked, so that nothing already
 * stored becomes unreadable when the runtime's list changes.
 */
export const StoredCurrencyC = new t.Type<Currency, string, unknown>(
  'a currency code of three capital letters',
  hasCurrencyShape,
  (u, c) => (hasCurrencyShape(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export const CYCLE_STREAM_PREFIX = 'renewal-cycle-';
export const cycleStreamName = (cycleId: string): string => `${CYCLE_STREAM_PREFIX}${cycleId}`;
export const cycleIdOfStream = (stream: string): CycleId | null =>
  stream.startsWith(CYCLE_STREAM_PREFIX) ? (stream.slice(CYCLE_STREAM_PREFIX.length) as CycleId) : null;
