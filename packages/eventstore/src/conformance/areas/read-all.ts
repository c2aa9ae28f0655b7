// `readAll`: every event once, in commit order, from any position, in pages of any size.
import * as assert from 'uvu/assert';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import type { EventStore } from '../../port.js';
import { payments, type Names } from '../fixtures.js';
import { collect, ids, mine, ours, strictlyIncreasing, type AreaTests } from '../support.js';

export const readAll: AreaTests = (add, _target) => {
  /** 12 streams written in interleaved rounds: the order of `written` is the commit order. */
  const manyStreams = async (store: EventStore, names: Names): Promise<NewEvent[]> => {
    const written: NewEvent[] = [];
    const next = new Map<string, bigint>();
    for (let round = 0; round < 8; round++) {
      for (let s = 0; s < 12; s++) {
        if ((s + round) % 3 === 0) continue;
        const stream = names.stream(`all-${s}`);
        const events = payments(names, `all-${s}-r${round}`, 1 + ((s * round) % 2));
        const r = await store.appendToStream(stream, events, { expectedRevision: next.get(stream) ?? 'no-stream' });
        next.set(stream, r.nextExpectedRevision);
        written.push(...events);
      }
    }
    return written;
  };

  add('readAll returns every event of every stream once, in commit order', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const all = await ours(store, names);
    assert.is(all.length, written.length);
    assert.equal(ids(all), ids(written), 'same events, same order as committed');
    strictlyIncreasing(all);
    const revisions = new Map<string, bigint>();
    for (const e of all) {
      assert.is(e.streamRevision, (revisions.get(e.streamName) ?? -1n) + 1n, `${e.streamName} in revision order`);
      revisions.set(e.streamName, e.streamRevision);
    }
  });
  add('readAll after a position returns exactly the events after it', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const all = await ours(store, names);
    for (const k of [0, 17, written.length - 2]) {
      const rest = await ours(store, names, { after: all[k]!.globalPosition });
      assert.equal(ids(rest), ids(written.slice(k + 1)), `after event ${k}`);
    }
    assert.equal(await ours(store, names, { after: all[all.length - 1]!.globalPosition }), [], 'after the last: nothing');
  });
  add('batchSize changes round trips, never the events', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    for (const batchSize of [1, 7, 64, 10_000])
      assert.equal(ids(await ours(store, names, { batchSize })), ids(written), `batchSize ${batchSize}`);
    const all = await ours(store, names);
    assert.equal(
      ids(await ours(store, names, { after: all[9]!.globalPosition, batchSize: 4 })),
      ids(written.slice(10)),
      'after + batchSize',
    );
  });
  add('pages of after + limit cover everything exactly once', async ({ store, names }) => {
    const written = await manyStreams(store, names);
    const everything = await collect(store.readAll());
    const paged: RecordedEvent[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await collect(store.readAll({ ...(after === undefined ? {} : { after }), limit: 17, batchSize: 5 }));
      assert.ok(page.length <= 17, 'a page holds at most limit events');
      if (page.length === 0) break;
      paged.push(...page);
      after = page[page.length - 1]!.globalPosition;
    }
    assert.equal(ids(paged), ids(everything));
    assert.equal(ids(paged.filter(mine(names))), ids(written));
  });
};
