// The pieces invoices are made of, shared by their commands and events: built strict for
// commands and loose for events, as the contract's are.
import * as t from 'io-ts';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { CycleIdC, IdC, StoredCycleIdC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { oneOf, shape } from '../shape.js';
import { intBetween } from '../contract/shapes.js';
import { MAX_TAX_RATE_BP } from './tax.js';

/** A tax rate in basis points: 600 is 6%, 0 is exempt. */
export const TaxRateBpC = intBetween(0, MAX_TAX_RATE_BP);

/** When a ledger issues invoices: when a cycle is paid in full, when it is billed, or only when asked. */
export const INVOICE_TRIGGERS = ['payment', 'billing', 'request'] as const;
export type InvoiceTrigger = (typeof INVOICE_TRIGGERS)[number];
export const InvoiceTriggerC = oneOf(INVOICE_TRIGGERS);

/** What a refund of an invoiced payment leads to: a red invoice at once, or a task for a person. */
export const REFUND_CREDIT_MODES = ['automatic', 'task'] as const;
export type RefundCreditMode = (typeof REFUND_CREDIT_MODES)[number];
export const RefundCreditModeC = oneOf(REFUND_CREDIT_MODES);

/** Why a red invoice was issued. */
export const CREDIT_REASONS = ['refund', 'adjustment', 'dispute', 'error'] as const;
export type CreditReason = (typeof CREDIT_REASONS)[number];
export const CreditReasonC = oneOf(CREDIT_REASONS);

export const invoiceShapes = (strict: boolean) => {
  const id = strict ? IdC : StoredIdC;
  const text = strict ? TextC : StoredTextC;
  const cycleId = strict ? CycleIdC : StoredCycleIdC;
  /** The buyer as the invoice names it (购买方): a company's tax id and bank account are on a VAT special invoice. */
  const buyer = shape('InvoiceBuyer', { name: text }, { taxId: id, address: text, phone: text, bank: text, bankAccount: text }, strict);
  const rate = shape('InvoiceTaxRate', { feeCode: id, rateBp: TaxRateBpC }, {}, strict);
  /** A ledger's invoicing rules: fee codes not named in `rates` are not invoiced (deposits, for one). */
  const rules = shape(
    'InvoicingRules',
    { issueOn: InvoiceTriggerC, rates: t.readonlyArray(rate), series: id, refundCredit: RefundCreditModeC },
    {},
    strict,
  );
  /** A line as asked for: tax-inclusive amount and rate; the tax is computed, never typed. */
  const requestLine = shape(
    'InvoiceRequestLine',
    { cycleId, code: id, description: text, amountMinor: PositiveMinorUnitsC, taxRateBp: TaxRateBpC },
    {},
    strict,
  );
  /** What a cycle had billed, net of adjustments, for the fee codes invoiced: the cap of what it may be invoiced. */
  const billed = shape('InvoiceBilledCycle', { cycleId, billedMinor: NonNegativeMinorUnitsC }, {}, strict);
  /** A red line: part or all of one line of the original (a cycle and fee code). */
  const creditLine = shape('InvoiceCreditLine', { cycleId, code: id, amountMinor: PositiveMinorUnitsC }, {}, strict);
  /** A line as recorded: amount with tax, and the tax and net computed by `splitTax`. */
  const line = shape(
    'InvoiceLine',
    {
      cycleId,
      code: id,
      description: text,
      amountMinor: PositiveMinorUnitsC,
      taxRateBp: TaxRateBpC,
      taxMinor: NonNegativeMinorUnitsC,
      netMinor: NonNegativeMinorUnitsC,
    },
    {},
    strict,
  );
  return { buyer, rate, rules, requestLine, billed, creditLine, line };
};

export type InvoiceBuyer = t.TypeOf<ReturnType<typeof invoiceShapes>['buyer']>;
export type InvoiceTaxRate = t.TypeOf<ReturnType<typeof invoiceShapes>['rate']>;
export type InvoicingRules = t.TypeOf<ReturnType<typeof invoiceShapes>['rules']>;
export type InvoiceRequestLine = t.TypeOf<ReturnType<typeof invoiceShapes>['requestLine']>;
export type InvoiceBilledCycle = t.TypeOf<ReturnType<typeof invoiceShapes>['billed']>;
export type InvoiceCreditLine = t.TypeOf<ReturnType<typeof invoiceShapes>['creditLine']>;
export type InvoiceLine = t.TypeOf<ReturnType<typeof invoiceShapes>['line']>;
