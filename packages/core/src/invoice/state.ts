// The invoices of one contract, folded from their events. A contract has a few invoices a year,
// each with a handful of lines: plain arrays suffice.
import type {
  InvoiceCancelledData,
  InvoiceCreditedData,
  InvoiceEvent,
  InvoiceIssuedData,
  InvoiceKind,
  InvoiceRefusedData,
  InvoiceRequestedData,
} from './events.js';

export type InvoiceStatus = 'requested' | 'issued' | 'refused' | 'cancelled';

export interface InvoiceFact {
  readonly invoiceId: string;
  readonly kind: InvoiceKind;
  /** What was asked for: `InvoiceRequested` (blue) or `InvoiceCredited` (red). */
  readonly requested: InvoiceRequestedData | InvoiceCreditedData;
  /** The blue invoice a red one takes back from; null for a blue one. */
  readonly originalInvoiceId: string | null;
  readonly status: InvoiceStatus;
  readonly issued: InvoiceIssuedData | null;
  readonly closed: InvoiceRefusedData | InvoiceCancelledData | null;
}

export interface InvoiceState {
  readonly commandIds: readonly string[];
  /** In the order they were asked for. */
  readonly invoices: readonly InvoiceFact[];
  /** Number of events folded: the stream revision + 1. */
  readonly eventCount: number;
}

export const initialInvoiceState = (): InvoiceState => ({ commandIds: [], invoices: [], eventCount: 0 });

const update = (state: InvoiceState, invoiceId: string, change: (f: InvoiceFact) => InvoiceFact): readonly InvoiceFact[] =>
  state.invoices.map((f) => (f.invoiceId === invoiceId ? change(f) : f));

export const evolveInvoice = (state: InvoiceState, event: InvoiceEvent): InvoiceState => {
  const s = { ...state, commandIds: [...state.commandIds, event.data.commandId], eventCount: state.eventCount + 1 };
  switch (event.type) {
    case 'InvoiceRequested':
    case 'InvoiceCredited': {
      const d = event.data;
      const red = event.type === 'InvoiceCredited';
      const fact: InvoiceFact = {
        invoiceId: d.invoiceId,
        kind: red ? 'red' : 'blue',
        requested: d,
        originalInvoiceId: red ? event.data.originalInvoiceId : null,
        status: 'requested',
        issued: null,
        closed: null,
      };
      return { ...s, invoices: [...state.invoices, fact] };
    }
    case 'InvoiceIssued':
      return { ...s, invoices: update(state, event.data.invoiceId, (f) => ({ ...f, status: 'issued', issued: event.data })) };
    case 'InvoiceRefused':
      return { ...s, invoices: update(state, event.data.invoiceId, (f) => ({ ...f, status: 'refused', closed: event.data })) };
    case 'InvoiceCancelled':
      return { ...s, invoices: update(state, event.data.invoiceId, (f) => ({ ...f, status: 'cancelled', closed: event.data })) };
  }
};

/** Whether an invoice counts against what was billed: asked for or issued, not refused or cancelled. */
const counts = (f: InvoiceFact): boolean => f.status === 'requested' || f.status === 'issued';

/** What a cycle is invoiced so far: blue lines minus red lines, of invoices that count. */
export const invoicedOnCycle = (state: InvoiceState, cycleId: string): number => {
  let total = 0;
  for (const f of state.invoices) {
    if (!counts(f)) continue;
    for (const line of f.requested.lines) if (line.cycleId === cycleId) total += f.kind === 'blue' ? line.amountMinor : -line.amountMinor;
  }
  return total;
};

/** What red invoices that count have taken back from one line of a blue invoice: amount and tax. */
export const creditedOnLine = (
  state: InvoiceState,
  originalInvoiceId: string,
  cycleId: string,
  code: string,
): { amountMinor: number; taxMinor: number } => {
  let amountMinor = 0;
  let taxMinor = 0;
  for (const f of state.invoices) {
    if (f.originalInvoiceId !== originalInvoiceId || !counts(f)) continue;
    for (const line of f.requested.lines)
      if (line.cycleId === cycleId && line.code === code) {
        amountMinor += line.amountMinor;
        taxMinor += line.taxMinor;
      }
  }
  return { amountMinor, taxMinor };
};

export const invoiceOf = (state: InvoiceState, invoiceId: string): InvoiceFact | undefined =>
  state.invoices.find((f) => f.invoiceId === invoiceId);

export interface InvoiceFigures {
  /** Asked for and not yet answered by the issuer. */
  readonly pending: number;
  readonly issuedBlueMinor: number;
  readonly issuedRedMinor: number;
  /** Issued blue - issued red, amounts with tax. */
  readonly netInvoicedMinor: number;
  /** Issued blue tax - issued red tax. */
  readonly netTaxMinor: number;
}

export const invoiceFigures = (state: InvoiceState): InvoiceFigures => {
  let pending = 0;
  let blue = 0;
  let red = 0;
  let tax = 0;
  for (const f of state.invoices) {
    if (f.status === 'requested') pending++;
    if (f.status !== 'issued') continue;
    if (f.kind === 'blue') {
      blue += f.requested.amountMinor;
      tax += f.requested.taxMinor;
    } else {
      red += f.requested.amountMinor;
      tax -= f.requested.taxMinor;
    }
  }
  return { pending, issuedBlueMinor: blue, issuedRedMinor: red, netInvoicedMinor: blue - red, netTaxMinor: tax };
};
