// @renewal-ledger/projection-arrears: what is owed, how old it is, and how well each billing
// period was collected, as of any date.
export * from './projection.js';
export * from './view.js';
