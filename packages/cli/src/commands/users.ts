// `renewal users add|list|disable`: the ledger's users and their roles, kept as events on the
// stream renewal-users through the generic command handler (docs/roles-and-approvals.md). The
// first user of a ledger may be added by anyone (there is no one to ask yet); after that only a
// role the policy lets add users (manager, system by default) may.
import * as E from 'fp-ts/lib/Either.js';
import { decodeUserCommand, formatProblem, usersDecider, type UserCommand } from '@renewal-ledger/core';
import { getCommandHandler, hashPassword, readUsers, type EventStore } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { actorOf, accessPolicyOf } from '../actor.js';
import { formatOf, idOf, noPositionals, onePositional, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { clockNow } from '../ledger.js';
import { print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

/** Runs one users command as the actor of the command line; prints what happened. */
const runUserCommand = async (name: string, store: EventStore, actorFlag: string | undefined, build: (actor: string) => unknown) => {
  const who = await actorOf(store, name, actorFlag);
  const input = build(who.actor ?? 'setup');
  const decoded = decodeUserCommand(input);
  if (E.isLeft(decoded)) throw new UsageError(decoded.left.problems.map(formatProblem).join('; '), name);
  const handler = getCommandHandler(usersDecider, {
    store,
    clock: clockNow,
    ...(who.access ? { access: who.access, role: who.role! } : {}),
  });
  const r = await handler.handle(decoded.right as UserCommand);
  if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
  return r.status;
};

const addCommand: Command = {
  name: 'users add',
  summary: 'add a user of the ledger with a role (who may sign in and act, and as what)',
  help: `usage: renewal users add <userId> --role ROLE [--name TEXT] [--actor USER] [--store URL]

Adds a user with a role of the access policy (cashier, clerk, manager, auditor, system by
default; $RENEWAL_POLICY names a JSON file of your own). With $RENEWAL_NEW_PASSWORD set, the user
gets that password (stored as a salted scrypt hash, never as given) to sign in to the property
service. The first user of a ledger may be added by anyone; after that --actor must be a user
whose role may add users (a manager by default). Adding the same user again is a duplicate.`,
  async run(argv) {
    const { values, positionals } = parse('users add', argv, { role: { type: 'string' }, name: { type: 'string' } });
    const userId = idOf('users add', 'the user id', onePositional('users add', positionals, 'the user id'));
    if (!values.role) throw new UsageError('--role is missing', 'users add');
    const policy = accessPolicyOf();
    if (!policy.roles.includes(values.role))
      throw new UsageError(`--role ${values.role} is not a role of the access policy (${policy.roles.join(', ')})`, 'users add');
    const password = process.env.RENEWAL_NEW_PASSWORD;
    const store = await openStore(storeUrlOf(values.store));
    try {
      const status = await runUserCommand('users add', store, values.actor, (actor) => ({
        type: 'AddUser',
        commandId: `add-user:${userId}`,
        actor,
        at: clockNow(),
        userId,
        role: values.role,
        ...(values.name ? { displayName: values.name } : {}),
        ...(password ? { passwordHash: hashPassword(password) } : {}),
      }));
      print(status === 'applied' ? `added ${userId} as ${values.role}` : `${userId} was already added (nothing new written)`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const disableCommand: Command = {
  name: 'users disable',
  summary: 'disable a user: they act no more, what they did stays theirs',
  help: `usage: renewal users disable <userId> [--reason TEXT] --actor USER [--store URL]

Disables a user of the ledger (a manager by default may). A disabled user can no longer sign in
or run commands; their events keep their name.`,
  async run(argv) {
    const { values, positionals } = parse('users disable', argv, { reason: { type: 'string' } });
    const userId = idOf('users disable', 'the user id', onePositional('users disable', positionals, 'the user id'));
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const status = await runUserCommand('users disable', store, values.actor, (actor) => ({
        type: 'DisableUser',
        commandId: `disable-user:${userId}`,
        actor,
        at: clockNow(),
        userId,
        ...(values.reason ? { reason: values.reason } : {}),
      }));
      print(status === 'applied' ? `disabled ${userId}` : `${userId} was already disabled`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const listCommand: Command = {
  name: 'users list',
  summary: 'list the users of the ledger with their roles',
  help: 'usage: renewal users list [--store URL] [--format table|json]',
  async run(argv) {
    const { values, positionals } = parse('users list', argv, {});
    noPositionals('users list', positionals);
    const format = formatOf('users list', values.format, ['table', 'json']);
    const store = await openStore(storeUrlOf(values.store), { create: false, readOnly: true });
    try {
      const users = [...(await readUsers(store)).users.values()].map((u) => ({
        userId: u.userId,
        role: u.role,
        name: u.displayName,
        status: u.disabled ? 'disabled' : 'active',
        canSignIn: u.passwordHash !== null,
        addedAt: u.added.at,
        addedBy: u.added.actor,
      }));
      if (format === 'json') printJson({ users });
      else if (users.length === 0) print('no users: anyone may act on this ledger (renewal users add USER --role ROLE)');
      else
        print(
          table(
            ['user', 'role', 'name', 'status', 'password', 'added', 'by'],
            users.map((u) => [u.userId, u.role, u.name ?? '', u.status, u.canSignIn ? 'yes' : 'no', u.addedAt, u.addedBy]),
          ),
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const usersCommands: readonly Command[] = [addCommand, listCommand, disableCommand];
