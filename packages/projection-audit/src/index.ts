// @renewal-ledger/projection-audit: every event as a hash-chained audit entry; verification
// against the event store and seals; late entries in closed periods; a cycle's history and its
// state at any past time.
//
// The public API, name by name (api/projection-audit.api.md is its report; CONTRIBUTING.md says
// how to change it). How an entry is made canonical and hashed is internal: verifyAuditChain and
// verifyAuditExport are the ways to check a chain.

// The projection for the runner, and the names of its view.
export { AUDIT_PROJECTION, AUDIT_ENTRIES, auditProjection } from './projection.js';

// An entry of the chain.
export { GENESIS_HASH, type AuditEntry, type AuditRecord } from './entry.js';

// Reading and exporting the trail (JSON lines, CSV; the view's rows with the rest of each entry
// read from the store), and how far it covers the store.
export {
  type AuditQuery,
  auditEntries,
  AuditTrailMismatchError,
  type AuditHead,
  readAuditHead,
  findAuditHash,
  type AuditCoverage,
  readAuditCoverage,
  coverageGap,
  exportAuditJsonLines,
  AUDIT_CSV_COLUMNS,
  exportAuditCsv,
} from './trail.js';

// Verifying the chain against the event store, sealing it, verifying an export.
export {
  type AuditSeal,
  type AuditProblemKind,
  type AuditProblem,
  type AuditVerification,
  type VerifyOptions,
  verifyAuditChain,
  sealAuditChain,
  verifyAuditExport,
} from './verify.js';

// Late entries: recorded after a period was closed but dated inside it (also in verifyAuditChain's answer).
export { type LateEntry, type LateEntryCheck, lateEntryCheck, lateEntries } from './late-entries.js';

// A cycle's history for people, and its state as it stood at a past time.
export { type HistoryLine, cycleHistory } from './history.js';
export { type PointInTime, type CycleAsOf, cycleAsOf } from './time-travel.js';
