export * from "./random.js";
export * from "./portfolio.js";
export * from "./contract-portfolio.js";
export { localInstant } from './calendar.js';
