// The command that keeps a refused notification as a fact: one per provider, payload and reason
// (the command id says which), so a provider retrying it, or someone replaying it, records nothing
// more. The channel packages hash the payload (sha256 of the raw body, hex) and pass it here.
import * as E from 'fp-ts/lib/Either.js';
import type { Instant } from '../calendar.js';
import type { InvalidInput } from '../validation.js';
import { decodeChannelCommand, type RecordRefusedNotification } from './commands.js';
import type { Provider, RefusalReason } from './shapes.js';

export const refusedNotification = (o: {
  readonly provider: Provider;
  readonly payloadSha256: string;
  readonly reason: RefusalReason;
  readonly detail: string;
  readonly at: Instant;
  readonly actor: string;
}): E.Either<InvalidInput, RecordRefusedNotification> =>
  E.map((c) => c as RecordRefusedNotification)(
    decodeChannelCommand({
      type: 'RecordRefusedNotification',
      commandId: `${o.provider}-refused:${o.payloadSha256}:${o.reason}`,
      actor: o.actor,
      at: o.at,
      provider: o.provider,
      payloadSha256: o.payloadSha256,
      reason: o.reason,
      // A detail is text of at most a few hundred characters: a provider's message could be longer.
      detail: o.detail.trim().slice(0, 500) || o.reason,
    }),
  );
