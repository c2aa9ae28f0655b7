// The rules of a payment channel's facts: a refused notification is one fact per payload and
// reason however often it arrives; a provider's refund answer moves from processing to final once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { channelDecider, channelStatus, decodeChannelCommand, fold, type ChannelCommand } from '@renewal-ledger/core';

const test = suite('payment channel rules');
const SHA = 'b'.repeat(64);
const cmd = (json: Record<string, unknown>): ChannelCommand => {
  const r = decodeChannelCommand(json);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const refusal = (over: Record<string, unknown> = {}) =>
  cmd({
    type: 'RecordRefusedNotification',
    commandId: `alipay-refused:${SHA}:bad-signature`,
    actor: 'alipay-notify',
    at: '2026-03-10T02:00:00Z',
    provider: 'alipay',
    payloadSha256: SHA,
    reason: 'bad-signature',
    detail: 'the RSA2 signature does not match the parameters',
    ...over,
  });
const answer = (over: Record<string, unknown> = {}) =>
  cmd({
    type: 'RecordProviderRefund',
    commandId: 'alipay-refund:refund-1:processing',
    actor: 'alipay-refund',
    at: '2026-03-12T02:00:00Z',
    provider: 'alipay',
    refundId: 'refund-1',
    cycleId: 'unit-0301/2026-03-01',
    paymentId: 'alipay-2026031022001',
    amountMinor: 5000,
    currency: 'CNY',
    status: 'processing',
    ...over,
  });

const run = (commands: ChannelCommand[]) => {
  let state = channelDecider.initialState();
  const results = [];
  for (const c of commands) {
    const r = channelDecider.decide(c, state);
    results.push(
      E.isLeft(r) ? r.left.code : r.right.duplicate ? `duplicate:${r.right.duplicate.key}` : r.right.events.map((e) => e.type).join(),
    );
    if (E.isRight(r)) state = fold(channelDecider)(r.right.events, state);
  }
  return { results, state };
};

test('a refused payload is one fact per reason, on a stream named by the provider and its sha256', () => {
  const { results, state } = run([
    refusal(),
    refusal({ commandId: 'again' }),
    refusal({ commandId: 'later', reason: 'stale', detail: 'too old' }),
  ]);
  assert.equal(results, ['NotificationRefused', 'duplicate:reason', 'NotificationRefused']);
  assert.is(channelStatus(state).refusals, 2);
  assert.is(channelDecider.streamName(refusal()), `channel-alipay-notification-${SHA}`);
  assert.equal(run([refusal({ payloadSha256: 'not-a-hash' })]).results, ['INVALID_SHA256']);
});

test('a refund answer: processing then succeeded; the same answer again is a duplicate; a final answer stays final', () => {
  const { results, state } = run([
    answer(),
    answer({ commandId: 'x' }),
    answer({ commandId: 'alipay-refund:refund-1:succeeded', status: 'succeeded', providerRefundId: '2026031222001' }),
    answer({ commandId: 'y', status: 'refused', providerCode: 'ACQ.TRADE_NOT_EXIST' }),
    answer({ commandId: 'z', amountMinor: 6000, status: 'succeeded' }),
  ]);
  assert.equal(results, [
    'ProviderRefundAnswered',
    'duplicate:answer',
    'ProviderRefundAnswered',
    'REFUND_ALREADY_SETTLED',
    'REFUND_ANSWER_CHANGED',
  ]);
  assert.is(channelStatus(state).refundStatus, 'succeeded');
  assert.is(channelDecider.streamName(answer()), 'channel-alipay-refund-refund-1');
});

test('a reason the ledger does not know is bad input naming the field', () => {
  const r = decodeChannelCommand({ ...refusal(), reason: 'felt-wrong' });
  assert.ok(E.isLeft(r) && r.left.message.includes('reason'), E.isLeft(r) ? r.left.message : 'decoded');
});

test.run();
