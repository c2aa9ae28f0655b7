// Delivery to a real SMTP server started here (smtp-server), what arrived read back with
// mailparser. The figures: the testing contract bills 98.50 m2 x 3.20 = 315.20 for January, due
// 15 January (billed on the 1st, due 14 days after); the reminder goes out at 2026-01-15T16:30Z,
// which is 16 January in Shanghai, the ledger's zone (15 January in UTC).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { allEvents, cycleCommand } from '@renewal-ledger/testing/engine';
import { openEnvironment, tempDir } from '@renewal-ledger/testing/environments';
import {
  dispatchOutbox,
  getFileChannel,
  getLetterPrinter,
  getOutboxView,
  getSmtpChannel,
  messageIdFor,
  type DispatchOptions,
} from '../src/index.js';
import { startSmtp } from '@renewal-ledger/testing/smtp';
import { billedFlats, remindByEmail } from '@renewal-ledger/testing/delivery';

const FROM = 'Property office <office@estate.example>';
const REMINDER = 'reminder:unit-0301/2026-01-01/reminder/2026-01-15/2';

const setUp = async (contacts: Record<string, Record<string, string>>, smtpOptions = {}) => {
  const env = await openEnvironment('sqlite');
  const smtp = await startSmtp(smtpOptions);
  const files = tempDir('delivery');
  const email = getSmtpChannel({ host: '127.0.0.1', port: smtp.port, from: FROM });
  const e = await billedFlats(
    env.store,
    Object.entries(contacts).map(([contractId, contact]) => ({ contractId, contact })),
  );
  const sleeps: number[] = [];
  const options = (over: Partial<DispatchOptions> = {}): DispatchOptions => ({
    store: env.store,
    database: env.views,
    adapters: { email, sms: getFileChannel('sms', files.dir), app: getFileChannel('app', files.dir) },
    printer: getLetterPrinter(files.dir),
    locale: 'en',
    templates: { sender: 'Property office' },
    retry: { attempts: 3, baseDelayMs: 10 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock: () => '2026-01-16T02:00:00Z' as Instant,
    ...over,
  });
  return {
    env,
    e,
    smtp,
    files,
    sleeps,
    options,
    close: async () => {
      email.close();
      await smtp.close();
      await env.close();
      files.remove();
    },
  };
};

test('a reminder committed is delivered once to the SMTP server, with the amount and the date in the ledger zone', async () => {
  const s = await setUp({ 'unit-0301': { email: 'wang.fang@example.com', phone: '+86 138 0000 0301' } });
  try {
    await remindByEmail(s.e);
    const first = await dispatchOutbox(s.options({ kinds: ['reminder'] }));
    assert.equal(first.outcomes, { sent: 1, delivered: 0, bounced: 0, failed: 0 });
    assert.equal(s.smtp.received.length, 1);
    const mail = s.smtp.received[0]!;
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : null, 'wang.fang@example.com');
    assert.equal(mail.subject, 'Payment reminder: CN¥315.20 due 15 January 2026');
    assert.ok(
      mail.text!.includes('CN¥315.20 of your fees for 1 January 2026 to 31 January 2026 is unpaid; it is due on 15 January 2026.'),
      mail.text,
    );
    // Signed on the reminder's day in Shanghai: 16 January (a UTC slice of the instant says 15).
    assert.ok(mail.text!.includes('Property office\n16 January 2026'), mail.text);
    assert.equal(mail.messageId, messageIdFor(`${REMINDER}#email`, 'estate.example'));
    assert.equal(mail.headers.get('x-idempotency-key'), `${REMINDER}#email`);

    // Again: nothing is sent twice, and the fact is there once.
    const second = await dispatchOutbox(s.options());
    assert.equal(s.smtp.received.filter((m) => m.subject?.startsWith('Payment reminder')).length, 1);
    assert.equal(second.outcomes.sent, 1, 'the notice of the bill, not the reminder again');
    const sent = (await allEvents(s.env.store)).filter((x) => x.type === 'MessageSent');
    assert.equal(
      sent.map((x) => [(x.data as { messageId: string }).messageId, (x.data as { channel: string }).channel]),
      [
        [REMINDER, 'email'],
        ['notice:unit-0301/2026-01-01', 'email'],
      ],
    );
    const rows = await getOutboxView(s.env.views).list();
    assert.equal(
      rows.map((r) => [r.message.messageId, r.status, r.sentOn]),
      [
        ['notice:unit-0301/2026-01-01', 'sent', 'email'],
        [REMINDER, 'sent', 'email'],
      ],
    );
    const third = await dispatchOutbox(s.options());
    assert.equal([third.messages, s.smtp.received.length], [0, 2]);
  } finally {
    await s.close();
  }
});

test('the notice says what is billed and by when; the receipt the day the money came, in the ledger zone', async () => {
  const s = await setUp({ 'unit-0301': { email: 'wang.fang@example.com' } });
  try {
    // Paid at 2026-01-20T17:30Z: 21 January 01:30 in Shanghai.
    s.e.now.at = '2026-01-20T17:30:05Z' as Instant;
    await s.e.handler.handle(
      cycleCommand({
        type: 'RecordPayment',
        commandId: 'pay-1',
        cycleId: 'unit-0301/2026-01-01',
        actor: 'cashier-zhao',
        at: '2026-01-20T17:30:00Z',
        paymentId: 'p-1',
        amountMinor: 31520,
        channel: 'wechat-pay',
        reference: 'WX-7781',
      }),
    );
    const r = await dispatchOutbox(s.options());
    assert.equal([r.messages, r.outcomes.sent], [2, 2]);
    const [notice, receipt] = s.smtp.received;
    assert.equal(notice!.subject, 'Payment notice: CN¥315.20 due 15 January 2026');
    assert.ok(notice!.text!.includes('Pay by Alipay, WeChat Pay, bank transfer or at the service office, quoting unit-0301/2026-01-01.'));
    assert.equal(receipt!.subject, 'Payment received: CN¥315.20');
    assert.ok(
      receipt!.text!.includes('We received CN¥315.20 on 21 January 2026 (reference WX-7781) for unit-0301/2026-01-01.'),
      receipt!.text,
    );
  } finally {
    await s.close();
  }
});

test('a bounce (the server refuses the recipient) falls back to SMS by the policy', async () => {
  const s = await setUp({ 'unit-0302': { email: 'gone@example.com', phone: '+86 138 0000 0302' } }, { refuse: ['gone@example.com'] });
  try {
    await remindByEmail(s.e);
    // Recorded in batches: the bounce and the SMS that follows it go in one transaction on the message's stream.
    const r = await dispatchOutbox(s.options({ kinds: ['reminder'], recordEvery: 10 }));
    assert.equal(r.outcomes, { sent: 1, delivered: 0, bounced: 1, failed: 0 });
    assert.equal(r.fellBack, 1);
    assert.equal(s.smtp.received.length, 0);
    assert.equal(s.sleeps, [], 'a bounce is not retried');
    const lines = readFileSync(join(s.files.dir, 'sms.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const id = 'reminder:unit-0302/2026-01-01/reminder/2026-01-15/2';
    assert.equal(
      lines.map((l) => [l.messageId, l.to]),
      [[id, '+86 138 0000 0302']],
    );
    assert.equal(
      lines[0].body,
      'Property office: Dear Wang Fang, CN¥315.20 is due on 15 January 2026. Pay by Alipay, WeChat Pay, bank transfer or at the service office, quoting unit-0302/2026-01-01.',
    );
    const outcomes = (await allEvents(s.env.store)).filter((x) => x.streamName === `delivery-${id}`);
    assert.equal(
      outcomes.map((x) => [x.type, (x.data as { channel: string }).channel]),
      [
        ['MessageBounced', 'email'],
        ['MessageSent', 'sms'],
      ],
    );
    assert.ok((outcomes[0]!.data as { reason: string }).reason.includes('550'));
  } finally {
    await s.close();
  }
});

test('a passing failure (451) is tried again after 1x then 2x the backoff; attempts used up record failed and fall back', async () => {
  const s = await setUp({ 'unit-0303': { email: 'slow@example.com', address: 'Building 3, unit 303' } }, { busyFor: 2 });
  try {
    await remindByEmail(s.e);
    const r = await dispatchOutbox(s.options({ kinds: ['reminder'] }));
    assert.equal(s.sleeps, [10, 20]);
    assert.equal([r.outcomes.sent, s.smtp.received.length], [1, 1]);
    const sent = (await allEvents(s.env.store)).find((x) => x.type === 'MessageSent')!;
    assert.equal((sent.data as { attempts: number }).attempts, 3);
  } finally {
    await s.close();
  }
  const t = await setUp({ 'unit-0303': { email: 'slow@example.com', address: 'Building 3, unit 303' } }, { busyFor: 99 });
  try {
    await remindByEmail(t.e);
    const r = await dispatchOutbox(t.options({ kinds: ['reminder'], retry: { attempts: 2, baseDelayMs: 10 } }));
    assert.equal(t.sleeps, [10]);
    assert.equal(r.outcomes, { sent: 1, delivered: 0, bounced: 0, failed: 1 });
    assert.ok(r.letters?.startsWith('letters-'));
    const html = readFileSync(join(t.files.dir, r.letters!), 'utf8');
    assert.equal(html.match(/<section class="letter"/g)?.length, 1);
    assert.ok(html.includes('Building 3, unit 303') && html.includes('CN¥315.20'));
  } finally {
    await t.close();
  }
});

test.run();
