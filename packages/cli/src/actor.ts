// Who runs the command: `--actor` or $RENEWAL_ACTOR. A ledger without users works as before (no
// one is checked, nothing asks who you are). Once it has users, whoever writes must name one of
// them, enabled; the user's role is checked against the access policy on every command and
// recorded with every event (docs/roles-and-approvals.md). The policy is the default one unless
// $RENEWAL_POLICY names a JSON file of the business's own.
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_ACCESS_POLICY, decodeAccessPolicy, formatProblem, toNfc, type AccessPolicy } from '@renewal-ledger/core';
import { activeUser, readUsers, type EventStore } from '@renewal-ledger/eventstore';
import { CliError, EXIT, fileProblem, UsageError } from './errors.js';

export interface Actor {
  /** Who runs the command; null when not given on a ledger without users. */
  readonly actor: string | null;
  /** The actor's role; null on a ledger without users. */
  readonly role: string | null;
  /** The policy the handlers check with; undefined on a ledger without users (nothing is checked). */
  readonly access: AccessPolicy | undefined;
  /** Whether the ledger has users at all. */
  readonly hasUsers: boolean;
}

/** The access policy: $RENEWAL_POLICY's JSON file, else the default one. */
export const accessPolicyOf = (env: NodeJS.ProcessEnv = process.env): AccessPolicy => {
  const path = env.RENEWAL_POLICY;
  if (!path) return DEFAULT_ACCESS_POLICY;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fileProblem(path, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`RENEWAL_POLICY ${path} is not JSON: ${(e as Error).message}`, EXIT.usage);
  }
  const policy = decodeAccessPolicy(json);
  if (E.isLeft(policy)) throw new CliError(`RENEWAL_POLICY ${path}: ${policy.left.problems.map(formatProblem).join('; ')}`, EXIT.usage);
  return policy.right;
};

/** The actor named by `--actor` or $RENEWAL_ACTOR, checked against the ledger's users when it has any. */
export const actorOf = async (
  store: EventStore,
  command: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Actor> => {
  const given = flag ?? (env.RENEWAL_ACTOR || undefined);
  const actor = given === undefined ? null : toNfc(given);
  const users = await readUsers(store);
  if (users.users.size === 0) return { actor, role: null, access: undefined, hasUsers: false };
  if (actor === null)
    throw new UsageError('this ledger has users: say who you are with --actor USER or RENEWAL_ACTOR (renewal users list)', command);
  const user = activeUser(users, actor);
  if (!user)
    throw new CliError(
      users.users.has(actor)
        ? `user ${actor} is disabled and may not act on this ledger`
        : `no user ${actor} in this ledger (renewal users list)`,
    );
  return { actor, role: user.role, access: accessPolicyOf(env), hasUsers: true };
};

/** What a handler checks the actor with: their role under the policy, or nothing on a ledger without users. */
export const accessOf = (who: Actor): { access: AccessPolicy; role: string } | Record<string, never> =>
  who.access && who.role !== null ? { access: who.access, role: who.role } : {};
