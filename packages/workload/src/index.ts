// @renewal-ledger/workload: seeded synthetic portfolios (contracts, cycles and the commands of
// their life) for the demo, the benchmarks and tests at scale. The same seed gives the same data.
//
// The public API, name by name (api/workload.api.md is its report; CONTRIBUTING.md says how to
// change it).

// A seeded source of randomness.
export { type Random, randomFor } from './random.js';

// A portfolio of renewal cycles and the commands that bill and settle them.
export {
  type ScheduledCommand,
  type PortfolioOptions,
  type Contract,
  type Portfolio,
  type PortfolioSlice,
  contractOf,
  generatePortfolio,
  streamPortfolio,
} from './portfolio.js';

// A portfolio of contracts (fee plans, mandates, lump sums), planned day by day.
export {
  type ContractPortfolioOptions,
  type PlannedCommand,
  type PlannedDay,
  type ContractPortfolio,
  type ContractPortfolioPlan,
  generateContractPortfolio,
  planContractPortfolio,
} from './contract-portfolio.js';

// A wall-clock time in a zone as the instant it is.
export { localInstant } from './calendar.js';
