// `appendBatch`: many streams in one transaction, all or nothing.
import * as assert from 'uvu/assert';
import type { AppendRequest } from '../../port.js';
import { payments } from '../fixtures.js';
import { ids, seeded, unchanged, notAtomicOf, ours, streamOf, wrongRevision, type AreaTests } from '../support.js';

export const appendBatch: AreaTests = (add, target) => {
  add('a batch appends to many streams, one result per request in order', async ({ store, names }) => {
    const existing = await seeded(store, names, 'batch-existing');
    const requests: AppendRequest[] = [
      { streamName: names.stream('batch-a'), events: payments(names, 'batch-a', 2), expectedRevision: 'no-stream' },
      { streamName: existing, events: payments(names, 'batch-existing-new', 1), expectedRevision: 1n },
      { streamName: names.stream('batch-b'), events: payments(names, 'batch-b', 1), expectedRevision: 'any' },
    ];
    const results = await store.appendBatch(requests);
    assert.equal(
      results.map((r) => r.nextExpectedRevision),
      [1n, 2n, 0n],
    );
    assert.equal(
      results.map((r) => r.outcome),
      ['appended', 'appended', 'appended'],
    );
    for (const [i, r] of requests.entries()) {
      const read = await streamOf(store, r.streamName);
      assert.equal(ids(read.slice(read.length - r.events.length)), ids(r.events), `request ${i} stored`);
      assert.is(results[i]!.lastGlobalPosition, read[read.length - 1]!.globalPosition, `request ${i} position`);
    }
    assert.ok(
      results[0]!.lastGlobalPosition < results[1]!.lastGlobalPosition && results[1]!.lastGlobalPosition < results[2]!.lastGlobalPosition,
    );
  });
  add('a later request may extend a stream an earlier request of the batch wrote', async ({ store, names }) => {
    const stream = names.stream('batch-chain');
    const first = payments(names, 'batch-chain-1', 2);
    const second = payments(names, 'batch-chain-2', 1);
    const results = await store.appendBatch([
      { streamName: stream, events: first, expectedRevision: 'no-stream' },
      { streamName: stream, events: second, expectedRevision: 1n },
    ]);
    assert.equal(
      results.map((r) => r.nextExpectedRevision),
      [1n, 2n],
    );
    assert.equal(ids(await streamOf(store, stream)), ids([...first, ...second]));
  });
  add(
    'a batch with one conflicting request writes nothing at all',
    async ({ store, names }) => {
      const existing = await seeded(store, names, 'batch-fail');
      const headBefore = await store.headPosition();
      const fresh = names.stream('batch-fail-fresh');
      await wrongRevision(
        () =>
          store.appendBatch([
            { streamName: fresh, events: payments(names, 'batch-fail-fresh', 2), expectedRevision: 'no-stream' },
            { streamName: existing, events: payments(names, 'batch-fail-ok', 1), expectedRevision: 1n },
            { streamName: existing, events: payments(names, 'batch-fail-bad', 1), expectedRevision: 1n },
          ]),
        { streamName: existing, expected: 1n, actual: 2n },
      );
      assert.equal(await streamOf(store, fresh), [], 'the new stream was not created');
      await unchanged(store, existing, names, 'batch-fail');
      assert.is(await store.headPosition(), headBefore, 'nothing was written');
    },
    notAtomicOf(target),
  );
  add('an identical retry of a batch is stored once', async ({ store, names }) => {
    const requests: AppendRequest[] = [
      { streamName: names.stream('batch-retry-a'), events: payments(names, 'batch-retry-a', 2), expectedRevision: 'no-stream' },
      { streamName: names.stream('batch-retry-b'), events: payments(names, 'batch-retry-b', 1), expectedRevision: 'no-stream' },
    ];
    const first = await store.appendBatch(requests);
    const again = await store.appendBatch(requests);
    assert.equal(
      again.map((r) => r.outcome),
      ['already-stored', 'already-stored'],
    );
    assert.equal(
      again.map((r) => r.lastGlobalPosition),
      first.map((r) => r.lastGlobalPosition),
    );
    assert.equal(ids(await ours(store, names)), ids(requests.flatMap((r) => r.events)));
  });
};
