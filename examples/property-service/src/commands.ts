// The commands the service takes: those of every aggregate of the ledger, told apart by `type`. A
// renewal cycle's (Bill, RecordPayment, ...), a contract's (OpenContract, GiveMandate, ...) and the
// ledger's settings (OpenLedger, ChangeTimeZone) and a reconciliation's (ReconcileStatement,
// ResolveDifference) each go through the one generic command handler
// with their own aggregate, and are answered alike: 201 applied, 200 duplicate, 400 a body that
// does not decode, 422 a rule's refusal or 409 a conflict with what is recorded, 503 contended.
import * as E from 'fp-ts/lib/Either.js';
import {
  CONTRACT_COMMAND_TYPES,
  contractDecider,
  decodeCommand,
  decodeContractCommand,
  decodeLedgerSettingsCommand,
  invalidInput,
  LedgerSettingsCommandC,
  ledgerSettingsDecider,
  ReconciliationCommandC,
  reconciliationDecider,
  decodeReconciliationCommand,
  RENEWAL_COMMAND_TYPES,
  renewalCycle,
  type AccessPolicy,
  type AnyAggregate,
  type CommandOf,
  type InvalidInput,
} from '@renewal-ledger/core';
import { getCommandHandler, WrongExpectedRevisionError, type CommandHandlerOptions } from '@renewal-ledger/eventstore';

export interface CommandAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Refusals that conflict with facts already recorded: 409 (a command id reused for other content
 * among them, as Stripe answers a reused idempotency key). Every other rule: 422.
 */
const CONFLICTS = new Set([
  'ALREADY_BILLED',
  'ID_CONFLICT',
  'COMMAND_ID_CONFLICT',
  'DUPLICATE_REFERENCE',
  'DISPUTE_ALREADY_RESOLVED',
  'PLAN_ALREADY_ACTIVE',
  'PLAN_NOT_ACTIVE',
  'ALREADY_OPENED',
  'MANDATE_ALREADY_ACTIVE',
  'ALREADY_ALLOCATED',
  'ALREADY_ENDED',
  'LEDGER_ALREADY_OPENED',
]);
export const statusOfRefusal = (error: { readonly code: string }): number =>
  error.code === 'NOT_PERMITTED' ? 403 : CONFLICTS.has(error.code) ? 409 : 422;

/** Who sends the command: their user id replaces the body's `actor`, their role is checked against the policy. */
export interface Sender {
  readonly actor: string;
  readonly role: string;
  readonly policy: AccessPolicy;
}

interface Route {
  readonly types: readonly string[];
  answer(input: unknown, sender?: Sender): Promise<CommandAnswer>;
}

/** One aggregate's commands: decoded with its codec, decided and stored by its handler. */
const route = <A extends AnyAggregate>(
  aggregate: A,
  types: readonly string[],
  decode: (input: unknown) => E.Either<InvalidInput, CommandOf<A>>,
  /** Where to read what the command changed. */
  location: (command: CommandOf<A>) => string,
  options: CommandHandlerOptions,
): Route => {
  const open = getCommandHandler(aggregate, options);
  return {
    types,
    answer: async (input, sender): Promise<CommandAnswer> => {
      // The actor is who signed in, whatever the body says.
      const stamped =
        sender && typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input, actor: sender.actor } : input;
      const decoded = decode(stamped);
      if (E.isLeft(decoded)) return { status: 400, body: { error: decoded.left } };
      const handler = sender ? getCommandHandler(aggregate, { ...options, access: sender.policy, role: sender.role }) : open;
      try {
        const result = await handler.handle(decoded.right);
        if (result.status === 'applied') {
          const events = result.events.map((e) => ({ type: e.type, position: e.globalPosition, revision: e.streamRevision }));
          // Over the sender's limit: asked for, not done. 202: accepted, waiting for a second person.
          const asked = result.events[0]?.type === 'ApprovalRequested' ? result.events[0] : null;
          if (asked)
            return {
              status: 202,
              body: { status: 'pending', request: asked.data, position: events[0]!.position, events, figures: result.figures },
              headers: { location: '/api/approvals' },
            };
          return {
            status: 201,
            body: { status: 'applied', position: events[events.length - 1]?.position ?? null, events, figures: result.figures },
            headers: { location: location(decoded.right) },
          };
        }
        if (result.status === 'duplicate') return { status: 200, body: { status: 'duplicate', duplicate: result.duplicate } };
        return { status: statusOfRefusal(result.error as { code: string }), body: { status: 'rejected', error: result.error } };
      } catch (e) {
        // The stream kept moving through every retry: nothing was written, and trying again may pass.
        if (e instanceof WrongExpectedRevisionError)
          return {
            status: 503,
            body: { status: 'contended', error: { code: e.code, message: e.message, streamName: e.streamName } },
            headers: { 'retry-after': '1' },
          };
        throw e;
      }
    },
  };
};

const LEDGER_SETTINGS_COMMAND_TYPES = Object.keys(LedgerSettingsCommandC.members);

export interface Commands {
  /** Every command type the service takes, each aggregate's in turn. */
  readonly types: readonly string[];
  /** The answer to a command given as JSON (its `type` says which aggregate it is for). */
  answer(input: unknown, sender?: Sender): Promise<CommandAnswer>;
}

export const getCommands = (options: CommandHandlerOptions): Commands => {
  const routes = [
    route(
      renewalCycle,
      RENEWAL_COMMAND_TYPES,
      decodeCommand,
      (c) => `/api/audit/history?cycleId=${encodeURIComponent(c.cycleId)}`,
      options,
    ),
    route(
      contractDecider,
      CONTRACT_COMMAND_TYPES,
      decodeContractCommand,
      (c) => `/api/arrears/contract?contractId=${encodeURIComponent(c.contractId)}`,
      options,
    ),
    route(ledgerSettingsDecider, LEDGER_SETTINGS_COMMAND_TYPES, decodeLedgerSettingsCommand, () => '/api/ledger', options),
    // Closing a day against a statement, and settling its differences (docs/reconciliation.md).
    route(
      reconciliationDecider,
      Object.keys(ReconciliationCommandC.members),
      decodeReconciliationCommand,
      () => '/api/reconciliation',
      options,
    ),
  ];
  const types = routes.flatMap((r) => r.types);
  return {
    types,
    answer: async (input, sender) => {
      const type = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as { type?: unknown }).type : undefined;
      const found = routes.find((r) => typeof type === 'string' && r.types.includes(type));
      if (found) return found.answer(input, sender);
      const message =
        typeof input !== 'object' || input === null || Array.isArray(input)
          ? `expected a command: a JSON object with a type, got ${Array.isArray(input) ? 'an array' : JSON.stringify(input)}`
          : type === undefined
            ? `is required: expected one of ${types.join(', ')}`
            : `expected one of ${types.join(', ')}, got ${JSON.stringify(type)}`;
      return {
        status: 400,
        body: {
          error: invalidInput('command', [
            { path: typeof input === 'object' && input !== null && !Array.isArray(input) ? 'type' : '', message },
          ]),
        },
      };
    },
  };
};
