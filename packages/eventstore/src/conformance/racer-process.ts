// A racer in its own OS process (spawned by race.ts): reads `{ store, commands }` as one JSON
// line on stdin, opens its own store, says `ready`, waits for `go`, handles its commands and
// prints `result <json>`. Commands were decoded by the parent; they are plain JSON again here.
import { createInterface } from 'node:readline';
import type { RenewalCommand } from '@renewal-ledger/core';
import type { EventStore } from '../port.js';
import type { ChildProcessStore } from './target.js';
import { runRacer } from './race.js';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async (): Promise<string> => {
  const r = await lines.next();
  if (r.done) throw new Error('stdin closed early');
  return r.value;
};

const { store: how, commands } = JSON.parse(await next()) as { store: ChildProcessStore; commands: RenewalCommand[] };
const factory = ((await import(how.module)) as Record<string, unknown>)[how.exportName];
if (typeof factory !== 'function') throw new Error(`${how.module} exports no function ${how.exportName}`);
const store = (await factory(how.argument)) as EventStore;
process.stdout.write('ready\n');
await next();
try {
  const report = await runRacer(store, commands);
  process.stdout.write(`result ${JSON.stringify(report)}\n`);
} finally {
  await store.close();
}
