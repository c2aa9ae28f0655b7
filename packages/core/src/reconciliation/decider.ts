// A reconciliation as an aggregate: run by the same generic command handler as cycles and contracts.
import type { Aggregate } from '../aggregate.js';
import type { ReconciliationCommand } from './commands.js';
import { decideReconciliation, type ReconciliationDuplicate } from './decide.js';
import type { ReconciliationError } from './errors.js';
import { reconciliationEvents, type ReconciliationEvent } from './events.js';
import {
  evolveReconciliation,
  initialReconciliationState,
  reconciliationStatus,
  type ReconciliationState,
  type ReconciliationStatus,
} from './state.js';
import { reconciliationStreamName } from './stream.js';

export const reconciliationDecider: Aggregate<
  ReconciliationCommand,
  ReconciliationEvent,
  ReconciliationState,
  ReconciliationError,
  ReconciliationDuplicate,
  ReconciliationStatus
> = {
  decide: decideReconciliation,
  evolve: evolveReconciliation,
  initialState: initialReconciliationState,
  streamName: (command) => reconciliationStreamName(command.sha256),
  events: reconciliationEvents,
  figures: reconciliationStatus,
};
