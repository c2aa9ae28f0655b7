// The SQLite store against the shared conformance suite, on real files in a temp directory.
// A "second connection" is a second better-sqlite3 handle on the same file; the process race
// spawns node processes that each open the file themselves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventStoreConformance } from '@renewal-ledger/eventstore/conformance';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';

const root = mkdtempSync(join(tmpdir(), 'renewal-sqlite-conformance-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let n = 0;

eventStoreConformance({
  name: 'sqlite',
  async open() {
    const dir = join(root, `db-${++n}`);
    const path = join(dir, 'renewal.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const store = getSQLiteEventStore({ path });
    return {
      store,
      openConnection: async () => getSQLiteEventStore({ path }),
      childProcessStore: {
        // The package's own entry, resolved here so the child needs no workspace resolution.
        module: new URL('../src/index.ts', import.meta.url).href,
        exportName: 'getSQLiteEventStore',
        argument: { path },
      },
      async corruptEventData(event, json) {
        const db = new Database(path);
        try {
          const changed = db
            .prepare('UPDATE events SET data = ? WHERE global_position = ? AND stream_id = ? AND stream_revision = ?')
            .run(json, event.globalPosition, event.streamName, event.streamRevision).changes;
          if (changed !== 1) throw new Error(`no event at ${event.streamName}@${event.streamRevision}`);
        } finally {
          db.close();
        }
      },
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
