// The arrears projection: one row per billed cycle with the figures core's cycleFigures gives for
// it, and the cycle's folded state in `arrears_states` (the projections package's compact row).
// Aging is not stored: it depends on the date asked about, so the view computes it at query time
// with core's agingAsOf on the stored state. Beside them, the history the books as they stood are
// read from (history.ts).
import { agingAsOf, cycleEvents, cycleFigures, pendingRequests, type CycleState } from '@renewal-ledger/core';
import { defineProjection, insertRows, cycleIdOf, type SqlValue } from '@renewal-ledger/projections';
import { ARREARS_HISTORY, ARREARS_LOG, createHistoryTables, historyRecorder } from './history.js';

export const ARREARS_PROJECTION = 'arrears';
/** The table readers query (a SQL view over the live table set). */
export const ARREARS_CYCLES = 'arrears_cycles';
/** Each cycle's folded state (createCycleStateTable's columns): what aging is computed from. */
export const ARREARS_STATES = 'arrears_states';
/** Requests for money to go out that wait for approval (docs/roles-and-approvals.md): one row each. */
export const ARREARS_PENDING_APPROVALS = 'arrears_pending_approvals';

const APPROVAL_EVENTS = new Set(['ApprovalRequested', 'RequestApproved', 'RequestRejected', 'RequestExpired']);
const PENDING_COLUMNS = [
  'cycle_id',
  'request_id',
  'contract_id',
  'currency',
  'kind',
  'amount_minor',
  'reason',
  'requester',
  'role',
  'requested_at',
  'payment_id',
] as const;

const pendingRowsOf = (cycleId: string, state: CycleState): SqlValue[][] =>
  pendingRequests(state).map((r) => [
    cycleId,
    r.requestId,
    state.bill!.contractId,
    state.bill!.currency,
    r.kind,
    r.amountMinor,
    r.reason,
    r.actor,
    r.role,
    r.at,
    r.paymentId ?? null,
  ]);

const FIGURE_COLUMNS = [
  'total_minor',
  'due_minor',
  'paid_minor',
  'refunded_minor',
  'net_paid_minor',
  'outstanding_minor',
  'open_disputed_minor',
  'collectible_minor',
  'adjusted_minor',
  'dispute_adjusted_minor',
  'written_off_minor',
  // Late fees (docs/late-fees.md), kept apart from the principal figures above.
  'late_fee_charged_minor',
  'late_fee_waived_minor',
  'late_fee_paid_minor',
  'late_fee_outstanding_minor',
] as const;

const COLUMNS = [
  'cycle_id',
  'contract_id',
  'currency',
  'period_start',
  'period_end',
  'billing_month',
  'due_date',
  ...FIGURE_COLUMNS,
  'open_disputes',
  'plan_status',
  'last_position',
  'last_recorded_at',
] as const;

const rowOf = (cycleId: string, state: CycleState, lastPosition: bigint, lastRecordedAt: string) => {
  const bill = state.bill!;
  const f = cycleFigures(state);
  // Plan status does not depend on the date; ask core rather than re-deriving it.
  const planStatus = agingAsOf(bill.dueDate)(state).planStatus;
  return [
    cycleId,
    bill.contractId,
    bill.currency,
    bill.period.start,
    bill.period.end,
    bill.period.start.slice(0, 7),
    bill.dueDate,
    f.totalMinor,
    f.dueMinor,
    f.paidMinor,
    f.refundedMinor,
    f.netPaidMinor,
    f.outstandingMinor,
    f.openDisputedMinor,
    f.collectibleMinor,
    f.adjustedMinor,
    f.disputeAdjustedMinor,
    f.writtenOffMinor,
    f.lateFeeChargedMinor,
    f.lateFeeWaivedMinor,
    f.lateFeePaidMinor,
    f.lateFeeOutstandingMinor,
    state.disputes.filter((d) => !d.resolution).length,
    planStatus,
    lastPosition,
    lastRecordedAt,
  ];
};

export const arrearsProjection = defineProjection({
  name: ARREARS_PROJECTION,
  // 2: pending approvals; the late-fee columns, and principal figures without the late-fee parts of payments.
  // 3: the state in arrears_states, compact, instead of a JSON copy in each row.
  // 4: the history the books as they stood are read from (history.ts): every event, for its log.
  // 5: arrears_states is the runner's shared cycle-state set, no longer a table of the view's own.
  // 6: reversals are takings of their own (history `taking` -2): they were not counted.
  version: 6,
  eventTypes: 'all',
  tables: [ARREARS_CYCLES, ARREARS_PENDING_APPROVALS, ARREARS_HISTORY, ARREARS_LOG],
  cycleStates: ARREARS_STATES,
  async createTables(tx, t) {
    const table = t.arrears_cycles;
    await tx.execute(`CREATE TABLE ${table} (
      cycle_id TEXT PRIMARY KEY,
      contract_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      period_start TEXT NOT NULL,
      period_end TEXT NOT NULL,
      billing_month TEXT NOT NULL,
      due_date TEXT NOT NULL,
      ${FIGURE_COLUMNS.map((c) => `${c} BIGINT NOT NULL`).join(',\n      ')},
      open_disputes BIGINT NOT NULL,
      plan_status TEXT NOT NULL,
      last_position BIGINT NOT NULL,
      last_recorded_at TEXT NOT NULL)`);
    await tx.execute(`CREATE INDEX ${table}_contract ON ${table} (contract_id, cycle_id)`);
    await tx.execute(`CREATE INDEX ${table}_month ON ${table} (billing_month, currency)`);
    // Aging scans only what can still be collected: a small part of a mature portfolio.
    await tx.execute(`CREATE INDEX ${table}_open ON ${table} (cycle_id) WHERE collectible_minor > 0`);
    await tx.execute(`CREATE INDEX ${table}_open_contract ON ${table} (contract_id, cycle_id) WHERE collectible_minor > 0`);
    await tx.execute(`CREATE TABLE ${t.arrears_pending_approvals} (
      cycle_id TEXT NOT NULL,
      request_id TEXT NOT NULL,
      contract_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      kind TEXT NOT NULL,
      amount_minor BIGINT NOT NULL,
      reason TEXT NOT NULL,
      requester TEXT NOT NULL,
      role TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      payment_id TEXT,
      PRIMARY KEY (cycle_id, request_id))`);
    await createHistoryTables(tx, t.arrears_history, t.arrears_log);
  },
  async applyBatch(all, tx, t, cycles) {
    const history = historyRecorder();
    const events = all.filter((e) => cycleEvents.owns(e.type));
    const table = t.arrears_cycles;
    const states = cycles.load(events.map(cycleIdOf));
    const last = new Map<string, { position: bigint; recordedAt: string }>();
    const touched = cycles.fold(states, events, (e, before, after) => {
      last.set(cycleIdOf(e), { position: e.globalPosition, recordedAt: e.metadata.recordedAt });
      history.add(e, before, after);
    });
    await history.write(tx, t.arrears_history, t.arrears_log, all);
    const updates = COLUMNS.slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    const rows: SqlValue[][] = [];
    for (const id of touched) {
      const state = states.get(id)!;
      // Every cycle starts with Billed (the decider refuses anything else first).
      if (!state.bill) continue;
      const l = last.get(id)!;
      rows.push(rowOf(id, state, l.position, l.recordedAt));
    }
    await insertRows(tx, table, COLUMNS, rows, `ON CONFLICT (cycle_id) DO UPDATE SET ${updates}`);
    // Pending approvals: rewritten from the state for the few cycles whose requests changed.
    const asked = [...new Set(events.filter((e) => APPROVAL_EVENTS.has(e.type)).map(cycleIdOf))];
    if (asked.length === 0) return;
    const pending = t.arrears_pending_approvals;
    await tx.execute(`DELETE FROM ${pending} WHERE cycle_id IN (${asked.map(() => '?').join(', ')})`, asked);
    await insertRows(
      tx,
      pending,
      PENDING_COLUMNS,
      asked.flatMap((id) => pendingRowsOf(id, states.get(id)!)),
    );
  },
});
