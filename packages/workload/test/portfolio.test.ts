import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  canonicalJson,
  cycleFigures,
  decideCycle,
  decodeCommand,
  evolveCycle,
  initialCycleState,
  type CycleState,
} from '@renewal-ledger/core';
import { generatePortfolio, streamPortfolio } from '@renewal-ledger/workload';

const small = { accounts: 300, months: 24 };

test('the same seed gives the same portfolio, another seed another one', () => {
  const a = generatePortfolio(small);
  const b = generatePortfolio(small);
  assert.is(canonicalJson(a.commands), canonicalJson(b.commands));
  const c = generatePortfolio({ ...small, seed: 7 });
  assert.is.not(canonicalJson(a.commands), canonicalJson(c.commands));
});

test('growing the portfolio keeps the activity of the contracts already in it', () => {
  const a = generatePortfolio({ accounts: 50, months: 6 });
  const b = generatePortfolio({ accounts: 80, months: 6 });
  const ofFirst50 = b.commands.filter((c) => a.contracts.some((k) => c.command.cycleId.startsWith(`${k.contractId}/`)));
  assert.is(canonicalJson(ofFirst50), canonicalJson(a.commands));
});

test('every command decodes, is recorded in order, and after its business time', () => {
  const p = generatePortfolio(small);
  let last = '';
  for (const { command, recordedAt } of p.commands) {
    const decoded = decodeCommand(JSON.parse(JSON.stringify(command)));
    if (E.isLeft(decoded)) assert.unreachable(decoded.left.message);
    assert.ok(recordedAt >= last, 'ordered by recordedAt');
    assert.ok(recordedAt >= command.at, `${command.commandId} recorded before it happened`);
    assert.ok(recordedAt <= `${p.asOf}T23:59:59Z`);
    last = recordedAt;
  }
});

test('the mix is the practice: mostly paid in full, some partial, some unpaid, a few disputes and plans', () => {
  const p = generatePortfolio({ accounts: 1000, months: 24 });
  const states = new Map<string, CycleState>();
  const refused: Record<string, number> = {};
  let duplicates = 0;
  for (const { command } of p.commands) {
    const s = states.get(command.cycleId) ?? initialCycleState();
    const r = decideCycle(command, s);
    if (E.isLeft(r)) {
      refused[r.left.code] = (refused[r.left.code] ?? 0) + 1;
      continue;
    }
    if (r.right.duplicate) duplicates++;
    states.set(command.cycleId, r.right.events.reduce(evolveCycle, s));
  }
  const all = [...states.values()];
  assert.is(all.length, p.cycles);
  const settled = all.filter((s) => cycleFigures(s).outstandingMinor === 0).length / all.length;
  const disputed = all.filter((s) => s.disputes.length > 0).length / all.length;
  const plans = all.filter((s) => s.plans.length > 0).length / all.length;
  const offline = all.filter((s) => s.payments.some((x) => x.offline)).length;
  const refunds = all.filter((s) => s.refunds.length > 0).length;
  assert.ok(settled > 0.85 && settled < 0.97, `settled share ${settled}`);
  assert.ok(disputed > 0.02 && disputed < 0.04, `disputed share ${disputed}`);
  assert.ok(plans > 0.01 && plans < 0.03, `plan share ${plans}`);
  assert.ok(offline > 100, 'offline payments entered late');
  assert.ok(refunds > 100, 'refunds');
  assert.ok(duplicates > 0, 'a receipt keyed twice is a duplicate');
  // The only refusals are the deliberate clerk mistakes: a transfer entered under a new id.
  assert.equal(Object.keys(refused), ['DUPLICATE_REFERENCE']);
});

test('streamed a month at a time, the portfolio is the same commands in the same order, each cycle finished after its last command', () => {
  // A cut inside the history (asOf) leaves commands recorded after it out of both.
  for (const options of [
    { accounts: 120, months: 24 },
    { accounts: 70, months: 5, seed: 11 },
    { accounts: 90, months: 24, asOf: '2025-06-10' },
  ]) {
    const whole = generatePortfolio(options);
    const streamed: (typeof whole.commands)[number][] = [];
    const finished = new Set<string>();
    let slices = 0;
    for (const slice of streamPortfolio(options)) {
      slices++;
      for (const c of slice.commands) {
        assert.not.ok(finished.has(c.command.cycleId), `${c.command.commandId} comes after its cycle was said finished`);
        streamed.push(c);
      }
      for (const id of slice.finishedCycles) {
        assert.not.ok(finished.has(id), `${id} finished twice`);
        finished.add(id);
      }
    }
    assert.is(canonicalJson(streamed), canonicalJson(whole.commands), JSON.stringify(options));
    assert.is(finished.size, whole.cycles);
    assert.ok(slices > 2, `${slices} slices: handed out as it goes, not at the end`);
  }
});

test.run();
