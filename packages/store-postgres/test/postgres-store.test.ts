// What the PostgreSQL store guarantees beyond the shared conformance suite: its schema and
// migrations, exact JSON text, and above all that a reader tailing `readAll` never passes a
// position that a slower transaction still commits below. Real server only (POSTGRES_URL).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Pool, PoolClient } from 'pg';
import type { NewEvent, RecordedEvent } from '@renewal-ledger/core';
import {
  EventIdConflictError,
  ReadOnlyStoreError,
  StoreNotFoundError,
  WrongExpectedRevisionError,
  type EventStore,
} from '@renewal-ledger/eventstore';
import { getPostgresEventStore, SCHEMA_VERSION, type PostgresEventStore } from '@renewal-ledger/store-postgres';
import { adminPool, dropSchema, pgTest, requirePostgresUrl, TEST_SETTLE_TIMEOUT_MS, uniqueSchema } from '@renewal-ledger/testing/postgres';
import { paid } from './events.js';

const Store = suite('store-postgres');
const it = pgTest(Store);

let admin: Pool;
const opened: { store: EventStore; schema: string }[] = [];
const extraPools: Pool[] = [];
/** Gates of held transactions: opened by `after` so a failed test leaves nothing hanging. */
const gates: (() => void)[] = [];

Store.before(async () => {
  if (process.env.POSTGRES_URL) admin = adminPool();
});
Store.after(async () => {
  for (const open of gates) open();
  for (const o of opened) await o.store.close().catch(() => undefined);
  const schemas = new Set(opened.map((o) => o.schema));
  for (const p of extraPools) await p.end().catch(() => undefined);
  if (admin) {
    for (const s of schemas) await dropSchema(admin, s);
    await admin.end();
  }
});

const open = async (schema: string, extra: Partial<Parameters<typeof getPostgresEventStore>[0]> = {}): Promise<PostgresEventStore> => {
  const store = await getPostgresEventStore({
    connectionString: requirePostgresUrl(),
    schema,
    poolSize: 4,
    settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS,
    ...extra,
  });
  opened.push({ store, schema });
  return store;
};

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};

/** The store's common append: one statement that is a whole transaction (statements.ts, `guardedAppend`). */
const isOneStatementAppend = (text: unknown): boolean =>
  typeof text === 'object' && text !== null && String((text as { name?: unknown }).name).startsWith('rl_guarded_append');

/**
 * A real pool whose connections, once `arm()` is called, hold the next append's commit until
 * `release()` is called, while other connections go on: the way to hold an append whose commit
 * is slow. The store's full check ends an append with one message, `SELECT pg_advisory_unlock(...);
 * COMMIT`: held there, the unlock runs and the COMMIT waits. Its common append is one statement
 * that unlocks before its implicit commit: held there, the statement runs inside a BEGIN of the
 * test's own, and the COMMIT waits.
 */
const commitHoldingPool = (pool: Pool) => {
  extraPools.push(pool);
  let armed = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  gates.push(release);
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  const wrap = (client: PoolClient): PoolClient =>
    new Proxy(client, {
      get(target, prop) {
        if (prop === 'query')
          return async (text: unknown, params?: unknown) => {
            const query = target.query as (t: unknown, p?: unknown) => Promise<unknown>;
            if (armed && isOneStatementAppend(text)) {
              armed = false;
              await query.call(target, 'BEGIN');
              try {
                const result = await query.call(target, text, params);
                reached();
                await gate;
                await query.call(target, 'COMMIT');
                return result;
              } catch (e) {
                await query.call(target, 'ROLLBACK');
                throw e;
              }
            }
            const unlockThenCommit = armed && typeof text === 'string' ? /^(.*);\s*COMMIT$/s.exec(text) : null;
            if (unlockThenCommit) {
              armed = false;
              await query.call(target, unlockThenCommit[1]);
              reached();
              await gate;
              text = 'COMMIT';
            }
            return query.call(target, text, params);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const holding = {
    connect: async () => wrap(await pool.connect()),
    query: pool.query.bind(pool),
    on: pool.on.bind(pool),
  } as unknown as Pool;
  return { pool: holding, release, held, arm: () => void (armed = true) };
};

/** Waits until `statements` statements on `schema`'s events table are blocked on a lock. */
const waitUntilBlocked = async (schema: string, statements = 1): Promise<void> => {
  // A guard against a hang (a minute), not a speed check: the wait is for a state, polled.
  for (let i = 0; i < 6000; i++) {
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [`%INSERT INTO "${schema}".events%`],
    );
    if (Number(rows[0]!.n) >= statements) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${statements} appends ever blocked`);
};

/**
 * What a reader tailing readAll from `after` has got once `n` events have come. One read may end
 * early while any transaction older than an event is open on the server (the horizon is the whole
 * server's: another test file's too, for as long as the store's settle timeout); reading on from
 * the last event is what a tailing reader does.
 */
const tail = async (store: EventStore, n: number, after = 0n): Promise<RecordedEvent[]> => {
  const got: RecordedEvent[] = [];
  // A guard against a hang (600 short reads), not a speed check.
  for (let i = 0; i < 600 && got.length < n; i++)
    for await (const e of store.readAll({ after: got.at(-1)?.globalPosition ?? after })) got.push(e);
  return got;
};

it('opening creates the schema and records its migrations once, even when processes open it at the same time', async () => {
  const schema = uniqueSchema('migrate');
  // Four independent pools opening a fresh schema at once: the advisory lock lets one migrate.
  const stores = await Promise.all([1, 2, 3, 4].map(() => open(schema, { poolSize: 1 })));
  const { rows } = await admin.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
  assert.equal(
    rows.map((r) => r.version),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
  const columns = await admin.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'events' ORDER BY ordinal_position`,
    [schema],
  );
  assert.equal(Object.fromEntries(columns.rows.map((c) => [c.column_name, c.data_type])), {
    global_position: 'bigint',
    stream_id: 'text',
    stream_revision: 'bigint',
    event_id: 'text',
    type: 'text',
    schema_version: 'integer',
    data: 'json',
    metadata: 'json',
    recorded_at: 'timestamp with time zone',
    transaction_id: 'xid8',
  });
  // Every store works on the one table.
  await stores[0]!.appendToStream('cycle-a', [paid('a', 'cmd-a1', 100)], { expectedRevision: 'no-stream' });
  assert.is((await collect(stores[3]!.readStream('cycle-a'))).length, 1);
});

it('refuses to open a schema migrated by a newer version of the library', async () => {
  const schema = uniqueSchema('newer');
  await open(schema);
  await admin.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
  try {
    await open(schema);
    assert.unreachable('opened a schema newer than the library');
  } catch (e) {
    assert.instance(e, Error);
    assert.match((e as Error).message, /newer than this library knows/);
  }
});

it('keeps the exact JSON text it was given and records the writing transaction', async () => {
  const schema = uniqueSchema('json');
  const store = await open(schema);
  const event = paid('cycle-json', 'cmd-json', 4200);
  await store.appendToStream('cycle-json', [event], { expectedRevision: 'no-stream' });
  const { rows } = await admin.query<{ data: string; metadata: string; recorded_at: Date; has_xid: boolean }>(
    `SELECT data::text AS data, metadata::text AS metadata, recorded_at, transaction_id IS NOT NULL AS has_xid FROM "${schema}".events`,
  );
  // Keys stay in the order written (jsonb would sort them): what an audit hash over stored text needs.
  assert.is(rows[0]!.data, JSON.stringify(event.data));
  assert.is(rows[0]!.metadata, JSON.stringify(event.metadata));
  assert.is(rows[0]!.recorded_at.toISOString(), '2026-01-05T08:00:01.250Z');
  assert.ok(rows[0]!.has_xid);
});

it('a batch of events whose text holds the separator the insert splits on, quotes, backslashes and braces is stored exactly', async () => {
  // The insert sends the events' JSON texts as one text joined with U+001E (statements.ts): text
  // holding that character, or what an array literal would need escaped, must still come back as written.
  const schema = uniqueSchema('joined');
  const store = await open(schema);
  const disputed = (commandId: string, reason: string): NewEvent => {
    const base = paid('cycle-joined', commandId, 100);
    const { paymentId: _, channel: __, ...common } = base.data as Record<string, unknown>;
    return { ...base, type: 'Disputed', data: { ...common, disputeId: `dispute-${commandId}`, reason } };
  };
  const events = [
    disputed('cmd-j1', 'split\u001ehere, "quoted" {braced} back\\slash'),
    disputed('cmd-j2', '\u001e'),
    paid('cycle-joined', 'cmd-j3', 300),
  ];
  await store.appendBatch([
    { streamName: 'cycle-joined', events: events.slice(0, 2), expectedRevision: 'no-stream' },
    { streamName: 'cycle-joined-2', events: events.slice(2), expectedRevision: 'no-stream' },
  ]);
  const { rows } = await admin.query<{ data: string; metadata: string }>(
    `SELECT data::text AS data, metadata::text AS metadata FROM "${schema}".events ORDER BY global_position`,
  );
  assert.equal(
    rows.map((r) => r.data),
    events.map((e) => JSON.stringify(e.data)),
  );
  assert.equal(
    rows.map((r) => r.metadata),
    events.map((e) => JSON.stringify(e.metadata)),
  );
  assert.ok(rows[1]!.data.includes('"reason":"\\u001e"'), 'the separator is stored as JSON writes it, escaped');
  const read = await collect(store.readStream('cycle-joined'));
  assert.equal(
    read.map((e) => (e.data as { reason: string }).reason),
    ['split\u001ehere, "quoted" {braced} back\\slash', '\u001e'],
  );
});

it('late commit: a reader tailing readAll never passes an event whose transaction commits after a later one', async () => {
  const schema = uniqueSchema('late');
  const reader = await open(schema, { settleTimeoutMs: 150 });
  const writerB = await open(schema);
  // Something already read, so the tail has a checkpoint to move on from.
  await writerB.appendToStream('cycle-0', [paid('0', 'cmd-0', 1)], { expectedRevision: 'no-stream' });
  const first = await tail(reader, 1);
  assert.is(first.length, 1);
  let checkpoint = first[0]!.globalPosition;

  // A appends and stays open (its COMMIT is held back); B appends after it and commits.
  const holding = commitHoldingPool(adminPool());
  const writerA = await open(schema, { pool: holding.pool });
  holding.arm();
  const appendA = writerA.appendToStream('cycle-a', [paid('a', 'cmd-a', 100)], { expectedRevision: 'no-stream' });
  await holding.held;
  const b = await writerB.appendToStream('cycle-b', [paid('b', 'cmd-b', 200)], { expectedRevision: 'no-stream' });

  // The hazard is real: B is committed and visible, at a position above A's, which is not.
  const visible = await admin.query<{ stream_id: string; global_position: string }>(
    `SELECT stream_id, global_position FROM "${schema}".events WHERE global_position > $1 ORDER BY global_position`,
    [checkpoint.toString()],
  );
  assert.equal(
    visible.rows.map((r) => r.stream_id),
    ['cycle-b'],
  );
  assert.is(BigInt(visible.rows[0]!.global_position), b.lastGlobalPosition);
  assert.ok(b.lastGlobalPosition > checkpoint + 1n, 'A holds the position between the checkpoint and B');

  // The tailing reader must not hand out B (and so checkpoint past A) while A is open.
  const whileOpen = await collect(reader.readAll({ after: checkpoint }));
  assert.equal(
    whileOpen.map((e) => e.streamName),
    [],
  );

  holding.release();
  const a = await appendA;
  assert.ok(a.lastGlobalPosition < b.lastGlobalPosition);

  // Once A commits, both come, in position order.
  const afterCommit = await tail(reader, 2, checkpoint);
  assert.equal(
    afterCommit.map((e) => [e.streamName, e.globalPosition]),
    [
      ['cycle-a', a.lastGlobalPosition],
      ['cycle-b', b.lastGlobalPosition],
    ],
  );
  checkpoint = afterCommit[afterCommit.length - 1]!.globalPosition;
  assert.equal(await collect(reader.readAll({ after: checkpoint })), []);
});

it('late commit: a transaction that has its id before it inserts is never passed either', async () => {
  // Transaction T1 gets its transaction id at its first row and draws positions row by row; were
  // another append T2 allowed a position between T1's rows, T2 could commit a position below
  // T1's last while T1 (the lower transaction id) is open, or T1 commit rows above an open T2: a
  // reader would read past the open one, checkpoint, and never see it. The append lock, taken
  // before T1's first row and released after its last, makes T2 wait. Here T1's first row waits
  // on a row of the test's own (same event id, not committed) after T1 has its id and position.
  const schema = uniqueSchema('order');
  const reader = await open(schema, { settleTimeoutMs: 150 });
  const writer1 = await open(schema);
  const writer2 = await open(schema);
  await writer2.appendToStream('cycle-w', [paid('w', 'cmd-w', 1)], { expectedRevision: 'no-stream' });
  const blocker = await admin.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO "${schema}".events (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
       VALUES ('cycle-elsewhere', 0, 'cmd-x#0', 'Paid', 1, '{}', '{}', now())`,
    );
    const batch = writer1.appendBatch([
      { streamName: 'cycle-x', events: [paid('x', 'cmd-x', 1)], expectedRevision: 'no-stream' },
      { streamName: 'cycle-y', events: [paid('y', 'cmd-y', 2)], expectedRevision: 'no-stream' },
    ]);
    await waitUntilBlocked(schema);
    const single = writer2.appendToStream('cycle-z', [paid('z', 'cmd-z', 3)], { expectedRevision: 'no-stream' });
    // T2 blocked too: on the append lock T1 holds (were it free, T2 would have inserted instead).
    await waitUntilBlocked(schema, 2);
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events WHERE stream_id = 'cycle-z'`);
    assert.is(rows[0]!.n, '0', 'T2 waits for T1');
    await blocker.query('ROLLBACK');
    const [x, z] = await Promise.all([batch, single]);
    assert.ok(x[1]!.lastGlobalPosition < z.lastGlobalPosition, 'T2 after every row of T1');
  } finally {
    blocker.release();
  }
  const seen = await tail(reader, 4);
  assert.equal(
    seen.map((e) => e.streamName),
    ['cycle-w', 'cycle-x', 'cycle-y', 'cycle-z'],
  );
});

it('an append that loses the race on the unique constraint gets WrongExpectedRevisionError naming the winner', async () => {
  const schema = uniqueSchema('race');
  const holding = commitHoldingPool(adminPool());
  const first = await open(schema, { pool: holding.pool });
  const second = await open(schema);
  holding.arm();
  const winner = first.appendToStream('cycle-r', [paid('r', 'cmd-r1', 100)], { expectedRevision: 'no-stream' });
  await holding.held;
  // The second append checked 'no-stream' (the first is not committed) and is now blocked on
  // the first one's row in the unique index.
  const loser = second.appendToStream('cycle-r', [paid('r', 'cmd-r2', 100)], { expectedRevision: 'no-stream' }).then(
    () => null,
    (e: unknown) => e,
  );
  await waitUntilBlocked(schema);
  holding.release();
  await winner;
  const error = await loser;
  assert.instance(error, WrongExpectedRevisionError);
  assert.is((error as WrongExpectedRevisionError).expected, 'no-stream');
  assert.is((error as WrongExpectedRevisionError).actual, 0n);
  assert.equal(
    (await collect(second.readStream('cycle-r'))).map((e) => e.eventId),
    ['cmd-r1#0'],
  );
});

it('the same append retried while the first attempt is still committing is answered already-stored', async () => {
  const schema = uniqueSchema('retry');
  const holding = commitHoldingPool(adminPool());
  const first = await open(schema, { pool: holding.pool });
  const second = await open(schema);
  holding.arm();
  const events = [paid('t', 'cmd-t', 100, 0), paid('t', 'cmd-t', 50, 1)];
  const original = first.appendToStream('cycle-t', events, { expectedRevision: 'no-stream' });
  await holding.held;
  const retry = second.appendToStream('cycle-t', events, { expectedRevision: 'no-stream' });
  await waitUntilBlocked(schema);
  holding.release();
  const [o, r] = await Promise.all([original, retry]);
  assert.is(o.outcome, 'appended');
  assert.is(r.outcome, 'already-stored');
  assert.is(r.nextExpectedRevision, 1n);
  assert.is(r.lastGlobalPosition, o.lastGlobalPosition);
  assert.is((await collect(second.readStream('cycle-t'))).length, 2);
});

it('an event id already stored in another stream is refused, and nothing of the append is written', async () => {
  const schema = uniqueSchema('ids');
  const store = await open(schema);
  await store.appendToStream('cycle-x', [paid('x', 'cmd-shared', 100)], { expectedRevision: 'no-stream' });
  try {
    await store.appendToStream('cycle-y', [paid('y', 'cmd-y', 1), paid('y', 'cmd-shared', 100)], { expectedRevision: 'no-stream' });
    assert.unreachable('stored an event id twice');
  } catch (e) {
    assert.instance(e, EventIdConflictError);
    assert.is((e as EventIdConflictError).storedIn, 'cycle-x');
  }
  assert.equal(await collect(store.readStream('cycle-y')), []);
});

it('readAll pages by batchSize, stops at limit and reads strictly after `after`', async () => {
  const schema = uniqueSchema('paging');
  const store = await open(schema);
  const events = Array.from({ length: 7 }, (_, i) => paid('p', `cmd-p${i}`, 10 + i));
  for (const [i, e] of events.entries()) await store.appendToStream(`cycle-p${i % 3}`, [e], { expectedRevision: 'any' });
  const all = await collect(store.readAll({ batchSize: 2 }));
  assert.equal(
    all.map((e) => e.eventId),
    events.map((e) => e.eventId),
  );
  assert.ok(all.every((e, i) => i === 0 || e.globalPosition > all[i - 1]!.globalPosition));
  const page = await collect(store.readAll({ after: all[2]!.globalPosition, limit: 3, batchSize: 2 }));
  assert.equal(
    page.map((e) => e.eventId),
    events.slice(3, 6).map((e) => e.eventId),
  );
  assert.is(await store.headPosition(), all[6]!.globalPosition);
});

it('a `schema` parameter in the connection string chooses the schema', async () => {
  const schema = uniqueSchema('url');
  const url = new URL(requirePostgresUrl());
  url.searchParams.set('schema', schema);
  const store = await getPostgresEventStore({ connectionString: url.toString() });
  opened.push({ store, schema });
  assert.is(store.schema, schema);
  await store.appendToStream('cycle-u', [paid('u', 'cmd-u', 1)], { expectedRevision: 'no-stream' });
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`);
  assert.is(rows[0]!.n, '1');
});

it('the URL may set the settle timeout (settle_timeout_ms): a read waits that long for an open append, not 2 s', async () => {
  const schema = uniqueSchema('settle');
  const url = new URL(requirePostgresUrl());
  url.searchParams.set('schema', schema);
  url.searchParams.set('settle_timeout_ms', 'soon');
  await getPostgresEventStore({ connectionString: url.toString() }).then(
    () => assert.unreachable('a settle timeout that is no number was taken'),
    (e: unknown) => {
      assert.instance(e, TypeError);
      assert.match((e as Error).message, 'settle_timeout_ms=soon in the PostgreSQL URL: a whole number of milliseconds');
    },
  );
  url.searchParams.set('settle_timeout_ms', '600000');
  const reader = await getPostgresEventStore({ connectionString: url.toString() });
  opened.push({ store: reader, schema });
  const holding = commitHoldingPool(adminPool());
  const writer = await open(schema, { pool: holding.pool });
  holding.arm();
  const append = writer.appendToStream('cycle-s', [paid('s', 'cmd-s', 1)], { expectedRevision: 'no-stream' });
  await holding.held;
  // A later append commits: the read meets it above the open one and waits; past the default
  // 2 s it has not ended early.
  await (await open(schema)).appendToStream('cycle-t', [paid('t', 'cmd-t', 1)], { expectedRevision: 'no-stream' });
  const reading = collect(reader.readAll());
  await new Promise((r) => setTimeout(r, 2500));
  holding.release();
  await append;
  assert.equal(
    (await reading).map((e) => e.streamName),
    ['cycle-s', 'cycle-t'],
  );
});

it('close() ends the pool the store made but leaves a pool it was given open', async () => {
  const schema = uniqueSchema('close');
  const given = adminPool();
  const store = await getPostgresEventStore({ pool: given, schema });
  opened.push({ store, schema });
  await store.close();
  const { rows } = await given.query<{ one: number }>('SELECT 1 AS one');
  assert.is(rows[0]!.one, 1);
  await given.end();
  const own = await open(schema);
  await own.close();
  try {
    await own.headPosition();
    assert.unreachable('a closed store answered');
  } catch (e) {
    assert.match((e as Error).message, /closed/);
  }
});

it('create: false and readOnly open an existing schema only, create nothing, and a read-only session cannot write', async () => {
  const schema = uniqueSchema('readonly');
  const schemaExists = async () => (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  for (const options of [{ create: false }, { readOnly: true }]) {
    try {
      await open(schema, options);
      assert.unreachable('opened a store that does not exist');
    } catch (e) {
      assert.instance(e, StoreNotFoundError);
      assert.match((e as Error).message, `no event store in schema ${schema} of PostgreSQL database`);
    }
    assert.not.ok(await schemaExists(), 'no schema was created');
  }
  try {
    await getPostgresEventStore({
      connectionString: requirePostgresUrl().replace(/\/[^/?]*(\?|$)/, '/no_such_database_here$1'),
      schema,
      create: false,
    });
    assert.unreachable('opened a database that does not exist');
  } catch (e) {
    assert.instance(e, StoreNotFoundError);
    assert.match((e as Error).message, 'no_such_database_here');
  }

  const writer = await open(schema);
  await writer.appendToStream('renewal-cycle-ro/1', [paid('ro/1', 'ro-1', 500)], { expectedRevision: 'no-stream' });
  const reader = await open(schema, { readOnly: true });
  assert.is((await collect(reader.readAll())).length, 1);
  try {
    await reader.appendToStream('renewal-cycle-ro/2', [paid('ro/2', 'ro-2', 500)], { expectedRevision: 'no-stream' });
    assert.unreachable('a read-only store appended');
  } catch (e) {
    assert.instance(e, ReadOnlyStoreError);
  }
});

Store.run();
