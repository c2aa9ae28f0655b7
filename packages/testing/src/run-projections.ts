// A separate process that runs the three real views over a SQLite event store into a SQLite view
// file, for the crash and concurrency tests. Arguments (JSON): { eventsPath, viewsPath,
// batchSize, dieInsideBatch?, refuseFrom?, rebuild? }. With dieInsideBatch = n it kills itself
// with SIGKILL inside the n-th receipts batch, after that batch's rows are written and before its
// checkpoint is. With refuseFrom = p the receipts view refuses every event from global position p
// on (it fails and falls behind the others). With rebuild it rebuilds instead of catching up. It
// prints one line per committed batch (`progress <projection> <position>`), `failed <projection>
// <why>` for each view that did not catch up, and `done` at the end.
import { arrearsProjection } from '@renewal-ledger/projection-arrears';
import { auditProjection } from '@renewal-ledger/projection-audit';
import { receiptsProjection } from '@renewal-ledger/projection-receipts';
import { getProjectionRunner, getSQLiteViewDatabase, type Projection } from '@renewal-ledger/projections';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  eventsPath: string;
  viewsPath: string;
  batchSize: number;
  dieInsideBatch?: number;
  refuseFrom?: number;
  rebuild?: boolean;
};
let batches = 0;
const dying = <T extends string>(p: Projection<T>): Projection<T> =>
  args.dieInsideBatch === undefined && args.refuseFrom === undefined
    ? p
    : {
        ...p,
        applyBatch: async (events, tx, tables, cycles) => {
          if (args.refuseFrom !== undefined && events.some((e) => e.globalPosition >= BigInt(args.refuseFrom!)))
            throw new Error(`refusing the events from position ${args.refuseFrom}`);
          await p.applyBatch(events, tx, tables, cycles);
          if (++batches === args.dieInsideBatch) process.kill(process.pid, 'SIGKILL');
        },
      };

const store = getSQLiteEventStore({ path: args.eventsPath });
const database = getSQLiteViewDatabase({ path: args.viewsPath });
const runner = getProjectionRunner({
  store,
  database,
  projections: [arrearsProjection, dying(receiptsProjection), auditProjection],
  batchSize: args.batchSize,
  onProgress: (p) => console.log(`progress ${p.projection} ${p.position}`),
});
const results = await (args.rebuild ? runner.rebuild() : runner.catchUp());
for (const r of results)
  if (r.status !== 'caught-up') console.log(`failed ${r.projection} ${r.status === 'failed' ? r.error.message : r.status}`);
await database.close();
await store.close();
console.log('done');
