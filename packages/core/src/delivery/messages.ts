// What the ledger tells its customers, derived from its facts: a reminder for each ReminderSent
// (phone reminders are calls staff make, so no message), a payment notice for each Billed (the
// amount, the due date and how to pay) and a receipt notification for each payment of new money
// (a Paid that is neither a lump sum's part nor paid from credit, and each LumpSumReceived).
// Pure: the outbox consumer calls it with the cycle's state after the event, the customer's
// contact and the ledger's zones; the same fact always gives the same message, with an id
// derived from the fact's own id, so deriving it again never makes a second message.
import type { BusinessDate, Instant } from '../calendar.js';
import type { Contact } from '../contract/shapes.js';
import { cycleFigures } from '../cycle/figures.js';
import type { BilledData, PaidData, ReminderSentData } from '../cycle/events.js';
import type { CycleState } from '../cycle/state.js';
import { businessDayOf, type LedgerZones } from '../ledger/business-days.js';
import type { DeliveryChannel } from './events.js';

export type MessageKind = 'reminder' | 'notice' | 'receipt';

export interface Recipient {
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: string;
}

export interface OutboxMessage {
  /** `reminder:<reminderId>`, `notice:<cycleId>`, `receipt:<cycleId>/<paymentId>` or `receipt:<contractId>/<lumpSumId>`. */
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly contractId: string;
  readonly cycleId: string | null;
  /** The first channel to try; the delivery policy's fallbacks follow it. */
  readonly channel: DeliveryChannel;
  readonly recipient: Recipient;
  /** Reminder: what is collectible; notice: the bill; receipt: the money received. Minor units. */
  readonly amountMinor: number;
  readonly currency: string;
  /** The date payment is due (reminder, notice). */
  readonly dueDate: BusinessDate | null;
  readonly period: { readonly start: BusinessDate; readonly end: BusinessDate } | null;
  /** When the fact happened, and its business day in the ledger's zone. */
  readonly at: Instant;
  readonly day: BusinessDate;
  readonly level: number | null;
  /** Receipt: how the money came and the payer's reference. */
  readonly paymentChannel: string | null;
  readonly reference: string | null;
}

/** Which channel each kind goes out on first, and what follows a channel that bounced or failed. */
export interface DeliveryPolicy {
  readonly notice: DeliveryChannel;
  readonly receipt: DeliveryChannel;
  readonly fallback: Readonly<Record<DeliveryChannel, readonly DeliveryChannel[]>>;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  notice: 'email',
  receipt: 'email',
  fallback: { email: ['sms', 'letter'], sms: ['letter'], app: ['sms', 'letter'], letter: [] },
};

/** Whether the recipient has an address on the channel (app messages go to the contract's account in the app). */
export const canReceive = (recipient: Recipient, channel: DeliveryChannel): boolean =>
  channel === 'email' ? !!recipient.email : channel === 'sms' ? !!recipient.phone : channel === 'letter' ? !!recipient.address : true;

/** The address a message goes to on a channel. */
export const addressOn = (message: Pick<OutboxMessage, 'recipient' | 'contractId'>, channel: DeliveryChannel): string =>
  channel === 'email'
    ? message.recipient.email!
    : channel === 'sms'
      ? message.recipient.phone!
      : channel === 'letter'
        ? message.recipient.address!
        : message.contractId;

/** The channels to try in order: the first, then its fallbacks (each once), those the recipient can receive on. */
export const deliveryChannels = (
  first: DeliveryChannel,
  recipient: Recipient,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): DeliveryChannel[] => {
  const order = [first, ...policy.fallback[first]];
  return order.filter((c, i) => order.indexOf(c) === i && canReceive(recipient, c));
};

export const recipientOf = (name: string, contact: Contact): Recipient => ({
  name,
  ...(contact.email !== undefined ? { email: contact.email } : {}),
  ...(contact.phone !== undefined ? { phone: contact.phone } : {}),
  ...(contact.address !== undefined ? { address: contact.address } : {}),
});

const DUE_IN_REMINDER_ID = /\/reminder\/(\d{4}-\d{2}-\d{2})\/\d+$/;

/** What a message is derived with besides its fact: who it goes to, the ledger's zones, the policy. */
export interface MessageContext {
  readonly recipient: Recipient;
  readonly zones: LedgerZones;
  readonly policy?: DeliveryPolicy;
}

/** The reminder a ReminderSent asks for, with what is collectible after it; none for a phone call or a cycle not billed. */
export const reminderMessage = (data: ReminderSentData, after: CycleState, ctx: MessageContext): OutboxMessage | null => {
  const bill = after.bill;
  if (data.channel === 'phone' || !bill) return null;
  const due = DUE_IN_REMINDER_ID.exec(data.reminderId)?.[1] as BusinessDate | undefined;
  return {
    messageId: `reminder:${data.reminderId}`,
    kind: 'reminder',
    contractId: bill.contractId,
    cycleId: data.cycleId,
    channel: data.channel,
    recipient: ctx.recipient,
    amountMinor: cycleFigures(after).collectibleMinor,
    currency: bill.currency,
    dueDate: due ?? bill.dueDate,
    period: bill.period,
    at: data.at,
    day: businessDayOf(ctx.zones, data.at),
    level: data.level ?? null,
    paymentChannel: null,
    reference: null,
  };
};

export const noticeMessage = (data: BilledData, ctx: MessageContext): OutboxMessage => ({
  messageId: `notice:${data.cycleId}`,
  kind: 'notice',
  contractId: data.contractId,
  cycleId: data.cycleId,
  channel: (ctx.policy ?? DEFAULT_DELIVERY_POLICY).notice,
  recipient: ctx.recipient,
  amountMinor: data.totalMinor,
  currency: data.currency,
  dueDate: data.dueDate,
  period: data.period,
  at: data.at,
  day: businessDayOf(ctx.zones, data.at),
  level: null,
  paymentChannel: null,
  reference: null,
});

/** A receipt for new money: none for a lump sum's part (the lump sum has its own) or a payment from credit. */
export const receiptMessage = (data: PaidData, after: CycleState, ctx: MessageContext): OutboxMessage | null => {
  const bill = after.bill;
  if (data.lumpSumId !== undefined || data.creditApplicationId !== undefined || !bill) return null;
  return {
    messageId: `receipt:${data.cycleId}/${data.paymentId}`,
    kind: 'receipt',
    contractId: bill.contractId,
    cycleId: data.cycleId,
    channel: (ctx.policy ?? DEFAULT_DELIVERY_POLICY).receipt,
    recipient: ctx.recipient,
    amountMinor: data.amountMinor,
    currency: data.currency ?? bill.currency,
    dueDate: null,
    period: bill.period,
    at: data.at,
    day: businessDayOf(ctx.zones, data.at),
    level: null,
    paymentChannel: data.channel,
    reference: data.reference ?? null,
  };
};

export interface LumpSumReceipt {
  readonly contractId: string;
  readonly lumpSumId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly channel: string;
  readonly reference?: string;
  readonly at: Instant;
}

export const lumpSumReceiptMessage = (data: LumpSumReceipt, ctx: MessageContext): OutboxMessage => ({
  messageId: `receipt:${data.contractId}/${data.lumpSumId}`,
  kind: 'receipt',
  contractId: data.contractId,
  cycleId: null,
  channel: (ctx.policy ?? DEFAULT_DELIVERY_POLICY).receipt,
  recipient: ctx.recipient,
  amountMinor: data.amountMinor,
  currency: data.currency,
  dueDate: null,
  period: null,
  at: data.at,
  day: businessDayOf(ctx.zones, data.at),
  level: null,
  paymentChannel: data.channel,
  reference: data.reference ?? null,
});
