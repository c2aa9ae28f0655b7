// A contract's invoices share one stream: the rule that a cycle is never invoiced beyond what it
// was billed spans every invoice that names it, and a cycle belongs to one contract.
import type { ContractId } from '../ids.js';

export const INVOICE_STREAM_PREFIX = 'renewal-invoices-';
export const invoiceStreamName = (contractId: string): string => `${INVOICE_STREAM_PREFIX}${contractId}`;
export const contractIdOfInvoiceStream = (stream: string): ContractId | null =>
  stream.startsWith(INVOICE_STREAM_PREFIX) ? (stream.slice(INVOICE_STREAM_PREFIX.length) as ContractId) : null;
