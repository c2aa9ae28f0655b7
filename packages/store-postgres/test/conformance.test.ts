// The PostgreSQL store runs the conformance suite every store runs, on a real server
// (POSTGRES_URL): each test gets its own schema, dropped afterwards. Handlers race from separate
// pools in this process and from separate OS processes. The late-commit tailing case needs a
// transaction held open mid-commit, which the suite has no hook for: it is in
// postgres-store.test.ts.
import pg from 'pg';
import { eventStoreConformance } from '@renewal-ledger/eventstore/conformance';
import { getPostgresEventStore } from '@renewal-ledger/store-postgres';
import { dropSchema, requirePostgresUrl, postgresSkipReason, TEST_SETTLE_TIMEOUT_MS, uniqueSchema } from '@renewal-ledger/testing/postgres';

eventStoreConformance({
  name: 'postgres',
  skip: postgresSkipReason,
  async open() {
    const connectionString = requirePostgresUrl();
    const schema = uniqueSchema('conf');
    const store = await getPostgresEventStore({ connectionString, schema, poolSize: 4, settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS });
    const admin = new pg.Pool({ connectionString, max: 1 });
    return {
      store,
      openConnection: () => getPostgresEventStore({ connectionString, schema, poolSize: 2, settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS }),
      childProcessStore: {
        module: import.meta.resolve('@renewal-ledger/store-postgres'),
        exportName: 'getPostgresEventStore',
        argument: { connectionString, schema, poolSize: 2, settleTimeoutMs: TEST_SETTLE_TIMEOUT_MS },
      },
      async corruptEventData(event, json) {
        const { rowCount } = await admin.query(
          `UPDATE "${schema}".events SET data = $1::json WHERE global_position = $2 AND stream_id = $3 AND stream_revision = $4`,
          [json, event.globalPosition.toString(), event.streamName, event.streamRevision.toString()],
        );
        if (rowCount !== 1) throw new Error(`no stored event at ${event.streamName}@${event.streamRevision}`);
      },
      async close() {
        await store.close();
        await dropSchema(admin, schema);
        await admin.end();
      },
    };
  },
});
