// What the delivery tests share: a real SMTP server on a free local port (smtp-server), every
// message that arrived parsed with mailparser, and a ledger in Asia/Shanghai with flats billed
// through the real engine.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ledgerSettingsDecider, type BusinessDate, type Instant, type LedgerSettingsCommand } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { renewDue, sendReminders } from '@renewal-ledger/renewals';
import { engineOn } from '@renewal-ledger/testing/engine';
import { open } from '@renewal-ledger/testing/contracts';

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

export const d = (s: string) => s as BusinessDate;

/** The ledger in Asia/Shanghai, CNY, in `locale`. */
export const openLedger = (store: EventStore, locale = 'en') =>
  getCommandHandler(ledgerSettingsDecider, { store, clock: () => '2025-12-01T00:00:00Z' as Instant }).handle({
    type: 'OpenLedger',
    commandId: 'open-ledger',
    actor: 'admin',
    at: '2025-12-01T00:00:00Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    locale,
  } as LedgerSettingsCommand);

/**
 * Flats of 98.50 m2 at 3.20 a m2 (testing's default contract): January billed 315.20, due 15
 * January; each flat's contact as given.
 */
export const billedFlats = async (store: EventStore, flats: readonly { contractId: string; contact: Record<string, string> }[], locale = 'en') => {
  await openLedger(store, locale);
  const e = engineOn(store);
  await e.contractHandler.handleBatch(
    flats.map(({ contractId, contact }) => open({ contractId, commandId: `open-${contractId}`, customer: { name: 'Wang Fang', contact } })),
  );
  await renewDue({ ...e, asOf: d('2026-01-01') });
  return e;
};

/**
 * The reminder the day after the due date, by e-mail: sent at 2026-01-15T16:30Z, which is
 * already 16 January 00:30 in Shanghai (and still 15 January in UTC).
 */
export const remindByEmail = async (e: ReturnType<typeof engineOn>) => {
  e.now.at = '2026-01-15T16:30:05Z' as Instant;
  return sendReminders({ ...e, asOf: d('2026-01-16'), at: '2026-01-15T16:30:00Z' as Instant, policy: [{ offsetDays: 1, channel: 'email', level: 2 }] });
};
