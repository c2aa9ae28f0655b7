// One line of a statement, whatever its format: which way the money went, the references that
// name it on both sides, when the provider says it happened, the amount and the provider's fee.
import type { Instant } from '@renewal-ledger/core';

export interface StatementLine {
  /** The line's number in the file (1 is the first line), for the report. */
  readonly line: number;
  readonly direction: 'payment' | 'refund';
  /** The provider's or bank's own transaction id (支付宝交易号, 微信订单号, a bank reference). */
  readonly providerRef: string | null;
  /** The merchant's order number (商户订单号: the out-trade-no the ledger sent). */
  readonly merchantRef: string | null;
  /** A refund's own number (商户退款单号, 退款批次号). */
  readonly refundRef: string | null;
  readonly at: Instant;
  /** Always positive: `direction` says which way. */
  readonly amountMinor: number;
  /** The provider's fee on this line; negative when a refund returns part of a fee. */
  readonly feeMinor: number;
  readonly currency: string;
}

/** A statement line that cannot be read: the file, the line and what was wrong. */
export class StatementFormatError extends Error {
  override readonly name = 'StatementFormatError';
  readonly code = 'STATEMENT_FORMAT' as const;
  constructor(
    readonly format: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${format} statement, line ${line}: ${problem}`);
  }
}
