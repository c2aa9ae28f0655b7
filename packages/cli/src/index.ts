// @renewal-ledger/cli: the `renewal` command line. The binary is dist/bin.js; `main(argv)` runs
// it in-process and returns the exit status.
//
// The public API, name by name (api/cli.api.md is its report; CONTRIBUTING.md says how to change
// it). How the commands parse, open stores and views, and print is internal: the command line is
// the interface.

// Running the CLI in-process, its commands, and what its exit statuses mean.
export { main, COMMANDS } from './main.js';
export type { Command } from './command.js';
export { EXIT } from './errors.js';
