// The auto-debit run: for every contract with an active mandate, core's collectionsDue (overdue
// cycles on or after their due date, retries on the schedule), each asked of the gateway under
// its attempt id; the answers go through the cycle handler's batch path as `RecordPayment`
// (channel auto-debit) or `RecordAutoDebitFailure`. A gateway that does not answer leaves the
// attempt for the next run, under the same id. Money a gateway collected for a cycle that then
// refuses it (paid at the counter meanwhile: OVERPAYMENT) is kept as the contract's credit
// (`CreditOverCollection`, which settleCredit applies to the next open cycle), never only counted.
// The run does not apply it: settleCredit does, when the engine runs it.
import {
  businessHourOf,
  collectionOutcome,
  collectionsDue,
  DEFAULT_RETRY_AFTER_DAYS,
  type BusinessDate,
  type CollectionDue,
  type CreditOverCollection,
  type CycleState,
  type Instant,
  type RecordAutoDebitFailure,
  type RecordPayment,
} from '@renewal-ledger/core';
import type { PaymentGateway } from './gateway.js';
import { contractHandlerOf, inBatches, type EngineOptions, type Tally } from './engine.js';
import type { ContractHandleResult } from './handlers.js';
import { readPortfolio } from './ledger.js';

export interface CollectAutoDebitsOptions extends EngineOptions {
  readonly gateway: PaymentGateway;
  readonly asOf: BusinessDate;
  /** When the run asks the gateway. Default 02:00 on `asOf` in the ledger's zone. */
  readonly at?: Instant;
  readonly retryAfterDays?: readonly number[];
  readonly batchSize?: number;
  readonly actor?: string;
}

export interface AutoDebitReport {
  readonly asOf: BusinessDate;
  readonly gateway: string;
  readonly attempted: number;
  /**
   * What the run collected, summed over cycles: a bigint (it may pass 2^53). `amountMinor` adds up
   * every currency's minor units and means something only in a one-currency portfolio; `byCurrency`
   * is the same per currency.
   */
  readonly collected: { readonly count: number; readonly amountMinor: bigint; readonly byCurrency: Readonly<Record<string, bigint>> };
  /** The currency of each attempt (attempt id: the payment id of a collection, the attempt id of a failure). */
  readonly currencies: Readonly<Record<string, string>>;
  readonly failed: { readonly count: number; readonly retryable: number; readonly byCode: Readonly<Record<string, number>> };
  /** Attempts the gateway did not answer: asked again next run. */
  readonly unanswered: readonly { readonly attemptId: string; readonly error: string }[];
  readonly recorded: Tally;
  /**
   * Collections their cycle refused, kept as the contract's credit: one `CreditOverCollection`
   * each (its result: applied, or duplicate when an earlier run kept it already).
   */
  readonly overCollected: readonly {
    readonly attemptId: string;
    readonly contractId: string;
    readonly cycleId: string;
    readonly amountMinor: number;
    readonly refusal: string;
    readonly credited: ContractHandleResult;
  }[];
}

export const overCollectionCommandId = (attemptId: string): string => `over-collection:${attemptId}`;

export const collectAutoDebits = async (options: CollectAutoDebitsOptions): Promise<AutoDebitReport> => {
  const { store, handler, gateway, asOf } = options;
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(store, { cycles: true }));
  const at = options.at ?? businessHourOf(portfolio.zones, asOf, 2);
  const byContract = new Map<string, CycleState[]>();
  for (const c of portfolio.cycles.values()) {
    if (!c.bill) continue;
    const list = byContract.get(c.bill.contractId) ?? [];
    list.push(c);
    byContract.set(c.bill.contractId, list);
  }
  const due: CollectionDue[] = [];
  for (const [contractId, contract] of portfolio.contracts)
    due.push(
      ...collectionsDue(
        contract,
        byContract.get(contractId) ?? [],
        asOf,
        options.retryAfterDays ?? DEFAULT_RETRY_AFTER_DAYS,
        portfolio.zones,
      ),
    );

  const commands: (RecordPayment | RecordAutoDebitFailure)[] = [];
  const dueOf: CollectionDue[] = [];
  const unanswered: { attemptId: string; error: string }[] = [];
  let collectedCount = 0;
  let collectedMinor = 0n;
  const byCurrency: Record<string, bigint> = {};
  const currencies: Record<string, string> = {};
  let failedCount = 0;
  let retryable = 0;
  const byCode: Record<string, number> = {};
  for (const d of due) {
    try {
      const result = await gateway.collect({
        attemptId: d.attemptId,
        contractId: d.contractId,
        cycleId: d.cycleId,
        dueDate: d.dueDate,
        attempt: d.attempt,
        amountMinor: d.amountMinor,
        currency: d.currency,
        mandate: d.mandate,
        requestedAt: at,
        description: `Renewal fee ${d.cycleId}`,
      });
      commands.push(collectionOutcome(d, result, options.actor));
      dueOf.push(d);
      currencies[d.attemptId] = d.currency;
      if (result.status === 'collected') {
        collectedCount++;
        collectedMinor += BigInt(result.amountMinor);
        byCurrency[d.currency] = (byCurrency[d.currency] ?? 0n) + BigInt(result.amountMinor);
      } else {
        failedCount++;
        if (result.retryable) retryable++;
        byCode[result.code] = (byCode[result.code] ?? 0) + 1;
      }
    } catch (e) {
      unanswered.push({ attemptId: d.attemptId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const { tally, results } = await inBatches(handler, commands, options.batchSize ?? 500);
  const keep: CreditOverCollection[] = [];
  const kept: { attemptId: string; contractId: string; cycleId: string; amountMinor: number; refusal: string }[] = [];
  results.forEach((r, i) => {
    const pay = commands[i]!;
    // Only OVERPAYMENT says "this money is more than the cycle can take": other refusals (a
    // reference or id already recorded, a clock problem) may mean the money is already counted.
    if (r.status !== 'rejected' || pay.type !== 'RecordPayment' || r.error.code !== 'OVERPAYMENT') return;
    const d = dueOf[i]!;
    const refusal = r.error.code;
    keep.push({
      type: 'CreditOverCollection',
      commandId: overCollectionCommandId(d.attemptId),
      contractId: d.contractId,
      actor: pay.actor,
      at: pay.at,
      collectionId: d.attemptId,
      cycleId: d.cycleId,
      amountMinor: pay.amountMinor,
      channel: 'auto-debit',
      reason: `collected for ${d.cycleId}, which refused it: ${refusal}`,
      ...(pay.reference !== undefined ? { reference: pay.reference } : {}),
    } as CreditOverCollection);
    kept.push({ attemptId: d.attemptId, contractId: d.contractId, cycleId: d.cycleId, amountMinor: pay.amountMinor, refusal });
  });
  const credited = keep.length ? await contractHandlerOf(options).handleBatch(keep) : [];
  return {
    asOf,
    gateway: gateway.name,
    attempted: due.length,
    collected: { count: collectedCount, amountMinor: collectedMinor, byCurrency },
    currencies,
    failed: { count: failedCount, retryable, byCode },
    unanswered,
    recorded: tally,
    overCollected: kept.map((k, i) => ({ ...k, credited: credited[i]! })),
  };
};
