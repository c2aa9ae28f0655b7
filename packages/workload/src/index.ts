export * from "./random.js";
export * from "./portfolio.js";
