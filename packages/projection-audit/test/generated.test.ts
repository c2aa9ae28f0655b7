// On a generated portfolio, on SQLite and PostgreSQL: the chain built incrementally equals the
// rebuilt one hash for hash and verifies; an event edited in the store's own table afterwards is
// named by its position; a seal catches the same edit once the audit view is rebuilt over it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { auditProjection, readAuditHead, sealAuditChain, verifyAuditChain } from '../src/index.js';
import { dumpTable, openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { buildIncrementally } from '@renewal-ledger/testing/generated';
import { pgTest } from '@renewal-ledger/testing/postgres';

const test = suite('audit chain on a generated portfolio');

const scenario = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  try {
    await buildIncrementally(env.store, env.views, [auditProjection]);
    const incremental = await dumpTable(env.views, 'audit_entries', 'position');
    const runner = getProjectionRunner({ store: env.store, database: env.views, projections: [auditProjection], batchSize: 500 });
    const [rebuilt] = await runner.rebuild();
    assert.is(rebuilt!.status, 'caught-up');
    assert.equal(await dumpTable(env.views, 'audit_entries', 'position'), incremental);
    const head = (await readAuditHead(env.views))!;
    assert.is(head.position, await env.store.headPosition());

    const { verification, seal } = await sealAuditChain(env.views, env.store);
    assert.ok(verification.ok, JSON.stringify(verification.problem));
    assert.is(verification.entries, head.entries);
    assert.is(seal!.hash, head.hash);

    // Tamper with one payment in the event store's own table, as someone with database access would.
    const sql = await env.openEventStoreSql();
    const [target] = await sql.query(
      `SELECT global_position, data FROM events WHERE type = 'Paid' ORDER BY global_position LIMIT 1 OFFSET 500`,
    );
    const position = BigInt(target!.global_position as number | string);
    const data =
      typeof target!.data === 'string' ? (JSON.parse(target!.data) as Record<string, unknown>) : (target!.data as Record<string, unknown>);
    const edited = JSON.stringify({ ...data, amountMinor: (data.amountMinor as number) - 100 });
    await sql.execute(`UPDATE events SET data = ${kind === 'postgres' ? 'CAST(? AS json)' : '?'} WHERE global_position = ?`, [
      edited,
      position,
    ]);

    const caught = await verifyAuditChain(env.views, env.store);
    assert.not.ok(caught.ok);
    assert.is(caught.problem!.kind, 'event-altered');
    assert.is(caught.problem!.position, position);
    assert.match(caught.problem!.reason, 'data');

    // Rebuilt over the edit, the chain is consistent again; only the seal still knows.
    await runner.rebuild();
    assert.ok((await verifyAuditChain(env.views, env.store)).ok);
    const sealed = await verifyAuditChain(env.views, env.store, { seals: [seal!] });
    assert.is(sealed.problem!.kind, 'seal-mismatch');
    assert.is(sealed.problem!.position, BigInt(seal!.position));
  } finally {
    await env.close();
  }
};

test('SQLite: rebuild equals incremental; an edited stored event is named; seals catch a rebuilt chain', scenario('sqlite'));
pgTest(test)('PostgreSQL: rebuild equals incremental; an edited stored event is named; seals catch a rebuilt chain', scenario('postgres'));

test.run();
