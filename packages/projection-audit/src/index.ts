// @renewal-ledger/projection-audit: every event as a hash-chained audit entry; verification
// against the event store and seals; a cycle's history and its state at any past time.
export * from './entry.js';
export * from './projection.js';
export * from './trail.js';
export * from './verify.js';
export * from './history.js';
export * from './time-travel.js';
