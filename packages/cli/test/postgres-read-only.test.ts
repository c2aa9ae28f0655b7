// Readers on PostgreSQL as a role that may only read (USAGE and SELECT on the store's schema and
// on `<schema>_views`), on the real server: they never fail with "permission denied" for views
// they cannot write. Views that reach the store's head are read as they are; views behind it are
// worked out in memory for the run, with a note; `audit verify` verifies the trail as it is built
// and says how far it reaches. Nothing is written, and what they report is what a user who can
// write the views sees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';
import { withPostgresStore } from './support/postgres.js';

const it = pgTest(test);
const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

it('a read-only role: arrears, receipts, behaviour and audit verify answer from views it cannot write, never "permission denied"', async () => {
  const w = workspace();
  await withPostgresStore('ro', async (storeUrl, schema, url) => {
    const role = `${schema}_reader`;
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    try {
      w.writeLines('day.jsonl', [bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'), pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z')]);
      assert.is(w.renewal(['apply', 'day.jsonl', '--store', storeUrl]).status, 0);
      assert.is(w.renewal(['projections', 'rebuild', '--store', storeUrl]).status, 0);
      await admin.query(`CREATE ROLE "${role}" LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}", "${schema}_views" TO "${role}"`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}", "${schema}_views" TO "${role}"`);
      const asReader = new URL(storeUrl);
      asReader.username = role;
      asReader.password = '';
      const reader = asReader.toString();
      const checkpoints = async () =>
        (
          await admin.query(
            `SELECT projection, position::text, updated_at FROM "${schema}_views".renewal_projection_checkpoints ORDER BY projection`,
          )
        ).rows;
      const before = await checkpoints();

      // 1. The views reach the store's head: read as they are, no note. 315.20 - 100.00 = 215.20
      // outstanding, 17 days past due on 1 February.
      const arrears = w.renewal(['arrears', '--as-of', '2026-02-01', '--format', 'json', '--store', reader]);
      assert.is(arrears.status, 0, arrears.stderr);
      assert.is(arrears.json().currencies[0].buckets['1-30'], '21520');
      assert.not.match(arrears.stderr, 'cannot be written');
      const receipts = w.renewal(['receipts', '--cycle', CYCLE, '--format', 'json', '--store', reader]);
      assert.is(receipts.status, 0, receipts.stderr);
      assert.equal(
        receipts.json().documents.map((d: any) => d.paymentId),
        ['pay-1'],
      );
      const verified = w.renewal(['audit', 'verify', '--format', 'json', '--store', reader]);
      assert.is(verified.status, 0, verified.stderr);
      assert.equal([verified.json().entries, verified.json().storeHead], [2, '2']);
      assert.not.match(verified.stderr, 'cannot be brought up to date');

      // 2. A payment the reader's views do not hold yet.
      w.writeLines('later.jsonl', [pay(CYCLE, 'pay-2', 5000, '2026-01-25T10:30:00Z')]);
      assert.is(w.renewal(['apply', 'later.jsonl', '--store', storeUrl]).status, 0);
      // Figures are worked out in memory for the run: 215.20 - 50.00 = 165.20.
      const behind = w.renewal(['arrears', '--as-of', '2026-02-01', '--format', 'json', '--store', reader]);
      assert.is(behind.status, 0, behind.stderr);
      assert.is(behind.json().currencies[0].buckets['1-30'], '16520');
      assert.match(
        behind.stderr,
        `note: the views at PostgreSQL schema ${schema}_views cannot be written by this user and are behind the store (arrears at 2; the store is at 3): they were computed in memory for this run`,
      );
      const laterReceipts = w.renewal(['receipts', '--cycle', CYCLE, '--format', 'json', '--store', reader]);
      assert.is(laterReceipts.status, 0, laterReceipts.stderr);
      assert.equal(
        laterReceipts.json().documents.map((d: any) => d.paymentId),
        ['pay-1', 'pay-2'],
      );
      const behaviour = w.renewal(['behaviour', '--as-of', '2026-02-01', '--format', 'json', '--store', reader]);
      assert.is(behaviour.status, 0, behaviour.stderr);
      assert.equal(
        behaviour.json().collectionRates.map((r: any) => r.collectedMinor),
        ['15000'],
      );
      // The audit trail cannot be brought up to date here: what is built is verified, and the
      // answer says how far it reaches (2 entries; the store is at 3).
      const audit = w.renewal(['audit', 'verify', '--format', 'json', '--store', reader]);
      assert.is(audit.status, 0, audit.stderr);
      assert.equal([audit.json().ok, audit.json().entries, audit.json().head.position, audit.json().storeHead], [true, 2, '2', '3']);
      assert.match(
        audit.stderr,
        `note: the audit trail at PostgreSQL schema ${schema}_views cannot be brought up to date by this user: the chain is verified as it is built, up to position 2; the store is at 3`,
      );
      const table = w.renewal(['audit', 'verify', '--store', reader]);
      assert.match(table.stdout, "the store's newest event is at position 3: the events after position 2 are not audited yet");
      for (const r of [arrears, receipts, verified, behind, laterReceipts, behaviour, audit])
        assert.not.match(r.stderr, 'permission denied');
      assert.equal(await checkpoints(), before, 'the reader wrote nothing');
    } finally {
      await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.end();
      w.cleanup();
    }
  });
});

test.run();
