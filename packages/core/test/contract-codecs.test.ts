// Contract commands decode strictly (a typo is an error with its path), contract events loosely,
// and the stored-event decoder every store uses reads cycle and contract events alike.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  CONTRACT_COMMAND_TYPES,
  CONTRACT_EVENT_TYPES,
  INVOICE_EVENT_TYPES,
  DELIVERY_EVENT_TYPES,
  CONTRACT_SCHEMA_VERSION,
  CURRENT_SCHEMA_VERSION,
  decodeContractCommand,
  decodeContractEvent,
  decodeStoredEvent,
  encodeContractCommand,
  isContractEventType,
  isRenewalEventType,
  RENEWAL_EVENT_TYPES,
  STORED_EVENT_SCHEMA_VERSION,
} from '@renewal-ledger/core';
import { contractHistory, lumpSum, open, openJson } from '@renewal-ledger/testing/contracts';

const problems = (input: unknown) => {
  const r = decodeContractCommand(input);
  if (E.isRight(r)) throw new Error(`expected a refusal: ${JSON.stringify(input)}`);
  return r.left;
};

const commands = suite('contract commands');

commands('a typo anywhere is reported with its path', () => {
  const p = problems(
    openJson({ feePlan: { items: [{ code: 'service', description: 'Service', basis: { kind: 'per-area', rateMinor: 320, rat: 1 } }] } }),
  );
  assert.is(p.subject, 'OpenContract command');
  assert.equal(p.problems, [{ path: 'feePlan/items/0/basis/rat', message: 'is not a known field (known: kind, rateMinor, unit)' }]);
});

commands('schedule terms are checked at the boundary', () => {
  assert.equal(problems(openJson({ billingDay: 32 })).problems, [
    { path: 'billingDay', message: 'expected an integer from 1 to 31, got 32' },
  ]);
  assert.equal(problems(openJson({ cadence: 'weekly' })).problems, [
    { path: 'cadence', message: 'expected one of monthly, quarterly, yearly, got "weekly"' },
  ]);
  assert.equal(problems(openJson({ subject: { kind: 'boat', length: 12 } })).problems, [
    { path: 'subject/kind', message: 'expected one of property-unit, parking, membership, got "boat"' },
  ]);
  assert.equal(problems(openJson({ subject: { kind: 'property-unit', unit: '301', areaM2: 98.5 } })).problems, [
    { path: 'subject/areaM2', message: 'expected a decimal quantity string such as "98.50", got 98.5' },
  ]);
});

commands('unknown command types name the known ones; commands round-trip as JSON', () => {
  assert.equal(problems({ ...openJson(), type: 'Open' }).problems, [
    { path: 'type', message: `expected one of ${CONTRACT_COMMAND_TYPES.join(', ')}, got "Open"` },
  ]);
  const c = open();
  assert.equal(decodeContractCommand(JSON.parse(JSON.stringify(encodeContractCommand(c)))), E.right(c));
});

const events = suite('contract events and the stored-event decoder');

events('contract events decode loosely: a newer writer’s field is kept, nothing refused', () => {
  const [opened] = contractHistory(open());
  const newer = { ...opened!, data: { ...opened!.data, loyaltyTier: 'gold' } };
  const r = decodeContractEvent(newer);
  assert.ok(E.isRight(r));
});

events('decodeStoredEvent reads both kinds; unknown types and newer versions are refused as before', () => {
  const [opened, received] = contractHistory(open(), lumpSum('pay-1', 100));
  assert.equal(decodeStoredEvent({ type: 'ContractOpened', schemaVersion: 1, data: opened!.data }), E.right(opened));
  assert.equal(decodeStoredEvent({ type: 'LumpSumReceived', schemaVersion: 1, data: received!.data }), E.right(received));
  const bad = decodeStoredEvent({ type: 'LumpSumReceived', schemaVersion: 1, data: { ...received!.data, amountMinor: -1 } });
  assert.ok(E.isLeft(bad));
  if (E.isLeft(bad)) {
    assert.is(bad.left.subject, 'contract event');
    assert.equal(bad.left.problems, [{ path: 'data/amountMinor', message: 'expected a positive safe integer, got -1' }]);
  }
  const newer = decodeStoredEvent({ type: 'ContractOpened', schemaVersion: 2, data: opened!.data });
  assert.ok(E.isLeft(newer) && newer.left.problems[0]!.message.includes('newer than this library knows (1)'));
  const unknown = decodeStoredEvent({ type: 'ContractRenamed', schemaVersion: 1, data: {} });
  assert.ok(E.isLeft(unknown) && unknown.left.problems[0]!.message === 'unknown event type "ContractRenamed"');
});

events(
  'the cycle’s versions and type guard are unchanged; the stored versions cover cycle, contract, ledger settings, users, sessions, invoices, invoicing rules, reconciliation, payment channels, delivery, complaints and the collection office',
  () => {
    assert.equal(Object.keys(CURRENT_SCHEMA_VERSION).sort(), [...RENEWAL_EVENT_TYPES].sort());
    assert.equal(
      Object.keys(STORED_EVENT_SCHEMA_VERSION).sort(),
      [
        ...RENEWAL_EVENT_TYPES,
        ...CONTRACT_EVENT_TYPES,
        'LedgerOpened',
        'TimeZoneChanged',
        'LateFeePolicySet',
        'PeriodClosed',
        'UserAdded',
        'UserDisabled',
        'SessionStarted',
        'SessionEnded',
        ...INVOICE_EVENT_TYPES,
        'InvoicingRulesSet',
        'StatementReconciled',
        'DifferenceResolved',
        'NotificationRefused',
        'ProviderRefundAnswered',
        ...DELIVERY_EVENT_TYPES,
        'ComplaintOpened',
        'ComplaintAssigned',
        'ComplaintFollowedUp',
        'ComplaintResolved',
        'ComplaintClosed',
        'CollectorAssigned',
        'CollectionTargetSet',
      ].sort(),
    );
    assert.equal(Object.keys(CONTRACT_SCHEMA_VERSION).sort(), [...CONTRACT_EVENT_TYPES].sort());
    assert.is(isRenewalEventType('ContractOpened'), false);
    assert.is(isRenewalEventType('Paid'), true);
    assert.is(isContractEventType('ContractOpened'), true);
    assert.is(isContractEventType('Paid'), false);
    assert.is(isContractEventType('toString'), false);
  },
);

commands.run();
events.run();
