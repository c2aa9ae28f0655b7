// The commands of a contract's invoices, as JSON. Strict: an unknown field is an error.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { ContractIdC, CurrencyC, IdC, TextC } from '../ids.js';
import { nonEmptyArray, shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { CreditReasonC, invoiceShapes, InvoiceTriggerC } from './shapes.js';

const s = invoiceShapes(true);
const base = { commandId: IdC, contractId: ContractIdC, invoiceId: IdC, actor: IdC, at: InstantC };

const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

/**
 * Asks for an invoice over one or more cycles of a contract (a quarterly invoice covers three).
 * `billed` is each cycle's billed amount net of adjustments for the fee codes invoiced, as the
 * engine read it (`invoiceableLinesOf`): the cap the lines are checked against.
 */
export const RequestInvoiceC = command('RequestInvoice', {
  currency: CurrencyC,
  buyer: s.buyer,
  trigger: InvoiceTriggerC,
  lines: nonEmptyArray(s.requestLine, 'at least one invoice line'),
  billed: t.readonlyArray(s.billed),
});
/** The issuer's answer: its official number, and the day of issue in the ledger's zone. */
export const RecordInvoiceIssuedC = command('RecordInvoiceIssued', { officialNumber: IdC, issuedOn: BusinessDateC, issuer: IdC });
/** The issuer's refusal: its code and words. The invoice is closed; its amounts may be invoiced again. */
export const RecordInvoiceRefusedC = command('RecordInvoiceRefused', { refusalCode: IdC, reason: TextC, issuer: IdC });
/** Withdraws an invoice that was asked for and not issued yet. */
export const CancelInvoiceC = command('CancelInvoice', { reason: TextC });
/** Asks for a red invoice (`invoiceId`) against an issued one, for all or part of its lines. */
export const CreditInvoiceC = command(
  'CreditInvoice',
  {
    originalInvoiceId: IdC,
    reason: CreditReasonC,
    lines: nonEmptyArray(s.creditLine, 'at least one red line'),
  },
  { refundId: IdC, note: TextC },
);

export const InvoiceCommandC = tagged('InvoiceCommand', 'type', {
  RequestInvoice: RequestInvoiceC,
  RecordInvoiceIssued: RecordInvoiceIssuedC,
  RecordInvoiceRefused: RecordInvoiceRefusedC,
  CancelInvoice: CancelInvoiceC,
  CreditInvoice: CreditInvoiceC,
});

export type RequestInvoice = t.TypeOf<typeof RequestInvoiceC>;
export type RecordInvoiceIssued = t.TypeOf<typeof RecordInvoiceIssuedC>;
export type RecordInvoiceRefused = t.TypeOf<typeof RecordInvoiceRefusedC>;
export type CancelInvoice = t.TypeOf<typeof CancelInvoiceC>;
export type CreditInvoice = t.TypeOf<typeof CreditInvoiceC>;
export type InvoiceCommand = t.TypeOf<typeof InvoiceCommandC>;
export type InvoiceCommandType = InvoiceCommand['type'];

const commandName = (input: unknown): string => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type in InvoiceCommandC.members ? type : 'invoice';
};

/** Decode an invoice command from untrusted JSON: every problem with its path. */
export const decodeInvoiceCommand = (input: unknown): E.Either<InvalidInput, InvoiceCommand> =>
  decodeWith(InvoiceCommandC, `${commandName(input)} command`)(input);
