// Text that crosses a boundary must be well-formed Unicode. A lone surrogate (`"\ud800"`, legal in
// a JavaScript string and in JSON's `\u` escapes, but not a character) cannot be written as
// UTF-8: SQLite and PostgreSQL store U+FFFD instead, so two ids that differed only there become
// one, and a hash computed over the string no longer matches what was stored (the audit chain).
// Ids must also look like what they are: no control characters and no invisible format
// characters (bidi controls, zero-width characters), and they compare in one normal form, NFC.

type WellFormedString = string & { isWellFormed(): boolean };

/** Whether a string holds no lone surrogate (`String.prototype.isWellFormed`, Node 20+). */
export const isWellFormedText = (s: string): boolean => (s as WellFormedString).isWellFormed();

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether every string of a JSON-like value (object keys included) is well-formed. Allocates
 * nothing (no key arrays, no paths): every append walks every event with it.
 */
const allWellFormed = (value: unknown): boolean => {
  if (typeof value === 'string') return isWellFormedText(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!allWellFormed(value[i])) return false;
    return true;
  }
  // Own enumerable string keys, as Object.keys and JSON.stringify see them.
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    if (!isWellFormedText(key) || !allWellFormed((value as Record<string, unknown>)[key])) return false;
  }
  return true;
};

/** Where the first ill-formed string is, once `allWellFormed` has said there is one. */
const pathOfIllFormed = (value: unknown, path: string): string | null => {
  if (typeof value === 'string') return isWellFormedText(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  const at = (key: string) => (path === '' ? key : `${path}/${key}`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfIllFormed(value[i], at(String(i)));
      if (found !== null) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!isWellFormedText(key)) return at(key);
    const found = pathOfIllFormed((value as Record<string, unknown>)[key], at(key));
    if (found !== null) return found;
  }
  return null;
};

/**
 * The first place in a JSON-like value (object keys included) where a string is not well-formed:
 * `""` for the value itself, `data/lines/0/code` style below it; null when every string is.
 */
export const illFormedPath = (value: unknown, path = ''): string | null => (allWellFormed(value) ? null : pathOfIllFormed(value, path));

/** Control characters (C0, DEL, C1), format characters (Cf: bidi controls, zero-width characters, the BOM) and line/paragraph separators. */
const FORBIDDEN_IN_ID = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The first character an id may not hold, as `U+200B`, or null. */
export const forbiddenIdCharacter = (s: string): string | null => {
  const m = FORBIDDEN_IN_ID.exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
};

/** Printable ASCII is NFC already: most ids skip the normaliser. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The NFC form of a well-formed string. */
export const toNfc = (s: string): string => (PRINTABLE_ASCII.test(s) ? s : s.normalize('NFC'));
