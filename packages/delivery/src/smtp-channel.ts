// E-mail over SMTP with nodemailer. The Message-ID is made from the idempotency key, so every
// attempt of one message carries the same Message-ID (and an `X-Idempotency-Key` header): a
// mailbox or a relay that deduplicates by Message-ID shows a resend after a crash once, and a
// reader can always tell a resend from a new message. A 5xx answer to the recipient or the data
// is a bounce (the address is refused for good); anything else that fails (4xx, no connection)
// is retried.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channels.js';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure?: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The sender, e.g. `Property office <office@example.com>`. */
  readonly from: string;
  /** The domain part of Message-IDs. Default: the sender's domain. */
  readonly messageIdDomain?: string;
  /** Accept a self-signed certificate (a local relay). */
  readonly allowSelfSigned?: boolean;
}

/** `<sha256 of the key, 32 hex>@<domain>`: stable for a key, and no character a mail header refuses. */
export const messageIdFor = (idempotencyKey: string, domain: string): string =>
  `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;

export const getSmtpChannel = (settings: SmtpSettings): ChannelAdapter & { close(): void } => {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? false,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    ...(settings.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
  });
  const domain = settings.messageIdDomain ?? /@([^>\s]+)/.exec(settings.from)?.[1] ?? 'renewal-ledger.invalid';
  return {
    channel: 'email',
    async send(m: OutgoingMessage): Promise<SendResult> {
      const messageId = messageIdFor(m.idempotencyKey, domain);
      try {
        await transport.sendMail({
          from: settings.from,
          to: m.to,
          subject: m.rendered.subject ?? '',
          text: m.rendered.body,
          messageId,
          headers: { 'X-Idempotency-Key': m.idempotencyKey, 'Content-Language': m.rendered.language },
        });
        return { status: 'sent', providerId: messageId };
      } catch (error) {
        const e = error as { responseCode?: number; response?: string; message?: string };
        const reason = (e.response ?? e.message ?? String(error)).slice(0, 500);
        return e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode < 600
          ? { status: 'bounced', reason }
          : { status: 'retry', reason };
      }
    },
    close: () => transport.close(),
  };
};
