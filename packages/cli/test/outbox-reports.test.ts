// `renewal outbox reports FILE` through the real binary: providers' later reports (an e-mail
// delivered, an SMS bounced after the gateway took it) recorded on the message's delivery stream,
// once however often the file is read, and a late bounce sending the message on by the next
// channel at the next dispatch (docs/reminders-and-notices.md#delivery-reports).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSmtp } from '@renewal-ledger/testing/smtp';
import { workspace } from './support/cli.js';
import { FROM, REMINDER, deliveryEvents, ledgerWithReminder } from './support/outbox.js';

test('a delivered receipt for a sent e-mail is recorded once, however often the report is read', async () => {
  const ws = workspace();
  const smtp = await startSmtp();
  try {
    await ledgerWithReminder(ws.path('renewal.db'), { email: 'wang.fang@example.com' });
    const sent = await ws.start([
      'outbox',
      'dispatch',
      '--kind',
      'reminder',
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(smtp.port),
      '--smtp-from',
      FROM,
      '--dir',
      'out',
    ]).exited;
    assert.equal(sent.status, 0, sent.stderr);
    assert.equal(smtp.received.length, 1);
    writeFileSync(
      ws.path('dsn.jsonl'),
      `${JSON.stringify({ messageId: REMINDER, channel: 'email', status: 'delivered', at: '2026-01-16T01:00:00Z' })}\n`,
    );
    const first = ws.renewal(['outbox', 'reports', 'dsn.jsonl']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'Delivery reports: 1 read: 1 delivered, 0 bounced after sent, 0 recorded already, 0 refused');
    const again = ws.renewal(['outbox', 'reports', 'dsn.jsonl', '--format', 'json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.json(), { reports: 1, delivered: 0, bounced: 0, duplicates: 1, refused: [] });
    assert.equal(await deliveryEvents(ws.path('renewal.db')), [
      ['MessageSent', REMINDER, 'email'],
      ['MessageDelivered', REMINDER, 'email'],
    ]);
  } finally {
    await smtp.close();
    ws.cleanup();
  }
});

test('an SMS bounced after sent: the next dispatch prints a letter; the same report file again changes nothing', async () => {
  const ws = workspace();
  try {
    await ledgerWithReminder(ws.path('renewal.db'), { phone: '+86 138 0000 0301', address: '3-01 Garden Court, Shanghai' });
    const first = ws.renewal(['outbox', 'dispatch', '--kind', 'reminder', '--dir', 'out', '--format', 'json']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.json().outcomes.sent, 1);
    assert.equal(JSON.parse(readFileSync(ws.path('out/sms.jsonl'), 'utf8')).messageId, REMINDER);
    // The gateway echoes the request id it was given, the idempotency key; a bad line is listed and changes nothing.
    writeFileSync(
      ws.path('receipts.jsonl'),
      [
        JSON.stringify({
          idempotencyKey: `${REMINDER}#sms`,
          channel: 'sms',
          status: 'bounced',
          at: '2026-01-16T03:00:00Z',
          reason: 'number not in service',
        }),
        '',
        JSON.stringify({ messageId: REMINDER, channel: 'sms', status: 'read', at: '2026-01-16T03:00:00Z' }),
        // Never sent in the app: nothing to bounce there.
        JSON.stringify({ messageId: REMINDER, channel: 'app', status: 'bounced', at: '2026-01-16T03:00:00Z' }),
      ].join('\n'),
    );
    const reports = ws.renewal(['outbox', 'reports', 'receipts.jsonl']);
    assert.equal(reports.status, 1, reports.stderr);
    assert.equal(reports.stdout.trim().split('\n'), [
      'Delivery reports: 3 read: 0 delivered, 1 bounced after sent, 0 recorded already, 2 refused',
      '  line 3: status "read": one of delivered, bounced',
      `  line 4 (${REMINDER} on app): message ${REMINDER} on app was not recorded as sent: a provider cannot report it bounced`,
    ]);
    const pending = ws.renewal(['outbox', 'list', '--status', 'pending', '--kind', 'reminder', '--format', 'json']);
    assert.equal(
      pending.json().messages.map((m: { messageId: string; tried: string[] }) => [m.messageId, m.tried]),
      [[REMINDER, ['sms']]],
    );

    const second = ws.renewal(['outbox', 'dispatch', '--kind', 'reminder', '--dir', 'out', '--format', 'json']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal([second.json().outcomes.sent, second.json().fellBack], [1, 1]);
    const letters = readdirSync(ws.path('out')).filter((f) => f.startsWith('letters-'));
    assert.equal(letters.length, 1);
    assert.ok(readFileSync(ws.path(`out/${letters[0]}`), 'utf8').includes(`data-message-id="${REMINDER}"`));
    const recorded = [
      ['MessageSent', REMINDER, 'sms'],
      ['MessageBounced', REMINDER, 'sms'],
      ['MessageSent', REMINDER, 'letter'],
    ];
    assert.equal(await deliveryEvents(ws.path('renewal.db')), recorded);

    const replay = ws.renewal(['outbox', 'reports', 'receipts.jsonl', '--format', 'json']);
    assert.equal([replay.json().bounced, replay.json().duplicates], [0, 1]);
    assert.equal(await deliveryEvents(ws.path('renewal.db')), recorded);
    const third = ws.renewal(['outbox', 'dispatch', '--kind', 'reminder', '--dir', 'out', '--format', 'json']);
    assert.equal(third.json().messages, 0);
    assert.equal(readdirSync(ws.path('out')).filter((f) => f.startsWith('letters-')).length, 1);
    const missing = ws.renewal(['outbox', 'reports', 'no-such.jsonl']);
    assert.equal(
      [missing.status, missing.stderr.trim()],
      [2, 'renewal outbox reports: cannot read no-such.jsonl: no such file or directory'],
    );
  } finally {
    ws.cleanup();
  }
});

test.run();
