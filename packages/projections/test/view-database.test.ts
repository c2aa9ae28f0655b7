// The view database: the same statements, transactions and values on SQLite and PostgreSQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import pg from 'pg';
import { asBigInt, asNumber, bufferInserts, getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '../src/index.js';
import { toNumberedPlaceholders } from '../src/sql.js';
import { dropSchemas, pgTest, requirePostgresUrl, uniqueSchema } from '@renewal-ledger/testing/postgres';

const test = suite('view database');

test('? placeholders become $n for PostgreSQL, except inside quotes', () => {
  assert.is(
    toNumberedPlaceholders(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ?`),
    `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2`,
  );
});

const behaves = async (db: ViewDatabase) => {
  await db.execute('CREATE TABLE things (id TEXT PRIMARY KEY, amount BIGINT NOT NULL, position BIGINT)');
  await db.transaction(async (tx) => {
    await tx.execute('INSERT INTO things (id, amount, position) VALUES (?, ?, ?)', ['a', 9007199254740991, 12345678901234n]);
    await tx.execute(`INSERT INTO things (id, amount, position) VALUES ('b?', ?, NULL)`, [-5]);
  });
  try {
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO things (id, amount) VALUES (?, ?)', ['c', 1]);
      throw new Error('changed my mind');
    });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'changed my mind');
  }
  const rows = await db.query('SELECT * FROM things ORDER BY id');
  assert.equal(
    rows.map((r) => [r.id, asNumber(r.amount), r.position === null ? null : asBigInt(r.position)]),
    [
      ['a', 9007199254740991, 12345678901234n],
      ['b?', -5, null],
    ],
  );
  const sums = await db.query('SELECT SUM(amount) AS total, COUNT(*) AS n FROM things');
  assert.is(asNumber(sums[0]!.total), 9007199254740986);
  assert.is(asNumber(sums[0]!.n), 2);
  assert.is(await db.execute('UPDATE things SET amount = amount + 1'), 2);
  // A transaction's executor is dead once it ended.
  let leaked: { execute: (s: string) => Promise<number> } | null = null;
  await db.transaction(async (tx) => {
    leaked = tx;
  });
  try {
    await leaked!.execute('DELETE FROM things');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, 'ended');
  }
};

test('SQLite: statements, values and transactions', async () => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  await behaves(db);
  await db.close();
});

pgTest(test)('PostgreSQL: statements, values and transactions, in a schema of its own', async () => {
  const schema = uniqueSchema('vdb');
  const db = await getPostgresViewDatabase({ connectionString: requirePostgresUrl(), schema });
  try {
    await behaves(db);
    const where = await db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'things'`);
    assert.equal(
      where.map((r) => r.table_schema),
      [schema],
    );
  } finally {
    await db.close();
    await dropSchemas(schema);
  }
});

// The view database describes the drivers' objects structurally (the drivers are optional peers):
// a better-sqlite3 Database and a pg Pool must still fit, and stay the caller's to close.
test('SQLite: a better-sqlite3 connection the caller owns stays open after close()', async () => {
  const connection = new Database(':memory:');
  const db = getSQLiteViewDatabase({ database: connection });
  await behaves(db);
  await db.close();
  assert.ok(connection.open, 'still open');
  assert.equal(connection.prepare('SELECT count(*) AS n FROM things').get(), { n: 2 });
  connection.close();
});

pgTest(test)('PostgreSQL: a pg pool the caller owns stays open after close()', async () => {
  const schema = uniqueSchema('vdbpool');
  const pool = new pg.Pool({ connectionString: requirePostgresUrl(), max: 2 });
  try {
    const db = await getPostgresViewDatabase({ pool, schema });
    await behaves(db);
    await db.close();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".things`);
    assert.equal(rows, [{ n: 2 }]);
  } finally {
    await pool.end();
    await dropSchemas(schema);
  }
});

// Queued inserts: a query in the same transaction sees every row queued before it, rows keep
// the order they were queued in (450 rows: three statements of at most 200), and a rollback
// takes the queued-and-flushed rows with it.
test('SQLite: queued inserts are written before any query, in order, and roll back with the transaction', async () => {
  const db = getSQLiteViewDatabase({ path: ':memory:' });
  try {
    await db.execute('CREATE TABLE receipts (n BIGINT NOT NULL UNIQUE, cycle TEXT NOT NULL)');
    await db.execute('CREATE TABLE lines (receipt BIGINT NOT NULL, line BIGINT NOT NULL)');
    const columns = ['n', 'cycle'];
    await db.transaction(async (tx) => {
      const w = bufferInserts(tx);
      for (let n = 1; n <= 450; n++) w.insert('receipts', columns, [n, `c${n % 7}`]);
      w.insert('lines', ['receipt', 'line'], [450, 1]);
      const seen = await w.query('SELECT COUNT(*) AS n, MAX(n) AS last FROM receipts WHERE cycle = ?', ['c2']);
      // n % 7 = 2 for 2, 9, ..., 450 (= 7 x 64 + 2): 64 + 1 = 65 rows, the last queued among them.
      assert.equal([asNumber(seen[0]!.n), asNumber(seen[0]!.last)], [65, 450]);
      w.insert('receipts', columns, [451, 'c3']);
      assert.throws(() => w.insert('receipts', ['cycle', 'n'], ['c4', 452]), /two column lists/);
      await w.flush();
    });
    const order = await db.query('SELECT n FROM receipts ORDER BY rowid');
    assert.equal(
      order.map((r) => asNumber(r.n)),
      Array.from({ length: 451 }, (_, i) => i + 1),
    );
    assert.equal(await db.query('SELECT receipt, line FROM lines'), [{ receipt: 450, line: 1 }]);
    try {
      await db.transaction(async (tx) => {
        const w = bufferInserts(tx);
        w.insert('receipts', columns, [1000, 'c0']);
        await w.execute('UPDATE lines SET line = 2');
        throw new Error('changed my mind');
      });
      assert.unreachable();
    } catch (e) {
      assert.is((e as Error).message, 'changed my mind');
    }
    assert.is(asNumber((await db.query('SELECT COUNT(*) AS n FROM receipts'))[0]!.n), 451);
    assert.equal(await db.query('SELECT receipt, line FROM lines'), [{ receipt: 450, line: 1 }]);
  } finally {
    await db.close();
  }
});

test.run();
