// The entry's canonical JSON and the stored fields' digest are written out member by member (so
// the data is made canonical once per entry): on any entry they must equal canonicalJson of the
// object, the definition the hash and anyone checking an export rely on.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import fc from 'fast-check';
import { canonicalJson } from '@renewal-ledger/core';
import { canonicalEntry, storedDigest, type AuditEntry } from '../src/entry.js';

const test = suite('canonical entry');

const text = fc.string({ unit: 'binary' });
const orNull = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: null });
const entry: fc.Arbitrary<AuditEntry> = fc
  .record({
    position: fc.bigInt({ min: 0n }).map(String),
    stream: text,
    revision: fc.bigInt({ min: 0n }).map(String),
    eventId: text,
    type: text,
    schemaVersion: fc.nat(),
    actor: text,
    role: fc.option(text, { nil: undefined }),
    at: orNull(text),
    recordedAt: text,
    commandId: text,
    correlationId: orNull(text),
    causationId: orNull(text),
    reason: orNull(text),
    note: orNull(text),
    data: fc.jsonValue(),
  })
  .map(({ role, ...e }) => (role === undefined ? e : { ...e, role }));

test('canonicalEntry is canonicalJson of the entry, with or without a role', () =>
  fc.assert(fc.property(entry, (e) => canonicalEntry(e) === canonicalJson(e))));

test('storedDigest is sha256 of canonicalJson of the stored fields', () =>
  fc.assert(
    fc.property(entry, (e) => {
      const { data, eventId, schemaVersion, commandId, correlationId, causationId } = e;
      const expected = createHash('sha256')
        .update(canonicalJson({ data, eventId, schemaVersion, commandId, correlationId, causationId }))
        .digest('hex');
      return storedDigest(e).toString('hex') === expected;
    }),
  ));

test.run();
