// An aggregate the library does not ship, run by its one generic command handler on a real SQLite
// file and on PostgreSQL (when POSTGRES_URL names a server; with REQUIRE_POSTGRES=1 its absence
// is a failure), in a store that holds the ledger's renewal cycles too. The README's code block
// is the aggregate's source.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, LEDGER_EVENT_CODECS, renewalCycle, storedEventDecoder, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, StoredEventDecodeError, type EventStore, type HandleResult } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';
import { decodeDepositCommand, depositStreamName, parkingDeposit, type DepositCommand } from '../src/deposit.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const decode = storedEventDecoder([...LEDGER_EVENT_CODECS, parkingDeposit.events]);
const clock = () => '2026-07-01T09:00:05Z' as Instant;

const must = (input: Record<string, unknown>): DepositCommand => {
  const r = decodeDepositCommand({ cardId: 'card-0417', actor: 'gate-office', ...input });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const take = (amountMinor = 20000, commandId = 'take') =>
  must({ type: 'TakeDeposit', commandId, at: '2026-01-05T08:30:00Z', holder: 'Zhang Wei', amountMinor, currency: 'CNY' });
const deduct = (deductionId: string, amountMinor: number, commandId = `deduct-${deductionId}`) =>
  must({ type: 'DeductForDamage', commandId, at: '2026-06-30T17:00:00Z', deductionId, amountMinor, reason: 'bent card' });
const refund = (commandId = 'refund') => must({ type: 'RefundDeposit', commandId, at: '2026-07-01T09:00:00Z' });

const statusOf = (r: HandleResult<typeof parkingDeposit>) =>
  r.status === 'applied'
    ? `applied:${r.figures.heldMinor}`
    : r.status === 'duplicate'
      ? `duplicate:${r.duplicate.key}`
      : `rejected:${r.error.code}`;

/** The whole life of a card and the handler's promises, on one store. */
const scenario = async (open: () => Promise<EventStore>) => {
  const store = await open();
  try {
    const deposits = getCommandHandler(parkingDeposit, { store, clock });
    // 200.00 taken; 35.00 kept for damage; 165.00 refunded: 200.00 - 35.00 = 165.00.
    assert.equal((await deposits.handleBatch([take(), deduct('scratch-1', 3500), refund()])).map(statusOf), [
      'applied:20000',
      'applied:16500',
      'applied:0',
    ]);
    const last = await deposits.handle(take());
    assert.is(statusOf(last), 'duplicate:commandId', 'the same command again');
    assert.is(
      statusOf(await deposits.handle(take(20000, 'take-keyed-again'))),
      'duplicate:cardId',
      'the same deposit under another command id',
    );
    assert.is(statusOf(await deposits.handle(take(30000, 'take-other'))), 'rejected:ALREADY_TAKEN');
    assert.is(statusOf(await deposits.handle(deduct('late', 100))), 'rejected:ALREADY_REFUNDED');
    // A command id reused for other content: the generic machinery refuses it, as for a cycle.
    const reused = await deposits.handle(deduct('scratch-2', 100, 'take'));
    if (reused.status !== 'rejected' || reused.error.code !== 'COMMAND_ID_CONFLICT') return assert.unreachable(statusOf(reused));
    assert.equal([reused.error.streamName, reused.error.eventTypes], [depositStreamName('card-0417'), ['DepositTaken']]);

    // Read back through the store's composed decoder: typed events, figures from the fold.
    const stored: string[] = [];
    let state = parkingDeposit.initialState();
    for await (const e of store.readStream(depositStreamName('card-0417'))) {
      stored.push(`${e.type}:${e.metadata.recordedAt}`);
      state = parkingDeposit.evolve(state, parkingDeposit.events.of(e));
    }
    assert.equal(
      stored,
      ['DepositTaken', 'DamageDeducted', 'DepositRefunded'].map((t) => `${t}:2026-07-01T09:00:05Z`),
    );
    assert.equal(parkingDeposit.figures(state), { takenMinor: 20000, deductedMinor: 3500, refundedMinor: 16500, heldMinor: 0 });

    // A deduction larger than what is held on another card is refused with its figures.
    const other = (c: DepositCommand) => ({ ...c, cardId: 'card-0418', commandId: `${c.commandId}-0418` }) as DepositCommand;
    await deposits.handle(other(take(5000)));
    const over = await deposits.handle(other(deduct('crack', 6000)));
    if (over.status !== 'rejected' || over.error.code !== 'DEDUCTION_EXCEEDS_HELD') return assert.unreachable(statusOf(over));
    assert.equal([over.error.heldMinor, over.error.attemptedMinor], [5000, 6000]);

    // The same store keeps the ledger's own aggregates, through the same handler.
    const bill = decodeCommand({
      type: 'Bill',
      commandId: 'bill-1',
      cycleId: 'space-17/2026-07',
      actor: 'billing',
      at: '2026-07-01T01:00:00Z',
      contractId: 'space-17',
      period: { start: '2026-07-01', end: '2026-08-01' },
      dueDate: '2026-07-06',
      currency: 'CNY',
      lines: [{ code: 'space', description: 'Parking space', amountMinor: 31000 }],
    });
    if (E.isLeft(bill)) throw new Error(bill.left.message);
    const billed = await getCommandHandler(renewalCycle, { store, clock }).handle(bill.right);
    assert.is(billed.status === 'applied' && billed.figures.outstandingMinor, 31000);
    let all = 0;
    for await (const _ of store.readAll()) all += 1;
    assert.is(all, 5, 'three deposit events of card 0417, one of card 0418, one bill');
  } finally {
    await store.close();
  }
};

const test = suite('a third aggregate through the generic handler');

test('on SQLite: taken, deducted, refunded; duplicates, refusals and a reused command id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parking-deposit-'));
  try {
    await scenario(() => openStore(`sqlite:${join(dir, 'deposits.db')}`, { decode }));
    // Without the deposit's codec a store cannot read these events, and says which one.
    const plain = await openStore(`sqlite:${join(dir, 'deposits.db')}`);
    try {
      const e = await (async () => {
        for await (const _ of plain.readStream(depositStreamName('card-0417')));
      })().catch((x: unknown) => x);
      assert.instance(e, StoredEventDecodeError);
      assert.match((e as Error).message, /DepositTaken at parking-deposit-card-0417@0 .*unknown event type "DepositTaken"/);
    } finally {
      await plain.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

pgTest(test)('on PostgreSQL: the same, in a schema of its own', async () => {
  const schema = uniqueSchema('deposit');
  const url = requirePostgresUrl();
  try {
    await scenario(() => openStore(`${url}${url.includes('?') ? '&' : '?'}schema=${schema}`, { decode }));
  } finally {
    await dropSchemas(schema);
  }
});

test('the README shows the aggregate as it is in src/deposit.ts, and the program runs as printed', () => {
  const readme = readFileSync(`${root}examples/parking-deposit/README.md`, 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.includes(readFileSync(`${root}examples/parking-deposit/src/deposit.ts`, 'utf8')), 'README holds src/deposit.ts');
  const dir = mkdtempSync(join(tmpdir(), 'parking-deposit-main-'));
  try {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=@renewal-ledger/source',
        '--import',
        'tsx',
        `${root}examples/parking-deposit/src/main.ts`,
        `sqlite:${join(dir, 'd.db')}`,
      ],
      { encoding: 'utf8' },
    );
    const printed = /```\n(TakeDeposit[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(printed, 'README shows what it prints');
    assert.fixture(out.replace(/#\d+/g, '#N'), printed!.replace(/#\d+/g, '#N'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
