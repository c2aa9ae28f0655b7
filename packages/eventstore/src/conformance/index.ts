// The conformance suite every event store of renewal-ledger runs, and that a user writing their
// own adapter can run too:
//
//   import { eventStoreConformance } from '@renewal-ledger/eventstore/conformance';
//   eventStoreConformance({ name: 'my-store', open: async () => ({ store, openConnection, ... }) });
//
// It registers uvu suites (uvu is a peer dependency) and queues them; uvu runs them when the
// test file's module has finished loading, like any `suite.run()`. A target given `skip` registers
// every test as skipped and prints one line saying why: skipped tests are never counted as passed.
import { registerConformanceSuites } from './register.js';
import type { ConformanceTarget } from './target.js';
// The port a target hands the suite: the same declarations as the main entry point's.
export type { EventStore, AppendRequest, AppendResult, ExpectedRevision, ReadStreamOptions, ReadAllOptions } from '../port.js';

// What a store under test gives the suite, and the areas the suite covers.
export {
  type StoredEventLocation,
  type ChildProcessStore,
  type ConformanceFixture,
  type ConformanceTarget,
  type RaceSize,
  CONFORMANCE_AREAS,
  type ConformanceArea,
} from './target.js';

/**
 * Registers the conformance suites for one store and queues them on uvu. Call it at the top level
 * of a test file (no `.run()` needed). Returns the number of tests registered.
 */
export const eventStoreConformance = (target: ConformanceTarget): number => registerConformanceSuites(target);
