// The contract handler against a real (in-memory) store: streams, idempotency, concurrent
// writers, and a store holding cycles and contracts read back through the default decoder.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { contractDecider, contractStreamName, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, getInMemoryEventStore } from '@renewal-ledger/eventstore';
import { loadContract, readPortfolio, renewDue } from '../src/index.js';
import { allEvents, endContract, expectApplied, giveMandate, lumpSum, memoryEngine, open } from '@renewal-ledger/testing/engine';

const test = suite('contract handler');

test('a contract is one stream; its events carry the command’s metadata', async () => {
  const e = memoryEngine();
  e.now.at = '2026-01-05T09:00:01Z' as Instant;
  const r = expectApplied(await e.contractHandler.handle(open()), 'open');
  assert.equal(
    r.events.map((x) => [x.streamName, x.streamRevision, x.type, x.eventId, x.metadata.recordedAt, x.metadata.actor]),
    [[contractStreamName('unit-0301'), 0n, 'ContractOpened', 'open-1#0', '2026-01-05T09:00:01Z', 'clerk-li']],
  );
  assert.is(r.state.opened?.contractId, 'unit-0301');
  const again = await e.contractHandler.handle(open({ commandId: 'open-again' }));
  assert.equal(again, { status: 'duplicate', duplicate: { key: 'contractId', id: 'unit-0301' } });
  const refused = await e.contractHandler.handle(lumpSum('pay-1', 100, { currency: 'USD' }));
  assert.is(refused.status === 'rejected' && refused.error.code, 'CURRENCY_MISMATCH');
  assert.is((await allEvents(e.store)).length, 1);
});

test('a batch decides each command against the ones before it, in one append', async () => {
  const e = memoryEngine();
  const results = await e.contractHandler.handleBatch([
    open(),
    giveMandate('m1'),
    giveMandate('m2'),
    lumpSum('pay-1', 500, { contractId: 'unit-0999' }),
  ]);
  assert.equal(
    results.map((r) => (r.status === 'rejected' ? r.error.code : r.status)),
    ['applied', 'applied', 'MANDATE_ALREADY_ACTIVE', 'NOT_OPENED'],
  );
  const loaded = await loadContract(e.store, 'unit-0301');
  assert.is(loaded.revision, 1n);
  assert.is(loaded.state.mandates.length, 1);
});

test('two writers on one contract: the second reads again and decides again', async () => {
  const e = memoryEngine();
  await e.contractHandler.handle(open());
  const other = getCommandHandler(contractDecider, {
    store: getInMemoryEventStore({ database: e.database }),
    clock: () => '2026-03-10T10:00:00Z' as Instant,
    backoff: () => 0,
  });
  const [a, b] = await Promise.all([e.contractHandler.handle(lumpSum('pay-1', 1000)), other.handle(lumpSum('pay-2', 2000))]);
  assert.is(a.status, 'applied');
  assert.is(b.status, 'applied');
  const { state } = await loadContract(e.store, 'unit-0301');
  assert.equal(state.lumpSums.map((l) => l.received.lumpSumId).sort(), ['pay-1', 'pay-2']);
});

test('one store holds contracts and cycles; reading it all decodes both', async () => {
  const e = memoryEngine();
  await e.contractHandler.handleBatch([open(), endContract('2026-03-01')]);
  await renewDue({ ...e, asOf: '2026-06-01' as never });
  const events = await allEvents(e.store);
  assert.equal(
    events.map((x) => x.type),
    ['ContractOpened', 'ContractEnded', 'Billed', 'Billed'],
  );
  const portfolio = await readPortfolio(e.store, { cycles: true });
  assert.equal([...portfolio.billedCycleIds], ['unit-0301/2026-01-01', 'unit-0301/2026-02-01']);
  assert.equal([...portfolio.contracts.keys()], ['unit-0301']);
  assert.is(portfolio.cycles.get('unit-0301/2026-02-01')?.bill?.totalMinor, 31520);
});

test.run();
