// The commands of the ledger's users (who may sign in or run the CLI, and in which role), as
// JSON. Strict: an unknown field is an error. Passwords never travel here: only a hash made
// outside the pure core (scrypt or argon2, by the CLI or the service).
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';

const base = { commandId: IdC, actor: IdC, at: InstantC };

/** A password hash in PHC-like text (`scrypt$...`, `$argon2id$...`): opaque to the core. */
export const PasswordHashC = new t.Type<string, string, unknown>(
  'a password hash (8-500 printable characters)',
  (u): u is string => typeof u === 'string' && /^[\x21-\x7e]{8,500}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[\x21-\x7e]{8,500}$/.test(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

export const AddUserC = shape(
  'AddUser command',
  { type: t.literal('AddUser'), ...base, userId: IdC, role: IdC },
  { displayName: TextC, passwordHash: PasswordHashC },
);
export const DisableUserC = shape('DisableUser command', { type: t.literal('DisableUser'), ...base, userId: IdC }, { reason: TextC });

export const UserCommandC = tagged('UserCommand', 'type', { AddUser: AddUserC, DisableUser: DisableUserC });

export type AddUser = t.TypeOf<typeof AddUserC>;
export type DisableUser = t.TypeOf<typeof DisableUserC>;
export type UserCommand = t.TypeOf<typeof UserCommandC>;

export const decodeUserCommand = (input: unknown): E.Either<InvalidInput, UserCommand> => decodeWith(UserCommandC, 'user command')(input);
