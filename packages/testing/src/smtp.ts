// A real SMTP server for tests: smtp-server on a free local port, every message that arrived
// parsed with mailparser. It can refuse recipients for good (550), answer a passing failure (451)
// to the first messages, and call back as each message arrives (before answering it: a test
// kills a sending process there, between the send and its record).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpOptions {
  /** Recipients refused for good (550). */
  readonly refuse?: readonly string[];
  /** The first N messages are answered 451 (a passing failure) after their data. */
  readonly busyFor?: number;
  /** Called as each message's data has arrived, before it is answered. */
  readonly onData?: (mail: ParsedMail) => void;
}

export const startSmtp = async (options: SmtpOptions = {}) => {
  const received: ParsedMail[] = [];
  let busy = options.busyFor ?? 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuse?.includes(address.address)) {
        const e = new Error(`5.1.1 <${address.address}>: no such mailbox`) as Error & { responseCode: number };
        e.responseCode = 550;
        callback(e);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (busy > 0) {
            busy--;
            const e = new Error('4.3.2 try again later') as Error & { responseCode: number };
            e.responseCode = 451;
            callback(e);
            return;
          }
          received.push(mail);
          options.onData?.(mail);
          callback();
        },
        (e: Error) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};
