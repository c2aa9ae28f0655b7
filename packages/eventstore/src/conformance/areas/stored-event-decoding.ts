// A stored event that no longer decodes stops the read with an error naming it; nothing is skipped.
import * as assert from 'uvu/assert';
import { cycleStreamName, type RecordedEvent } from '@renewal-ledger/core';
import { StoredEventDecodeError } from '../../port.js';
import { billedEvent, paidEvent, paymentCommand, type Names } from '../fixtures.js';
import { collect, cycleHandler, FIXED_CLOCK, ids, mine, ours, rejects, streamOf, type AreaTests } from '../support.js';
import type { ConformanceFixture } from '../target.js';

export const storedEventDecoding: AreaTests = (add, target) => {
  const noCorrupt = (fx: ConformanceFixture) => {
    if (!fx.corruptEventData)
      throw new Error(`${target.name}: the fixture has no corruptEventData; give one or declare unsupported.corruptEventData`);
    return fx.corruptEventData.bind(fx);
  };
  /** Two cycles; the Paid event at revision 1 of the first has its amount replaced by text. */
  const corrupted = async (fx: ConformanceFixture, names: Names, breakData: (data: Record<string, unknown>) => Record<string, unknown>) => {
    const store = fx.store;
    const badCycle = names.cycle('corrupt');
    const goodCycle = names.cycle('intact');
    const bad = [
      billedEvent({ cycleId: badCycle, commandId: names.id('corrupt-bill') }),
      paidEvent(badCycle, names.id('corrupt-pay'), 300),
      paidEvent(badCycle, names.id('corrupt-pay-2'), 400),
    ];
    const good = [
      billedEvent({ cycleId: goodCycle, commandId: names.id('intact-bill') }),
      paidEvent(goodCycle, names.id('intact-pay'), 500),
    ];
    await store.appendToStream(cycleStreamName(badCycle), bad.slice(0, 2), { expectedRevision: 'no-stream' });
    await store.appendToStream(cycleStreamName(goodCycle), good, { expectedRevision: 'no-stream' });
    await store.appendToStream(cycleStreamName(badCycle), bad.slice(2), { expectedRevision: 1n });
    const target = (await streamOf(store, cycleStreamName(badCycle)))[1]!;
    await noCorrupt(fx)(
      { streamName: target.streamName, streamRevision: target.streamRevision, globalPosition: target.globalPosition },
      JSON.stringify(breakData({ ...(bad[1]!.data as Record<string, unknown>) })),
    );
    return { badCycle, goodCycle, target, bad, good };
  };
  const decodeError = (e: StoredEventDecodeError, target: RecordedEvent, path: string) => {
    assert.is(e.code, 'STORED_EVENT_UNREADABLE');
    assert.is(e.streamName, target.streamName, 'names the stream');
    assert.is(e.streamRevision, target.streamRevision, 'names the revision');
    assert.is(e.globalPosition, target.globalPosition, 'names the global position');
    assert.is(e.eventType, 'Paid');
    assert.ok(
      e.problem.problems.some((p) => p.path === path),
      `names the path ${path}: ${e.message}`,
    );
    assert.ok(e.message.includes(target.streamName) && e.message.includes(path), 'the message says where');
  };
  const corruption = target.unsupported?.corruptEventData;
  const breakAmount = (d: Record<string, unknown>) => ({ ...d, amountMinor: 'three hundred' });

  add(
    'readStream stops at a corrupted event with an error naming stream, revision, position and path',
    async ({ fx, names }) => {
      const { target, badCycle } = await corrupted(fx, names, breakAmount);
      const seen: RecordedEvent[] = [];
      const e = await rejects(async () => {
        for await (const ev of fx.store.readStream(cycleStreamName(badCycle))) seen.push(ev);
      }, StoredEventDecodeError);
      decodeError(e, target, 'data/amountMinor');
      assert.equal(
        seen.map((x) => x.streamRevision),
        [0n],
        'events before it were read, nothing after it',
      );
    },
    corruption,
  );
  add(
    'readAll stops at the corrupted event; reading after it and other streams still works',
    async ({ fx, names }) => {
      const { target, goodCycle, good, bad } = await corrupted(fx, names, breakAmount);
      const seen: RecordedEvent[] = [];
      const e = await rejects(async () => {
        for await (const ev of fx.store.readAll()) seen.push(ev);
      }, StoredEventDecodeError);
      decodeError(e, target, 'data/amountMinor');
      assert.ok(
        seen.every((x) => x.globalPosition < target.globalPosition),
        'nothing past it was yielded, nothing skipped',
      );
      assert.equal(ids(seen.filter(mine(names))), [bad[0]!.eventId]);
      assert.equal(ids(await streamOf(fx.store, cycleStreamName(goodCycle))), ids(good), 'another stream reads');
      const after = await ours(fx.store, names, { after: target.globalPosition });
      assert.equal(ids(after), ids([...good, bad[2]!]), 'events after it read');
    },
    corruption,
  );
  add(
    'a missing field is named by its path; the handler refuses to decide on an unreadable cycle',
    async ({ fx, names }) => {
      const { target, badCycle, goodCycle } = await corrupted(fx, names, ({ paymentId: _drop, ...rest }) => rest);
      const e = await rejects(() => collect(fx.store.readStream(cycleStreamName(badCycle))), StoredEventDecodeError);
      decodeError(e, target, 'data/paymentId');
      const handler = cycleHandler({ store: fx.store, clock: () => FIXED_CLOCK });
      const headBefore = await fx.store.headPosition();
      await rejects(() => handler.handle(paymentCommand(badCycle, names.id('after-corrupt'), 100)), StoredEventDecodeError);
      assert.is(await fx.store.headPosition(), headBefore, 'nothing was written');
      const ok = await handler.handle(paymentCommand(goodCycle, names.id('intact-pay-2'), 100));
      assert.is(ok.status, 'applied', 'other cycles keep working');
    },
    corruption,
  );
};
