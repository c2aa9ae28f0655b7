// Delivery in the pure core: the messages facts ask for, their words per channel and language
// (zh-CN and en), the channels a message is tried on, and the rule that makes "never twice"
// checkable: one final outcome per message and channel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  billForPayLink,
  decideDelivery,
  decodeDeliveryCommand,
  deliveryChannels,
  deliveryCommandId,
  evolveDelivery,
  formatDateFor,
  formatMoney,
  howToPayWithLink,
  initialDeliveryState,
  renderMessage,
  type BusinessDate,
  type DeliveryEvent,
  type DeliveryState,
  type Instant,
  type OutboxMessage,
  type RecordDelivery,
} from '@renewal-ledger/core';

const reminder: OutboxMessage = {
  messageId: 'reminder:unit-0301/2026-01-01/reminder/2026-01-15/2',
  kind: 'reminder',
  contractId: 'unit-0301',
  cycleId: 'unit-0301/2026-01-01',
  channel: 'email',
  recipient: { name: '王芳', email: 'wang.fang@example.com', phone: '+86 138 0000 0301', address: '3号楼301室' },
  amountMinor: 123456705,
  currency: 'CNY',
  dueDate: '2026-01-15' as BusinessDate,
  period: { start: '2026-01-01' as BusinessDate, end: '2026-02-01' as BusinessDate },
  at: '2026-01-15T16:30:00Z' as Instant,
  day: '2026-01-16' as BusinessDate,
  level: 2,
  paymentChannel: null,
  reference: null,
};
const options = { sender: '物业服务中心' };

test('a reminder in zh-CN on every channel: the amount in yuan with its sign and grouping, dates as Chinese writes them', () => {
  const sms = renderMessage(reminder, 'sms', 'zh-CN', options);
  assert.equal(sms, {
    channel: 'sms',
    language: 'zh-CN',
    subject: null,
    body: '【物业服务中心】王芳您好，您有¥1,234,567.05待缴，到期日2026年1月15日。请通过支付宝、微信支付、银行转账或到物业服务中心缴纳，并注明编号 unit-0301/2026-01-01。',
  });
  const email = renderMessage(reminder, 'email', 'zh-CN', options);
  assert.equal(email.subject, '缴费提醒：¥1,234,567.05，到期日2026年1月15日');
  assert.equal(
    email.body,
    '王芳您好：\n\n您的费用（2026年1月1日至2026年1月31日）尚有¥1,234,567.05未缴，到期日为2026年1月15日。\n\n请通过支付宝、微信支付、银行转账或到物业服务中心缴纳，并注明编号 unit-0301/2026-01-01。\n\n如已缴纳，请忽略本提醒。\n\n物业服务中心\n2026年1月16日\n',
  );
  const letter = renderMessage(reminder, 'letter', 'zh', options);
  assert.ok(letter.body.startsWith('王芳\n3号楼301室\n\n缴费提醒：'), letter.body);
  assert.equal(renderMessage(reminder, 'app', 'zh-Hans-CN', options).subject, email.subject);
});

test('the same reminder in English (and any locale that is not Chinese)', () => {
  const en = { ...reminder, recipient: { ...reminder.recipient, name: 'Wang Fang' } };
  const o = { sender: 'Property office' };
  assert.equal(
    renderMessage(en, 'sms', 'en', o).body,
    'Property office: Dear Wang Fang, CN¥1,234,567.05 is due on 15 January 2026. Pay by Alipay, WeChat Pay, bank transfer or at the service office, quoting unit-0301/2026-01-01.',
  );
  const email = renderMessage(en, 'email', 'en-GB', o);
  assert.equal([email.language, email.subject], ['en', 'Payment reminder: CN¥1,234,567.05 due 15 January 2026']);
  assert.ok(email.body.includes('CN¥1,234,567.05 of your fees for 1 January 2026 to 31 January 2026 is unpaid'));
  assert.equal(renderMessage(en, 'email', 'fr-FR', o).language, 'en');
});

test('notices and receipts in both languages; a currency without decimals keeps none', () => {
  const notice: OutboxMessage = { ...reminder, messageId: 'notice:x', kind: 'notice', amountMinor: 31520 };
  assert.equal(renderMessage(notice, 'email', 'zh-CN', options).subject, '缴费通知：¥315.20，请于2026年1月15日前缴纳');
  assert.equal(renderMessage(notice, 'email', 'en', options).subject, 'Payment notice: CN¥315.20 due 15 January 2026');
  const receipt: OutboxMessage = {
    ...reminder,
    messageId: 'receipt:x',
    kind: 'receipt',
    amountMinor: 1500,
    currency: 'JPY',
    reference: 'TRF-77',
    dueDate: null,
  };
  assert.equal(
    renderMessage(receipt, 'sms', 'zh-CN', options).body,
    '【物业服务中心】王芳您好，我们已于2026年1月16日收到您缴纳的JP¥1,500（凭证号 TRF-77），谢谢。',
  );
  assert.equal(renderMessage(receipt, 'email', 'en', options).subject, 'Payment received: ¥1,500');
});

test('formatMoney writes exact minor units with the currency decimals, never through a float', () => {
  assert.equal(formatMoney(1, 'CNY', 'en'), 'CN¥0.01');
  assert.equal(formatMoney(1500, 'KWD', 'en'), 'KWD\u00a01.500'); // Intl puts a no-break space after a code
  assert.equal(formatMoney(-31520, 'CNY', 'zh-CN'), '-¥315.20');
  // Every safe amount: the digits (separators dropped) are the integer's own.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
      assert.equal(
        formatMoney(n, 'CNY', 'zh-CN')
          .replace(/[^0-9]/g, '')
          .replace(/^0+(?=\d)/, ''),
        String(n)
          .padStart(3, '0')
          .replace(/^0+(?=\d)/, ''),
      );
    }),
  );
  assert.equal(formatDateFor('2026-12-01' as BusinessDate, 'en'), '1 December 2026');
});

test('the channels a message is tried on: the first, then its fallbacks, those the recipient can be reached on', () => {
  assert.equal(deliveryChannels('email', reminder.recipient), ['email', 'sms', 'letter']);
  assert.equal(deliveryChannels('email', { name: 'x', phone: '1' }), ['sms']);
  assert.equal(deliveryChannels('app', { name: 'x' }), ['app']);
  assert.equal(deliveryChannels('letter', { name: 'x' }), []);
});

const record = (
  outcome: RecordDelivery['outcome'],
  channel: RecordDelivery['channel'] = 'email',
  over: Record<string, unknown> = {},
): RecordDelivery => {
  const r = decodeDeliveryCommand({
    type: 'RecordDelivery',
    commandId: deliveryCommandId('m-1', channel, outcome),
    actor: 'delivery',
    at: '2026-01-16T02:00:00Z',
    messageId: 'm-1',
    channel,
    outcome,
    attempts: 1,
    ...over,
  });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const apply = (state: DeliveryState, c: RecordDelivery) => {
  const d = decideDelivery(c, state);
  if (E.isLeft(d)) return { state, error: d.left.code };
  return {
    state: d.right.events.reduce((s, e) => evolveDelivery(s, e as DeliveryEvent), state),
    events: d.right.events.map((e) => e.type),
    duplicate: d.right.duplicate,
  };
};

test('one final outcome per channel: the same again is a duplicate, another is refused; delivered only after sent', () => {
  let s = initialDeliveryState();
  assert.equal(apply(s, record('delivered')).error, 'NOT_SENT');
  const bounced = apply(s, record('bounced', 'email', { reason: '550 no such mailbox' }));
  assert.equal(bounced.events, ['MessageBounced']);
  s = bounced.state;
  assert.equal(apply(s, record('sent', 'email', { commandId: 'other-id' })).error, 'OUTCOME_RECORDED');
  assert.equal(apply(s, record('bounced', 'email', { commandId: 'another-id' })).duplicate, { key: 'outcome', id: 'm-1' });
  s = apply(s, record('sent', 'sms')).state;
  assert.equal(apply(s, record('failed', 'sms')).error, 'OUTCOME_RECORDED');
  const delivered = apply(s, record('delivered', 'sms'));
  assert.equal(delivered.events, ['MessageDelivered']);
  assert.equal(apply(delivered.state, record('delivered', 'sms', { commandId: 'x' })).events, []);
  assert.equal(
    delivered.state.channels.map((c) => [c.channel, c.outcome, c.delivered]),
    [
      ['email', 'bounced', false],
      ['sms', 'sent', true],
    ],
  );
});

test('a pay link is made for a bill in the provider currency with something to pay, and replaces the default way to pay', () => {
  const notice: OutboxMessage = { ...reminder, messageId: 'notice:x', kind: 'notice', amountMinor: 31520 };
  assert.equal(billForPayLink(notice, 'CNY'), { cycleId: 'unit-0301/2026-01-01', amountMinor: 31520 });
  assert.is(billForPayLink({ ...notice, currency: 'JPY' }, 'CNY'), null);
  assert.is(billForPayLink({ ...notice, amountMinor: 0 }, 'CNY'), null);
  assert.is(billForPayLink({ ...notice, cycleId: null }, 'CNY'), null);
  const linked = { ...options, howToPay: howToPayWithLink('https://qr.alipay.com/bax01') };
  assert.ok(
    renderMessage(notice, 'sms', 'zh-CN', linked).body.endsWith(
      '请扫码或打开以下链接缴纳：https://qr.alipay.com/bax01（编号 unit-0301/2026-01-01）。',
    ),
  );
  assert.ok(
    renderMessage(notice, 'email', 'en', linked).body.includes(
      'Pay by scanning the QR code or opening https://qr.alipay.com/bax01 (reference unit-0301/2026-01-01).',
    ),
  );
});

test('a bounce reported after sent ends the channel as bounced, once; never after delivered, and nothing after it', () => {
  let s = apply(initialDeliveryState(), record('sent', 'sms')).state;
  const late = apply(s, record('bounced', 'sms', { reason: 'UNDELIVERABLE: number not in service' }));
  assert.equal(late.events, ['MessageBounced']);
  s = late.state;
  assert.equal(
    s.channels.map((c) => [c.channel, c.outcome, c.bouncedAfterSent]),
    [['sms', 'bounced', true]],
  );
  assert.equal(apply(s, record('bounced', 'sms', { commandId: 'again' })).duplicate, { key: 'outcome', id: 'm-1' });
  assert.equal(apply(s, record('delivered', 'sms')).error, 'NOT_SENT');
  assert.equal(apply(s, record('sent', 'sms', { commandId: 'resend' })).error, 'OUTCOME_RECORDED');
  // Delivered first: a later bounce report contradicts it and is refused.
  const delivered = apply(apply(initialDeliveryState(), record('sent', 'email')).state, record('delivered', 'email')).state;
  assert.equal(apply(delivered, record('bounced', 'email')).error, 'OUTCOME_RECORDED');
});

test('whatever order outcomes are asked in, each channel ends with at most one final outcome', () => {
  const asks = fc.array(
    fc.record({
      outcome: fc.constantFrom('sent', 'delivered', 'bounced', 'failed' as const),
      channel: fc.constantFrom('email', 'sms' as const),
      n: fc.nat(3),
    }),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(asks, (list) => {
      let s = initialDeliveryState();
      for (const a of list) s = apply(s, record(a.outcome, a.channel, { commandId: `c-${a.outcome}-${a.channel}-${a.n}` })).state;
      for (const ch of ['email', 'sms']) {
        const on = s.channels.filter((c) => c.channel === ch);
        assert.ok(on.length <= 1);
        // delivered and a late bounce exclude each other.
        assert.ok(!on.some((c) => c.delivered && c.outcome !== 'sent'));
      }
    }),
  );
});

test.run();
