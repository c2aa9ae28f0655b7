// The rules of a payment channel's facts. A refused notification is one fact per payload and
// reason: a provider retrying the same bad payload (or an attacker replaying it) is the same fact,
// so the stream stays as small as the distinct payloads. A refund's answers move from processing
// to final once; a final answer is never overwritten by a later one.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import { sameFact } from '../same-fact.js';
import type { ChannelCommand, RecordProviderRefund, RecordRefusedNotification } from './commands.js';
import { channelError, type ChannelError } from './errors.js';
import type { ChannelEvent } from './events.js';
import type { ChannelState } from './state.js';

export interface ChannelDuplicate {
  readonly key: 'commandId' | 'reason' | 'answer';
  readonly id: string;
}

export type ChannelDecision = Decision<ChannelEvent, ChannelDuplicate>;
type Result = E.Either<ChannelError, ChannelDecision>;

const emit = (event: ChannelEvent): Result => E.right({ events: [event], duplicate: null });
const duplicate = (key: ChannelDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });

const SHA256 = /^[0-9a-f]{64}$/;

const decideRefusal = (c: RecordRefusedNotification, state: ChannelState): Result => {
  if (!SHA256.test(c.payloadSha256)) return E.left(channelError('INVALID_SHA256', { payloadSha256: c.payloadSha256 }));
  if (state.refusals.some((r) => r.reason === c.reason)) return duplicate('reason', c.reason);
  const { type: _type, ...data } = c;
  return emit({ type: 'NotificationRefused', data });
};

const decideRefundAnswer = (c: RecordProviderRefund, state: ChannelState): Result => {
  const { type: _type, ...data } = c;
  const last = state.refundAnswers.at(-1);
  if (last) {
    for (const field of ['cycleId', 'paymentId', 'amountMinor', 'currency'] as const)
      if (last[field] !== c[field])
        return E.left(
          channelError('REFUND_ANSWER_CHANGED', {
            refundId: c.refundId,
            field,
            recorded: String(last[field]),
            attempted: String(c[field]),
          }),
        );
    const { commandId: _a, actor: _b, at: _c, ...lastAnswer } = last;
    const { commandId: _d, actor: _e, at: _f, ...answer } = data;
    if (sameFact(lastAnswer, answer)) return duplicate('answer', c.refundId);
    if (last.status !== 'processing')
      return E.left(
        channelError('REFUND_ALREADY_SETTLED', { refundId: c.refundId, status: last.status, answeredByCommandId: last.commandId }),
      );
  }
  return emit({ type: 'ProviderRefundAnswered', data });
};

export const decideChannel = (command: ChannelCommand, state: ChannelState): E.Either<ChannelError, ChannelDecision> => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  switch (command.type) {
    case 'RecordRefusedNotification':
      return decideRefusal(command, state);
    case 'RecordProviderRefund':
      return decideRefundAnswer(command, state);
  }
};
