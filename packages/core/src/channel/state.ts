// A channel stream folded: the refusals of one payload, or the answers to one refund.
import type { ChannelEvent, NotificationRefusedData, ProviderRefundAnsweredData } from './events.js';

export interface ChannelState {
  readonly refusals: readonly NotificationRefusedData[];
  readonly refundAnswers: readonly ProviderRefundAnsweredData[];
  readonly commandIds: readonly string[];
}

export const initialChannelState = (): ChannelState => ({ refusals: [], refundAnswers: [], commandIds: [] });

export const evolveChannel = (state: ChannelState, event: ChannelEvent): ChannelState => {
  const commandIds = [...state.commandIds, event.data.commandId];
  switch (event.type) {
    case 'NotificationRefused':
      return { ...state, commandIds, refusals: [...state.refusals, event.data] };
    case 'ProviderRefundAnswered':
      return { ...state, commandIds, refundAnswers: [...state.refundAnswers, event.data] };
  }
};

export interface ChannelStatus {
  /** How many distinct refusals this payload has (one per reason). */
  readonly refusals: number;
  /** The provider's latest answer to this refund, or null. */
  readonly refundStatus: ProviderRefundAnsweredData['status'] | null;
}

export const channelStatus = (state: ChannelState): ChannelStatus => ({
  refusals: state.refusals.length,
  refundStatus: state.refundAnswers.at(-1)?.status ?? null,
});
