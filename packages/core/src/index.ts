// @renewal-ledger/core: the pure domain of renewal-fee collection.
export * from './money.js';
export * from './calendar.js';
export * from './ids.js';
export * from './canonical-json.js';
export * from './validation.js';
export { shape, loose, tagged, oneOf, ShapeType, TaggedType } from './shape.js';
export * from './decider.js';
export * from './envelope.js';
export * from './upcasting.js';
export * from './specification.js';
export * from './cycle/shapes.js';
export * from './cycle/commands.js';
export * from './cycle/events.js';
export * from './cycle/errors.js';
export * from './cycle/state.js';
export * from './cycle/figures.js';
export * from './cycle/decide.js';
export * from './cycle/decider.js';
