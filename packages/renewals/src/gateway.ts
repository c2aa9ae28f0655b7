// The payment gateway port: how auto-debit asks a provider (Alipay, WeChat Pay, a card acquirer,
// a bank's direct debit) to collect. No provider is reachable from this library; a service plugs
// its own in (docs/renewals.md shows how) and tests and examples use the simulated one.
import type { BusinessDate, CollectionResult, Instant, MandateMethod } from '@renewal-ledger/core';

export interface CollectionRequest {
  /**
   * The idempotency key: `<cycleId>/auto-debit/<due date>/<attempt>`. A gateway must answer the
   * same key with the same result and charge it at most once (Alipay and WeChat Pay's
   * `out_trade_no`, a card acquirer's idempotency key), so a run that stopped after the charge and
   * before recording it asks again and records the original answer.
   */
  readonly attemptId: string;
  readonly contractId: string;
  readonly cycleId: string;
  readonly dueDate: BusinessDate;
  readonly attempt: number;
  readonly amountMinor: number;
  readonly currency: string;
  readonly mandate: { readonly mandateId: string; readonly method: MandateMethod; readonly accountRef: string };
  /** When the run asks (business time). */
  readonly requestedAt: Instant;
  /** For the customer's statement: `Renewal fee unit-0301 2026-01-01`. */
  readonly description: string;
}

export interface PaymentGateway {
  /** For reports: `simulated`, `alipay`, `wechat-pay`, `card`... */
  readonly name: string;
  /**
   * Collects, or says why not. A thrown error means "no answer" (timeout, network): nothing is
   * recorded and the same attempt is asked again on the next run.
   */
  collect(request: CollectionRequest): Promise<CollectionResult>;
}
