// `renewal outbox dispatch` and `outbox list` through the real binary, against a real SMTP server
// started here. The crash: the server kills the dispatching process (SIGKILL) as the reminder's
// data arrives, before answering it: the provider has the message and the ledger has no outcome.
// The guarantee (docs/reminders-and-notices.md, "Never twice"): the next run sends it again with
// the same Message-ID (at least once to the provider, so twice here, never a third time) and
// records exactly one outcome; runs after that send nothing.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSmtp } from '@renewal-ledger/testing/smtp';
import { workspace } from './support/cli.js';
import { FROM, REMINDER, deliveryEvents, ledgerWithReminder } from './support/outbox.js';

test('a dispatcher killed between the send and its record: sent again once under the same Message-ID, one outcome recorded', async () => {
  const ws = workspace();
  let kill: (() => void) | null = null;
  const smtp = await startSmtp({ onData: () => kill?.() });
  try {
    await ledgerWithReminder(ws.path('renewal.db'), { email: 'wang.fang@example.com' });
    const args = [
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
    ];
    const run = ws.start(args);
    kill = () => run.child.kill('SIGKILL');
    const killed = await run.exited;
    assert.equal(killed.status, null, `killed, not finished: ${killed.stdout}${killed.stderr}`);
    assert.equal(run.child.signalCode, 'SIGKILL');
    assert.equal(smtp.received.length, 1, 'the server has the message');
    assert.equal(await deliveryEvents(ws.path('renewal.db')), [], 'and the ledger no outcome');

    kill = null;
    // Started, not run synchronously: the SMTP server answers from this process.
    const again = await ws.start([...args, '--format', 'json']).exited;
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.json().outcomes, { sent: 1, delivered: 0, bounced: 0, failed: 0 });
    assert.equal(smtp.received.length, 2);
    assert.equal(smtp.received[0]!.messageId, smtp.received[1]!.messageId, 'the resend carries the same Message-ID');
    assert.equal(smtp.received[1]!.headers.get('x-idempotency-key'), `${REMINDER}#email`);
    assert.equal(await deliveryEvents(ws.path('renewal.db')), [['MessageSent', REMINDER, 'email']]);

    const third = await ws.start([...args, '--format', 'json']).exited;
    assert.equal([third.status, third.json().messages, smtp.received.length], [0, 0, 2]);
    const list = ws.renewal(['outbox', 'list', '--kind', 'reminder', '--format', 'json']);
    assert.equal(list.status, 0, list.stderr);
    assert.equal(
      list.json().messages.map((m: any) => [m.messageId, m.status, m.sentOn, m.amountMinor, m.dueDate, m.day]),
      [[REMINDER, 'sent', 'email', 31520, '2026-01-15', '2026-01-16']],
    );
  } finally {
    await smtp.close();
    ws.cleanup();
  }
});

test('without an SMTP host, e-mail is passed over: the reminder goes out by SMS to the file, and the table says so', async () => {
  const ws = workspace();
  try {
    await ledgerWithReminder(ws.path('renewal.db'), { email: 'wang.fang@example.com', phone: '+86 138 0000 0301' });
    const r = ws.renewal(['outbox', 'dispatch', '--kind', 'reminder', '--dir', 'out']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout.trim(),
      'Delivery: 1 messages: 1 sent, 0 bounced, 0 failed after retries, 1 went out on a fallback channel, 0 left undelivered',
    );
    const line = JSON.parse(readFileSync(ws.path('out/sms.jsonl'), 'utf8'));
    assert.equal([line.messageId, line.to], [REMINDER, '+86 138 0000 0301']);
    const list = ws.renewal(['outbox', 'list']);
    assert.ok(/reminder:unit-0301\S*\s+reminder\s+unit-0301\s+2026-01-16\s+email > sms\s+sent\s+sms/.test(list.stdout), list.stdout);
    const bad = ws.renewal(['outbox', 'dispatch', '--kind', 'letters']);
    assert.equal(bad.status, 2);
    assert.ok(bad.stderr.includes('--kind "letters": one of reminder, notice, receipt'), bad.stderr);
  } finally {
    ws.cleanup();
  }
});

test.run();
