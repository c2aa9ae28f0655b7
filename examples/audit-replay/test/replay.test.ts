// The auditor's script on a small ledger with an offline payment entered five days after it was
// taken: the chain verifies and is sealed, the bill replays differently "as of" and "as known
// at" that day, the export checks on its own, later visits check the earlier seals, and an
// event edited in the SQLite file is caught at its position.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renewalCycle, decodeCommand, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { runAuditReplay } from '../src/replay.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CYCLE = 'unit-0301/2026-01';

const command = (c: object): RenewalCommand => {
  const d = decodeCommand(c);
  if (d._tag === 'Left') throw new Error(d.left.message);
  return d.right;
};

const test = suite<{ dir: string; store: string }>('audit-replay');
test.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'renewal-audit-'));
  ctx.store = `sqlite:${join(ctx.dir, 'ledger.db')}`;
  const store = await openStore(ctx.store);
  const handler = getCommandHandler(renewalCycle, { store });
  const base = { cycleId: CYCLE, actor: 'cashier-chen' };
  const entered = (recordedAt: string) => ({ recordedAt: recordedAt as Instant });
  await handler.handle(
    command({
      type: 'Bill',
      commandId: 'c1',
      ...base,
      actor: 'billing-run',
      at: '2026-01-01T01:00:00Z',
      contractId: 'unit-0301',
      period: { start: '2026-01-01', end: '2026-02-01' },
      dueDate: '2026-01-15',
      currency: 'CNY',
      lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
    }),
    entered('2026-01-01T01:00:00Z'),
  );
  // Taken in cash on the 14th while the system was down, entered on the 19th.
  await handler.handle(
    command({
      type: 'RecordPayment',
      commandId: 'c2',
      ...base,
      at: '2026-01-14T10:00:00Z',
      paymentId: 'pay-1',
      amountMinor: 20000,
      channel: 'cash',
      offline: true,
    }),
    entered('2026-01-19T09:00:00Z'),
  );
  await handler.handle(
    command({
      type: 'RecordPayment',
      commandId: 'c3',
      ...base,
      at: '2026-01-25T10:00:00Z',
      paymentId: 'pay-2',
      amountMinor: 11520,
      channel: 'alipay',
    }),
    entered('2026-01-25T10:00:00Z'),
  );
  await store.close();
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

const run = async (ctx: { dir: string; store: string }, extra: object = {}) => {
  const lines: string[] = [];
  const code = await runAuditReplay({
    store: ctx.store,
    seals: join(ctx.dir, 'seals.jsonl'),
    exportTo: join(ctx.dir, 'export.jsonl'),
    print: (l) => lines.push(l),
    ...extra,
  });
  return { code, out: lines.join('\n') };
};

test('verifies, seals, replays the offline payment both ways, and checks its own export', async (ctx) => {
  const { code, out } = await run(ctx);
  assert.is(code, 0, out);
  assert.match(out, '3 entries verified against the events in the store.');
  assert.match(out, `Bill ${CYCLE} as of 2026-01-14 (payment pay-1 was taken on 2026-01-14 and entered on 2026-01-19)`);
  // On the 14th the customer had paid 200.00 (not yet due: current); the books showed nothing paid.
  assert.match(
    out,
    /as of 2026-01-14 \(what had happened\):\s+2 events: due 315.20 CNY, paid 200.00 CNY, outstanding 115.20 CNY; overdue 0.00 CNY, 0 days \(current\)/,
  );
  assert.match(out, /as known at 2026-01-14 \(the books then\):\s+1 event: due 315.20 CNY, paid 0.00 CNY, outstanding 315.20 CNY/);
  assert.match(out, 'Paid 200.00 CNY by cash, taken offline (payment pay-1). By cashier-chen, recorded 2026-01-19 09:00 UTC.');
  assert.match(out, 'Exported 3 entries');
  assert.match(out, 'every hash and link holds, 1 seals matched');
  const seals = readFileSync(join(ctx.dir, 'seals.jsonl'), 'utf8').trim().split('\n');
  assert.is(seals.length, 1);
  assert.equal([JSON.parse(seals[0]!).position, JSON.parse(seals[0]!).entries], ['3', 3]);

  // The next visit checks the first seal and adds its own.
  const second = await run(ctx, { cycle: CYCLE, asOf: '2026-01-31' });
  assert.is(second.code, 0, second.out);
  assert.match(second.out, 'and 1 of 1 earlier seals matched');
  assert.match(second.out, /as of 2026-01-31 \(what had happened\):\s+3 events: due 315.20 CNY, paid 315.20 CNY, outstanding 0.00 CNY/);
  assert.is(readFileSync(join(ctx.dir, 'seals.jsonl'), 'utf8').trim().split('\n').length, 2);
});

test('an event edited in the SQLite file is caught at its position', async (ctx) => {
  assert.is((await run(ctx)).code, 0);
  const db = getSQLiteViewDatabase({ path: join(ctx.dir, 'ledger.db') });
  await db.execute(`UPDATE events SET data = replace(data, '"amountMinor":20000', '"amountMinor":2000') WHERE global_position = 2`);
  await db.close();
  const { code, out } = await run(ctx);
  assert.is(code, 1);
  assert.match(out, 'BROKEN at position 2 (event-altered)');
  assert.match(out, '1 entry verified before it');
});

test('the README start command runs the script', (ctx) => {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@renewal-ledger/source', '--import', 'tsx', 'examples/audit-replay/src/main.ts', '--store', ctx.store],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, '3 entries verified');
  const bad = spawnSync(
    process.execPath,
    ['--conditions=@renewal-ledger/source', '--import', 'tsx', 'examples/audit-replay/src/main.ts', '--as-of', 'soon'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.is(bad.status, 2);
});

test.run();
