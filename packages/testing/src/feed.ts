// Feeding commands through the real command handler, each recorded at its own instant, so the
// same commands give the same events (and the same recorded times) on every store.
import { renewalCycle, decodeCommand, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import * as E from 'fp-ts/lib/Either.js';

export interface Scheduled {
  readonly command: RenewalCommand;
  readonly recordedAt: Instant | string;
}

export interface FeedResult {
  readonly applied: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/**
 * Handles the commands in order. `strict`: every command must apply (a hand-written scenario);
 * otherwise duplicates and refusals are counted (a generated portfolio has a few on purpose).
 */
export const feed = async (store: EventStore, commands: readonly Scheduled[], options: { strict?: boolean } = {}): Promise<FeedResult> => {
  let now = '' as Instant;
  const handler = getCommandHandler(renewalCycle, { store, clock: () => now, maxRetries: 0 });
  let applied = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const { command, recordedAt } of commands) {
    now = recordedAt as Instant;
    const r = await handler.handle(command);
    if (r.status === 'applied') applied++;
    else if (options.strict) throw new Error(`${command.commandId} (${command.type}) was ${r.status}: ${JSON.stringify(r)}`);
    else if (r.status === 'duplicate') duplicates++;
    else rejected++;
  }
  return { applied, duplicates, rejected };
};

/** A command from JSON through the real codec (throws with the codec's message). */
export const command = (json: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand(json);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
