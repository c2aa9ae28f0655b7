// Appending the same events again (same ids, same data) is stored once; the same ids elsewhere are refused.
import * as assert from 'uvu/assert';
import { EventIdConflictError } from '../../port.js';
import { payments } from '../fixtures.js';
import { ids, seeded, unchanged, ours, perStreamIdsOf, streamOf, wrongRevision, type AreaTests } from '../support.js';

export const idempotentAppend: AreaTests = (add, target) => {
  add('an identical retry is stored once and answers already-stored with the first result', async ({ store, names }) => {
    const stream = names.stream('retry');
    const events = payments(names, 'retry', 3);
    const first = await store.appendToStream(stream, events, { expectedRevision: 'no-stream' });
    const again = await store.appendToStream(stream, events, { expectedRevision: 'no-stream' });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.nextExpectedRevision, first.nextExpectedRevision);
    assert.is(again.lastGlobalPosition, first.lastGlobalPosition);
    assert.equal(ids(await streamOf(store, stream)), ids(events), 'stored once');
    assert.equal(ids(await ours(store, names)), ids(events), 'readAll sees it once');
  });
  add('an identical retry with expected revision any is stored once', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-any');
    const events = payments(names, 'retry-any-new', 2);
    const first = await store.appendToStream(stream, events, { expectedRevision: 1n });
    const again = await store.appendToStream(stream, events, { expectedRevision: 'any' });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.nextExpectedRevision, first.nextExpectedRevision);
    assert.is((await streamOf(store, stream)).length, 4);
  });
  add('a retry arriving after the stream moved on is still stored once', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-late');
    const events = payments(names, 'retry-late-new', 1);
    const first = await store.appendToStream(stream, events, { expectedRevision: 1n });
    await store.appendToStream(stream, payments(names, 'retry-late-other', 1), { expectedRevision: 2n });
    const again = await store.appendToStream(stream, events, { expectedRevision: 1n });
    assert.is(again.outcome, 'already-stored');
    assert.is(again.lastGlobalPosition, first.lastGlobalPosition);
    assert.equal(
      (await streamOf(store, stream)).map((e) => e.streamRevision),
      [0n, 1n, 2n, 3n],
    );
  });
  add('new events at a taken revision are a conflict, not a retry', async ({ store, names }) => {
    const stream = await seeded(store, names, 'retry-not');
    await wrongRevision(() => store.appendToStream(stream, payments(names, 'retry-not-other', 1), { expectedRevision: 0n }), {
      streamName: stream,
      expected: 0n,
      actual: 1n,
    });
    await unchanged(store, stream, names, 'retry-not');
  });

  add(
    'an event id already stored in another stream is refused as a reused command id',
    async ({ store, names }) => {
      const first = names.stream('id-owner');
      const events = payments(names, 'id-reused', 1);
      await store.appendToStream(first, events, { expectedRevision: 'no-stream' });
      const other = names.stream('id-thief');
      try {
        await store.appendToStream(other, events, { expectedRevision: 'no-stream' });
        assert.unreachable('the reused event id was stored');
      } catch (e) {
        assert.instance(e, EventIdConflictError);
        const conflict = e as EventIdConflictError;
        assert.is(conflict.eventId, events[0]!.eventId);
        assert.is(conflict.streamName, other);
        assert.is(conflict.storedIn, first);
      }
      assert.is((await streamOf(store, other)).length, 0, 'nothing written to the other stream');
    },
    perStreamIdsOf(target),
  );
};
