// Canonical JSON: object keys sorted, no white space, `undefined` members dropped. Used wherever
// two values must compare or hash the same however they were built (audit hashes, idempotency).

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
    if (typeof value === 'bigint') throw new TypeError('cannot encode a bigint as JSON');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
};
