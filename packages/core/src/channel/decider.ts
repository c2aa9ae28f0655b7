// A payment channel's facts as an aggregate: run by the same generic command handler as cycles.
import type { Aggregate } from '../aggregate.js';
import type { ChannelCommand } from './commands.js';
import { decideChannel, type ChannelDuplicate } from './decide.js';
import type { ChannelError } from './errors.js';
import { channelEvents, type ChannelEvent } from './events.js';
import { channelStatus, evolveChannel, initialChannelState, type ChannelState, type ChannelStatus } from './state.js';
import { providerRefundStreamName, refusedNotificationStreamName } from './stream.js';

export const channelDecider: Aggregate<ChannelCommand, ChannelEvent, ChannelState, ChannelError, ChannelDuplicate, ChannelStatus> = {
  decide: decideChannel,
  evolve: evolveChannel,
  initialState: initialChannelState,
  streamName: (command) =>
    command.type === 'RecordRefusedNotification'
      ? refusedNotificationStreamName(command.provider, command.payloadSha256)
      : providerRefundStreamName(command.provider, command.refundId),
  events: channelEvents,
  figures: channelStatus,
};
