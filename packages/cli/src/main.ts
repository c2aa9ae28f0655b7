// The `renewal` command line: finds the command, runs it, and turns what went wrong into one
// sentence and an exit status (0 ok, 1 something failed or was rejected, 2 usage).
import { createRequire } from 'node:module';
import { COMMON_HELP } from './args.js';
import type { Command } from './command.js';
import { describeError, EXIT, UsageError } from './errors.js';
import { applyCommand } from './commands/apply.js';
import { approvalsCommands } from './commands/approvals.js';
import { arrearsCommand } from './commands/arrears.js';
import { auditCommands } from './commands/audit.js';
import { behaviourCommand } from './commands/behaviour.js';
import { closeCommand } from './commands/close.js';
import { demoCommand } from './commands/demo.js';
import { ledgerCommands } from './commands/ledger.js';
import { remindCommand, renewCommand } from './commands/engine.js';
import { lateFeeCommands } from './commands/late-fees.js';
import { projectionCommands } from './commands/projections.js';
import { receiptsCommand } from './commands/receipts.js';
import { reconcileCommands } from './commands/reconcile.js';
import { usersCommands } from './commands/users.js';
import { complaintsCommands } from './commands/complaints.js';
import { collectorsCommands } from './commands/collectors.js';
import { customersTypesCommand } from './commands/customers.js';
import { invoicesCommand } from './commands/invoices.js';
import { outboxCommands } from './commands/outbox.js';
import { refundsCommands } from './commands/refunds.js';
import { print, setCsvBom, warn } from './output.js';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  ...ledgerCommands,
  applyCommand,
  renewCommand,
  remindCommand,
  ...lateFeeCommands,
  arrearsCommand,
  receiptsCommand,
  invoicesCommand,
  behaviourCommand,
  ...auditCommands,
  closeCommand,
  ...projectionCommands,
  ...reconcileCommands,
  ...usersCommands,
  ...approvalsCommands,
  ...outboxCommands,
  ...refundsCommands,
  ...complaintsCommands,
  ...collectorsCommands,
  customersTypesCommand,
];

/** Commands that only group others: `renewal audit` lists `audit verify`, ... */
const GROUPS = [
  'audit',
  'projections',
  'users',
  'approvals',
  'late-fees',
  'outbox',
  'refunds',
  'complaints',
  'collectors',
  'customers',
] as const;

const version = (): string => {
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

export const overview = (): string => {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `renewal: collect renewal fees the event-sourced way.

usage: renewal <command> [options]      renewal <command> --help for its options

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${COMMON_HELP}

Exit status: 0 done; 1 something was rejected, is broken or failed; 2 a usage error or a file or
store that cannot be read. Reference: docs/cli.md.`;
};

const helpOf = (c: Command): string => `${c.help}\n\n${c.common === false ? '' : COMMON_HELP}`.trimEnd();

/** Finds the command named by the first one or two words. */
const resolve = (argv: readonly string[]): { command: Command; rest: readonly string[] } | { group: string } | null => {
  const [first, second] = argv;
  if (first === undefined) return null;
  const two = second === undefined ? null : COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return { command: one, rest: argv.slice(1) };
  if ((GROUPS as readonly string[]).includes(first)) return { group: first };
  return null;
};

const groupHelp = (group: string): string => {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...members.map((c) => c.name.length));
  return `usage: renewal ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]\n\n${members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}`;
};

/** The value of `--format F` or `--format=F` among the arguments. */
const formatGiven = (args: readonly string[]): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--format') return args[i + 1];
    if (args[i]!.startsWith('--format=')) return args[i]!.slice('--format='.length);
  }
  return undefined;
};

/** Runs the command line (without `node` and the script) and returns the exit status. */
export const main = async (argv: readonly string[]): Promise<number> => {
  const debug = argv.includes('--debug');
  // `pnpm demo -- --accounts 100` passes the `--` through on some pnpm versions.
  const args = argv.filter((a, i) => !(a === '--' && i <= 1));
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    const topic = args[0] === 'help' ? resolve(args.slice(1)) : null;
    if (topic && 'command' in topic) print(helpOf(topic.command));
    else if (topic && 'group' in topic) print(groupHelp(topic.group));
    else print(overview());
    return args.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (args[0] === '--version' || args[0] === '-v') {
    print(version());
    return EXIT.ok;
  }
  const found = resolve(args);
  if (!found) {
    warn(`renewal: unknown command ${JSON.stringify(args[0])}. Run renewal --help for the list.`);
    return EXIT.usage;
  }
  if ('group' in found) {
    const asked = args[1];
    if (asked === undefined || asked === '--help' || asked === '-h') {
      print(groupHelp(found.group));
      return asked === undefined ? EXIT.usage : EXIT.ok;
    }
    warn(`renewal: unknown command ${JSON.stringify(`${found.group} ${asked}`)}.\n${groupHelp(found.group)}`);
    return EXIT.usage;
  }
  const { command } = found;
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    print(helpOf(command));
    return EXIT.ok;
  }
  // --bom is about the output as a whole (every command's CSV), so it is taken here.
  const bom = found.rest.includes('--bom');
  const rest = found.rest.filter((a) => a !== '--bom');
  setCsvBom(bom);
  if (bom && formatGiven(rest) !== 'csv') {
    warn(`renewal ${command.name}: --bom goes with --format csv\nRun renewal ${command.name} --help for its usage.`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    const { message, exitCode, expected } = describeError(e);
    warn(`renewal ${command.name}: ${message}`);
    if (e instanceof UsageError) warn(`Run renewal ${e.command ?? command.name} --help for its usage.`);
    if (debug && e instanceof Error && e.stack) warn(e.stack);
    else if (!expected) warn('(an unexpected error: run again with --debug to see where it came from)');
    return exitCode;
  }
};
