// A refused payment notification kept as a fact (NotificationRefused on the channel stream named
// by the payload's sha256): a forged, tampered or misdirected notification leaves an auditable
// record, once per payload and reason however often it is sent. Every provider's channel package
// records its refusals through this one function; core cannot hash (no `node:` there).
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { refusedNotification, type channelDecider, type Instant, type Provider, type RefusalReason } from '@renewal-ledger/core';
import type { CommandHandler } from './command-handler.js';

export const payloadSha256 = (payload: string): string => createHash('sha256').update(payload, 'utf8').digest('hex');

export interface NotificationRefusal {
  readonly payload: string;
  readonly reason: RefusalReason;
  readonly detail: string;
  readonly at: Instant;
  readonly actor: string;
}

/** Records the refusal of a provider's notification; 'applied' the first time, 'duplicate' after. */
export const recordNotificationRefusal = async (
  channelHandler: CommandHandler<typeof channelDecider>,
  provider: Provider,
  o: NotificationRefusal,
): Promise<'applied' | 'duplicate'> => {
  const command = refusedNotification({
    provider,
    payloadSha256: payloadSha256(o.payload),
    reason: o.reason,
    detail: o.detail,
    at: o.at,
    actor: o.actor,
  });
  if (E.isLeft(command)) throw new Error(`the refusal cannot be recorded: ${command.left.message}`);
  const r = await channelHandler.handle(command.right);
  if (r.status === 'rejected') throw new Error(`the refusal was not recorded: ${r.error.message}`);
  return r.status === 'applied' ? 'applied' : 'duplicate';
};
