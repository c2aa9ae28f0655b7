// The collection office as an aggregate on one stream, run by the generic command handler.
import type { Aggregate } from '../aggregate.js';
import type { CollectorsCommand } from './commands.js';
import { decideCollectors, type CollectorsDuplicate } from './decide.js';
import type { CollectorsError } from './errors.js';
import { collectorsEvents, type CollectorsEvent } from './events.js';
import { collectorsFigures, evolveCollectors, initialCollectorsState, type CollectorsFigures, type CollectorsState } from './state.js';
import { COLLECTORS_STREAM } from './stream.js';

export const collectorsDecider: Aggregate<
  CollectorsCommand,
  CollectorsEvent,
  CollectorsState,
  CollectorsError,
  CollectorsDuplicate,
  CollectorsFigures
> = {
  decide: decideCollectors,
  evolve: evolveCollectors,
  initialState: initialCollectorsState,
  streamName: () => COLLECTORS_STREAM,
  events: collectorsEvents,
  figures: collectorsFigures,
};
