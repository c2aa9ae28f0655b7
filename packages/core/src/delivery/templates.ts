// The words of each message, per kind, channel and language (zh-CN and en; any other locale
// gets English). Amounts are written in the currency's format for the language (formatMoney),
// dates are business dates already in the ledger's zone (the message carries them so), written
// as the language writes a date. Each channel has its own shape: an e-mail a subject and a full
// text, an SMS one short line, an app push a title and a line, a letter the address block and
// the full text, for printing.
import { addDaysTo, type BusinessDate } from '../calendar.js';
import { formatMoney } from '../money-text.js';
import type { DeliveryChannel } from './events.js';
import type { MessageKind, OutboxMessage } from './messages.js';

export type MessageLanguage = 'zh-CN' | 'en';
export const MESSAGE_LANGUAGES: readonly MessageLanguage[] = ['zh-CN', 'en'];

/** zh, zh-CN, zh-Hans-CN ... -> zh-CN; anything else -> en. */
export const messageLanguageOf = (locale: string): MessageLanguage => (/^zh(-|$)/i.test(locale) ? 'zh-CN' : 'en');

export interface RenderedMessage {
  readonly channel: DeliveryChannel;
  readonly language: MessageLanguage;
  /** The e-mail's subject, the push's title, the letter's heading; the SMS has none. */
  readonly subject: string | null;
  readonly body: string;
}

export interface TemplateOptions {
  /** Who signs: the property office. */
  readonly sender: string;
  /** How to pay (a payment link or QR page, a bank account); the default names the counter and the reference to quote. */
  readonly howToPay?: (message: OutboxMessage, language: MessageLanguage) => string;
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** 2026-06-10 -> "2026年6月10日" / "10 June 2026". */
export const formatDateFor = (date: BusinessDate, language: MessageLanguage): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return language === 'zh-CN' ? `${y}年${m}月${d}日` : `${d} ${EN_MONTHS[m - 1]} ${y}`;
};

const referenceOf = (m: OutboxMessage): string => m.cycleId ?? m.contractId;

/**
 * The bill a payment link is made for: the message's cycle and amount, when it has a cycle,
 * something to pay, and is in the provider's currency (Alipay and WeChat Pay take CNY); else null.
 */
export const billForPayLink = (m: OutboxMessage, currency: string): { readonly cycleId: string; readonly amountMinor: number } | null =>
  m.cycleId !== null && m.amountMinor > 0 && m.currency === currency ? { cycleId: m.cycleId, amountMinor: m.amountMinor } : null;

/**
 * How to pay with a payment link or QR code made for this message's bill (an Alipay precreate's
 * qr_code, a WeChat Pay Native code_url): the link, and the reference to quote at the counter.
 */
export const howToPayWithLink =
  (link: string) =>
  (m: OutboxMessage, language: MessageLanguage): string =>
    language === 'zh-CN'
      ? `请扫码或打开以下链接缴纳：${link}（编号 ${referenceOf(m)}）。`
      : `Pay by scanning the QR code or opening ${link} (reference ${referenceOf(m)}).`;

const defaultHowToPay = (m: OutboxMessage, language: MessageLanguage): string =>
  language === 'zh-CN'
    ? `请通过支付宝、微信支付、银行转账或到物业服务中心缴纳，并注明编号 ${referenceOf(m)}。`
    : `Pay by Alipay, WeChat Pay, bank transfer or at the service office, quoting ${referenceOf(m)}.`;

interface Words {
  readonly subject: string;
  /** The one line an SMS or a push carries. */
  readonly line: string;
  /** The paragraphs of an e-mail or a letter. */
  readonly paragraphs: readonly string[];
}

// Periods are half-open: the last day billed is the day before the end.
const periodText = (m: OutboxMessage, l: MessageLanguage): string => {
  if (!m.period) return '';
  const first = formatDateFor(m.period.start, l);
  const last = formatDateFor(addDaysTo(-1)(m.period.end), l);
  return l === 'zh-CN' ? `${first}至${last}` : `${first} to ${last}`;
};

const wordsOf: Record<MessageKind, (m: OutboxMessage, l: MessageLanguage, o: TemplateOptions) => Words> = {
  reminder: (m, l, o) => {
    const amount = formatMoney(m.amountMinor, m.currency, l);
    const due = formatDateFor(m.dueDate!, l);
    const howToPay = (o.howToPay ?? defaultHowToPay)(m, l);
    return l === 'zh-CN'
      ? {
          subject: `缴费提醒：${amount}，到期日${due}`,
          line: `【${o.sender}】${m.recipient.name}您好，您有${amount}待缴，到期日${due}。${howToPay}`,
          paragraphs: [
            `${m.recipient.name}您好：`,
            `您的费用（${periodText(m, l)}）尚有${amount}未缴，到期日为${due}。`,
            howToPay,
            `如已缴纳，请忽略本提醒。`,
          ],
        }
      : {
          subject: `Payment reminder: ${amount} due ${due}`,
          line: `${o.sender}: Dear ${m.recipient.name}, ${amount} is due on ${due}. ${howToPay}`,
          paragraphs: [
            `Dear ${m.recipient.name},`,
            `${amount} of your fees for ${periodText(m, 'en')} is unpaid; it is due on ${due}.`,
            howToPay,
            'If you have paid already, please ignore this reminder.',
          ],
        };
  },
  notice: (m, l, o) => {
    const amount = formatMoney(m.amountMinor, m.currency, l);
    const due = formatDateFor(m.dueDate!, l);
    const howToPay = (o.howToPay ?? defaultHowToPay)(m, l);
    return l === 'zh-CN'
      ? {
          subject: `缴费通知：${amount}，请于${due}前缴纳`,
          line: `【${o.sender}】${m.recipient.name}您好，本期费用${amount}，请于${due}前缴纳。${howToPay}`,
          paragraphs: [`${m.recipient.name}您好：`, `您${periodText(m, l)}的费用为${amount}，请于${due}前缴纳。`, howToPay],
        }
      : {
          subject: `Payment notice: ${amount} due ${due}`,
          line: `${o.sender}: Dear ${m.recipient.name}, your bill of ${amount} is due on ${due}. ${howToPay}`,
          paragraphs: [`Dear ${m.recipient.name},`, `Your fees for ${periodText(m, 'en')} come to ${amount}, due on ${due}.`, howToPay],
        };
  },
  receipt: (m, l, o) => {
    const amount = formatMoney(m.amountMinor, m.currency, l);
    const day = formatDateFor(m.day, l);
    const ref = m.reference ? (l === 'zh-CN' ? `（凭证号 ${m.reference}）` : ` (reference ${m.reference})`) : '';
    return l === 'zh-CN'
      ? {
          subject: `收款通知：已收到${amount}`,
          line: `【${o.sender}】${m.recipient.name}您好，我们已于${day}收到您缴纳的${amount}${ref}，谢谢。`,
          paragraphs: [
            `${m.recipient.name}您好：`,
            `我们已于${day}收到您缴纳的${amount}${ref}，编号 ${referenceOf(m)}。`,
            '感谢您按时缴费。',
          ],
        }
      : {
          subject: `Payment received: ${amount}`,
          line: `${o.sender}: Dear ${m.recipient.name}, we received ${amount} on ${day}${ref}. Thank you.`,
          paragraphs: [
            `Dear ${m.recipient.name},`,
            `We received ${amount} on ${day}${ref} for ${referenceOf(m)}.`,
            'Thank you for paying.',
          ],
        };
  },
};

/** The message as it goes out on a channel, in the language of the locale. */
export const renderMessage = (
  message: OutboxMessage,
  channel: DeliveryChannel,
  locale: string,
  options: TemplateOptions,
): RenderedMessage => {
  const language = messageLanguageOf(locale);
  const w = wordsOf[message.kind](message, language, options);
  const signOff = `${options.sender}\n${formatDateFor(message.day, language)}`;
  switch (channel) {
    case 'sms':
      return { channel, language, subject: null, body: w.line };
    case 'app':
      return { channel, language, subject: w.subject, body: w.line };
    case 'email':
      return { channel, language, subject: w.subject, body: `${w.paragraphs.join('\n\n')}\n\n${signOff}\n` };
    case 'letter':
      return {
        channel,
        language,
        subject: w.subject,
        body: `${message.recipient.name}\n${message.recipient.address ?? ''}\n\n${w.subject}\n\n${w.paragraphs.join('\n\n')}\n\n${signOff}\n`,
      };
  }
};
