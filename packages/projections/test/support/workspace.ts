// Workspace packages the tests feed the projections from (devDependencies of this package).
export { generatePortfolio, type Portfolio, type ScheduledCommand } from '@renewal-ledger/workload';
export { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
export { getPostgresEventStore } from '@renewal-ledger/store-postgres';
