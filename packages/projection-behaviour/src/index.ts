// @renewal-ledger/projection-behaviour: payment behaviour (punctuality per contract, reminder
// effectiveness per channel and level, collection rate per billing period, takings per channel).
export * from './projection.js';
export * from './view.js';
