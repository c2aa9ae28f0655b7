// The view database: the same statements, transactions and values on SQLite and PostgreSQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import pg from 'pg';
import { asBigInt, asNumber, getPostgresViewDatabase, getSQLiteViewDatabase, type ViewDatabase } from '../src/index.js';
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

test.run();
