// The events of a contract's invoices, in the stream `renewal-invoices-<contractId>`. Loose, and
// only ever grown by optional fields, like every event of the ledger.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { StoredContractIdC, StoredCurrencyC, StoredIdC, StoredTextC } from '../ids.js';
import { oneOf, shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { eventCodec } from '../event-codec.js';
import { CreditReasonC, invoiceShapes, InvoiceTriggerC } from './shapes.js';

const s = invoiceShapes(false);
const base = { contractId: StoredContractIdC, invoiceId: StoredIdC, commandId: StoredIdC, actor: StoredIdC, at: InstantC };

const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const INVOICE_KINDS = ['blue', 'red'] as const;
/** blue: an invoice; red: a credit (红字) invoice that takes back all or part of a blue one. */
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

const computed = {
  currency: StoredCurrencyC,
  buyer: s.buyer,
  lines: t.readonlyArray(s.line),
  amountMinor: PositiveMinorUnitsC,
  taxMinor: NonNegativeMinorUnitsC,
};

/** An invoice asked for, fully computed: lines with their tax, totals, buyer. Not yet issued. */
export const InvoiceRequested = event('InvoiceRequested', { ...computed, trigger: InvoiceTriggerC });
/** A red invoice asked for against an issued one: its lines are positive amounts taken back. */
export const InvoiceCredited = event(
  'InvoiceCredited',
  { ...computed, originalInvoiceId: StoredIdC, reason: CreditReasonC },
  { refundId: StoredIdC, note: StoredTextC },
);
/** The issuer issued it: the official number and the day, with everything the document states. */
export const InvoiceIssued = event(
  'InvoiceIssued',
  { ...computed, kind: oneOf(INVOICE_KINDS), officialNumber: StoredIdC, issuedOn: BusinessDateC, issuer: StoredIdC },
  { originalInvoiceId: StoredIdC },
);
/** The issuer refused it: closed, its amounts free to be invoiced again. */
export const InvoiceRefused = event('InvoiceRefused', { refusalCode: StoredIdC, reason: StoredTextC, issuer: StoredIdC });
/** Withdrawn before it was issued. */
export const InvoiceCancelled = event('InvoiceCancelled', { reason: StoredTextC });

export const InvoiceEventC = tagged('InvoiceEvent', 'type', {
  InvoiceRequested: InvoiceRequested.codec,
  InvoiceCredited: InvoiceCredited.codec,
  InvoiceIssued: InvoiceIssued.codec,
  InvoiceRefused: InvoiceRefused.codec,
  InvoiceCancelled: InvoiceCancelled.codec,
});

export type InvoiceRequestedData = t.TypeOf<typeof InvoiceRequested.data>;
export type InvoiceCreditedData = t.TypeOf<typeof InvoiceCredited.data>;
export type InvoiceIssuedData = t.TypeOf<typeof InvoiceIssued.data>;
export type InvoiceRefusedData = t.TypeOf<typeof InvoiceRefused.data>;
export type InvoiceCancelledData = t.TypeOf<typeof InvoiceCancelled.data>;
export type InvoiceEvent = t.TypeOf<typeof InvoiceEventC>;
export type InvoiceEventType = InvoiceEvent['type'];

/** The schema version each invoice event is written with today. */
export const INVOICE_SCHEMA_VERSION: Readonly<Record<InvoiceEventType, number>> = {
  InvoiceRequested: 1,
  InvoiceCredited: 1,
  InvoiceIssued: 1,
  InvoiceRefused: 1,
  InvoiceCancelled: 1,
};

export const decodeInvoiceEvent: (input: unknown) => E.Either<InvalidInput, InvoiceEvent> = decodeOwnedWith(InvoiceEventC, 'invoice event');

/** The invoices' events for stores and handlers: registered in LEDGER_EVENT_CODECS. */
export const invoiceEvents = eventCodec<InvoiceEvent>({
  name: 'invoice',
  schemaVersions: INVOICE_SCHEMA_VERSION,
  decode: decodeInvoiceEvent,
});

export const INVOICE_EVENT_TYPES = invoiceEvents.types;
