// A refused wechat-pay notification kept as a fact: eventstore's one recorder, with the provider named.
import type { channelDecider } from '@renewal-ledger/core';
import { recordNotificationRefusal, type CommandHandler, type NotificationRefusal } from '@renewal-ledger/eventstore';

export { payloadSha256 } from '@renewal-ledger/eventstore';

/** Records the refusal; 'applied' the first time, 'duplicate' after. */
export const recordRefusal = (
  channelHandler: CommandHandler<typeof channelDecider>,
  o: NotificationRefusal,
): Promise<'applied' | 'duplicate'> => recordNotificationRefusal(channelHandler, 'wechat-pay', o);
