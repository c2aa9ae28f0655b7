// What the SQLite store guarantees beyond the conformance suite: its schema, migrations on open
// (also when several processes open a new file at once), plain JSON text that SQL can query,
// and the mapping of a unique-key clash to WrongExpectedRevisionError. Real files in a temp dir.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeStoredEvent, eventIdFor, type EventMetadata, type NewEvent } from '@renewal-ledger/core';
import { EventIdConflictError } from '@renewal-ledger/eventstore';
import { getSQLiteEventStore, LATEST_SCHEMA_VERSION, MIGRATIONS, sqlitePathFromUrl } from '@renewal-ledger/store-sqlite';

const root = mkdtempSync(join(tmpdir(), 'renewal-sqlite-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `t-${++n}.db`);

const paid = (commandId: string, amountMinor = 500, schemaVersion = 1, data: Record<string, unknown> = {}): NewEvent => ({
  eventId: eventIdFor(commandId, 0),
  type: 'Paid',
  schemaVersion,
  data: {
    cycleId: 'unit-1/2026-01',
    commandId,
    actor: 'cashier',
    at: '2026-01-10T08:00:00Z',
    paymentId: `p-${commandId}`,
    amountMinor,
    channel: 'cash',
    ...data,
  },
  metadata: { commandId, actor: 'cashier', recordedAt: '2026-01-10T08:00:01.5Z', correlationId: commandId } as EventMetadata,
});

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const inspect = <A>(path: string, read: (db: Database.Database) => A): A => {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
};

test('opening creates the events table with its keys, in WAL mode', async () => {
  const path = freshPath();
  const store = getSQLiteEventStore({ path });
  const { columns, indexes, mode, migrations } = inspect(path, (db) => ({
    columns: (
      db.prepare("SELECT name, type, pk FROM pragma_table_info('events')").all() as { name: string; type: string; pk: number }[]
    ).map((c) => `${c.name}:${c.type}${c.pk ? ':pk' : ''}`),
    indexes: (db.prepare('SELECT name FROM pragma_index_list(\'events\') WHERE "unique" = 1').all() as { name: string }[]).map((i) =>
      (db.prepare(`SELECT name FROM pragma_index_info('${i.name}')`).all() as { name: string }[]).map((c) => c.name).join(','),
    ),
    mode: db.pragma('journal_mode', { simple: true }),
    migrations: db.prepare('SELECT version, name FROM schema_migrations').all(),
  }));
  assert.equal(columns, [
    'global_position:INTEGER:pk',
    'stream_id:TEXT',
    'stream_revision:INTEGER',
    'event_id:TEXT',
    'type:TEXT',
    'schema_version:INTEGER',
    'data:TEXT',
    'metadata:TEXT',
    'recorded_at:TEXT',
  ]);
  assert.equal(indexes.sort(), ['event_id', 'stream_id,stream_revision']);
  assert.is(mode, 'wal');
  assert.equal(migrations, [
    { version: 1, name: 'events table' },
    { version: 2, name: 'events without AUTOINCREMENT, append-only' },
  ]);
  assert.is(LATEST_SCHEMA_VERSION, 2);
  await store.close();
});

/**
 * A store file exactly as the library wrote it before migration 2 (schema version 1: the events
 * table with AUTOINCREMENT), holding `events` appended one per transaction as that version did.
 */
const versionOneFile = (path: string, events: readonly NewEvent[]): void => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  db.exec(MIGRATIONS[0]!.sql);
  db.prepare("INSERT INTO schema_migrations VALUES (1, 'events table', '2026-11-01T00:00:00Z')").run();
  const insert = db.prepare(
    'INSERT INTO events (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const [i, e] of events.entries())
    insert.run('s', i, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.metadata.recordedAt);
  db.close();
};

test('a store made by schema version 1 opens, keeps every event and position, and goes on after the last', async () => {
  const path = freshPath();
  versionOneFile(path, [paid('a', 100), paid('b', 200), paid('c', 300)]);
  // A reader reads it as it is (version 2 changed only how rows are written), and migrates nothing.
  const reader = getSQLiteEventStore({ path, readOnly: true });
  assert.equal(
    (await collect(reader.readAll())).map((e) => e.eventId),
    ['a#0', 'b#0', 'c#0'],
  );
  await reader.close();
  assert.is(
    inspect(path, (db) => (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v),
    1,
  );
  const store = getSQLiteEventStore({ path });
  assert.equal(
    (await collect(store.readAll())).map((e) => [
      e.eventId,
      e.globalPosition,
      e.streamRevision,
      (e.data as { amountMinor: number }).amountMinor,
    ]),
    [
      ['a#0', 1n, 0n, 100],
      ['b#0', 2n, 1n, 200],
      ['c#0', 3n, 2n, 300],
    ],
  );
  assert.is((await store.appendToStream('s', [paid('d', 400)], { expectedRevision: 2n })).lastGlobalPosition, 4n);
  const e = await store.appendToStream('t', [paid('b', 200)], { expectedRevision: 'no-stream' }).catch((x: unknown) => x);
  assert.instance(e, EventIdConflictError, 'event ids stay unique');
  await store.close();
  const { sql, sequence, migrations, free } = inspect(path, (db) => ({
    free: db.pragma('freelist_count', { simple: true }),
    sql: (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql,
    // VACUUM drops sqlite_sequence once no table uses AUTOINCREMENT.
    sequence: db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()
      ? db.prepare("SELECT * FROM sqlite_sequence WHERE name = 'events'").all()
      : [],
    migrations: (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((m) => m.version),
  }));
  assert.not.match(sql, /AUTOINCREMENT/);
  assert.equal(sequence, []);
  assert.equal(migrations, [1, 2]);
  assert.is(free, 0, "the old table's pages were given back");
});

test('a version 1 store whose newest event was deleted by hand is refused, not migrated: its position would come back', async () => {
  const path = freshPath();
  versionOneFile(path, [paid('a', 100), paid('b', 200), paid('c', 300)]);
  const db = new Database(path);
  db.prepare('DELETE FROM events WHERE global_position = 3').run();
  db.close();
  assert.throws(() => getSQLiteEventStore({ path }), /newest events were deleted outside the library/);
  const { version, positions } = inspect(path, (d) => ({
    version: (d.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v,
    positions: (d.prepare('SELECT global_position AS p FROM events ORDER BY 1').all() as { p: number }[]).map((r) => r.p),
  }));
  assert.is(version, 1, 'nothing migrated');
  assert.equal(positions, [1, 2]);
});

test('no event is ever deleted, so no position is ever used twice', async () => {
  const path = freshPath();
  const store = getSQLiteEventStore({ path });
  await store.appendToStream('s', [paid('a'), paid('b')], { expectedRevision: 'no-stream' });
  await store.close();
  const db = new Database(path);
  assert.throws(() => db.prepare('DELETE FROM events WHERE global_position = 2').run(), /append-only/);
  db.close();
  const again = getSQLiteEventStore({ path });
  assert.is((await again.appendToStream('s', [paid('c')], { expectedRevision: 1n })).lastGlobalPosition, 3n);
  await again.close();
});

test('events are plain JSON text that SQL can query; revisions from 0, positions from 1', async () => {
  const path = freshPath();
  const store = getSQLiteEventStore({ path });
  await store.appendToStream('renewal-cycle-unit-1/2026-01', [paid('a', 500), paid('b', 700)], { expectedRevision: 'no-stream' });
  await store.close();
  const rows = inspect(path, (db) =>
    db
      .prepare(
        "SELECT global_position, stream_revision, json_extract(data, '$.amountMinor') AS amount, json_extract(metadata, '$.commandId') AS cmd, recorded_at FROM events ORDER BY global_position",
      )
      .all(),
  );
  assert.equal(rows, [
    { global_position: 1, stream_revision: 0, amount: 500, cmd: 'a', recorded_at: '2026-01-10T08:00:01.5Z' },
    { global_position: 2, stream_revision: 1, amount: 700, cmd: 'b', recorded_at: '2026-01-10T08:00:01.5Z' },
  ]);
});

test('reopening keeps the events and does not migrate again', async () => {
  const path = freshPath();
  const first = getSQLiteEventStore({ path });
  await first.appendToStream('s', [paid('a')], { expectedRevision: 'no-stream' });
  await first.close();
  const second = getSQLiteEventStore({ url: `sqlite:${path}` });
  assert.equal(
    (await collect(second.readStream('s'))).map((e) => e.eventId),
    ['a#0'],
  );
  await second.close();
  assert.is(
    inspect(path, (db) => (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n),
    LATEST_SCHEMA_VERSION,
  );
});

test('a database from a newer version of the library is refused, not written to', async () => {
  const path = freshPath();
  await getSQLiteEventStore({ path }).close();
  const db = new Database(path);
  db.prepare("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00Z')").run();
  db.close();
  assert.throws(() => getSQLiteEventStore({ path }), /schema version 99.*upgrade the library/);
});

test('several processes opening a new file at once all succeed and migrate it once', async () => {
  const path = freshPath();
  const module = new URL('../src/index.ts', import.meta.url).href;
  const script = `
    const { getSQLiteEventStore } = await import(${JSON.stringify(module)});
    const store = getSQLiteEventStore({ path: ${JSON.stringify(path)} });
    await store.appendToStream('s-' + process.pid, [], { expectedRevision: 'any' });
    await store.close();
    console.log('opened');
  `;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${out}`))));
    });
  assert.equal(await Promise.all([run(), run(), run(), run()]), ['opened', 'opened', 'opened', 'opened']);
  assert.is(
    inspect(path, (db) => (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n),
    LATEST_SCHEMA_VERSION,
  );
});

test('an event id already stored in another stream is refused as a reused command id, writing nothing', async () => {
  const store = getSQLiteEventStore({ path: freshPath() });
  await store.appendToStream('s-1', [paid('same-command')], { expectedRevision: 'no-stream' });
  const e = await store
    .appendToStream('s-2', [paid('other'), paid('same-command')], { expectedRevision: 'no-stream' })
    .catch((x: unknown) => x);
  assert.instance(e, EventIdConflictError);
  assert.is((e as EventIdConflictError).storedIn, 's-1');
  assert.equal(await collect(store.readStream('s-2')), [], 'the first event of the refused append was rolled back');
  assert.is(await store.headPosition(), 1n);
  await store.close();
});

test('the decode option upcasts what SQLite returns', async () => {
  const path = freshPath();
  const store = getSQLiteEventStore({
    path,
    decode: (stored) => decodeStoredEvent(stored, { Paid: { 0: ({ amount, ...rest }) => ({ ...rest, amountMinor: Number(amount) }) } }),
  });
  const old = paid('old', 1, 0);
  const { amountMinor: _drop, ...v0 } = old.data as Record<string, unknown>;
  await store.appendToStream('s', [{ ...old, data: { ...v0, amount: '4200' } }], { expectedRevision: 'no-stream' });
  const [e] = await collect(store.readStream('s'));
  assert.is((e!.data as { amountMinor: number }).amountMinor, 4200);
  await store.close();
});

test('sqlite: URLs name files', () => {
  assert.is(sqlitePathFromUrl('sqlite:./renewal.db'), './renewal.db');
  assert.is(sqlitePathFromUrl('sqlite:/var/lib/renewal.db'), '/var/lib/renewal.db');
  assert.is(sqlitePathFromUrl('sqlite:///var/lib/renewal.db'), '/var/lib/renewal.db');
  assert.is(sqlitePathFromUrl('sqlite::memory:'), ':memory:');
  assert.throws(() => sqlitePathFromUrl('sqlite:'), /sqlite:\.\/renewal\.db/);
  assert.throws(() => sqlitePathFromUrl('postgres://x'), /not a SQLite URL/);
  assert.throws(() => getSQLiteEventStore({}), /needs a path or a url/);
});

test('a closed store refuses to work', async () => {
  const store = getSQLiteEventStore({ path: freshPath() });
  await store.close();
  await store.close();
  const e = await store.headPosition().catch((x: unknown) => x);
  assert.match(String(e), /closed/);
});

test.run();
