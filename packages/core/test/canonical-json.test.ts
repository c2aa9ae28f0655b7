// Canonical JSON is what audit hashes and idempotency compare: the same value however it was
// built must give the same text, and that text must be the JSON of the value. Checked against the
// definition (every object's keys sorted by code unit, undefined members dropped, as the first
// version wrote it), on generated values with keys in any order, keys that need escaping, and nesting.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { canonicalJson } from '@renewal-ledger/core';

const test = suite('canonical JSON');

/**
 * The definition, as canonicalJson was first written (map, filter, sort, join): every audit hash
 * and idempotency fingerprint stored so far was made with it, so the text must not change by a byte.
 */
const byDefinition = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : byDefinition(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${byDefinition(obj[k])}`).join(',')}}`;
};

// Keys that JSON.stringify escapes, keys that look alike, and ordinary ones.
const keyArb = fc.oneof(
  fc.string(),
  fc.constantFrom('a', 'b', 'B', 'aa', 'a"b', 'a\\b', 'line\nbreak', '\u0000', 'é', '\ud800', '__proto__x', '10', '9'),
);
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 6 }),
  ),
})).value;

test('equals JSON.stringify of the value with sorted keys and no undefined members', () => {
  fc.assert(
    fc.property(valueArb, (v) => {
      assert.is(canonicalJson(v), byDefinition(v));
    }),
    { numRuns: 2000 },
  );
});

test('the same text whatever order the keys were added in, and it parses back to the value', () => {
  fc.assert(
    fc.property(fc.dictionary(keyArb, fc.jsonValue(), { maxKeys: 8 }), (o) => {
      const reversed = Object.fromEntries(Object.entries(o).reverse());
      assert.is(canonicalJson(reversed), canonicalJson(o));
      assert.equal(JSON.parse(canonicalJson(o)), JSON.parse(JSON.stringify(o)));
    }),
  );
});

test('worked cases: nesting, escapes, undefined members and array slots', () => {
  assert.is(
    canonicalJson({ b: 1, a: { d: [3, undefined, { y: null, x: 'q"' }], c: undefined }, 'k\n': true }),
    '{"a":{"d":[3,null,{"x":"q\\"","y":null}]},"b":1,"k\\n":true}',
  );
  assert.is(canonicalJson({ amountMinor: 31520, at: '2026-12-30T02:00:00Z' }), '{"amountMinor":31520,"at":"2026-12-30T02:00:00Z"}');
  assert.throws(() => canonicalJson({ a: Number.NaN }), /cannot encode NaN/);
  assert.throws(() => canonicalJson({ a: 1n }), /bigint/);
});

test.run();
