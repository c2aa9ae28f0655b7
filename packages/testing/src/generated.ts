// A generated portfolio (50 contracts, 24 months: about 2,800 events) fed through the command
// handler in slices, the projections catching up after each slice: the incremental build that
// the rebuild must equal.
import type { EventStore } from '@renewal-ledger/eventstore';
import { getProjectionRunner, type Projection, type ProjectionRunResult, type ViewDatabase } from '@renewal-ledger/projections';
import { feed } from './feed.js';
import { generatePortfolio } from '@renewal-ledger/workload';

export const generatedCommands = () => generatePortfolio({ accounts: 50 }).commands;

export const buildIncrementally = async (
  store: EventStore,
  database: ViewDatabase,
  projections: readonly Projection<string>[],
  options: { slices?: number; batchSize?: number } = {},
): Promise<readonly ProjectionRunResult[]> => {
  const commands = generatedCommands();
  const slices = options.slices ?? 5;
  const runner = getProjectionRunner({ store, database, projections, batchSize: options.batchSize ?? 97 });
  let results: readonly ProjectionRunResult[] = [];
  for (let i = 0; i < slices; i++) {
    await feed(store, commands.slice(Math.floor((commands.length * i) / slices), Math.floor((commands.length * (i + 1)) / slices)));
    results = await runner.catchUp();
    for (const r of results)
      if (r.status !== 'caught-up') throw new Error(`${r.projection}: ${r.status === 'failed' ? r.error.message : r.status}`);
  }
  return results;
};
