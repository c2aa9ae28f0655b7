// Text that crosses a boundary is well-formed Unicode; ids hold no control or invisible
// characters and compare in NFC (docs/events.md, "Text and ids"). What is already stored keeps
// decoding under the rule it was written with.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  decodeCommand,
  decodeContractCommand,
  decodeStoredEvent,
  illFormedPath,
  isWellFormedText,
  type InvalidInput,
} from '@renewal-ledger/core';
import { billJson, paymentJson, refusalOf } from './builders.js';
import { openJson } from '@renewal-ledger/testing/contracts';

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

const refusal = (decode: (u: unknown) => E.Either<InvalidInput, unknown>, input: unknown): InvalidInput => refusalOf(input, decode);
const payment = (over: Record<string, unknown> = {}) => paymentJson('p1', 10000, over);

const wellFormed = suite('well-formed text at the boundary');

wellFormed('a lone surrogate is refused in every kind of string field, with its path', () => {
  const cases: [string, unknown, string][] = [
    ['commandId', payment({ commandId: `c${LONE_HIGH}` }), 'commandId'],
    ['actor', payment({ actor: `${LONE_LOW}clerk` }), 'actor'],
    ['cycleId', payment({ cycleId: `unit${LONE_HIGH}/2026-01` }), 'cycleId'],
    ['reference', payment({ reference: `TX${LONE_HIGH}` }), 'reference'],
    ['a bill line code', billJson({ lines: [{ code: `s${LONE_HIGH}`, description: 'Fee', amountMinor: 100 }] }), 'lines/0/code'],
    ['free text', billJson({ lines: [{ code: 's', description: `Fee ${LONE_LOW}`, amountMinor: 100 }] }), 'lines/0/description'],
    ['contractId', billJson({ contractId: `k${LONE_HIGH}` }), 'contractId'],
  ];
  for (const [what, input, path] of cases) {
    const e = refusal(decodeCommand, input);
    assert.equal(
      e.problems.map((p) => p.path),
      [path],
      what,
    );
    assert.match(e.problems[0]!.message, 'is not well-formed Unicode (it holds a lone surrogate)', what);
    assert.ok(isWellFormedText(e.message), 'the message is printable: the value shows escaped');
  }
  const contract = refusal(decodeContractCommand, openJson({ customer: { name: `Wang${LONE_HIGH}`, contact: { phone: '+86 1' } } }));
  assert.equal(
    contract.problems.map((p) => p.path),
    ['customer/name'],
  );
});

wellFormed('ids refuse control and invisible characters: bidi controls, zero-width characters, the BOM', () => {
  for (const [name, char] of [
    ['right-to-left override', '\u202e'],
    ['left-to-right mark', '\u200e'],
    ['first-strong isolate', '\u2068'],
    ['zero-width space', '\u200b'],
    ['zero-width joiner', '\u200d'],
    ['word joiner', '\u2060'],
    ['byte order mark', '\ufeff'],
    ['a C1 control', '\u0085'],
    ['the line separator', '\u2028'],
  ] as const) {
    const e = refusal(decodeCommand, payment({ paymentId: `pay${char}-1` }));
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    assert.equal(
      e.problems,
      [
        {
          path: 'paymentId',
          message: `holds ${code}, a control or invisible character (bidi control, zero-width character): an id must look like what it is`,
        },
      ],
      name,
    );
  }
  // Free text is what people wrote: a zero-width joiner in an emoji sequence stays.
  const family = '👨\u200d👩\u200d👧';
  const ok = decodeCommand(billJson({ lines: [{ code: 's', description: `For ${family}`, amountMinor: 100 }] }));
  assert.ok(E.isRight(ok));
});

wellFormed('ids compare in NFC: a decomposed id decodes to the composed one', () => {
  const decomposed = 'cafe\u0301/2026-01'; // e + COMBINING ACUTE ACCENT
  const composed = 'caf\u00e9/2026-01';
  assert.is.not(decomposed, composed);
  const r = decodeCommand(payment({ cycleId: decomposed, commandId: `pay-${decomposed}`, paymentId: 'p-\u212b' })); // ANGSTROM SIGN -> Å
  assert.ok(E.isRight(r));
  if (E.isRight(r)) {
    assert.is(r.right.cycleId, composed);
    assert.is(r.right.commandId, `pay-${composed}`);
    assert.is((r.right as { paymentId: string }).paymentId, 'p-\u00c5');
  }
  // Free text keeps the form it was written in.
  const text = decodeCommand(billJson({ lines: [{ code: 's', description: decomposed, amountMinor: 100 }] }));
  assert.ok(E.isRight(text) && (text.right as unknown as { lines: { description: string }[] }).lines[0]!.description === decomposed);
});

wellFormed('property: any well-formed id without forbidden characters decodes to its NFC form, and that is a fixed point', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (raw) => {
      const id = raw.trim();
      fc.pre(id.length > 0 && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(id) && id.normalize('NFC').length <= 200);
      const once = decodeCommand(payment({ paymentId: id }));
      assert.ok(E.isRight(once), JSON.stringify(id));
      const nfc = (once as E.Right<{ paymentId: string }>).right.paymentId;
      assert.is(nfc, id.normalize('NFC'));
      const twice = decodeCommand(payment({ paymentId: nfc }));
      assert.is((twice as E.Right<{ paymentId: string }>).right.paymentId, nfc);
    }),
  );
});

wellFormed('property: a string holding a lone surrogate is refused as an id and as text', () => {
  const lone = fc.constantFrom(LONE_HIGH, LONE_LOW, '\udbff', '\udfff');
  fc.assert(
    fc.property(fc.string({ maxLength: 10 }), lone, fc.string({ maxLength: 10 }), (a, s, b) => {
      fc.pre(!/^\s*$/.test(a + b));
      const text = `x${a}${s}${b}x`;
      assert.ok(E.isLeft(decodeCommand(payment({ commandId: text }))));
      assert.ok(E.isLeft(decodeCommand(billJson({ lines: [{ code: 's', description: text, amountMinor: 1 }] }))));
    }),
  );
});

wellFormed('events already stored keep decoding: old ids with invisible characters or in NFD', () => {
  const data = {
    cycleId: 'cafe\u0301/2026-01',
    commandId: 'pay\u200b-1',
    actor: 'clerk\u202e',
    at: '2026-01-10T09:00:00Z',
    paymentId: 'p-1',
    amountMinor: 100,
    channel: 'cash',
  };
  const r = decodeStoredEvent({ type: 'Paid', schemaVersion: 1, data });
  assert.ok(E.isRight(r), 'what was stored under the earlier rule still reads');
  if (E.isRight(r)) assert.is((r.right.data as { cycleId: string }).cycleId, data.cycleId, 'and is not rewritten');
});

wellFormed('illFormedPath names the first ill-formed string of a JSON value, keys included', () => {
  assert.is(illFormedPath({ a: ['ok', { b: 'fine 🏠' }] }), null);
  assert.is(illFormedPath({ a: ['ok', { b: `bad${LONE_LOW}` }] }), 'a/1/b');
  assert.is(illFormedPath({ [`k${LONE_HIGH}`]: 1 }), `k${LONE_HIGH}`);
  assert.is(illFormedPath(LONE_HIGH), '');
});

wellFormed('illFormedPath finds an ill-formed string exactly when a JSON value holds one, and its path leads to it', () => {
  // Strings with and without a lone surrogate; keys neither empty nor holding '/' (a path cannot
  // tell those steps apart: `a//b`, `a/b`).
  const text = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.tuple(fc.string({ maxLength: 3 }), fc.constantFrom(LONE_HIGH, LONE_LOW)).map(([a, b]) => a + b),
  );
  const key = text.map((k) => k.replaceAll('/', '-') || 'k');
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  }));
  const strings = (v: unknown): string[] =>
    typeof v === 'string'
      ? [v]
      : Array.isArray(v)
        ? v.flatMap(strings)
        : v !== null && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)])
          : [];
  fc.assert(
    fc.property(value, (v) => {
      const path = illFormedPath(v);
      assert.is(path === null, strings(v).every(isWellFormedText));
      if (path === null) return;
      // Every step but the last leads into the value; the last names an ill-formed string or key.
      const steps = path === '' ? [] : path.split('/');
      let at: unknown = v;
      for (const step of steps.slice(0, -1)) at = (at as Record<string, unknown>)[step];
      const last = steps.at(-1);
      if (last === undefined) assert.not.ok(isWellFormedText(at as string));
      else {
        const own = Object.keys(at as object).includes(last);
        assert.ok(own, `${last} is a key of its parent`);
        const child = (at as Record<string, unknown>)[last];
        assert.ok(!isWellFormedText(last) || (typeof child === 'string' && !isWellFormedText(child)));
      }
    }),
  );
});

wellFormed.run();
