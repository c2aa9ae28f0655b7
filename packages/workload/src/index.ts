export * from "./random.js";
export * from "./portfolio.js";
export * from "./contract-portfolio.js";
