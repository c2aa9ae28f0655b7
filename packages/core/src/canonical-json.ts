// Canonical JSON: object keys sorted, no white space, `undefined` members dropped. Used wherever
// two values must compare or hash the same however they were built (audit hashes, idempotency).
//
// Written with loops and one string rather than map/filter/sort/join: the audit view makes every
// event's data canonical, and a rebuild spent more time in this function than in hashing.

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

// A key JSON.stringify would write as it is, between quotes: printable ASCII but for the quote
// and the backslash. Any other key is written by JSON.stringify (escapes, lone surrogates).
const PLAIN_KEY = /^[ !#-[\]-~]*$/;

const scalar = (value: unknown): string => {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
  if (typeof value === 'bigint') throw new TypeError('cannot encode a bigint as JSON');
  return JSON.stringify(value) ?? 'null';
};

export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Insertion sort in place, by code unit as Array#sort compares: objects have few keys, often
  // sorted already, and Array#sort allocates a work copy of every array it sorts.
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += PLAIN_KEY.test(k) ? `"${k}":` : `${JSON.stringify(k)}:`;
    out += canonicalJson(v);
  }
  return `${out}}`;
};
