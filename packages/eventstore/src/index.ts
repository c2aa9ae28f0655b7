// @renewal-ledger/eventstore: the event store port every store implements, the one command
// handler for every aggregate, and the in-memory store.
//
// The public API, name by name (api/eventstore.api.md is its report; CONTRIBUTING.md says how to
// change it). The conformance suite is the `./conformance` entry point; reading a SQLite file from
// a read-only place, shared by the SQLite store and the CLI, is `./sqlite-files`.

// The port: what every event store offers, and the errors it throws.
export {
  type StoredEventDecoder,
  type EventStoreOptions,
  type ExpectedRevision,
  type AppendResult,
  type AppendRequest,
  type ReadStreamOptions,
  type ReadAllOptions,
  type EventStore,
  WrongExpectedRevisionError,
  EventIdConflictError,
  StoredEventDecodeError,
  StoreUrlError,
  StoreNotFoundError,
  ReadOnlyStoreError,
  IllFormedEventError,
} from './port.js';

// A store (or its views' database) out of reach: one sentence naming the server, never a crash.
export { StoreUnavailableError, serverOfUrl, unavailableOr } from './unavailable.js';

// The command handler: load, decide, append with the expected revision, retry on conflict; for any aggregate.
export {
  type CommandHandlerOptions,
  type HandleOptions,
  type Applied,
  type CommandIdDuplicate,
  type Duplicated,
  type Rejected,
  type NotWritten,
  type Contended,
  type HandleResult,
  type BatchResult,
  type PartsResult,
  type CommandHandler,
  systemClock,
  type LoadedAggregate,
  loadAggregate,
  getCommandHandler,
} from './command-handler.js';

// The ledger's users (docs/roles-and-approvals.md) and their passwords' hashes.
export { readUsers, activeUser, hashPassword, verifyPassword } from './users.js';

// A refused payment notification kept as a fact (every channel package records through it).
export { payloadSha256, recordNotificationRefusal, type NotificationRefusal } from './notification-refusal.js';

// The ledger's settings as a store holds them (time zone history, locale).
export { loadLedgerSettings, readLedgerZones } from './ledger-settings.js';

// The in-memory event store (tests, demos, a process that keeps nothing).
export {
  type InMemoryRow,
  type InMemoryDatabase,
  createInMemoryDatabase,
  type InMemoryEventStoreOptions,
  getInMemoryEventStore,
} from './memory-store.js';

// An optional package (a driver, an adapter) that is not installed: the error, and recognising it.
export { MissingPackageError, missingPackageIn } from './missing-package.js';

// Writing an event store adapter: the checks before an append, rows to recorded events, revisions.
// Every store of this repository uses them; run the `./conformance` suite against yours.
export { checkAppend } from './append-checks.js';
export { type StoredEventRow, defaultDecoder, recordedEventFrom, revisionMatches } from './stored-event.js';
