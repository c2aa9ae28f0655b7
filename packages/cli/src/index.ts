// @renewal-ledger/cli: the `renewal` command line. The binary is dist/bin.js; `main(argv)` runs
// it in-process and returns the exit status.
export { main, COMMANDS, overview } from './main.js';
export type { Command } from './command.js';
export { parseCommandLines, type CommandLine } from './command-lines.js';
export { viewsLocationOf, storeUrlOf, DEFAULT_STORE, VIEWS_SCHEMA, type ViewsLocation } from './session.js';
export { EXIT } from './errors.js';
