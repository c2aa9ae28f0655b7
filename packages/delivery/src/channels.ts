// The channel port: how a message leaves the ledger. One adapter per channel; the dispatcher
// renders the message, gives it the idempotency key and reads the answer. An adapter never
// records anything: the dispatcher records the outcome after the adapter answers.
import type { DeliveryChannel, OutboxMessage, RenderedMessage } from '@renewal-ledger/core';

export interface OutgoingMessage {
  readonly message: OutboxMessage;
  readonly channel: DeliveryChannel;
  /** The address on the channel: an e-mail address, a phone number, a postal address, the app account (contract id). */
  readonly to: string;
  readonly rendered: RenderedMessage;
  /**
   * The same for every attempt of this message on this channel, in every process: a provider
   * that honours it (an SMS gateway's idempotency key, the e-mail's Message-ID) takes a resend
   * after a crash as the same message.
   */
  readonly idempotencyKey: string;
}

/**
 * sent: the provider took it (its id for the message); bounced: refused for good (the address
 * does not exist, the number is invalid), so retrying cannot help and the next channel is tried;
 * retry: a passing failure (a 4xx answer, a connection refused), tried again after a backoff.
 * An adapter that throws is a `retry` with the error's message.
 */
export type SendResult =
  | { readonly status: 'sent'; readonly providerId: string }
  | { readonly status: 'bounced'; readonly reason: string }
  | { readonly status: 'retry'; readonly reason: string };

export interface ChannelAdapter {
  readonly channel: DeliveryChannel;
  send(message: OutgoingMessage): Promise<SendResult>;
}

/**
 * Printed letters go out as one printable document per dispatch run: the dispatcher hands the
 * run's letters over together and records them sent once the document is written.
 */
export interface LetterPrinter {
  readonly channel: 'letter';
  /** Writes one document holding every letter; answers its name (the providerId of each letter in it). */
  print(letters: readonly OutgoingMessage[], batchId: string): Promise<string>;
}
