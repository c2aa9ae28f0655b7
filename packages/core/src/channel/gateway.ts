// What a provider's agreement-based auto-debit adapter takes and answers: the fields of the payment
// gateway port's CollectionRequest (@renewal-ledger/renewals) that a provider needs, so the channel
// packages (which sit on core alone) implement the port without depending on the renewal engine.
import type { BusinessDate, Instant } from '../calendar.js';
import type { CollectionResult } from '../auto-debit/policy.js';
import type { MandateMethod } from '../contract/shapes.js';

export interface ChannelCollection {
  /** The idempotency key: the same attempt is the same provider order, charged at most once. */
  readonly attemptId: string;
  readonly dueDate: BusinessDate;
  readonly amountMinor: number;
  readonly currency: string;
  readonly mandate: { readonly mandateId: string; readonly method: MandateMethod; readonly accountRef: string };
  readonly requestedAt: Instant;
  readonly description: string;
}

export interface ChannelGateway<Name extends string> {
  readonly name: Name;
  /** Collects, or says why not; throws for no answer (asked again next run). */
  collect(request: ChannelCollection): Promise<CollectionResult>;
}
