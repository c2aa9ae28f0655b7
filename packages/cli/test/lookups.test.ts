// "Not found" is exit 1 everywhere (issue 12, item 13): every command that looks up a cycle or a
// contract names the one the store does not hold, instead of printing nothing and exiting 0. One
// that exists but has nothing to show is still exit 0.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, openFlat, pay } from './support/commands.js';
import { workspace, type Workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const UNPAID = 'unit-0302/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

const test = suite<{ w: Workspace }>('lookups');
test.before.each((ctx) => {
  ctx.w = workspace();
  ctx.w.writeLines('a.jsonl', [
    bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
    pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
    bill(UNPAID, 'unit-0302', 31520, JAN, '2026-01-15'),
  ]);
  assert.is(ctx.w.renewal(['apply', 'a.jsonl']).status, 0);
  assert.is(ctx.w.renewal(['projections', 'rebuild']).status, 0);
});
test.after.each((ctx) => ctx.w.cleanup());

test('every lookup of a cycle or contract the store does not hold is exit 1 naming it', ({ w }) => {
  const cases: [readonly string[], string][] = [
    [['receipts', '--cycle', 'nope'], 'no cycle nope in the store'],
    [['receipts', '--contract', 'nope'], 'no contract nope in the store: none opened, and no cycle billed to it'],
    [['receipts', '--cycle', 'nope', '--day', '2026-01-20'], 'no cycle nope in the store'],
    [['audit', 'export', '--cycle', 'nope'], 'no cycle nope in the store'],
    [['audit', 'export', '--cycle', 'nope', '--format', 'csv'], 'no cycle nope in the store'],
    [['audit', 'history', 'nope'], 'no cycle nope in the store'],
    [['arrears', '--contract', 'nope'], 'no contract nope in the store: none opened, and no cycle billed to it'],
    [['behaviour', '--contract', 'nope'], 'no contract nope in the store: none opened, and no cycle billed to it'],
  ];
  for (const [args, message] of cases)
    for (const format of args.includes('--format') ? [[]] : [[], ['--format', 'json']]) {
      if (args[0] === 'audit' && args[1] === 'export' && format.length) continue;
      const r = w.renewal([...args, ...format]);
      assert.is(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.is(r.stdout, '', 'nothing that looks like an answer');
    }
});

test('a cycle or contract that exists with nothing to show is exit 0', ({ w }) => {
  const receipts = w.renewal(['receipts', '--cycle', UNPAID]);
  assert.is(receipts.status, 0, receipts.stderr);
  assert.match(receipts.stdout, '(no receipts)');
  assert.is(w.renewal(['receipts', '--contract', 'unit-0302', '--format', 'json']).json().documents.length, 0);
  const exported = w.renewal(['audit', 'export', '--cycle', UNPAID]);
  assert.is(exported.status, 0);
  assert.is(exported.stdout.trim().split('\n').length, 1, 'its one event');
  assert.is(w.renewal(['receipts', '--cycle', CYCLE, '--format', 'json']).json().documents.length, 1);
});

test('a contract opened with no cycles yet: receipts, arrears and behaviour --contract answer empty, exit 0', ({ w }) => {
  w.writeLines('open.jsonl', [openFlat('unit-0303')]);
  assert.is(w.renewal(['apply', 'open.jsonl']).status, 0);
  const receipts = w.renewal(['receipts', '--contract', 'unit-0303', '--format', 'json']);
  assert.is(receipts.status, 0, receipts.stderr);
  assert.equal(receipts.json().documents, []);
  const arrears = w.renewal(['arrears', '--contract', 'unit-0303', '--as-of', '2026-02-01', '--format', 'json']);
  assert.is(arrears.status, 0, arrears.stderr);
  assert.equal([arrears.json().contract.contractId, arrears.json().contract.cycles, arrears.json().contract.totals], ['unit-0303', [], []]);
  const table = w.renewal(['arrears', '--contract', 'unit-0303', '--as-of', '2026-02-01']);
  assert.is(table.stdout.trim(), 'Contract unit-0303 as of 2026-02-01: no cycles billed yet');
  const behaviour = w.renewal(['behaviour', '--contract', 'unit-0303', '--as-of', '2026-02-01', '--format', 'json']);
  assert.is(behaviour.status, 0, behaviour.stderr);
  assert.equal(
    [behaviour.json().contract.cycles, behaviour.json().contract.onTimeRate, behaviour.json().contract.standings],
    [0, null, []],
  );
});

test.run();
