// The handler's batch paths on this store: one appendBatch, decided again on a conflict, all or nothing.
import * as assert from 'uvu/assert';
import { cycleStreamName, type RenewalCommand } from '@renewal-ledger/core';
import { WrongExpectedRevisionError } from '../../port.js';
import { billCommand, paymentCommand, type Names } from '../fixtures.js';
import {
  cycleHandler,
  FIXED_CLOCK,
  interleaved,
  noWait,
  notAtomicOf,
  rejects,
  statuses,
  streamOf,
  withConnection,
  type AreaTests,
} from '../support.js';

export const handlerBatch: AreaTests = (add, target) => {
  const mixedBatch = (names: Names): { commands: RenewalCommand[]; expected: string[] } => {
    const a = names.cycle('batch-a');
    const b = names.cycle('batch-b');
    const c = names.cycle('batch-c');
    const payA = paymentCommand(a, names.id('ba-pay'), 3000);
    return {
      commands: [
        billCommand(a, names.id('ba-bill'), 10000),
        payA,
        billCommand(b, names.id('bb-bill'), 5000),
        paymentCommand(b, names.id('bb-over'), 5001),
        payA,
        paymentCommand(c, names.id('bc-early'), 100),
        paymentCommand(b, names.id('bb-pay'), 5000),
        paymentCommand(a, names.id('ba-pay-2'), 7000),
      ],
      expected: [
        'applied',
        'applied',
        'applied',
        'rejected:OVERPAYMENT',
        'duplicate:commandId',
        'rejected:NOT_BILLED',
        'applied',
        'applied',
      ],
    };
  };
  add('one result per command in order; commands on one cycle see each other', async ({ store, names }) => {
    const { commands, expected } = mixedBatch(names);
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    const results = await handler.handleBatch(commands);
    assert.equal(statuses(results), expected);
    const figures = results.map((r) => (r.status === 'applied' ? r.figures.outstandingMinor : null));
    assert.equal(figures, [10000, 7000, 5000, null, null, null, 0, 0], 'figures after each command');
    const a = await streamOf(store, cycleStreamName(names.cycle('batch-a')));
    assert.equal(
      a.map((e) => e.metadata.commandId),
      [names.id('ba-bill'), names.id('ba-pay'), names.id('ba-pay-2')],
    );
    const b = await streamOf(store, cycleStreamName(names.cycle('batch-b')));
    assert.equal(
      b.map((e) => e.metadata.commandId),
      [names.id('bb-bill'), names.id('bb-pay')],
    );
    assert.equal(await streamOf(store, cycleStreamName(names.cycle('batch-c'))), []);
    const returned = results.flatMap((r) => (r.status === 'applied' ? r.events : []));
    const stored = [...a, ...b].sort((x, y) => (x.globalPosition < y.globalPosition ? -1 : 1));
    assert.equal(
      returned.map((e) => [e.eventId, e.streamRevision, e.globalPosition]),
      stored.map((e) => [e.eventId, e.streamRevision, e.globalPosition]),
      'returned events are the stored ones',
    );
  });
  add('a batch is written by one appendBatch; running it again doubles nothing', async ({ store, names }) => {
    const { commands } = mixedBatch(names);
    const counting = interleaved(store, async () => {});
    const handler = cycleHandler({ store: counting, clock: () => FIXED_CLOCK });
    await handler.handleBatch(commands);
    assert.is(counting.batchCalls, 1, 'one appendBatch');
    assert.is(counting.appendCalls, 0, 'no single appends');
    const head = await store.headPosition();
    const again = await handler.handleBatch(commands);
    assert.equal(statuses(again), [
      'duplicate:commandId',
      'duplicate:commandId',
      'duplicate:commandId',
      'rejected:OVERPAYMENT',
      'duplicate:commandId',
      'rejected:NOT_BILLED',
      'duplicate:commandId',
      'duplicate:commandId',
    ]);
    assert.is(await store.headPosition(), head, 'nothing new written');
  });
  add('a conflict re-reads and re-decides the whole batch', async ({ fx, names }) => {
    const a = names.cycle('batch-a');
    await cycleHandler({ store: fx.store }).handle(billCommand(a, names.id('ba-bill'), 10000));
    await withConnection(fx, async (other) => {
      const otherHandler = cycleHandler({ store: other });
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(a, names.id('sneak'), 6000));
      });
      const { commands } = mixedBatch(names);
      const results = await cycleHandler({ store, backoff: noWait }).handleBatch(commands.slice(1));
      // Bill of cycle a was already there; the sneaked 6000 leaves room for 3000 but not 7000 more.
      assert.equal(statuses(results), [
        'applied',
        'applied',
        'rejected:OVERPAYMENT',
        'duplicate:commandId',
        'rejected:NOT_BILLED',
        'applied',
        'rejected:OVERPAYMENT',
      ]);
      assert.is(store.batchCalls, 2, 'the first attempt conflicted, the second was written');
    });
    const stored = await streamOf(fx.store, cycleStreamName(a));
    assert.equal(
      stored.map((e) => e.metadata.commandId),
      [names.id('ba-bill'), names.id('sneak'), names.id('ba-pay')],
    );
  });
  add('all or nothing: one rejected command leaves the whole batch unwritten', async ({ store, names }) => {
    const { commands } = mixedBatch(names);
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    const head = await store.headPosition();
    // The mixed batch has an OVERPAYMENT and a NOT_BILLED in it.
    const refused = await handler.handleAllOrNothing(commands);
    assert.equal(
      refused.map((r) => (r.status === 'rejected' ? `rejected:${r.error.code}` : r.status)),
      [
        'not-written',
        'not-written',
        'not-written',
        'rejected:OVERPAYMENT',
        'duplicate',
        'rejected:NOT_BILLED',
        'not-written',
        'not-written',
      ],
    );
    assert.is(await store.headPosition(), head, 'nothing written');
    // Without the refused commands the same batch goes in whole, as handleBatch would write it.
    const fine = commands.filter((_, i) => i !== 3 && i !== 5);
    const written = await handler.handleAllOrNothing(fine);
    assert.equal(
      written.map((r) => r.status),
      ['applied', 'applied', 'applied', 'duplicate', 'applied', 'applied'],
    );
    assert.is((await streamOf(store, cycleStreamName(names.cycle('batch-a')))).length, 3);
    assert.is((await streamOf(store, cycleStreamName(names.cycle('batch-b')))).length, 2);
  });
  const commands = (names: Names) => mixedBatch(names).commands;
  add(
    'a batch that cannot be written leaves every cycle as it was',
    async ({ fx, names }) => {
      const a = names.cycle('batch-a');
      const b = names.cycle('batch-b');
      await cycleHandler({ store: fx.store }).handle(billCommand(a, names.id('ba-bill'), 10000));
      await withConnection(fx, async (other) => {
        const otherHandler = cycleHandler({ store: other });
        // Cycle b gets billed by someone else before the batch appends: the batch's own Bill of b
        // (its second append, after a payment on cycle a) conflicts, and the batch has no retries.
        const store = interleaved(fx.store, async () => {
          await otherHandler.handle(billCommand(b, names.id('sneak-bill-b'), 5000));
        });
        await rejects(() => cycleHandler({ store, maxRetries: 0 }).handleBatch(commands(names).slice(1)), WrongExpectedRevisionError);
      });
      const cycleA = await streamOf(fx.store, cycleStreamName(a));
      assert.equal(
        cycleA.map((e) => e.metadata.commandId),
        [names.id('ba-bill')],
        'the payment on cycle a, before the conflict, was not written',
      );
      const cycleB = await streamOf(fx.store, cycleStreamName(b));
      assert.equal(
        cycleB.map((e) => e.metadata.commandId),
        [names.id('sneak-bill-b')],
        'nothing of the batch on cycle b',
      );
    },
    notAtomicOf(target),
  );
  add(
    'handleInParts: a batch whose cycle keeps moving is split down to that line, which is contended; the others are written',
    async ({ fx, names }) => {
      const [a, hot, b] = ['parts-a', 'parts-hot', 'parts-b'].map((x) => names.cycle(x)) as [string, string, string];
      await cycleHandler({ store: fx.store }).handleBatch([a, hot, b].map((c) => billCommand(c, names.id(`bill-${c}`), 10000)));
      await withConnection(fx, async (other) => {
        const rival = cycleHandler({ store: other });
        // Another writer pays on the hot cycle before every append of this handler.
        let sneaked = 0;
        const store = interleaved(fx.store, async () => {
          await rival.handle(paymentCommand(hot, names.id(`rival-${++sneaked}`), 1));
        });
        const handler = cycleHandler({ store, maxRetries: 1, backoff: noWait });
        const commands = [
          paymentCommand(a, names.id('pa'), 100),
          paymentCommand(hot, names.id('ph'), 100),
          paymentCommand(b, names.id('pb'), 100),
        ];
        // handleBatch gives up on the whole batch, having written nothing of it.
        await rejects(() => handler.handleBatch(commands), WrongExpectedRevisionError);
        const results = await handler.handleInParts(commands);
        assert.equal(
          results.map((r) => r.status),
          ['applied', 'contended', 'applied'],
        );
        const contended = results[1]!;
        if (contended.status === 'contended')
          assert.equal([contended.error.code, contended.error.streamName], ['WRONG_EXPECTED_REVISION', cycleStreamName(hot)]);
      });
      assert.equal(
        (await streamOf(fx.store, cycleStreamName(a))).map((e) => e.metadata.commandId),
        [names.id(`bill-${a}`), names.id('pa')],
      );
      assert.equal(
        (await streamOf(fx.store, cycleStreamName(b))).map((e) => e.metadata.commandId),
        [names.id(`bill-${b}`), names.id('pb')],
      );
      assert.not.ok(
        (await streamOf(fx.store, cycleStreamName(hot))).some((e) => e.metadata.commandId === names.id('ph')),
        'the contended line was not written',
      );
    },
  );
};
