// The ledger's users as a store holds them, and their passwords' hashes. Hashing lives here, not
// in the pure core: scrypt from node:crypto (a memory-hard function, no native dependency), in a
// self-describing text `scrypt$N$r$p$salt$hash` so the cost can be raised later without losing
// the hashes made before.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { USERS_STREAM, usersDecider, type User, type UsersState } from '@renewal-ledger/core';
import { loadAggregate } from './command-handler.js';
import type { EventStore } from './port.js';

/** The users of the ledger as the store holds them now (none: an empty map). */
export const readUsers = async (store: EventStore): Promise<UsersState> => (await loadAggregate(usersDecider, store, USERS_STREAM)).state;

/** The user an actor names, when it is one and not disabled. */
export const activeUser = (users: UsersState, userId: string): User | null => {
  const u = users.users.get(userId);
  return u && !u.disabled ? u : null;
};

// N = 2^15 with r = 8 takes 32 MiB and tens of milliseconds: OWASP's floor for scrypt.
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const maxmem = (N: number, r: number) => 128 * N * r * 2;

/** A new hash of `password` with a random salt. */
export const hashPassword = (password: string): string => {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { ...COST, maxmem: maxmem(COST.N, COST.r) });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

/** Whether `password` matches `hash` (in constant time); false for a hash of another kind. */
export const verifyPassword = (password: string, hash: string): boolean => {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = scryptSync(password.normalize('NFC'), salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return key.length === expected.length && timingSafeEqual(key, expected);
};
