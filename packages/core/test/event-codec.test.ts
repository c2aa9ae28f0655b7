// Event codecs compose into one stored-event decoder: the ledger's and a user's own aggregate's,
// each type owned by exactly one codec; `of` is the typed way back from a stored event.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  contractEvents,
  cycleEvents,
  decodeOwnedWith,
  eventCodec,
  IdC,
  LEDGER_EVENT_CODECS,
  shape,
  storedEventDecoder,
  type DomainEvent,
} from '@renewal-ledger/core';
import { event } from './builders.js';

// A codec of one's own: a gate opened, with the gate's id.
const GateOpenedC = shape(
  'GateOpened event',
  { type: t.literal('GateOpened'), data: shape('GateOpened data', { gateId: IdC }, {}, false) },
  {},
  false,
);
type GateOpened = t.TypeOf<typeof GateOpenedC>;
const gateEvents = eventCodec<GateOpened>({
  name: 'gate',
  schemaVersions: { GateOpened: 2 },
  decode: decodeOwnedWith(GateOpenedC, 'gate event'),
  upcasters: { GateOpened: { 1: ({ gate, ...rest }) => ({ ...rest, gateId: gate }) } },
});

const paid = event('Paid', {
  cycleId: 'c-1',
  commandId: 'k-1',
  actor: 'cashier',
  at: '2026-01-20T10:30:00Z',
  paymentId: 'p-1',
  amountMinor: 100,
  channel: 'cash',
});

test('a composed decoder reads the ledger events and a user aggregate events, upcasting each with its own upcasters', () => {
  const decode = storedEventDecoder([...LEDGER_EVENT_CODECS, gateEvents]);
  assert.equal(decode({ type: 'Paid', schemaVersion: 1, data: paid.data }), E.right(paid));
  assert.equal(
    decode({ type: 'GateOpened', schemaVersion: 1, data: { gate: 'north' } }),
    E.right({ type: 'GateOpened', data: { gateId: 'north' } }),
  );
  const bad = decode({ type: 'GateOpened', schemaVersion: 2, data: { gateId: '' } });
  assert.ok(E.isLeft(bad) && bad.left.problems[0]!.path === 'data/gateId', JSON.stringify(bad));
  // The ledger's decoder alone does not know the gate's events, and says so.
  const ledgerOnly = storedEventDecoder(LEDGER_EVENT_CODECS);
  const unknown = ledgerOnly({ type: 'GateOpened', schemaVersion: 2, data: { gateId: 'north' } });
  assert.ok(E.isLeft(unknown));
  if (E.isLeft(unknown)) assert.equal(unknown.left.problems, [{ path: 'type', message: 'unknown event type "GateOpened"' }]);
});

test('a type owned by two codecs is refused when the decoder is made, naming both', () => {
  const twin = eventCodec<DomainEvent>({ name: 'impostor', schemaVersions: { Paid: 1 }, decode: (e) => E.right(e) });
  assert.throws(
    () => storedEventDecoder([...LEDGER_EVENT_CODECS, twin]),
    /event type Paid is registered twice: by renewal cycle and by impostor/,
  );
});

test('of returns the stored event itself, typed; a type of another aggregate is a TypeError naming it', () => {
  const recorded = { ...paid, eventId: 'k-1#0', schemaVersion: 1, streamName: 'renewal-cycle-c-1', streamRevision: 0n, globalPosition: 1n };
  const typed = cycleEvents.of(recorded);
  assert.is(typed, recorded, 'no copy: folding allocates nothing');
  assert.is(typed.type === 'Paid' && typed.data.amountMinor, 100);
  assert.throws(() => contractEvents.of(recorded), /"Paid" is not a contract event/);
  assert.ok(cycleEvents.owns('Paid') && !cycleEvents.owns('toString') && contractEvents.owns('ContractOpened'));
  assert.equal(cycleEvents.types.slice(0, 2), ['Billed', 'Paid']);
});

test.run();
