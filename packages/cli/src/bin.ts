#!/usr/bin/env node
// The `renewal` binary.
import { main } from './main.js';

// `renewal audit export | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
