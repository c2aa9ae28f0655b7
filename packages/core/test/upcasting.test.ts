// Reading old stored events: upcasters turn older data into the current shape before it is
// validated. Version 0 of `Paid` below is made up for the test: it stored `method` (with
// "transfer" for bank transfers) instead of `channel`, and `amount` instead of `amountMinor`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { CURRENT_SCHEMA_VERSION, decodeStoredEvent, upcast, type Upcasters } from '@renewal-ledger/core';
import { event } from './builders.js';

const v0Paid = {
  cycleId: 'unit-0301/2026-01',
  commandId: 'c-7',
  actor: 'cashier-1',
  at: '2025-06-01T09:00:00Z',
  paymentId: 'p1',
  amount: 31520,
  method: 'transfer',
  reference: 'TX-1',
};

const upcasters: Upcasters = {
  Paid: {
    0: ({ amount, method, ...rest }) => ({ ...rest, amountMinor: amount, channel: method === 'transfer' ? 'bank-transfer' : method }),
  },
};

const currentPaid = event('Paid', {
  cycleId: 'unit-0301/2026-01',
  commandId: 'c-7',
  actor: 'cashier-1',
  at: '2025-06-01T09:00:00Z',
  paymentId: 'p1',
  amountMinor: 31520,
  channel: 'bank-transfer',
  reference: 'TX-1',
});

test('a version-0 Paid event read through its upcaster is the current event', () => {
  assert.equal(decodeStoredEvent({ type: 'Paid', schemaVersion: 0, data: v0Paid }, upcasters), E.right(currentPaid));
});

test('an event at the current version passes through untouched (the upcaster is not called)', () => {
  const throwing: Upcasters = {
    Paid: {
      0: () => {
        throw new Error('must not run');
      },
    },
  };
  assert.equal(
    decodeStoredEvent({ type: 'Paid', schemaVersion: CURRENT_SCHEMA_VERSION.Paid, data: currentPaid.data }, throwing),
    E.right(currentPaid),
  );
});

test('upcasters chain one version at a time, in order', () => {
  const steps: string[] = [];
  const chain: Upcasters = {
    Paid: {
      0: (d) => {
        steps.push('0->1');
        return { ...d, v1: true };
      },
      1: (d) => {
        steps.push('1->2');
        return { ...d, v2: d.v1 === true };
      },
    },
  };
  const r = upcast({ type: 'Paid', schemaVersion: 0, data: { x: 1 } }, chain, { Paid: 2 });
  assert.equal(r, E.right({ type: 'Paid', data: { x: 1, v1: true, v2: true } }));
  assert.equal(steps, ['0->1', '1->2']);
});

test('a missing upcaster is a clear InvalidInput, not a half-read event', () => {
  const r = decodeStoredEvent({ type: 'Paid', schemaVersion: 0, data: v0Paid });
  assert.equal(
    r,
    E.left({
      code: 'INVALID_INPUT',
      subject: 'Paid event',
      message: 'invalid Paid event: schemaVersion: no upcaster from version 0 to 1',
      problems: [{ path: 'schemaVersion', message: 'no upcaster from version 0 to 1' }],
    }),
  );
});

test('a version newer than the library knows asks for an upgrade', () => {
  const r = decodeStoredEvent({ type: 'Paid', schemaVersion: 2, data: currentPaid.data }, upcasters);
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.code, 'INVALID_INPUT');
    assert.equal(r.left.problems, [
      { path: 'schemaVersion', message: 'version 2 is newer than this library knows (1): upgrade the library' },
    ]);
  }
});

test('an unknown event type is refused by name', () => {
  const r = decodeStoredEvent({ type: 'Teleported', schemaVersion: 1, data: {} });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.equal(r.left.problems, [{ path: 'type', message: 'unknown event type "Teleported"' }]);
});

test('an upcaster whose result is not a valid current event is reported by the event codec', () => {
  const sloppy: Upcasters = { Paid: { 0: ({ method: _m, ...rest }) => ({ ...rest, channel: 'cash' }) } };
  const r = decodeStoredEvent({ type: 'Paid', schemaVersion: 0, data: v0Paid }, sloppy);
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.equal(r.left.problems, [{ path: 'data/amountMinor', message: 'is required: expected a positive safe integer' }]);
});

test.run();
