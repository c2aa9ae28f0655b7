// Reading payment behaviour. Punctuality is computed when asked, as of a date, from the stored
// per-cycle settlement (so any date can be asked about without a rebuild):
// - a cycle counts once it is decided as of the date: settled by then (paid, adjusted or written
//   off down to nothing owed), or still open after its due date;
// - it is on time when it was paid (or adjusted) down to nothing on or before its due date;
//   late otherwise (settled after the due date, still open past it, or written off);
// - days late: 0 on time; settled late: settle date - due date; still open: date asked - due date;
//   written off: the day of the write-off - due date;
// - the current streak: how many of the most recent decided cycles (by due date) were on time in a row.
// Cycles that had nothing to pay (a bill discounted to zero) are left out.
import {
  daysBetween,
  instantMillis,
  takingsTally,
  type BusinessDate,
  type ChannelTakings,
  type Instant,
  type TakingsReport,
} from '@renewal-ledger/core';
import {
  asExactSum,
  asNumber,
  asOptionalText,
  asText,
  exactSumSql,
  ratioOf,
  requireLiveView,
  type SqlExecutor,
} from '@renewal-ledger/projections';
import { BEHAVIOUR_CYCLES, BEHAVIOUR_PROJECTION, BEHAVIOUR_REMINDERS, BEHAVIOUR_TAKINGS } from './projection.js';

export interface CycleStanding {
  readonly cycleId: string;
  readonly dueDate: BusinessDate;
  readonly status: 'on-time' | 'late' | 'open-late' | 'written-off';
  readonly daysLate: number;
  readonly settledOn: BusinessDate | null;
}

export interface ContractBehaviour {
  readonly contractId: string;
  readonly asOf: BusinessDate;
  /** Cycles decided as of the date. */
  readonly cycles: number;
  readonly onTime: number;
  /** onTime / cycles; null when no cycle is decided yet. */
  readonly onTimeRate: number | null;
  /** Mean days late over the decided cycles (on time counts 0); null when none. */
  readonly averageDaysLate: number | null;
  readonly currentStreak: number;
  /** Oldest due first. */
  readonly standings: readonly CycleStanding[];
}

export interface ReminderEffect {
  readonly channel: string;
  /** The chased cycles' currency: amounts of different currencies are never added up. */
  readonly currency: string;
  /** null for reminders sent without a level. */
  readonly level: number | null;
  readonly reminders: number;
  /** What the reminders chased: each cycle's collectible when its reminder went out (summed: a bigint). */
  readonly remindedMinor: bigint;
  /** Of it, paid within 7 days of the reminder. */
  readonly paidWithinMinor: bigint;
  /** paidWithin / reminded; null when nothing was chased. */
  readonly share: number | null;
}

export interface PeriodCollection {
  /** `YYYY-MM` of the periods' start. */
  readonly billingMonth: string;
  readonly currency: string;
  readonly cycles: number;
  /** Sums over cycles: bigints. */
  readonly billedMinor: bigint;
  readonly dueMinor: bigint;
  /** Net paid, each cycle counted up to what it owes. */
  readonly collectedMinor: bigint;
  /** collected / due; null when nothing is due. */
  readonly collectionRate: number | null;
}

/** The takings report: core's, shared with the books as they stood (projection-arrears) and the CLI. */
export type { ChannelTakings, TakingsReport };

/** A contract's reminders sent by an instant, and what they brought in (docs/customer-types.md reads it). */
export interface ContractReminders {
  readonly contractId: string;
  readonly reminders: number;
  /** Cycles reminded at least once. */
  readonly remindedCycles: number;
  /** Reminders followed by a payment within REMINDER_WINDOW_DAYS. */
  readonly followedByPayment: number;
  /** followedByPayment / reminders; null when none was sent. */
  readonly paidAfterShare: number | null;
}

export interface BehaviourView {
  /** `lastCycles`: judge only the most recent decided cycles (by due date), this many at most. */
  contract(contractId: string, options: { readonly asOf: BusinessDate | string; readonly lastCycles?: number }): Promise<ContractBehaviour>;
  /** A contract's reminders sent up to `until` (the end of a business day, from the ledger's zones). */
  contractReminders(contractId: string, options: { readonly until: Instant | string }): Promise<ContractReminders>;
  /** Per reminder channel and level, by channel then level. */
  reminderEffectiveness(): Promise<readonly ReminderEffect[]>;
  /** Per billing month and currency, oldest first. */
  collectionRates(): Promise<readonly PeriodCollection[]>;
  /**
   * The takings report: money taken, refunded and reversed per channel and currency on the days
   * from `from` to `to` (both included, business days of the money's `at` in the ledger's zone).
   */
  takings(options: { readonly from: BusinessDate | string; readonly to: BusinessDate | string }): Promise<TakingsReport>;
}

export const getBehaviourView = (db: SqlExecutor): BehaviourView => {
  const ready = () => requireLiveView(db, BEHAVIOUR_PROJECTION);
  return {
    async contract(contractId, { asOf, lastCycles }) {
      await ready();
      const date = asOf as BusinessDate;
      const rows = await db.query(
        `SELECT cycle_id, due_date, due_minor, total_minor, settled_on, settled_by FROM ${BEHAVIOUR_CYCLES}
          WHERE contract_id = ? ORDER BY due_date, period_start, cycle_id`,
        [contractId],
      );
      const standings: CycleStanding[] = [];
      for (const r of rows) {
        const dueDate = asText(r.due_date) as BusinessDate;
        const by = asOptionalText(r.settled_by);
        const settled = asOptionalText(r.settled_on) as BusinessDate | null;
        if (by === 'nothing-due') continue;
        const settledBy = settled !== null && settled <= date ? settled : null;
        if (settledBy === null) {
          if (dueDate < date)
            standings.push({
              cycleId: asText(r.cycle_id),
              dueDate,
              status: 'open-late',
              daysLate: daysBetween(dueDate, date),
              settledOn: null,
            });
          continue;
        }
        const late = Math.max(0, daysBetween(dueDate, settledBy));
        standings.push({
          cycleId: asText(r.cycle_id),
          dueDate,
          status: by === 'write-off' ? 'written-off' : late === 0 ? 'on-time' : 'late',
          daysLate: late,
          settledOn: settledBy,
        });
      }
      if (lastCycles !== undefined && standings.length > lastCycles) standings.splice(0, standings.length - lastCycles);
      const onTime = standings.filter((s) => s.status === 'on-time').length;
      let streak = 0;
      for (let i = standings.length - 1; i >= 0 && standings[i]!.status === 'on-time'; i--) streak++;
      const totalLate = standings.reduce((s, x) => s + x.daysLate, 0);
      return {
        contractId,
        asOf: date,
        cycles: standings.length,
        onTime,
        onTimeRate: ratioOf(onTime, standings.length),
        averageDaysLate: standings.length ? totalLate / standings.length : null,
        currentStreak: streak,
        standings,
      };
    },
    async contractReminders(contractId, { until }) {
      await ready();
      const rows = await db.query(`SELECT cycle_id, at, followed_at FROM ${BEHAVIOUR_REMINDERS} WHERE contract_id = ?`, [contractId]);
      // Instants are compared as instants (offsets differ), never as text.
      const end = instantMillis(until as Instant);
      const sent = rows.filter((r) => instantMillis(asText(r.at) as Instant) <= end);
      // Followed as of `until`: the payment that followed it had come by then, not later in its week.
      const followed = sent.filter((r) => r.followed_at !== null && instantMillis(asText(r.followed_at) as Instant) <= end).length;
      return {
        contractId,
        reminders: sent.length,
        remindedCycles: new Set(sent.map((r) => asText(r.cycle_id))).size,
        followedByPayment: followed,
        paidAfterShare: ratioOf(followed, sent.length),
      };
    },
    async reminderEffectiveness() {
      await ready();
      const rows = await db.query(
        `SELECT r.channel, r.level, c.currency, COUNT(*) AS n, ${exactSumSql('r.reminded_minor', 'reminded')}, ${exactSumSql('r.paid_within_minor', 'paid')}
           FROM ${BEHAVIOUR_REMINDERS} r JOIN ${BEHAVIOUR_CYCLES} c ON c.cycle_id = r.cycle_id
          GROUP BY r.channel, r.level, c.currency ORDER BY r.channel, r.level, c.currency`,
      );
      return rows.map((r) => {
        const reminded = asExactSum(r, 'reminded');
        const paid = asExactSum(r, 'paid');
        const level = asNumber(r.level);
        return {
          channel: asText(r.channel),
          currency: asText(r.currency),
          level: level === 0 ? null : level,
          reminders: asNumber(r.n),
          remindedMinor: reminded,
          paidWithinMinor: paid,
          share: ratioOf(paid, reminded),
        };
      });
    },
    async collectionRates() {
      await ready();
      const rows = await db.query(
        `SELECT billing_month, currency, COUNT(*) AS n, ${exactSumSql('total_minor', 'billed')}, ${exactSumSql('due_minor', 'due')},
                ${exactSumSql('CASE WHEN net_paid_minor < 0 THEN 0 WHEN net_paid_minor < due_minor THEN net_paid_minor ELSE due_minor END', 'collected')}
           FROM ${BEHAVIOUR_CYCLES} GROUP BY billing_month, currency ORDER BY billing_month, currency`,
      );
      return rows.map((r) => {
        const due = asExactSum(r, 'due');
        const collected = asExactSum(r, 'collected');
        return {
          billingMonth: asText(r.billing_month),
          currency: asText(r.currency),
          cycles: asNumber(r.n),
          billedMinor: asExactSum(r, 'billed'),
          dueMinor: due,
          collectedMinor: collected,
          collectionRate: ratioOf(collected, due),
        };
      });
    },
    async takings({ from, to }) {
      await ready();
      const rows = await db.query(
        `SELECT channel, currency, SUM(payments) AS payments, ${exactSumSql('taken_minor', 'taken')}, SUM(refunds) AS refunds, ${exactSumSql('refunded_minor', 'refunded')},
                SUM(reversals) AS reversals, ${exactSumSql('reversed_minor', 'reversed')}
           FROM ${BEHAVIOUR_TAKINGS} WHERE day >= ? AND day <= ? GROUP BY channel, currency`,
        [from, to],
      );
      const tally = takingsTally();
      for (const r of rows) {
        const [channel, currency] = [asText(r.channel), asText(r.currency)];
        tally.add('taken', channel, currency, asNumber(r.payments), asExactSum(r, 'taken'));
        tally.add('refunded', channel, currency, asNumber(r.refunds), asExactSum(r, 'refunded'));
        tally.add('reversed', channel, currency, asNumber(r.reversals), asExactSum(r, 'reversed'));
      }
      return { from: from as BusinessDate, to: to as BusinessDate, channels: tally.channels() };
    },
  };
};
