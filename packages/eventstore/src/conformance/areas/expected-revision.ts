// The expected revision of an append: `no-stream`, `any` and an exact revision, and the error that names both sides when it does not match.
import * as assert from 'uvu/assert';
import { payments } from '../fixtures.js';
import { seeded, streamOf, unchanged, wrongRevision, type AreaTests } from '../support.js';

export const expectedRevision: AreaTests = (add, _target) => {
  add('no-stream on a missing stream creates it at revision 0', async ({ store, names }) => {
    const stream = names.stream('ns-missing');
    const r = await store.appendToStream(stream, payments(names, 'ns-missing', 1), { expectedRevision: 'no-stream' });
    assert.is(r.nextExpectedRevision, 0n);
    assert.is(r.outcome, 'appended');
  });
  add('no-stream on an existing stream is refused, naming no-stream and the actual revision', async ({ store, names }) => {
    const stream = await seeded(store, names, 'ns-existing');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'ns-existing-new', 1), { expectedRevision: 'no-stream' }), {
      streamName: stream,
      expected: 'no-stream',
      actual: 1n,
    });
    await unchanged(store, stream, names, 'ns-existing');
  });
  add('any on a missing stream creates it', async ({ store, names }) => {
    const r = await store.appendToStream(names.stream('any-missing'), payments(names, 'any-missing', 2), { expectedRevision: 'any' });
    assert.is(r.nextExpectedRevision, 1n);
  });
  add('any on an existing stream appends after its last event', async ({ store, names }) => {
    const stream = await seeded(store, names, 'any-existing');
    const r = await store.appendToStream(stream, payments(names, 'any-existing-new', 1), { expectedRevision: 'any' });
    assert.is(r.nextExpectedRevision, 2n);
    assert.equal(
      (await streamOf(store, stream)).map((e) => e.streamRevision),
      [0n, 1n, 2n],
    );
  });
  add('an exact revision on a missing stream is refused, naming no-stream as actual', async ({ store, names }) => {
    const stream = names.stream('exact-missing');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-missing', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 'no-stream',
    });
    assert.equal(await streamOf(store, stream), [], 'the stream was not created');
  });
  add('the exact current revision appends; nextExpectedRevision chains appends', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-ok');
    const r1 = await store.appendToStream(stream, payments(names, 'exact-ok-a', 2), { expectedRevision: 1n });
    assert.is(r1.nextExpectedRevision, 3n);
    const r2 = await store.appendToStream(stream, payments(names, 'exact-ok-b', 1), { expectedRevision: r1.nextExpectedRevision });
    assert.is(r2.nextExpectedRevision, 4n);
    assert.is((await streamOf(store, stream)).length, 5);
  });
  add('a revision behind the stream is refused, naming expected and actual', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-behind');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-behind-new', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'exact-behind');
  });
  add('a revision ahead of the stream is refused, naming expected and actual', async ({ store, names }) => {
    const stream = await seeded(store, names, 'exact-ahead');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'exact-ahead-new', 1), { expectedRevision: 5n }), {
      streamName: stream,
      expected: 5n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'exact-ahead');
  });
};
