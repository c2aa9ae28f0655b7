// The given / when / then helper must fail whenever the decider does not do what the test says,
// or tests written with it prove nothing. Checked on the renewal cycle and on a tiny decider
// that emits several events (order matters).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { DeciderSpecification, SpecificationError, type Decider } from '@renewal-ledger/core';
import { bill, BILL_TOTAL, dispute, event, given, history, meta, pay } from './builders.js';

/** Runs `f` and returns the SpecificationError it throws; fails the test if it throws nothing or something else. */
const specFailure = (f: () => unknown): SpecificationError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecificationError) return e;
    throw e;
  }
  assert.unreachable('expected a SpecificationError');
  throw new Error('unreachable');
};

const billed = () => history(bill());
const paid = (c = pay('p1', 10000)) => event('Paid', { ...meta(c), paymentId: 'p1', amountMinor: 10000, channel: 'cash' });

const then = suite('then');

then('passes on exactly the emitted events, whatever the key order', () => {
  const c = pay('p1', 10000);
  given(billed())
    .when(c)
    .then([paid(c)]);
  const reordered = event('Paid', { channel: 'cash', amountMinor: 10000, paymentId: 'p1', ...meta(c) });
  given(billed()).when(c).then([reordered]);
});

then('fails on other events, with what was expected and what came', () => {
  const c = pay('p1', 10000);
  const wrong = event('Paid', { ...meta(c), paymentId: 'p1', amountMinor: 10001, channel: 'cash' });
  const e = specFailure(() => given(billed()).when(c).then([wrong]));
  assert.is(e.name, 'SpecificationError');
  assert.ok(e instanceof Error);
  assert.equal(e.expected, [wrong]);
  assert.equal(e.actual, [paid(c)]);
  assert.match(e.message, 'the command emitted other events');
  assert.match(e.message, '"amountMinor": 10001');
});

then('fails on missing or extra events', () => {
  const c = pay('p1', 10000);
  specFailure(() => given(billed()).when(c).then([]));
  specFailure(() =>
    given(billed())
      .when(c)
      .then([paid(c), paid(c)]),
  );
});

then('fails when the command was refused, carrying the refusal', () => {
  const e = specFailure(() => given([]).when(pay('p1', 10000)).then([paid()]));
  assert.match(e.message, 'refused');
  assert.is((e.actual as { code: string }).code, 'NOT_BILLED');
});

then('the given events are folded first: the same command fails or passes with the history', () => {
  const c = pay('p1', 10000);
  specFailure(() =>
    given([])
      .when(c)
      .then([paid(c)]),
  );
  given(billed())
    .when(c)
    .then([paid(c)]);
});

then.run();

// ---------------------------------------------------------------------------------------------
const nothing = suite('thenNothing');

nothing('passes on a duplicate, fails when events come or the command is refused', () => {
  const events = history(bill(), pay('p1', 10000));
  given(events).when(pay('p1', 10000)).thenNothing();
  const emitted = specFailure(() => given(billed()).when(pay('p1', 10000)).thenNothing());
  assert.equal(emitted.actual, [paid()]);
  specFailure(() => given([]).when(pay('p1', 10000)).thenNothing());
});

nothing.run();

// ---------------------------------------------------------------------------------------------
const fails = suite('thenFails');

fails('returns the refusal when every given field matches', () => {
  const err = given(billed())
    .when(pay('p1', BILL_TOTAL + 1))
    .thenFails({ code: 'OVERPAYMENT', outstandingMinor: BILL_TOTAL });
  assert.is(err.code, 'OVERPAYMENT');
  assert.match(err.message, 'exceeds the outstanding 440.00');
});

fails('fails when the command is accepted', () => {
  const e = specFailure(() => given(billed()).when(pay('p1', 100)).thenFails({ code: 'OVERPAYMENT' }));
  assert.match(e.message, 'expected a refusal, but the command was accepted');
  specFailure(() => given(billed()).when(pay('p1', 100)).thenFails());
});

fails('fails on another code or another figure, naming the field', () => {
  const tooMuch = () => given(billed()).when(pay('p1', BILL_TOTAL + 1));
  assert.match(specFailure(() => tooMuch().thenFails({ code: 'NOT_BILLED' })).message, 'differs in code');
  assert.match(specFailure(() => tooMuch().thenFails({ code: 'OVERPAYMENT', outstandingMinor: 1 })).message, 'differs in outstandingMinor');
  assert.match(specFailure(() => tooMuch().thenFails({ attemptedMinor: BILL_TOTAL })).message, 'differs in attemptedMinor');
});

fails('a predicate decides; a false one fails', () => {
  given([])
    .when(pay('p1', 1))
    .thenFails((e) => e.code === 'NOT_BILLED');
  specFailure(() =>
    given([])
      .when(pay('p1', 1))
      .thenFails((e) => e.code === 'OVERPAYMENT'),
  );
});

fails('compares arrays and nested figures by value', () => {
  const unknownLine = () => given(billed()).when(dispute('d1', 1, { lineCode: 'water' }));
  unknownLine().thenFails({ code: 'UNKNOWN_LINE', lineCodes: ['service', 'parking'] });
  specFailure(() => unknownLine().thenFails({ code: 'UNKNOWN_LINE', lineCodes: ['parking', 'service'] }));
});

fails.run();

// ---------------------------------------------------------------------------------------------
const state = suite('thenState');

state('returns the state after the events; a false check fails; a refusal fails', () => {
  const s = given(billed()).when(pay('p1', 10000)).thenState();
  assert.is(s.totals.paidMinor, 10000);
  given(billed())
    .when(pay('p1', 10000))
    .thenState((x) => x.payments.length === 1);
  specFailure(() =>
    given(billed())
      .when(pay('p1', 10000))
      .thenState((x) => x.payments.length === 2),
  );
  specFailure(() => given([]).when(pay('p1', 10000)).thenState());
});

state.run();

// ---------------------------------------------------------------------------------------------
const generic = suite('any decider');

// A counter that emits one event per step asked for: `then` must see order and count.
type Ev = { readonly type: 'Stepped'; readonly by: number };
const counter: Decider<{ readonly steps: readonly number[] }, Ev, number, { readonly code: 'NEGATIVE'; readonly at: number }> = {
  decide: (c, _s) => {
    const bad = c.steps.findIndex((n) => n < 0);
    return bad >= 0
      ? E.left({ code: 'NEGATIVE', at: bad })
      : E.right({ events: c.steps.map((by) => ({ type: 'Stepped' as const, by })), duplicate: null });
  },
  evolve: (s, e) => s + e.by,
  initialState: () => 0,
};
const givenCounter = DeciderSpecification.for(counter);

generic('order of events matters', () => {
  givenCounter([])
    .when({ steps: [1, 2] })
    .then([
      { type: 'Stepped', by: 1 },
      { type: 'Stepped', by: 2 },
    ]);
  specFailure(() =>
    givenCounter([])
      .when({ steps: [1, 2] })
      .then([
        { type: 'Stepped', by: 2 },
        { type: 'Stepped', by: 1 },
      ]),
  );
});

generic('thenState folds the new events onto the given ones', () => {
  assert.is(
    givenCounter([{ type: 'Stepped', by: 10 }])
      .when({ steps: [1, 2] })
      .thenState(),
    13,
  );
});

generic('thenFails works on any error shape', () => {
  assert.equal(
    givenCounter([])
      .when({ steps: [1, -1] })
      .thenFails({ code: 'NEGATIVE', at: 1 }),
    { code: 'NEGATIVE', at: 1 },
  );
  specFailure(() =>
    givenCounter([])
      .when({ steps: [1, -1] })
      .thenFails({ at: 0 }),
  );
});

generic.run();
