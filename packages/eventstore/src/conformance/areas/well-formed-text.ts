// Conformance: a store refuses an append holding text that is not well-formed Unicode (a lone
// surrogate), wherever it is, and writes nothing of it. UTF-8 cannot carry a lone surrogate: a
// database would store U+FFFD instead, so two stream names that differ only there would become
// one, and a hash over the text would no longer match what was stored.
import * as assert from 'uvu/assert';
import { isWellFormedText, type EventMetadata, type NewEvent } from '@renewal-ledger/core';
import { IllFormedEventError, type AppendRequest } from '../../port.js';
import { billedEvent, paidEvent, type Names } from '../fixtures.js';
import type { AreaTests } from '../support.js';

const LONE = '\ud800';

const refused = async (work: () => Promise<unknown>, path: string): Promise<void> => {
  try {
    await work();
  } catch (e) {
    assert.instance(e, IllFormedEventError, String(e));
    assert.is((e as IllFormedEventError).path, path);
    assert.ok(isWellFormedText((e as Error).message), 'the message itself can be printed and stored');
    return;
  }
  assert.unreachable(`an append with a lone surrogate in ${path} was accepted`);
};

/** The ill-formed appends, each with where the bad string is. */
const illFormed = (names: Names): { readonly path: string; readonly request: AppendRequest }[] => {
  const cycleId = names.cycle('lone');
  const good = (id: string): NewEvent => paidEvent(cycleId, names.id(id), 500);
  const stream = names.stream('lone');
  const request = (events: readonly NewEvent[], streamName = stream): AppendRequest => ({
    streamName,
    events,
    expectedRevision: 'no-stream',
  });
  const base = good('base');
  return [
    { path: 'streamName', request: request([good('stream')], names.stream(`lone${LONE}`)) },
    { path: 'eventId', request: request([{ ...good('event-id'), eventId: `${names.id('event')}${LONE}#0` }]) },
    { path: 'data/commandId', request: request([{ ...base, data: { ...(base.data as object), commandId: `${names.id('cmd')}${LONE}` } }]) },
    { path: `data/x${LONE}`, request: request([{ ...base, data: { ...(base.data as object), [`x${LONE}`]: 1 } }]) },
    {
      path: 'data/lines/0/description',
      request: request([
        billedEvent({ cycleId, commandId: names.id('bill'), lines: [{ code: 's', description: `fee ${LONE}`, amountMinor: 1 }] }),
      ]),
    },
    { path: 'metadata/actor', request: request([{ ...base, metadata: { ...base.metadata, actor: `clerk${LONE}` } as EventMetadata }]) },
  ];
};

export const wellFormedText: AreaTests = (add) => {
  add(
    'an append holding a lone surrogate anywhere is refused (IllFormedEventError naming where) and writes nothing',
    async ({ store, names }) => {
      for (const { path, request } of illFormed(names)) {
        await refused(() => store.appendToStream(request.streamName, request.events, { expectedRevision: request.expectedRevision }), path);
        await refused(() => store.appendBatch([request]), path);
      }
      // One bad request spoils its whole batch, the good requests before it included.
      const good: AppendRequest = {
        streamName: names.stream('good'),
        events: [paidEvent(names.cycle('good'), names.id('good'), 500)],
        expectedRevision: 'no-stream',
      };
      await refused(() => store.appendBatch([good, illFormed(names)[1]!.request]), 'eventId');
      const written: unknown[] = [];
      for await (const e of store.readAll()) if (e.streamName.includes(names.run)) written.push(e);
      assert.equal(written, [], 'nothing of any of them was stored');
      // A well-formed pair (an emoji) is fine, of course.
      const emoji = paidEvent(names.cycle('ok'), names.id('ok-🏠'), 500);
      assert.is((await store.appendToStream(names.stream('ok 🏠'), [emoji], { expectedRevision: 'no-stream' })).outcome, 'appended');
    },
  );
};
