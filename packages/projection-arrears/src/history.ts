// The arrears view's history (docs/as-known-at.md): the rows the books as they stood are read
// from, written by the arrears projection beside its cycle rows.
//
// - `arrears_history`: one row per *version* of a cycle: after each of its events that can move a
//   figure, an aging input or a taking (every type but the six below), the figures core's
//   cycleFigures gives then, the event's recorded instant and business time (epoch ms), and the
//   running maxima of both over the cycle's versions so far. A cycle's picture as of D as known
//   at K is usually a prefix of its versions: then it is the version whose running maxima are
//   inside (K, end of D) and whose next version's are not (`next_*`), and SQL sums it. When an
//   event in the picture follows one outside it (a payment dated 30 December entered on 5 January
//   after a late fee dated 2 January), its cycle is not a prefix: SQL finds those, and they are
//   folded exactly from the store.
// - `arrears_log`: one row per event of the log (position, recorded, business time), for what the
//   picture holds and leaves out, and the credit a lump sum left (new money, a taking of no cycle).
//
// Integers throughout (amounts in minor units, instants in epoch ms, days as day numbers): no
// JSON per row, a few dozen bytes per version.
import {
  agingAsOf,
  cycleEvents,
  cycleFigures,
  daysBetween,
  takingOfCycleEvent,
  type BusinessDate,
  type CreditReceivedData,
  type CycleState,
  type RecordedEvent,
  type TakingKind,
} from '@renewal-ledger/core';
import { cycleIdOf, insertRows, placeholders, asNumber, asText, type SqlExecutor, type SqlValue } from '@renewal-ledger/projections';

/** One row per version of a cycle (see the header). */
export const ARREARS_HISTORY = 'arrears_history';
/** A taking's kind in the `taking` column: a small integer, not its name on every version row. */
export const TAKING_CODES: Readonly<Record<TakingKind, number>> = { taken: 1, refunded: -1, reversed: -2 };
export const takingKindOfCode = (code: number): TakingKind => (code > 0 ? 'taken' : code === -1 ? 'refunded' : 'reversed');

/** One row per event of the log: what the picture holds and leaves out; credit takings. */
export const ARREARS_LOG = 'arrears_log';

/**
 * Cycle events that change no figure, no aging input and no taking: they only add to lists
 * core's cycleFigures and agingAsOf never read. Leaving them out keeps a reminder dated after D
 * from breaking its cycle's prefix. Every other type, including any added later, gets a version.
 */
const FIGURE_NEUTRAL = new Set([
  'ReminderSent',
  'AutoDebitFailed',
  'ApprovalRequested',
  'RequestApproved',
  'RequestRejected',
  'RequestExpired',
]);

const EPOCH = '1970-01-01' as BusinessDate;
/** A business date as a day number (days since 1970-01-01): aging in SQL subtracts them. */
export const dayNumber = (date: BusinessDate): number => daysBetween(EPOCH, date);

const HISTORY_COLUMNS = [
  'cycle_id',
  'position',
  'recorded_ms',
  'at_ms',
  'max_recorded_ms',
  'max_at_ms',
  'next_recorded_ms',
  'next_at_ms',
  'contract_id',
  'currency',
  'due_day',
  'due_minor',
  'net_paid_minor',
  'outstanding_minor',
  'open_disputed_minor',
  'collectible_minor',
  'late_fee_outstanding_minor',
  'on_plan',
  'taking',
  'taking_channel',
  'taking_minor',
] as const;

const LOG_COLUMNS = ['position', 'recorded_ms', 'at_ms', 'credit_channel', 'credit_currency', 'credit_minor'] as const;

export const createHistoryTables = async (tx: SqlExecutor, history: string, log: string): Promise<void> => {
  const sqlite = tx.dialect === 'sqlite';
  // Clustered by cycle on SQLite (WITHOUT ROWID): a cycle's versions sit together, no second index.
  await tx.execute(`CREATE TABLE ${history} (
      cycle_id TEXT NOT NULL,
      position BIGINT NOT NULL,
      recorded_ms BIGINT NOT NULL,
      at_ms BIGINT NOT NULL,
      max_recorded_ms BIGINT NOT NULL,
      max_at_ms BIGINT NOT NULL,
      next_recorded_ms BIGINT,
      next_at_ms BIGINT,
      contract_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      due_day INTEGER NOT NULL,
      due_minor BIGINT NOT NULL,
      net_paid_minor BIGINT NOT NULL,
      outstanding_minor BIGINT NOT NULL,
      open_disputed_minor BIGINT NOT NULL,
      collectible_minor BIGINT NOT NULL,
      late_fee_outstanding_minor BIGINT NOT NULL,
      on_plan SMALLINT NOT NULL,
      taking SMALLINT,
      taking_channel TEXT,
      taking_minor BIGINT,
      PRIMARY KEY (cycle_id, position))${sqlite ? ' WITHOUT ROWID' : ''}`);
  await tx.execute(`CREATE TABLE ${log} (
      position ${sqlite ? 'INTEGER' : 'BIGINT'} PRIMARY KEY,
      recorded_ms BIGINT NOT NULL,
      at_ms BIGINT,
      credit_channel TEXT,
      credit_currency TEXT,
      credit_minor BIGINT)`);
};

interface Version {
  readonly cycleId: string;
  readonly row: SqlValue[];
  readonly recordedMs: number;
  readonly atMs: number;
}

// Column indexes in a version row.
const MAX_RECORDED = 4;
const MAX_AT = 5;
const NEXT_RECORDED = 6;
const NEXT_AT = 7;

const msOf = (instant: string): number => Date.parse(instant);

/**
 * Collects a batch's versions while the arrears projection folds it (`add` with the state before
 * and after each cycle event), then writes them with the batch's log rows (`write`).
 */
export const historyRecorder = () => {
  const versions: Version[] = [];
  return {
    add(e: RecordedEvent, before: CycleState, after: CycleState): void {
      const bill = after.bill;
      if (!bill || FIGURE_NEUTRAL.has(e.type)) return;
      const f = cycleFigures(after);
      const taking = takingOfCycleEvent(cycleEvents.of(e), before);
      const recordedMs = msOf(e.metadata.recordedAt);
      const atMs = msOf((e.data as { at: string }).at);
      versions.push({
        cycleId: cycleIdOf(e),
        recordedMs,
        atMs,
        row: [
          cycleIdOf(e),
          e.globalPosition,
          recordedMs,
          atMs,
          recordedMs,
          atMs,
          null,
          null,
          bill.contractId,
          bill.currency,
          dayNumber(bill.dueDate),
          f.dueMinor,
          f.netPaidMinor,
          f.outstandingMinor,
          f.openDisputedMinor,
          f.collectibleMinor,
          f.lateFeeOutstandingMinor,
          // Aged by a plan's instalments (a plan in force with something outstanding): folded when collectible.
          agingAsOf(bill.dueDate)(after).planStatus === 'active' ? 1 : 0,
          taking === null ? null : TAKING_CODES[taking.kind],
          taking?.channel ?? null,
          taking?.amountMinor ?? null,
        ],
      });
    },

    /** Writes the versions collected and a log row for every event of the batch. */
    async write(tx: SqlExecutor, history: string, log: string, events: readonly RecordedEvent[]): Promise<void> {
      await insertRows(tx, log, LOG_COLUMNS, events.map(logRowOf));
      if (versions.length === 0) return;
      // Each cycle's last version so far: its running maxima go on, and it learns its next's.
      const ids = [...new Set(versions.map((v) => v.cycleId))];
      const last = new Map<string, SqlValue[]>();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = await tx.query(
          `SELECT ${HISTORY_COLUMNS.join(', ')} FROM ${history} WHERE cycle_id IN (${placeholders(chunk.length)}) AND next_recorded_ms IS NULL`,
          chunk,
        );
        for (const r of rows)
          last.set(
            asText(r.cycle_id),
            HISTORY_COLUMNS.map((c) => r[c] as SqlValue),
          );
      }
      const rows: SqlValue[][] = [...last.values()];
      for (const v of versions) {
        const previous = last.get(v.cycleId);
        if (previous) {
          v.row[MAX_RECORDED] = Math.max(asNumber(previous[MAX_RECORDED]), v.recordedMs);
          v.row[MAX_AT] = Math.max(asNumber(previous[MAX_AT]), v.atMs);
          previous[NEXT_RECORDED] = v.row[MAX_RECORDED]!;
          previous[NEXT_AT] = v.row[MAX_AT]!;
        }
        last.set(v.cycleId, v.row);
        rows.push(v.row);
      }
      await insertRows(
        tx,
        history,
        HISTORY_COLUMNS,
        rows,
        'ON CONFLICT (cycle_id, position) DO UPDATE SET next_recorded_ms = excluded.next_recorded_ms, next_at_ms = excluded.next_at_ms',
      );
      versions.length = 0;
    },
  };
};

const logRowOf = (e: RecordedEvent): SqlValue[] => {
  const at = (e.data as { at?: string }).at;
  const credit = e.type === 'CreditReceived' ? (e.data as CreditReceivedData) : null;
  return [
    e.globalPosition,
    msOf(e.metadata.recordedAt),
    at === undefined ? null : msOf(at),
    credit?.channel ?? null,
    credit?.currency ?? null,
    credit?.amountMinor ?? null,
  ];
};
