// A separate process that runs the three real views over a SQLite event store into a SQLite view
// file, for the crash and concurrency tests. Arguments (JSON): { eventsPath, viewsPath,
// batchSize, dieInsideBatch? }. With dieInsideBatch = n it kills itself with SIGKILL inside the
// n-th receipts batch, after that batch's rows are written and before its checkpoint is. It
// prints one line per committed batch (`progress <projection> <position>`) and `done` at the end.
import { arrearsProjection } from '@renewal-ledger/projection-arrears';
import { auditProjection } from '@renewal-ledger/projection-audit';
import { receiptsProjection } from '@renewal-ledger/projection-receipts';
import { getProjectionRunner, getSQLiteViewDatabase, type Projection } from '@renewal-ledger/projections';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

const args = JSON.parse(process.argv[2] ?? '{}') as { eventsPath: string; viewsPath: string; batchSize: number; dieInsideBatch?: number };
let batches = 0;
const dying = <T extends string>(p: Projection<T>): Projection<T> =>
  args.dieInsideBatch === undefined
    ? p
    : {
        ...p,
        applyBatch: async (events, tx, tables, cycles) => {
          await p.applyBatch(events, tx, tables, cycles);
          if (++batches === args.dieInsideBatch) process.kill(process.pid, 'SIGKILL');
        },
      };

const store = getSQLiteEventStore({ path: args.eventsPath });
const database = getSQLiteViewDatabase({ path: args.viewsPath });
const results = await getProjectionRunner({
  store,
  database,
  projections: [arrearsProjection, dying(receiptsProjection), auditProjection],
  batchSize: args.batchSize,
  onProgress: (p) => console.log(`progress ${p.projection} ${p.position}`),
}).catchUp();
for (const r of results)
  if (r.status !== 'caught-up') console.log(`failed ${r.projection} ${r.status === 'failed' ? r.error.message : r.status}`);
await database.close();
await store.close();
console.log('done');
