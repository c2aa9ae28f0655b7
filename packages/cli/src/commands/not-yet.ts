// Commands of the renewal engine (packages/renewals, the behaviour view), which is still being
// built: they are named so that people find them, and say plainly that they do not run yet.
import type { Command } from '../command.js';
import { CliError, EXIT } from '../errors.js';

const notYet = (name: string, summary: string, what: string): Command => ({
  name,
  summary: `${summary} (not available yet)`,
  help: `usage: renewal ${name} ...

${what}

Not available yet: it needs the renewal engine (packages/renewals), which is still being built.
See docs/cli.md for the commands that run today.`,
  run: async () => {
    throw new CliError(`renewal ${name} is not available yet: it needs the renewal engine (packages/renewals), which is still being built`, EXIT.usage);
  },
});

export const notYetCommands: readonly Command[] = [
  notYet('renew', 'bill the cycles that are due for renewal as of a date', 'Bills every contract whose next period is due as of --as-of DATE.'),
  notYet('remind', 'send the reminders that are due as of a date', 'Sends the reminders the collection practice calls for as of --as-of DATE.'),
  notYet('behaviour', 'how each customer pays: on time, late, in parts', 'The payment-behaviour view per contract.'),
];
