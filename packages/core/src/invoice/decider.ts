// A contract's invoices as an aggregate, like the contract's contractDecider: the generic command
// handler runs it on `renewal-invoices-<contractId>`.
import type { Aggregate } from '../aggregate.js';
import type { InvoiceCommand } from './commands.js';
import { decideInvoice, type InvoiceDuplicate } from './decide.js';
import type { InvoiceError } from './errors.js';
import { invoiceEvents, type InvoiceEvent } from './events.js';
import { evolveInvoice, initialInvoiceState, invoiceFigures, type InvoiceFigures, type InvoiceState } from './state.js';
import { invoiceStreamName } from './stream.js';

export const invoiceDecider: Aggregate<InvoiceCommand, InvoiceEvent, InvoiceState, InvoiceError, InvoiceDuplicate, InvoiceFigures> = {
  decide: decideInvoice,
  evolve: evolveInvoice,
  initialState: initialInvoiceState,
  streamName: (command) => invoiceStreamName(command.contractId),
  events: invoiceEvents,
  figures: invoiceFigures,
};
