// The rules of a contract's invoices, in the cycle's fixed order: idempotency first, then the
// invoice the command names, then the input, then the rules. Pure: what the cycles were billed
// and the day of issue arrive with the commands.
import * as E from 'fp-ts/lib/Either.js';
import type { Decision } from '../decider.js';
import type { NonNegativeMinorUnits, PositiveMinorUnits } from '../money.js';
import { sameFact } from '../same-fact.js';
import type {
  CancelInvoice,
  CreditInvoice,
  InvoiceCommand,
  RecordInvoiceIssued,
  RecordInvoiceRefused,
  RequestInvoice,
} from './commands.js';
import { invoiceError, type InvoiceError } from './errors.js';
import type { InvoiceCreditedData, InvoiceEvent, InvoiceRequestedData } from './events.js';
import type { InvoiceLine } from './shapes.js';
import { creditedOnLine, invoicedOnCycle, invoiceOf, type InvoiceFact, type InvoiceState } from './state.js';
import { creditTaxOf, splitTax } from './tax.js';

/** Why an invoice command emitted nothing: the fact it repeats. */
export interface InvoiceDuplicate {
  readonly key: 'commandId' | 'invoiceId';
  readonly id: string;
}

export type InvoiceDecision = Decision<InvoiceEvent, InvoiceDuplicate>;
type Result = E.Either<InvoiceError, InvoiceDecision>;

const emit = (event: InvoiceEvent): Result => E.right({ events: [event], duplicate: null });
const duplicate = (key: InvoiceDuplicate['key'], id: string): Result => E.right({ events: [], duplicate: { key, id } });
const baseOf = (c: InvoiceCommand) => ({
  contractId: c.contractId,
  invoiceId: c.invoiceId,
  commandId: c.commandId,
  actor: c.actor,
  at: c.at,
});

const sum = (lines: readonly { readonly amountMinor: number }[], of: (l: InvoiceLine) => number = (l) => l.amountMinor) =>
  (lines as readonly InvoiceLine[]).reduce((total, l) => total + of(l), 0);

/** The same invoice id asked for again: the same request is a duplicate, another one a conflict. */
const repeated = (found: InvoiceFact | undefined, data: object): Result | null => {
  if (!found) return null;
  return sameFact(found.requested, data)
    ? duplicate('invoiceId', found.invoiceId)
    : E.left(invoiceError('INVOICE_ID_CONFLICT', { invoiceId: found.invoiceId, existingCommandId: found.requested.commandId }));
};

const decideRequest = (c: RequestInvoice, state: InvoiceState): Result => {
  const lines: InvoiceLine[] = c.lines.map((l) => {
    const { taxMinor, netMinor } = splitTax(l.amountMinor, l.taxRateBp);
    return { ...l, taxMinor, netMinor } as InvoiceLine;
  });
  const amountMinor = sum(lines);
  const data = {
    ...baseOf(c),
    currency: c.currency,
    buyer: c.buyer,
    lines,
    amountMinor: amountMinor as PositiveMinorUnits,
    taxMinor: sum(lines, (l) => l.taxMinor) as NonNegativeMinorUnits,
    trigger: c.trigger,
  } as InvoiceRequestedData;
  const seen = repeated(invoiceOf(state, c.invoiceId), data);
  if (seen) return seen;
  if (!Number.isSafeInteger(amountMinor)) return E.left(invoiceError('AMOUNT_OUT_OF_RANGE', { field: 'lines/amountMinor' }));
  const keys = new Set<string>();
  const perCycle = new Map<string, number>();
  for (const l of c.lines) {
    const key = `${l.cycleId}\u0000${l.code}`;
    if (keys.has(key)) return E.left(invoiceError('DUPLICATE_INVOICE_LINE', { cycleId: l.cycleId, feeCode: l.code }));
    keys.add(key);
    perCycle.set(l.cycleId, (perCycle.get(l.cycleId) ?? 0) + l.amountMinor);
  }
  for (const [cycleId, requestedMinor] of perCycle) {
    const billed = c.billed.find((b) => b.cycleId === cycleId);
    if (!billed) return E.left(invoiceError('CYCLE_NOT_BILLED', { cycleId }));
    const invoicedMinor = invoicedOnCycle(state, cycleId);
    if (invoicedMinor + requestedMinor > billed.billedMinor)
      return E.left(
        invoiceError('INVOICE_EXCEEDS_BILLED', { cycleId, billedMinor: billed.billedMinor, invoicedMinor, requestedMinor }, c.currency),
      );
  }
  return emit({ type: 'InvoiceRequested', data });
};

/** Whether a recorded red invoice is what a credit command asks for: the same original, reason and lines. */
const sameCredit = (recorded: InvoiceFact, c: CreditInvoice): boolean => {
  const r = recorded.requested as InvoiceCreditedData;
  return (
    recorded.kind === 'red' &&
    sameFact(
      {
        o: r.originalInvoiceId,
        reason: r.reason,
        refundId: r.refundId,
        note: r.note,
        at: r.at,
        lines: r.lines.map((l) => [l.cycleId, l.code, l.amountMinor]),
      },
      {
        o: c.originalInvoiceId,
        reason: c.reason,
        refundId: c.refundId,
        note: c.note,
        at: c.at,
        lines: c.lines.map((l) => [l.cycleId, l.code, l.amountMinor]),
      },
    )
  );
};

const decideCredit = (c: CreditInvoice, state: InvoiceState): Result => {
  const recorded = invoiceOf(state, c.invoiceId);
  if (recorded)
    return sameCredit(recorded, c)
      ? duplicate('invoiceId', c.invoiceId)
      : E.left(invoiceError('INVOICE_ID_CONFLICT', { invoiceId: c.invoiceId, existingCommandId: recorded.requested.commandId }));
  const original = invoiceOf(state, c.originalInvoiceId);
  if (!original) return E.left(invoiceError('UNKNOWN_INVOICE', { invoiceId: c.originalInvoiceId }));
  if (original.kind !== 'blue' || original.status !== 'issued')
    return E.left(
      invoiceError('CREDIT_NEEDS_ISSUED_INVOICE', { originalInvoiceId: c.originalInvoiceId, status: original.status, kind: original.kind }),
    );
  const currency = original.requested.currency;
  const lines: InvoiceLine[] = [];
  const keys = new Set<string>();
  for (const l of c.lines) {
    const key = `${l.cycleId}\u0000${l.code}`;
    if (keys.has(key)) return E.left(invoiceError('DUPLICATE_INVOICE_LINE', { cycleId: l.cycleId, feeCode: l.code }));
    keys.add(key);
    const line = original.requested.lines.find((o) => o.cycleId === l.cycleId && o.code === l.code);
    if (!line)
      return E.left(invoiceError('UNKNOWN_INVOICE_LINE', { originalInvoiceId: c.originalInvoiceId, cycleId: l.cycleId, feeCode: l.code }));
    const credited = creditedOnLine(state, c.originalInvoiceId, l.cycleId, l.code);
    const remainingMinor = line.amountMinor - credited.amountMinor;
    if (l.amountMinor > remainingMinor)
      return E.left(
        invoiceError(
          'CREDIT_EXCEEDS_INVOICE',
          {
            originalInvoiceId: c.originalInvoiceId,
            cycleId: l.cycleId,
            feeCode: l.code,
            invoicedMinor: line.amountMinor,
            creditedMinor: credited.amountMinor,
            requestedMinor: l.amountMinor,
          },
          currency,
        ),
      );
    const taxMinor = creditTaxOf(l.amountMinor, remainingMinor, line.taxMinor - credited.taxMinor);
    lines.push({ ...line, amountMinor: l.amountMinor, taxMinor, netMinor: l.amountMinor - taxMinor } as InvoiceLine);
  }
  return emit({
    type: 'InvoiceCredited',
    data: {
      ...baseOf(c),
      currency,
      buyer: original.requested.buyer,
      lines,
      amountMinor: sum(lines) as PositiveMinorUnits,
      taxMinor: sum(lines, (l) => l.taxMinor) as NonNegativeMinorUnits,
      originalInvoiceId: c.originalInvoiceId,
      reason: c.reason,
      ...(c.refundId !== undefined ? { refundId: c.refundId } : {}),
      ...(c.note !== undefined ? { note: c.note } : {}),
    } as InvoiceCreditedData,
  });
};

/** The invoice an issuer's answer or a cancellation is about, still waiting for that answer. */
const pending = (state: InvoiceState, invoiceId: string): E.Either<InvoiceError, InvoiceFact> => {
  const found = invoiceOf(state, invoiceId);
  if (!found) return E.left(invoiceError('UNKNOWN_INVOICE', { invoiceId }));
  if (found.issued) return E.left(invoiceError('INVOICE_ALREADY_ISSUED', { invoiceId, officialNumber: found.issued.officialNumber }));
  if (found.status === 'refused' || found.status === 'cancelled')
    return E.left(invoiceError('INVOICE_CLOSED', { invoiceId, status: found.status }));
  return E.right(found);
};

const decideIssued = (c: RecordInvoiceIssued, state: InvoiceState): Result => {
  const found = invoiceOf(state, c.invoiceId);
  if (found?.issued && found.issued.officialNumber === c.officialNumber && found.issued.issuedOn === c.issuedOn)
    return duplicate('invoiceId', c.invoiceId);
  const open = pending(state, c.invoiceId);
  if (E.isLeft(open)) return open;
  const f = open.right;
  const { currency, buyer, lines, amountMinor, taxMinor } = f.requested;
  return emit({
    type: 'InvoiceIssued',
    data: {
      ...baseOf(c),
      currency,
      buyer,
      lines,
      amountMinor,
      taxMinor,
      kind: f.kind,
      officialNumber: c.officialNumber,
      issuedOn: c.issuedOn,
      issuer: c.issuer,
      ...(f.originalInvoiceId !== null ? { originalInvoiceId: f.originalInvoiceId } : {}),
    } as InvoiceEvent['data'],
  } as InvoiceEvent);
};

const decideRefused = (c: RecordInvoiceRefused, state: InvoiceState): Result => {
  const data = { ...baseOf(c), refusalCode: c.refusalCode, reason: c.reason, issuer: c.issuer };
  const found = invoiceOf(state, c.invoiceId);
  if (found?.status === 'refused' && found.closed && sameFact(found.closed, data)) return duplicate('invoiceId', c.invoiceId);
  const open = pending(state, c.invoiceId);
  if (E.isLeft(open)) return open;
  return emit({ type: 'InvoiceRefused', data } as InvoiceEvent);
};

const decideCancel = (c: CancelInvoice, state: InvoiceState): Result => {
  const data = { ...baseOf(c), reason: c.reason };
  const found = invoiceOf(state, c.invoiceId);
  if (found?.status === 'cancelled' && found.closed && sameFact(found.closed, data)) return duplicate('invoiceId', c.invoiceId);
  const open = pending(state, c.invoiceId);
  if (E.isLeft(open)) return open;
  return emit({ type: 'InvoiceCancelled', data } as InvoiceEvent);
};

/** Decide an invoice command against the state of its contract's invoices. */
export const decideInvoice = (command: InvoiceCommand, state: InvoiceState): E.Either<InvoiceError, InvoiceDecision> => {
  if (state.commandIds.includes(command.commandId)) return duplicate('commandId', command.commandId);
  switch (command.type) {
    case 'RequestInvoice':
      return decideRequest(command, state);
    case 'CreditInvoice':
      return decideCredit(command, state);
    case 'RecordInvoiceIssued':
      return decideIssued(command, state);
    case 'RecordInvoiceRefused':
      return decideRefused(command, state);
    case 'CancelInvoice':
      return decideCancel(command, state);
  }
};
