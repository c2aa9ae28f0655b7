// Appends and reads: every field round-trips, revisions count from 0, positions increase, streams never mix.
import * as assert from 'uvu/assert';
import { cycleStreamName } from '@renewal-ledger/core';
import { billCommand, billedEvent, largeLines, metadataFor, paidEvent, paymentCommand, payments, UNICODE_TEXT } from '../fixtures.js';
import { collect, cycleHandler, FIXED_CLOCK, ids, ours, sameEvent, streamOf, strictlyIncreasing, type AreaTests } from '../support.js';

export const appendAndRead: AreaTests = (add, _target) => {
  add('a new stream reads back every field, revisions from 0, positions increasing', async ({ store, names }) => {
    const stream = names.stream('round-trip');
    const cycleId = names.cycle('round-trip');
    const written = [
      billedEvent({ cycleId, commandId: names.id('bill') }),
      {
        ...paidEvent(cycleId, names.id('pay-1'), 2500),
        metadata: metadataFor(names.id('pay-1'), { correlationId: names.id('batch-7'), causationId: names.id('bill') }),
      },
      paidEvent(cycleId, names.id('pay-2'), 1200),
    ];
    const result = await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    assert.is(result.outcome, 'appended');
    assert.is(result.nextExpectedRevision, 2n);
    const read = await streamOf(store, stream);
    assert.is(read.length, 3);
    read.forEach((e, i) => {
      sameEvent(e, written[i]!, `event ${i}`);
      assert.is(e.streamName, stream);
      assert.is(e.streamRevision, BigInt(i));
    });
    strictlyIncreasing(read);
    assert.is(result.lastGlobalPosition, read[2]!.globalPosition, 'lastGlobalPosition is the last event appended');
  });

  add('unicode in stream names, ids and data survives the round trip', async ({ store, names }) => {
    const stream = names.stream(`单元-0301/🏠 ${UNICODE_TEXT.slice(0, 12)}`);
    const cycleId = names.cycle('单元-0301/2026年1月 🏠');
    const written = [
      billedEvent({
        cycleId,
        commandId: names.id('账单-1 é'),
        contractId: '合同-0301 ☂',
        lines: [
          { code: '物业费', description: UNICODE_TEXT, amountMinor: 31520 },
          { code: 'parking-🚗', description: `${UNICODE_TEXT} ${UNICODE_TEXT}`, amountMinor: 15000 },
        ],
      }),
    ];
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const [read] = await streamOf(store, stream);
    assert.ok(read, 'the event reads back');
    sameEvent(read!, written[0]!, 'unicode event');
    assert.is(read!.streamName, stream);
    const lines = (read!.data as { lines: { description: string }[] }).lines;
    assert.is(lines[0]!.description, UNICODE_TEXT, 'text is identical, code point for code point');
    const all = await ours(store, names);
    assert.equal(ids(all), ids(written), 'readAll returns it too');
  });

  add('a payload of about 1 MB round-trips intact', async ({ store, names }) => {
    const stream = names.stream('large');
    const lines = largeLines(1_050_000);
    const written = [billedEvent({ cycleId: names.cycle('large'), commandId: names.id('large-bill'), lines })];
    assert.ok(Buffer.byteLength(JSON.stringify(written[0]!.data)) > 1_000_000, 'the payload is over 1 MB');
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const [read] = await streamOf(store, stream);
    sameEvent(read!, written[0]!, 'large event');
    const [fromAll] = await ours(store, names);
    assert.equal(fromAll!.data, written[0]!.data, 'readAll returns the same data');
  });

  add('readStream starts at fromRevision', async ({ store, names }) => {
    const stream = names.stream('from-revision');
    const written = [
      billedEvent({ cycleId: names.cycle('from-revision'), commandId: names.id('b') }),
      ...payments(names, 'from-revision', 4),
    ];
    await store.appendToStream(stream, written, { expectedRevision: 'no-stream' });
    const from3 = await collect(store.readStream(stream, { fromRevision: 3n }));
    assert.equal(
      from3.map((e) => e.streamRevision),
      [3n, 4n],
    );
    assert.equal(ids(from3), ids(written.slice(3)));
    assert.equal(await collect(store.readStream(stream, { fromRevision: 5n })), [], 'past the end: nothing');
    assert.equal(ids(await collect(store.readStream(stream, { fromRevision: 0n }))), ids(written));
  });

  add('a missing stream reads as empty; similar names never mix', async ({ store, names }) => {
    assert.equal(await streamOf(store, names.stream('never-written')), []);
    // Prefixes, case and LIKE wildcards: a store matching names loosely would mix these up.
    const variants = ['a', 'a-b', 'A', 'a%', 'a_', 'a b'];
    for (const [i, v] of variants.entries())
      await store.appendToStream(names.stream(v), payments(names, `mix-${i}`, i + 1), { expectedRevision: 'no-stream' });
    for (const [i, v] of variants.entries()) {
      const read = await streamOf(store, names.stream(v));
      assert.equal(ids(read), ids(payments(names, `mix-${i}`, i + 1)), `stream ${v} holds only its own events`);
    }
  });

  add(
    'a batch loads many cycles at once (readStreams where the store has it) exactly as readStream reads them',
    async ({ store, names }) => {
      const [a, b, fresh] = ['many-a', 'many-b', 'many-fresh'].map((x) => names.cycle(x)) as [string, string, string];
      await store.appendToStream(
        cycleStreamName(a),
        [billedEvent({ cycleId: a, commandId: names.id('ma-bill') }), paidEvent(a, names.id('ma-pay'), 2500)],
        {
          expectedRevision: 'no-stream',
        },
      );
      await store.appendToStream(cycleStreamName(b), [billedEvent({ cycleId: b, commandId: names.id('mb-bill') })], {
        expectedRevision: 'no-stream',
      });
      // Positions of a's events interleave with b's: a whole stream is still read in revision order.
      await store.appendToStream(cycleStreamName(a), [paidEvent(a, names.id('ma-pay-2'), 1500)], { expectedRevision: 1n });
      if (store.readStreams) {
        const streams = [a, fresh, b, a].map(cycleStreamName);
        const read = await store.readStreams(streams);
        assert.equal([...read.keys()].sort(), [cycleStreamName(a), cycleStreamName(b)].sort(), 'a stream without events is absent');
        for (const name of [a, b].map(cycleStreamName))
          assert.equal(read.get(name), await streamOf(store, name), `${name} as readStream reads it`);
      }
      const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
      const results = await handler.handleBatch([
        paymentCommand(a, names.id('ma-pay-3'), 6000),
        paymentCommand(b, names.id('mb-pay'), 10000),
        billCommand(fresh, names.id('mf-bill'), 3000),
        paymentCommand(a, names.id('ma-pay-4'), 1),
      ]);
      // Each command decided on its own cycle's history: a had 4000 paid of 10000.
      assert.equal(
        results.map((r) =>
          r.status === 'applied'
            ? [r.figures.outstandingMinor, r.events[0]!.streamRevision]
            : r.status === 'rejected'
              ? r.error.code
              : r.status,
        ),
        [[0, 3n], [0, 1n], [3000, 0n], 'OVERPAYMENT'],
      );
    },
  );
  add('headPosition is -1 on an empty store, then the last global position', async ({ store, names }) => {
    const empty = (await collect(store.readAll({ limit: 1 }))).length === 0;
    if (empty) assert.is(await store.headPosition(), -1n, 'an empty store is at -1');
    const first = await store.appendToStream(names.stream('head'), payments(names, 'head', 2), { expectedRevision: 'no-stream' });
    const second = await store.appendToStream(names.stream('head-2'), payments(names, 'head-2', 1), { expectedRevision: 'no-stream' });
    assert.ok(second.lastGlobalPosition > first.lastGlobalPosition);
    const head = await store.headPosition();
    if (empty) assert.is(head, second.lastGlobalPosition, 'head is the newest event');
    else assert.ok(head >= second.lastGlobalPosition, 'head is at least the newest event we wrote');
  });
};
