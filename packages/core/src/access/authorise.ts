// The access check every aggregate gets from the generic command handler: may this role issue
// this command, and does the money it lets go out stay within the role's limit? Over the limit,
// an aggregate that knows how (`AccessHooks.moneyOut`) asks for approval instead: the command is
// replaced by its request, which moves no money.
import * as E from 'fp-ts/lib/Either.js';
import { amountText } from '../amount-text.js';
import { mayIssue, moneyOutLimit, type AccessPolicy } from './policy.js';

export interface NotPermitted {
  readonly code: 'NOT_PERMITTED';
  readonly message: string;
  /** The actor's role; null when the actor has none (no role given, or an unknown user). */
  readonly role: string | null;
  readonly commandType: string;
  /** Set when the role may issue the command but not for this much (and it cannot be asked for). */
  readonly limitMinor?: number;
  readonly attemptedMinor?: number;
}

export const notPermitted = (
  role: string | null,
  commandType: string,
  over?: { readonly limitMinor: number; readonly attemptedMinor: number; readonly currency: string | null },
): NotPermitted => {
  const who = role === null ? 'an actor without a role' : `role ${role}`;
  if (!over) return { code: 'NOT_PERMITTED', message: `${who} may not issue ${commandType}`, role, commandType };
  const m = amountText(over.currency ?? undefined);
  return {
    code: 'NOT_PERMITTED',
    message: `${who} may issue ${commandType} up to ${m(over.limitMinor)}, not ${m(over.attemptedMinor)}`,
    role,
    commandType,
    limitMinor: over.limitMinor,
    attemptedMinor: over.attemptedMinor,
  };
};

/** Money a command lets go out, and how to ask for it instead (null: it cannot be asked for, only refused). */
export interface MoneyOut<Command> {
  readonly amountMinor: number;
  /** The currency the amount is in, when known (the bill's): limits may differ per currency. */
  readonly currency: string | null;
  readonly asRequest: ((role: string) => Command) | null;
}

/** What an aggregate tells the access check about its commands. */
export interface AccessHooks<Command, State> {
  /** The command type the policy is asked about, when it is not `command.type` (a request asks about what it requests). */
  readonly permissionOf?: (command: Command) => string;
  /** The money a command lets go out, on the state it is decided on; null when none. */
  readonly moneyOut?: (command: Command, state: State) => MoneyOut<Command> | null;
}

/**
 * The command to decide for `role`: the command itself, its request for approval when it is over
 * the role's limit, or NOT_PERMITTED. Pure; writes nothing.
 */
export const authorise = <Command extends { readonly type: string }, State>(
  policy: AccessPolicy,
  role: string | null,
  command: Command,
  state: State,
  hooks: AccessHooks<Command, State> = {},
): E.Either<NotPermitted, Command> => {
  const commandType = hooks.permissionOf?.(command) ?? command.type;
  if (!mayIssue(policy, role, commandType)) return E.left(notPermitted(role, commandType));
  const money = hooks.moneyOut?.(command, state);
  if (!money) return E.right(command);
  const limitMinor = moneyOutLimit(policy, role!, money.currency);
  if (limitMinor === null || money.amountMinor <= limitMinor) return E.right(command);
  if (money.asRequest) return E.right(money.asRequest(role!));
  return E.left(notPermitted(role, commandType, { limitMinor, attemptedMinor: money.amountMinor, currency: money.currency }));
};
