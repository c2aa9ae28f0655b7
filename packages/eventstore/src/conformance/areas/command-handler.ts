// The command handler on this store: applied, duplicate, rejected, a write in between, bounded retries.
import * as assert from 'uvu/assert';
import { cycleStreamName, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { WrongExpectedRevisionError } from '../../port.js';
import { billCommand, paymentCommand } from '../fixtures.js';
import {
  cycleHandler,
  FIXED_CLOCK,
  interleaved,
  noWait,
  perStreamIdsOf,
  rejects,
  statuses,
  streamOf,
  withConnection,
  type AreaTests,
  type CycleResult,
} from '../support.js';

export const commandHandler: AreaTests = (add, target) => {
  add('applied: events stored with revisions, positions, figures and metadata', async ({ store, names }) => {
    const cycleId = names.cycle('handle');
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    const billed = await handler.handle(billCommand(cycleId, names.id('handle-bill'), 10000));
    const paid = await handler.handle(paymentCommand(cycleId, names.id('handle-pay'), 3000), {
      correlationId: names.id('import-42'),
      causationId: names.id('handle-bill'),
    });
    if (billed.status !== 'applied' || paid.status !== 'applied') return assert.unreachable(`not applied: ${statuses([billed, paid])}`);
    const stored = await streamOf(store, cycleStreamName(cycleId));
    assert.equal(
      [...billed.events, ...paid.events].map((e) => [e.eventId, e.streamName, e.streamRevision, e.globalPosition, e.type]),
      stored.map((e) => [e.eventId, e.streamName, e.streamRevision, e.globalPosition, e.type]),
      'the events returned are the events stored',
    );
    assert.equal(
      stored.map((e) => e.eventId),
      [`${names.id('handle-bill')}#0`, `${names.id('handle-pay')}#0`],
      'ids derive from command ids',
    );
    assert.equal(stored[0]!.metadata, {
      commandId: names.id('handle-bill'),
      actor: 'conformance-clerk',
      recordedAt: FIXED_CLOCK,
      correlationId: names.id('handle-bill'),
    });
    assert.equal(stored[1]!.metadata, {
      commandId: names.id('handle-pay'),
      actor: 'conformance-cashier',
      recordedAt: FIXED_CLOCK,
      correlationId: names.id('import-42'),
      causationId: names.id('handle-bill'),
    });
    assert.is(paid.figures.totalMinor, 10000);
    assert.is(paid.figures.paidMinor, 3000);
    assert.is(paid.figures.outstandingMinor, 7000);
    assert.is(billed.figures.outstandingMinor, 10000, 'figures after each command');
  });
  add('duplicate: a repeated command or fact writes nothing', async ({ store, names }) => {
    const cycleId = names.cycle('dup');
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    await handler.handle(billCommand(cycleId, names.id('dup-bill'), 10000));
    const pay = paymentCommand(cycleId, names.id('dup-pay'), 3000);
    assert.is((await handler.handle(pay)).status, 'applied');
    const again = await handler.handle(pay);
    assert.equal(again, { status: 'duplicate', duplicate: { key: 'commandId', id: names.id('dup-pay') } });
    const samePayment = await handler.handle(
      paymentCommand(cycleId, names.id('dup-pay-typed-twice'), 3000, `payment-${names.id('dup-pay')}`),
    );
    assert.equal(samePayment, { status: 'duplicate', duplicate: { key: 'paymentId', id: `payment-${names.id('dup-pay')}` } });
    assert.is((await streamOf(store, cycleStreamName(cycleId))).length, 2, 'still two events');
  });
  add('rejected: a refused command writes nothing and says why', async ({ store, names }) => {
    const cycleId = names.cycle('reject');
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    const early = await handler.handle(paymentCommand(cycleId, names.id('reject-early'), 100));
    assert.is(early.status === 'rejected' && early.error.code, 'NOT_BILLED');
    assert.equal(await streamOf(store, cycleStreamName(cycleId)), [], 'no stream was created');
    await handler.handle(billCommand(cycleId, names.id('reject-bill'), 10000));
    const head = await store.headPosition();
    const over = await handler.handle(paymentCommand(cycleId, names.id('reject-over'), 10001));
    if (over.status !== 'rejected' || over.error.code !== 'OVERPAYMENT')
      return assert.unreachable(`expected OVERPAYMENT, got ${statuses([over])}`);
    assert.is(over.error.outstandingMinor, 10000);
    assert.is(over.error.attemptedMinor, 10001);
    assert.is(await store.headPosition(), head, 'nothing was written');
  });
  add('a write between read and append makes the handler decide again on the new state', async ({ fx, names }) => {
    const cycleId = names.cycle('sneak');
    await cycleHandler({ store: fx.store, clock: () => FIXED_CLOCK }).handle(billCommand(cycleId, names.id('sneak-bill'), 10000));
    await withConnection(fx, async (other) => {
      const otherHandler = cycleHandler({ store: other, clock: () => FIXED_CLOCK });
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(cycleId, names.id('sneak-other'), 6000));
      });
      const handler = cycleHandler({ store, clock: () => FIXED_CLOCK, backoff: noWait });
      const fits = await handler.handle(paymentCommand(cycleId, names.id('sneak-fits'), 3500));
      assert.is(fits.status, 'applied', 'decided again: 3500 still fits after the other 6000');
      assert.is(store.appendCalls, 2, 'the first append conflicted, the second succeeded');
      if (fits.status === 'applied') assert.is(fits.events[0]!.streamRevision, 2n);
      const late = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) await otherHandler.handle(paymentCommand(cycleId, names.id('sneak-last'), 500));
      });
      const over = await cycleHandler({ store: late, backoff: noWait }).handle(paymentCommand(cycleId, names.id('sneak-over'), 500));
      assert.is(over.status === 'rejected' && over.error.code, 'OVERPAYMENT', 'decided again: 500 no longer fits after the other 500');
      assert.is(late.appendCalls, 1, 'the rejection after the retry wrote nothing');
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.equal(
      stored.map((e) => e.metadata.commandId),
      [names.id('sneak-bill'), names.id('sneak-other'), names.id('sneak-fits'), names.id('sneak-last')],
    );
  });
  add('the same command decided twice at once is stored once; the caller that found it stored is told duplicate', async ({ fx, names }) => {
    const cycleId = names.cycle('twice');
    await cycleHandler({ store: fx.store }).handle(billCommand(cycleId, names.id('twice-bill'), 10000));
    const command = paymentCommand(cycleId, names.id('twice-pay'), 2500);
    await withConnection(fx, async (other) => {
      const first = cycleHandler({ store: other, clock: () => '2026-03-01T09:00:00Z' as Instant });
      let firstResult: CycleResult | undefined;
      // The other caller stores the same decision after this one read the cycle, before it appends:
      // this append then finds its event ids already stored at the revision it expected.
      const store = interleaved(fx.store, async (attempt) => {
        if (attempt === 1) firstResult = await first.handle(command);
      });
      const second = await cycleHandler({ store, clock: () => '2026-03-01T09:00:05Z' as Instant }).handle(command);
      assert.is(firstResult?.status, 'applied');
      // Not applied: this call wrote nothing, and two "applied" for one event would count it twice.
      assert.equal(second, { status: 'duplicate', duplicate: { key: 'commandId', id: command.commandId } });
      assert.is(store.appendCalls, 1, 'no conflict: the identical append answered already-stored');
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.equal(
      stored.map((e) => e.metadata.commandId),
      [names.id('twice-bill'), names.id('twice-pay')],
      'stored once',
    );
    assert.is(stored[1]!.metadata.recordedAt, '2026-03-01T09:00:00Z');
  });
  add(
    'a command id reused with other content on the same cycle is refused COMMAND_ID_CONFLICT; the same content by another actor is a duplicate',
    async ({ store, names }) => {
      const cycleId = names.cycle('reuse');
      const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
      await handler.handle(billCommand(cycleId, names.id('reuse-bill'), 10000));
      const first = await handler.handle(paymentCommand(cycleId, names.id('K1'), 1000, names.id('P1')));
      if (first.status !== 'applied') return assert.unreachable(first.status);
      const head = await store.headPosition();
      // Another payment id and amount under the same key: refused, naming the command that holds it.
      const other = await handler.handle(paymentCommand(cycleId, names.id('K1'), 2000, names.id('P2')));
      if (other.status !== 'rejected' || other.error.code !== 'COMMAND_ID_CONFLICT')
        return assert.unreachable(JSON.stringify(statuses([other])));
      assert.equal(
        [other.error.commandId, other.error.streamName, other.error.eventTypes, other.error.position],
        [names.id('K1'), cycleStreamName(cycleId), ['Paid'], first.events[0]!.globalPosition],
      );
      // Only the business time differs: other content too.
      const later = { ...paymentCommand(cycleId, names.id('K1'), 1000, names.id('P1')), at: '2026-01-06T08:00:00Z' } as RenewalCommand;
      assert.is((await handler.handle(later)).status, 'rejected');
      // The same content keyed by another clerk, recorded later: a retry.
      const retry = { ...paymentCommand(cycleId, names.id('K1'), 1000, names.id('P1')), actor: 'another-clerk' } as RenewalCommand;
      assert.equal(await cycleHandler({ store, clock: () => '2026-04-01T00:00:00Z' as Instant }).handle(retry), {
        status: 'duplicate',
        duplicate: { key: 'commandId', id: names.id('K1') },
      });
      assert.is(await store.headPosition(), head, 'nothing written');
    },
  );
  add('a command id reused with other content earlier in the same batch is refused too', async ({ store, names }) => {
    const cycleId = names.cycle('reuse-batch');
    const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
    const results = await handler.handleBatch([
      billCommand(cycleId, names.id('rb-bill'), 10000),
      paymentCommand(cycleId, names.id('K2'), 1000, names.id('P1')),
      paymentCommand(cycleId, names.id('K2'), 1000, names.id('P1')),
      paymentCommand(cycleId, names.id('K2'), 3000, names.id('P2')),
    ]);
    assert.equal(statuses(results), ['applied', 'applied', 'duplicate:commandId', 'rejected:COMMAND_ID_CONFLICT']);
    const refused = results[3]!;
    if (refused.status === 'rejected' && refused.error.code === 'COMMAND_ID_CONFLICT')
      assert.is(refused.error.position, null, 'not stored before the batch');
    assert.is((await streamOf(store, cycleStreamName(cycleId))).length, 2);
  });
  add(
    'a command id already used on another cycle is refused COMMAND_ID_CONFLICT, alone, not thrown',
    async ({ store, names }) => {
      const a = names.cycle('elsewhere-a');
      const b = names.cycle('elsewhere-b');
      const handler = cycleHandler({ store, clock: () => FIXED_CLOCK });
      await handler.handleBatch([billCommand(a, names.id('ea-bill'), 10000), billCommand(b, names.id('eb-bill'), 10000)]);
      const paid = await handler.handle(paymentCommand(a, names.id('K3'), 1000));
      if (paid.status !== 'applied') return assert.unreachable(paid.status);
      const single = await handler.handle(paymentCommand(b, names.id('K3'), 1000));
      if (single.status !== 'rejected' || single.error.code !== 'COMMAND_ID_CONFLICT')
        return assert.unreachable(JSON.stringify(statuses([single])));
      assert.equal(
        [single.error.streamName, single.error.eventTypes, single.error.position],
        [cycleStreamName(a), ['Paid'], paid.events[0]!.globalPosition],
      );
      // In a batch, the others still go in (one transaction, decided again without it).
      const batch = await handler.handleBatch([
        paymentCommand(b, names.id('eb-pay-1'), 100),
        paymentCommand(b, names.id('K3'), 1000),
        paymentCommand(b, names.id('eb-pay-2'), 200),
      ]);
      assert.equal(statuses(batch), ['applied', 'rejected:COMMAND_ID_CONFLICT', 'applied']);
      const inB = await streamOf(store, cycleStreamName(b));
      assert.equal(
        inB.map((e) => e.metadata.commandId),
        [names.id('eb-bill'), names.id('eb-pay-1'), names.id('eb-pay-2')],
      );
    },
    perStreamIdsOf(target),
  );
  add(
    'the same command id with other content stored by another writer in between: refused, not taken for a retry',
    async ({ fx, names }) => {
      const cycleId = names.cycle('race-reuse');
      await cycleHandler({ store: fx.store }).handle(billCommand(cycleId, names.id('rr-bill'), 10000));
      await withConnection(fx, async (other) => {
        const rival = cycleHandler({ store: other, clock: () => FIXED_CLOCK });
        // The rival stores K4 (1000) right after this handler read the cycle: the same event id at
        // the revision this append expects, with other data (5000).
        const store = interleaved(fx.store, async (attempt) => {
          if (attempt === 1) await rival.handle(paymentCommand(cycleId, names.id('K4'), 1000, names.id('P-rival')));
        });
        const mine = await cycleHandler({ store, clock: () => FIXED_CLOCK, backoff: noWait }).handle(
          paymentCommand(cycleId, names.id('K4'), 5000, names.id('P-mine')),
        );
        assert.equal(statuses([mine]), ['rejected:COMMAND_ID_CONFLICT']);
      });
      const stored = await streamOf(fx.store, cycleStreamName(cycleId));
      assert.equal(
        stored.map((e) => (e.data as { amountMinor?: number }).amountMinor ?? null),
        [null, 1000],
        'only the rival payment is stored',
      );
    },
  );
  add('retries are bounded: a cycle that always moves on makes handle throw', async ({ fx, names }) => {
    const cycleId = names.cycle('bounded');
    await cycleHandler({ store: fx.store }).handle(billCommand(cycleId, names.id('bounded-bill'), 100000));
    await withConnection(fx, async (other) => {
      const otherHandler = cycleHandler({ store: other });
      const store = interleaved(fx.store, async (attempt) => {
        await otherHandler.handle(paymentCommand(cycleId, names.id(`bounded-other-${attempt}`), 10));
      });
      const handler = cycleHandler({ store, maxRetries: 2, backoff: noWait });
      await rejects(() => handler.handle(paymentCommand(cycleId, names.id('bounded-pay'), 10)), WrongExpectedRevisionError);
      assert.is(store.appendCalls, 3, 'one attempt and two retries');
    });
    const stored = await streamOf(fx.store, cycleStreamName(cycleId));
    assert.not.ok(
      stored.some((e) => e.metadata.commandId === names.id('bounded-pay')),
      'the command was not written',
    );
  });
};
