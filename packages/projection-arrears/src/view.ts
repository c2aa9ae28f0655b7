// Reading the arrears view. Figures come from the stored rows (core's cycleFigures at the last
// event); aging is computed when asked, with core's agingAsOf on the cycle's stored state (joined
// from arrears_states), so any
// date can be asked about without a rebuild. Every collectible amount is in exactly one bucket:
// what is overdue in the bucket of its days past due, what is not due yet in `current`.
import {
  agingAsOf,
  pendingRequests,
  type Aging,
  type AgingBucket,
  type BusinessDate,
  type CycleFigures,
  type CycleState,
  type Period,
} from '@renewal-ledger/core';
import {
  asBigInt,
  asExactSum,
  asNumber,
  asText,
  exactSumSql,
  ratioOf,
  cycleStateColumnsSql,
  cycleStateFromRow,
  requireLiveView,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from '@renewal-ledger/projections';
import { ARREARS_CYCLES, ARREARS_PENDING_APPROVALS, ARREARS_PROJECTION, ARREARS_STATES } from './projection.js';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { BooksQuery } from './as-known-at.js';
import { booksFromViews, type BooksFromViews } from './books-view.js';
import {
  accumulator,
  addAging,
  addFigures,
  addToDebtor,
  byCurrency,
  newDebtorSum,
  rankDebtors,
  type Accumulator,
  type CurrencyTotals,
  type Debtor,
  type DebtorSum,
  type Portfolio,
} from './sums.js';

export type { BucketAmounts, BucketCounts, CurrencyTotals, Debtor, Portfolio } from './sums.js';

/** A cycle's row (`a`) with its state's columns (`s_...`, read with stateOfRow). */
const WITH_STATE = `${cycleStateColumnsSql('s', 's_')} FROM ${ARREARS_CYCLES} a JOIN ${ARREARS_STATES} s ON s.cycle_id = a.cycle_id`;
const stateOfRow = (r: SqlRow): CycleState => cycleStateFromRow(r, 's_');

export interface OpenDispute {
  readonly disputeId: string;
  readonly amountMinor: number;
  readonly reason: string;
  readonly lineCode: string | null;
}

/** A refund, adjustment or write-off asked for and not yet approved, rejected or expired: no money has moved. */
export interface PendingApproval {
  readonly cycleId: string;
  readonly requestId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly kind: 'Refund' | 'Adjust' | 'WriteOff';
  readonly amountMinor: number;
  readonly reason: string;
  readonly requester: string;
  readonly role: string;
  readonly requestedAt: string;
  readonly paymentId: string | null;
}

export interface ArrearsCycle {
  readonly cycleId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly period: Period;
  /** `YYYY-MM` of the period's start. */
  readonly billingMonth: string;
  readonly dueDate: BusinessDate;
  /** core's cycleFigures after the last event applied. */
  readonly figures: CycleFigures;
  /** core's agingAsOf at the date asked: overdue, not yet due, days past due, bucket, plan. */
  readonly aging: Aging;
  readonly openDisputes: readonly OpenDispute[];
  /** Money asked to go out, waiting for a second person: not in the figures until approved. */
  readonly pendingApprovals: readonly PendingApproval[];
  /** Global position and recorded time of the last event of the cycle in the view. */
  readonly lastPosition: bigint;
  readonly lastRecordedAt: string;
}

export interface ContractArrears {
  readonly contractId: string;
  readonly asOf: BusinessDate;
  /** Every cycle of the contract, oldest period first. */
  readonly cycles: readonly ArrearsCycle[];
  readonly totals: readonly CurrencyTotals[];
}

export interface BucketEntry {
  readonly cycle: ArrearsCycle;
  /** The part of the cycle's collectible amount in the bucket asked for. */
  readonly amountMinor: number;
}
export interface BillingPeriodFigures {
  /** `YYYY-MM` of the periods' start. */
  readonly billingMonth: string;
  readonly currency: string;
  readonly cycles: number;
  readonly billedMinor: bigint;
  readonly dueMinor: bigint;
  /** Net paid (payments - refunds). */
  readonly collectedMinor: bigint;
  readonly outstandingMinor: bigint;
  readonly writtenOffMinor: bigint;
  /** collected / due, or null when nothing is due. A ratio, not money. */
  readonly collectionRate: number | null;
  /** Late fees charged on the month's cycles, waived, and collected (net of refunds): apart from the principal. */
  readonly lateFeeChargedMinor: bigint;
  readonly lateFeeWaivedMinor: bigint;
  readonly lateFeeCollectedMinor: bigint;
  /** late fees collected / (charged - waived), or null when none is due. */
  readonly lateFeeCollectionRate: number | null;
}

export interface ArrearsView {
  cycle(cycleId: string, options: { readonly asOf: BusinessDate }): Promise<ArrearsCycle | null>;
  byContract(contractId: string, options: { readonly asOf: BusinessDate }): Promise<ContractArrears>;
  /** Cycles with an amount in `bucket` as of the date, oldest first. */
  byBucket(
    bucket: AgingBucket,
    options: { readonly asOf: BusinessDate; readonly currency?: string; readonly limit?: number },
  ): Promise<readonly BucketEntry[]>;
  /** Contracts with the most overdue as of the date, largest first (per currency: pass one when several are in use). */
  topDebtors(options: { readonly asOf: BusinessDate; readonly limit?: number; readonly currency?: string }): Promise<readonly Debtor[]>;
  /** Billed, due, collected and the collection rate per billing month and currency; one month when given. */
  billingPeriods(options?: { readonly month?: string }): Promise<readonly BillingPeriodFigures[]>;
  /** Totals per currency with every collectible amount in exactly one aging bucket as of the date. */
  portfolio(options: { readonly asOf: BusinessDate }): Promise<Portfolio>;
  /** Every request waiting for approval, oldest first (docs/roles-and-approvals.md). */
  pendingApprovals(options?: { readonly limit?: number }): Promise<readonly PendingApproval[]>;
  /**
   * The books as they stood (docs/as-known-at.md): as booksAsTheyStood, from the view's history
   * rows; the store gives the ledger's zone and the streams of the few cycles folded exactly.
   */
  asKnownAt(store: EventStore, query: BooksQuery): Promise<BooksFromViews>;
}

const figuresOf = (r: SqlRow): CycleFigures => ({
  totalMinor: asNumber(r.total_minor),
  dueMinor: asNumber(r.due_minor),
  paidMinor: asNumber(r.paid_minor),
  refundedMinor: asNumber(r.refunded_minor),
  // No column of its own: net paid is stored as cycleFigures computed it (payments - refunds -
  // reversals), so the reversals are what is left, and rows written before reversals read 0.
  reversedMinor: asNumber(r.paid_minor) - asNumber(r.refunded_minor) - asNumber(r.net_paid_minor),
  netPaidMinor: asNumber(r.net_paid_minor),
  outstandingMinor: asNumber(r.outstanding_minor),
  openDisputedMinor: asNumber(r.open_disputed_minor),
  collectibleMinor: asNumber(r.collectible_minor),
  adjustedMinor: asNumber(r.adjusted_minor),
  disputeAdjustedMinor: asNumber(r.dispute_adjusted_minor),
  writtenOffMinor: asNumber(r.written_off_minor),
  lateFeeChargedMinor: asNumber(r.late_fee_charged_minor),
  lateFeeWaivedMinor: asNumber(r.late_fee_waived_minor),
  lateFeePaidMinor: asNumber(r.late_fee_paid_minor),
  lateFeeOutstandingMinor: asNumber(r.late_fee_outstanding_minor),
});

const cycleOf = (r: SqlRow, asOf: BusinessDate): ArrearsCycle => {
  const state = stateOfRow(r);
  return {
    cycleId: asText(r.cycle_id),
    contractId: asText(r.contract_id),
    currency: asText(r.currency),
    period: { start: asText(r.period_start) as BusinessDate, end: asText(r.period_end) as BusinessDate },
    billingMonth: asText(r.billing_month),
    dueDate: asText(r.due_date) as BusinessDate,
    figures: figuresOf(r),
    aging: agingAsOf(asOf)(state),
    openDisputes: state.disputes
      .filter((d) => !d.resolution)
      .map((d) => ({
        disputeId: d.raised.disputeId,
        amountMinor: d.raised.amountMinor,
        reason: d.raised.reason,
        lineCode: d.raised.lineCode ?? null,
      })),
    pendingApprovals: pendingRequests(state).map((p) => ({
      cycleId: p.cycleId,
      requestId: p.requestId,
      contractId: state.bill!.contractId,
      currency: state.bill!.currency,
      kind: p.kind,
      amountMinor: p.amountMinor,
      reason: p.reason,
      requester: p.actor,
      role: p.role,
      requestedAt: p.at,
      paymentId: p.paymentId ?? null,
    })),
    lastPosition: asBigInt(r.last_position),
    lastRecordedAt: asText(r.last_recorded_at),
  };
};

const PAGE = 1000;

/** The aging of a row's cycle, from its state alone: what the portfolio-wide sums need. */
const agingOfRow = (r: SqlRow, asOf: BusinessDate): Aging => agingAsOf(asOf)(stateOfRow(r));

/**
 * Rows of open cycles (something collectible) in key order, with their states, a page at a
 * time: memory stays flat. `columns` (of the view's row `a`) must hold the key columns
 * (`a.cycle_id`, and `a.contract_id` in contract order).
 */
async function* openCycles(db: SqlExecutor, order: 'cycle' | 'contract', currency?: string, columns = 'a.*'): AsyncGenerator<SqlRow> {
  let key: SqlValue[] | null = null;
  const cols = order === 'cycle' ? ['cycle_id'] : ['contract_id', 'cycle_id'];
  for (;;) {
    const params: SqlValue[] = [];
    let where = 'a.collectible_minor > 0';
    if (currency) {
      where += ' AND a.currency = ?';
      params.push(currency);
    }
    if (key) {
      where += cols.length === 1 ? ' AND a.cycle_id > ?' : ' AND (a.contract_id > ? OR (a.contract_id = ? AND a.cycle_id > ?))';
      params.push(...(cols.length === 1 ? key : [key[0]!, key[0]!, key[1]!]));
    }
    const rows = await db.query(
      `SELECT ${columns}, ${WITH_STATE} WHERE ${where} ORDER BY ${cols.map((c) => `a.${c}`).join(', ')} LIMIT ${PAGE}`,
      params,
    );
    for (const r of rows) yield r;
    if (rows.length < PAGE) return;
    const lastRow = rows[rows.length - 1]!;
    key = cols.map((c) => asText(lastRow[c]));
  }
}

export const getArrearsView = (db: SqlExecutor): ArrearsView => {
  const ready = () => requireLiveView(db, ARREARS_PROJECTION);

  return {
    asKnownAt: (store, query) => booksFromViews(db, store, query),

    async pendingApprovals(options = {}) {
      await ready();
      const rows = await db.query(
        `SELECT * FROM ${ARREARS_PENDING_APPROVALS} ORDER BY requested_at, cycle_id, request_id${options.limit ? ` LIMIT ${Math.floor(options.limit)}` : ''}`,
      );
      return rows.map((r) => ({
        cycleId: asText(r.cycle_id),
        requestId: asText(r.request_id),
        contractId: asText(r.contract_id),
        currency: asText(r.currency),
        kind: asText(r.kind) as PendingApproval['kind'],
        amountMinor: asNumber(r.amount_minor),
        reason: asText(r.reason),
        requester: asText(r.requester),
        role: asText(r.role),
        requestedAt: asText(r.requested_at),
        paymentId: r.payment_id === null ? null : asText(r.payment_id),
      }));
    },

    async cycle(cycleId, { asOf }) {
      await ready();
      const rows = await db.query(`SELECT a.*, ${WITH_STATE} WHERE a.cycle_id = ?`, [cycleId]);
      return rows[0] ? cycleOf(rows[0], asOf) : null;
    },

    async byContract(contractId, { asOf }) {
      await ready();
      const rows = await db.query(`SELECT a.*, ${WITH_STATE} WHERE a.contract_id = ? ORDER BY a.period_start, a.cycle_id`, [contractId]);
      const cycles = rows.map((r) => cycleOf(r, asOf));
      const accs = new Map<string, Accumulator>();
      for (const c of cycles) {
        let acc = accs.get(c.currency);
        if (!acc) accs.set(c.currency, (acc = accumulator(c.currency)));
        addFigures(acc, c.figures);
        addAging(acc, c.aging);
      }
      return { contractId, asOf, cycles, totals: byCurrency(accs) };
    },

    async byBucket(bucket, { asOf, currency, limit }) {
      await ready();
      const out: BucketEntry[] = [];
      for await (const r of openCycles(db, 'cycle', currency)) {
        const cycle = cycleOf(r, asOf);
        const a = cycle.aging;
        const amountMinor =
          (a.overdueMinor > 0 && a.bucket === bucket ? a.overdueMinor : 0) + (bucket === 'current' ? a.notYetDueMinor : 0);
        if (amountMinor > 0) out.push({ cycle, amountMinor });
      }
      out.sort(
        (x, y) =>
          y.cycle.aging.daysPastDue - x.cycle.aging.daysPastDue ||
          (x.cycle.cycleId < y.cycle.cycleId ? -1 : x.cycle.cycleId > y.cycle.cycleId ? 1 : 0),
      );
      return limit === undefined ? out : out.slice(0, limit);
    },

    async topDebtors({ asOf, limit = 10, currency }) {
      await ready();
      let top: Debtor[] = [];
      const rank = rankDebtors;
      // Rows come grouped by contract: one running debtor per currency of the current contract.
      let current = new Map<string, DebtorSum>();
      let contract: string | null = null;
      const flush = () => {
        if (contract === null) return;
        for (const [cur, d] of current)
          if (d.overdue > 0n)
            top.push({
              contractId: contract,
              currency: cur,
              overdueMinor: d.overdue,
              collectibleMinor: d.collectible,
              daysPastDue: d.days,
              bucket: d.bucket,
              cycles: d.cycles,
            });
        if (top.length > 2 * limit + 100) top = top.sort(rank).slice(0, limit);
        current = new Map();
      };
      // Only what the ranking needs: no full ArrearsCycle (figures, open disputes) per open row.
      for await (const r of openCycles(db, 'contract', currency, 'a.cycle_id, a.contract_id, a.currency, a.collectible_minor')) {
        const contractId = asText(r.contract_id);
        const cur = asText(r.currency);
        const aging = agingOfRow(r, asOf);
        if (contractId !== contract) {
          flush();
          contract = contractId;
        }
        const d = current.get(cur) ?? newDebtorSum();
        addToDebtor(d, aging, asBigInt(r.collectible_minor));
        current.set(cur, d);
      }
      flush();
      return top.sort(rank).slice(0, limit);
    },

    async billingPeriods(options = {}) {
      await ready();
      const rows = await db.query(
        `SELECT billing_month, currency, COUNT(*) AS cycles, ${exactSumSql('total_minor', 'billed')}, ${exactSumSql('due_minor', 'due')},
                ${exactSumSql('net_paid_minor', 'collected')}, ${exactSumSql('outstanding_minor', 'outstanding')},
                ${exactSumSql('written_off_minor', 'written_off')}, ${exactSumSql('late_fee_charged_minor', 'late_fee_charged')},
                ${exactSumSql('late_fee_waived_minor', 'late_fee_waived')}, ${exactSumSql('late_fee_paid_minor', 'late_fee_collected')}
           FROM ${ARREARS_CYCLES} ${options.month ? 'WHERE billing_month = ?' : ''}
          GROUP BY billing_month, currency ORDER BY billing_month, currency`,
        options.month ? [options.month] : [],
      );
      return rows.map((r) => {
        const dueMinor = asExactSum(r, 'due');
        const collectedMinor = asExactSum(r, 'collected');
        const lateFeeChargedMinor = asExactSum(r, 'late_fee_charged');
        const lateFeeWaivedMinor = asExactSum(r, 'late_fee_waived');
        const lateFeeCollectedMinor = asExactSum(r, 'late_fee_collected');
        return {
          billingMonth: asText(r.billing_month),
          currency: asText(r.currency),
          cycles: asNumber(r.cycles),
          billedMinor: asExactSum(r, 'billed'),
          dueMinor,
          collectedMinor,
          outstandingMinor: asExactSum(r, 'outstanding'),
          writtenOffMinor: asExactSum(r, 'written_off'),
          collectionRate: ratioOf(collectedMinor, dueMinor),
          lateFeeChargedMinor,
          lateFeeWaivedMinor,
          lateFeeCollectedMinor,
          lateFeeCollectionRate: ratioOf(lateFeeCollectedMinor, lateFeeChargedMinor - lateFeeWaivedMinor),
        };
      });
    },

    async portfolio({ asOf }) {
      await ready();
      const accs = new Map<string, Accumulator>();
      const sums = await db.query(
        `SELECT currency, COUNT(*) AS cycles, ${exactSumSql('due_minor', 'due')}, ${exactSumSql('net_paid_minor', 'net_paid')},
                ${exactSumSql('outstanding_minor', 'outstanding')}, ${exactSumSql('open_disputed_minor', 'open_disputed')},
                ${exactSumSql('collectible_minor', 'collectible')},
                ${exactSumSql('CASE WHEN outstanding_minor < 0 THEN -outstanding_minor ELSE 0 END', 'credit')},
                ${exactSumSql('late_fee_outstanding_minor', 'late_fee_outstanding')}
           FROM ${ARREARS_CYCLES} GROUP BY currency`,
      );
      for (const r of sums) {
        const acc = accumulator(asText(r.currency));
        acc.cycles = asNumber(r.cycles);
        acc.dueMinor = asExactSum(r, 'due');
        acc.netPaidMinor = asExactSum(r, 'net_paid');
        acc.outstandingMinor = asExactSum(r, 'outstanding');
        acc.openDisputedMinor = asExactSum(r, 'open_disputed');
        acc.collectibleMinor = asExactSum(r, 'collectible');
        acc.creditMinor = asExactSum(r, 'credit');
        acc.lateFeeOutstandingMinor = asExactSum(r, 'late_fee_outstanding');
        accs.set(acc.currency, acc);
      }
      for await (const r of openCycles(db, 'cycle', undefined, 'a.cycle_id, a.currency'))
        addAging(accs.get(asText(r.currency))!, agingOfRow(r, asOf));
      return { asOf, currencies: byCurrency(accs) };
    },
  };
};
