// Conformance under contention, through the CLI: 8 `renewal apply` processes apply the same 400
// payments (40 cycles x 10 payments of 1.00, each bill 7.00), each in its own shuffled order and
// small batches, at the same time, on one SQLite file and on one PostgreSQL schema. Whatever the
// interleaving: every process ends with exit 0 or 1 and a report of all 400 lines; each cycle
// takes exactly the 7 payments that fit, each stored once; every other send of a payment is a
// duplicate, an OVERPAYMENT or (if its cycle never held still) contended; and the processes'
// `applied` counts add up to the events stored, so no event is reported twice.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '@renewal-ledger/stores';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';
import { bill, pay } from './support/commands.js';
import { workspace, type Run, type Workspace } from './support/cli.js';

const PROCESSES = 8;
const CYCLES = 40;
const PAYMENTS_PER_CYCLE = 10;
const FITTING = 7;
const JAN = { start: '2026-01-01', end: '2026-02-01' };

const cycleId = (c: number) => `race-${String(c).padStart(2, '0')}/2026-01`;
const payments = Array.from({ length: CYCLES * PAYMENTS_PER_CYCLE }, (_, i) => {
  const c = Math.floor(i / PAYMENTS_PER_CYCLE);
  return pay(cycleId(c), `race-pay-${c}-${i % PAYMENTS_PER_CYCLE}`, 100, '2026-01-20T10:30:00Z');
});

// A small deterministic shuffle (linear congruential), one order per process.
const shuffled = <A>(items: readonly A[], seed: number): A[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const race = async (w: Workspace, storeArgs: readonly string[], storeUrl: string) => {
  w.writeLines(
    'bills.jsonl',
    Array.from({ length: CYCLES }, (_, c) => bill(cycleId(c), `race-${c}`, FITTING * 100, JAN, '2026-01-15')),
  );
  const billed = w.renewal(['apply', 'bills.jsonl', ...storeArgs]);
  assert.is(billed.status, 0, billed.stderr);
  for (let p = 0; p < PROCESSES; p++) w.writeLines(`payments-${p}.jsonl`, shuffled(payments, p + 1));
  const runs: Run[] = await Promise.all(
    Array.from(
      { length: PROCESSES },
      (_, p) => w.start(['apply', `payments-${p}.jsonl`, '--batch', '100', '--format', 'json', ...storeArgs]).exited,
    ),
  );

  const appliedBy = new Map<string, number>();
  let appliedTotal = 0;
  let eventsWritten = 0;
  const tally: Record<string, number> = {};
  for (const [p, r] of runs.entries()) {
    assert.ok(r.status === 0 || r.status === 1, `process ${p} exit ${r.status}: ${r.stderr}`);
    const report = r.json();
    assert.is(report.summary.lines, payments.length, `process ${p} reports every line`);
    assert.is(report.lines.length, payments.length);
    appliedTotal += report.summary.applied;
    eventsWritten += report.summary.eventsWritten;
    for (const l of report.lines) {
      const status = l.status === 'rejected' ? `rejected:${l.error.code}` : l.status;
      tally[status] = (tally[status] ?? 0) + 1;
      if (l.status === 'applied') appliedBy.set(l.commandId, (appliedBy.get(l.commandId) ?? 0) + 1);
    }
    // Exit 1 exactly when some line was refused or contended.
    assert.is(r.status, report.summary.rejected + (report.summary.contended ?? 0) + report.summary.malformed > 0 ? 1 : 0);
  }
  console.log(`  ${storeArgs.length ? 'postgres' : 'sqlite'}: ${PROCESSES} processes x ${payments.length} lines: ${JSON.stringify(tally)}`);
  for (const status of Object.keys(tally))
    assert.ok(['applied', 'duplicate', 'rejected:OVERPAYMENT', 'contended'].includes(status), `unexpected outcome ${status}`);

  const store = await openStore(storeUrl);
  try {
    const stored = new Map<string, number>();
    let paid = 0;
    for await (const e of store.readAll()) {
      if (e.type !== 'Paid') continue;
      paid += 1;
      stored.set(e.metadata.commandId, (stored.get(e.metadata.commandId) ?? 0) + 1);
    }
    assert.is(paid, CYCLES * FITTING, 'each cycle took exactly the payments that fit: nothing lost, nothing doubled');
    assert.ok(
      [...stored.values()].every((n) => n === 1),
      'no payment stored twice',
    );
    for (const commandId of stored.keys()) assert.is(appliedBy.get(commandId), 1, `${commandId}: reported applied by exactly one process`);
    assert.is(appliedBy.size, stored.size, 'nothing reported applied that is not stored');
    assert.is(appliedTotal, paid, 'the applied counts add up to the events stored');
    assert.is(eventsWritten, paid);
  } finally {
    await store.close();
  }
};

const test = suite('conformance: concurrent renewal apply');

test(`${PROCESSES} processes apply shuffled payments to the same ${CYCLES} cycles on SQLite`, async () => {
  const w = workspace();
  try {
    await race(w, [], `sqlite:${w.path('renewal.db')}`);
  } finally {
    w.cleanup();
  }
});

pgTest(test)(`${PROCESSES} processes apply shuffled payments to the same ${CYCLES} cycles on PostgreSQL`, async () => {
  const url = requirePostgresUrl();
  const schema = uniqueSchema('apply_race');
  const store = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  const w = workspace();
  try {
    await race(w, ['--store', store], store);
  } finally {
    w.cleanup();
    await dropSchemas(schema, `${schema}_views`);
  }
});

test.run();
