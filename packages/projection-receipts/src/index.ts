// @renewal-ledger/projection-receipts: receipts and refund notes, numbered without gaps per
// series and year, and the takings of a day per channel.
export * from './numbering.js';
export * from './projection.js';
export * from './view.js';
