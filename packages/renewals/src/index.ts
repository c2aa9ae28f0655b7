// @renewal-ledger/renewals: the renewal engine's services. Everything that decides is pure and
// lives in @renewal-ledger/core (bill calculation, allocation, credit, reminders, auto-debit
// schedule); these run it against a store through the command handlers.
export * from './handlers.js';
export * from './engine.js';
export * from './ledger.js';
export * from './renew-due.js';
export * from './lump-sum.js';
export * from './credit.js';
export * from './settle.js';
export * from './reminders.js';
export * from './gateway.js';
export * from './simulated-gateway.js';
export * from './auto-debit.js';
