// The ledger's users as an aggregate on one stream, run by the generic command handler like the
// cycle and the contract (so adding a user is checked against the access policy too). A user is
// added once with a role, and may be disabled; a disabled user signs in and acts no more, and
// what they did stays theirs in the history.
import * as E from 'fp-ts/lib/Either.js';
import type { Aggregate } from '../aggregate.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import type { UserCommand } from './commands.js';
import { userEvents, type UserAddedData, type UserEvent } from './events.js';

export const USERS_STREAM = 'renewal-users';

export interface User {
  readonly userId: string;
  readonly role: string;
  readonly displayName: string | null;
  readonly passwordHash: string | null;
  readonly disabled: boolean;
  readonly added: UserAddedData;
}

export interface UsersState {
  readonly users: ReadonlyMap<string, User>;
  readonly commandIds: ReadonlySet<string>;
}

export interface UserRuleDetails {
  USER_EXISTS: { userId: string; role: string };
  UNKNOWN_USER: { userId: string };
}
export type UserRuleCode = keyof UserRuleDetails;
export type UserError = {
  [K in UserRuleCode]: { readonly code: K; readonly message: string } & Readonly<UserRuleDetails[K]>;
}[UserRuleCode];

const messages: { [K in UserRuleCode]: (d: UserRuleDetails[K]) => string } = {
  USER_EXISTS: (d) => `user ${d.userId} already exists (role ${d.role}) with other details`,
  UNKNOWN_USER: (d) => `no user ${d.userId} in this ledger`,
};
const userError = <K extends UserRuleCode>(code: K, details: UserRuleDetails[K]): UserError =>
  ({ code, message: messages[code](details), ...details }) as UserError;

export interface UserDuplicate {
  readonly key: 'commandId' | 'userId';
  readonly id: string;
}

export const initialUsers = (): UsersState => ({ users: new Map(), commandIds: new Set() });

export const evolveUsers = (state: UsersState, event: UserEvent): UsersState => {
  const users = new Map(state.users);
  const commandIds = new Set(state.commandIds).add(event.data.commandId);
  const d = event.data;
  if (event.type === 'UserAdded') {
    const a = event.data;
    users.set(a.userId, {
      userId: a.userId,
      role: a.role,
      displayName: a.displayName ?? null,
      passwordHash: a.passwordHash ?? null,
      disabled: false,
      added: a,
    });
  } else {
    const u = users.get(d.userId);
    if (u) users.set(d.userId, { ...u, disabled: true });
  }
  return { users, commandIds };
};

const decideUsers = (c: UserCommand, state: UsersState): E.Either<UserError, Decision<UserEvent, UserDuplicate>> => {
  if (state.commandIds.has(c.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: c.commandId } });
  const found = state.users.get(c.userId);
  if (c.type === 'AddUser') {
    const { type: _type, ...data } = c;
    if (found)
      return sameFact(found.added, data)
        ? E.right({ events: [], duplicate: { key: 'userId', id: c.userId } })
        : E.left(userError('USER_EXISTS', { userId: c.userId, role: found.role }));
    return E.right({ events: [{ type: 'UserAdded', data }], duplicate: null });
  }
  if (!found) return E.left(userError('UNKNOWN_USER', { userId: c.userId }));
  if (found.disabled) return E.right({ events: [], duplicate: { key: 'userId', id: c.userId } });
  const { type: _type, ...data } = c;
  return E.right({ events: [{ type: 'UserDisabled', data }], duplicate: null });
};

/** The users of the ledger, each with a role; what a caller is told after a command: the users as they now are. */
export const usersDecider: Aggregate<UserCommand, UserEvent, UsersState, UserError, UserDuplicate, UsersState> = {
  decide: decideUsers,
  evolve: evolveUsers,
  initialState: initialUsers,
  streamName: () => USERS_STREAM,
  events: userEvents,
  figures: (state) => state,
};
