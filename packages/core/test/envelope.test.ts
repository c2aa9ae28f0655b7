// Envelopes and canonical JSON: what stores and the audit hash chain rely on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  canonicalJson,
  CURRENT_SCHEMA_VERSION,
  cycleIdOfStream,
  cycleStreamName,
  decodeMetadata,
  envelope,
  eventIdFor,
  type Instant,
  type RenewalEventType,
} from '@renewal-ledger/core';
import { bill, history, pay } from './builders.js';

const envelopes = suite('envelope');

envelopes('event ids derive from the command id, so a retried decision appends the same ids', () => {
  const events = history(bill(), pay('p1', 100)).slice(1);
  const options = { recordedAt: '2026-01-10T09:00:05Z' as Instant, actor: 'cashier-1', commandId: 'pay-p1' };
  const once = envelope(events, options, (t: RenewalEventType) => CURRENT_SCHEMA_VERSION[t]);
  const again = envelope(events, options, (t: RenewalEventType) => CURRENT_SCHEMA_VERSION[t]);
  assert.equal(once, again);
  assert.equal(once, [
    {
      eventId: 'pay-p1#0',
      type: 'Paid',
      schemaVersion: 1,
      data: events[0]!.data,
      metadata: { commandId: 'pay-p1', actor: 'cashier-1', recordedAt: '2026-01-10T09:00:05Z' },
    },
  ]);
  assert.is(eventIdFor('cmd-9', 2), 'cmd-9#2');
});

envelopes('correlation and causation ids are carried only when given', () => {
  const [paid] = history(bill(), pay('p1', 100)).slice(1);
  const [e] = envelope(
    [paid!],
    { recordedAt: '2026-01-10T09:00:05Z' as Instant, actor: 'a', commandId: 'c', correlationId: 'batch-7', causationId: 'import-3' },
    () => 1,
  );
  assert.equal(e!.metadata, {
    commandId: 'c',
    actor: 'a',
    recordedAt: '2026-01-10T09:00:05Z',
    correlationId: 'batch-7',
    causationId: 'import-3',
  });
});

envelopes('metadata decodes loosely and names a bad field', () => {
  assert.ok(E.isRight(decodeMetadata({ commandId: 'c', actor: 'a', recordedAt: '2026-01-10T09:00:05Z', host: 'node-2' })));
  const r = decodeMetadata({ commandId: 'c', actor: 'a', recordedAt: 'yesterday' });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r))
    assert.equal(
      r.left.problems.map((p) => p.path),
      ['recordedAt'],
    );
});

envelopes('stream names round-trip cycle ids, slashes included', () => {
  assert.is(cycleStreamName('unit-0301/2026-01'), 'renewal-cycle-unit-0301/2026-01');
  assert.is(cycleIdOfStream('renewal-cycle-unit-0301/2026-01'), 'unit-0301/2026-01');
  assert.is(cycleIdOfStream('$stats-0'), null);
});

envelopes.run();

// ---------------------------------------------------------------------------------------------
const canonical = suite('canonicalJson');

canonical('keys sorted at every depth, no white space, undefined members dropped', () => {
  assert.is(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.is(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  assert.is(canonicalJson([undefined, null]), '[null,null]');
  assert.is(canonicalJson('é"\n'), '"é\\"\\n"');
});

canonical('refuses what JSON cannot say instead of writing something else', () => {
  assert.throws(() => canonicalJson({ a: Number.NaN }), /NaN/);
  assert.throws(() => canonicalJson(Infinity));
  assert.throws(() => canonicalJson({ n: 10n }), /bigint/);
});

canonical.run();
