// A command id is an idempotency key, as Stripe's are: the same key with the same content is a
// retry (a duplicate, nothing written); the same key with other content is a mistake that must
// not vanish as a "duplicate", so it is refused, naming the command that holds the key.
// "Content" is everything the command would record except who sent it (`actor`) and when it was
// recorded (`metadata.recordedAt`); business time (`at`) counts. The comparison is on what was
// recorded, so events stored before this rule existed are recognised too: their data carries the
// command's fields.
import { sameFact } from './same-fact.js';
import type { DomainEvent } from './event-codec.js';

export interface CommandIdConflict {
  readonly code: 'COMMAND_ID_CONFLICT';
  readonly message: string;
  readonly commandId: string;
  /** Where the earlier command's events are. */
  readonly streamName: string;
  /** What the earlier command recorded. */
  readonly eventTypes: readonly string[];
  /** Global position of the earlier command's first event; null when it is not stored yet (earlier in the same batch). */
  readonly position: bigint | null;
}

export const commandIdConflict = (details: Omit<CommandIdConflict, 'code' | 'message'>): CommandIdConflict => ({
  code: 'COMMAND_ID_CONFLICT',
  message: `command id ${details.commandId} was already used by another command (${details.eventTypes.join(', ') || 'an event'} on ${details.streamName}${
    details.position === null ? ', earlier in this batch' : ` at position ${details.position}`
  }) with other content: a command id names one command; send other work under a new id`,
  ...details,
});

/**
 * Whether a command's events state what an earlier command recorded under the same id: the same
 * types, in order, with the same data apart from `commandId` and `actor`.
 */
export const sameRecord = (recorded: readonly DomainEvent[], candidate: readonly DomainEvent[]): boolean =>
  recorded.length === candidate.length &&
  recorded.every((r, i) => {
    const c = candidate[i]!;
    return (
      r.type === c.type &&
      typeof r.data === 'object' &&
      r.data !== null &&
      typeof c.data === 'object' &&
      c.data !== null &&
      sameFact(r.data, c.data)
    );
  });
