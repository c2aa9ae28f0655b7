// The payment behaviour projection: the "analyse payment behaviour" of the collection practice.
// Three tables, written incrementally per batch:
// - behaviour_cycles: per cycle, when and how it was first settled (paid, adjusted or written off
//   down to nothing owed) and how many days late; per-contract punctuality and per-period
//   collection rates are read from it. The cycle's folded state (core's evolveCycle) is in
//   behaviour_states, the projections package's compact row.
// - behaviour_reminders: per reminder, the amount it chased (the cycle's collectible when it was
//   sent) and how much of that was paid within 7 days of it (payments whose `at` falls in
//   [sent, sent + 7 days), however late they were entered).
// - behaviour_takings: per channel, currency and business day (of the money's `at`, in the
//   ledger's zone, learned from its settings events as the log is read): money taken, refunded
//   and reversed, summed by core's takings tally (the takings report's one home). New money
//   only: a lump sum's parts count on their channel, the part that became credit counts when
//   credited (CreditReceived), and payments made from credit count nowhere.
import {
  businessDayOf,
  cycleEvents,
  cycleFigures,
  RENEWAL_EVENT_TYPES,
  type CreditReceivedData,
  type CycleState,
  type Instant,
  type PaidData,
  type ReminderSentData,
  type Taking,
  takingOfCredit,
  takingOfCycleEvent,
  takingsTally,
} from '@renewal-ledger/core';
import {
  asNumber,
  asOptionalText,
  asText,
  createLedgerSettingsTable,
  defineProjection,
  LEDGER_ZONE_EVENT_TYPES,
  trackLedgerZones,
  insertRows,
  placeholders,
  type BatchCycleStates,
  type Projection,
  type SqlExecutor,
  type SqlValue,
} from '@renewal-ledger/projections';

export const BEHAVIOUR_PROJECTION = 'behaviour';
/** Tables readers query (SQL views over the live table set). */
export const BEHAVIOUR_CYCLES = 'behaviour_cycles';
/** Each cycle's folded state (createCycleStateTable's columns). */
export const BEHAVIOUR_STATES = 'behaviour_states';
export const BEHAVIOUR_REMINDERS = 'behaviour_reminders';
export const BEHAVIOUR_TAKINGS = 'behaviour_takings';

/** Days after a reminder within which a payment counts as its effect. */
export const REMINDER_WINDOW_DAYS = 7;

type SettledBy = 'payment' | 'adjustment' | 'write-off' | 'nothing-due';

interface CycleRow {
  state: CycleState;
  settledOn: string | null;
  settledBy: SettledBy | null;
  changed: boolean;
}

interface ReminderRow {
  reminderId: string;
  cycleId: string;
  contractId: string;
  channel: string;
  level: number;
  at: string;
  windowEnd: number;
  remindedMinor: number;
  paidWithinMinor: number;
  /** When the first payment counted within the week came: a reminder is "followed" only from then on. */
  followedAt: string | null;
  changed: boolean;
}

const WEEK_MS = REMINDER_WINDOW_DAYS * 24 * 60 * 60 * 1000;

const settledByOf = (type: string): SettledBy =>
  type === 'Paid' ? 'payment' : type === 'WrittenOff' ? 'write-off' : type === 'Billed' ? 'nothing-due' : 'adjustment';

const loadCycles = async (
  tx: SqlExecutor,
  table: string,
  shared: BatchCycleStates,
  ids: readonly string[],
): Promise<Map<string, CycleRow>> => {
  const states = shared.load(ids);
  const out = new Map<string, CycleRow>();
  for (const id of ids) out.set(id, { state: states.get(id)!, settledOn: null, settledBy: null, changed: false });
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await tx.query(
      `SELECT cycle_id, settled_on, settled_by FROM ${table} WHERE cycle_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) {
      const row = out.get(asText(r.cycle_id))!;
      row.settledOn = asOptionalText(r.settled_on);
      row.settledBy = asOptionalText(r.settled_by) as SettledBy | null;
    }
  }
  return out;
};

const loadReminders = async (tx: SqlExecutor, table: string, cycleIds: readonly string[]): Promise<Map<string, ReminderRow[]>> => {
  const out = new Map<string, ReminderRow[]>();
  for (let i = 0; i < cycleIds.length; i += 500) {
    const chunk = cycleIds.slice(i, i + 500);
    const rows = await tx.query(`SELECT * FROM ${table} WHERE cycle_id IN (${placeholders(chunk.length)})`, chunk);
    for (const r of rows) {
      const cycleId = asText(r.cycle_id);
      const list = out.get(cycleId) ?? [];
      list.push({
        reminderId: asText(r.reminder_id),
        cycleId,
        contractId: asText(r.contract_id),
        channel: asText(r.channel),
        level: asNumber(r.level),
        at: asText(r.at),
        windowEnd: Date.parse(asText(r.at)) + WEEK_MS,
        remindedMinor: asNumber(r.reminded_minor),
        paidWithinMinor: asNumber(r.paid_within_minor),
        followedAt: r.followed_at === null ? null : asText(r.followed_at),
        changed: false,
      });
      out.set(cycleId, list);
    }
  }
  return out;
};

export const BEHAVIOUR_LEDGER = 'behaviour_ledger';

export const behaviourProjection: Projection<'behaviour_cycles' | 'behaviour_reminders' | 'behaviour_takings' | 'behaviour_ledger'> =
  defineProjection({
    name: BEHAVIOUR_PROJECTION,
    // 2: days in the ledger's zone.
    // 3: zone changeovers that never recount a day, the opening a change from UTC (business-days.ts).
    // 4: reminders indexed by contract (a contract's reminders, read per contract by customer types).
    // 5: when a reminder was first followed by a payment, so "followed" holds as of a date.
    // 6: cycle states in behaviour_states (the compact row), not JSON in behaviour_cycles.
    // 7: behaviour_states is the runner's shared cycle-state set, no longer a table of the view's own.
    // 8: reversals (bounced or charged-back payments) in the takings: they were counted as taken.
    version: 8,
    eventTypes: [...RENEWAL_EVENT_TYPES, 'CreditReceived', ...LEDGER_ZONE_EVENT_TYPES],
    tables: [BEHAVIOUR_CYCLES, BEHAVIOUR_REMINDERS, BEHAVIOUR_TAKINGS, BEHAVIOUR_LEDGER],
    cycleStates: BEHAVIOUR_STATES,
    async createTables(tx, t) {
      await tx.execute(`CREATE TABLE ${t.behaviour_cycles} (
      cycle_id TEXT PRIMARY KEY,
      contract_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      period_start TEXT NOT NULL,
      billing_month TEXT NOT NULL,
      due_date TEXT NOT NULL,
      total_minor BIGINT NOT NULL,
      due_minor BIGINT NOT NULL,
      net_paid_minor BIGINT NOT NULL,
      settled_on TEXT,
      settled_by TEXT)`);
      await tx.execute(`CREATE INDEX ${t.behaviour_cycles}_contract ON ${t.behaviour_cycles} (contract_id, due_date)`);
      await tx.execute(`CREATE INDEX ${t.behaviour_cycles}_month ON ${t.behaviour_cycles} (billing_month)`);
      await tx.execute(`CREATE TABLE ${t.behaviour_reminders} (
      cycle_id TEXT NOT NULL,
      reminder_id TEXT NOT NULL,
      contract_id TEXT NOT NULL,
      channel TEXT NOT NULL,
      level BIGINT NOT NULL,
      at TEXT NOT NULL,
      reminded_minor BIGINT NOT NULL,
      paid_within_minor BIGINT NOT NULL,
      followed_at TEXT,
      PRIMARY KEY (cycle_id, reminder_id))`);
      await tx.execute(`CREATE INDEX ${t.behaviour_reminders}_contract ON ${t.behaviour_reminders} (contract_id)`);
      await tx.execute(`CREATE TABLE ${t.behaviour_takings} (
      channel TEXT NOT NULL,
      currency TEXT NOT NULL,
      day TEXT NOT NULL,
      payments BIGINT NOT NULL,
      taken_minor BIGINT NOT NULL,
      refunds BIGINT NOT NULL,
      refunded_minor BIGINT NOT NULL,
      reversals BIGINT NOT NULL,
      reversed_minor BIGINT NOT NULL,
      PRIMARY KEY (channel, currency, day))`);
      await createLedgerSettingsTable(tx, t.behaviour_ledger);
    },
    async applyBatch(events, tx, t, shared) {
      const ledger = await trackLedgerZones(tx, t.behaviour_ledger);
      const onCycles = events.filter((e) => e.type !== 'CreditReceived' && !LEDGER_ZONE_EVENT_TYPES.includes(e.type));
      const ids = [...new Set(onCycles.map((e) => (e.data as { cycleId: string }).cycleId))];
      const cycles = await loadCycles(tx, t.behaviour_cycles, shared, ids);
      const folded = new Map<string, CycleState>();
      const reminders = await loadReminders(tx, t.behaviour_reminders, ids);
      // A tally per business day: the day's rows are added to what the table holds for that day.
      const takings = new Map<string, ReturnType<typeof takingsTally>>();
      const take = (taking: Taking | null) => {
        if (taking === null) return;
        const day = businessDayOf(ledger.zones, taking.at);
        let tally = takings.get(day);
        if (!tally) takings.set(day, (tally = takingsTally()));
        tally.take(taking);
      };

      for (const e of events) {
        if (ledger.apply(e)) continue;
        if (e.type === 'CreditReceived') {
          take(takingOfCredit(e.data as CreditReceivedData));
          continue;
        }
        const cycleId = (e.data as { cycleId: string }).cycleId;
        const row = cycles.get(cycleId)!;
        const before = row.state;
        const event = cycleEvents.of(e);
        shared.fold(folded, [e]);
        const after = folded.get(cycleId)!;
        row.state = after;
        row.changed = true;
        const bill = after.bill;
        if (!bill) continue;
        const at = (e.data as { at: string }).at;
        const outstanding = cycleFigures(after).outstandingMinor;
        if (row.settledOn === null && outstanding <= 0) {
          row.settledOn = businessDayOf(ledger.zones, at as Instant);
          row.settledBy = settledByOf(e.type);
        }
        if (e.type === 'ReminderSent') {
          const d = e.data as ReminderSentData;
          const list = reminders.get(cycleId) ?? [];
          list.push({
            reminderId: d.reminderId,
            cycleId,
            contractId: bill.contractId,
            channel: d.channel,
            level: d.level ?? 0,
            at: d.at,
            windowEnd: Date.parse(d.at) + WEEK_MS,
            remindedMinor: cycleFigures(after).collectibleMinor,
            paidWithinMinor: 0,
            followedAt: null,
            changed: true,
          });
          reminders.set(cycleId, list);
        } else if (e.type === 'Paid') {
          const d = e.data as PaidData;
          if (d.creditApplicationId !== undefined) continue;
          take(takingOfCycleEvent(event, before));
          const paidAt = Date.parse(d.at);
          for (const r of reminders.get(cycleId) ?? []) {
            if (paidAt < Date.parse(r.at) || paidAt >= r.windowEnd) continue;
            // The principal part only: a reminder chases what was billed, not the late fee.
            const counted = Math.min(d.amountMinor - (d.lateFeeMinor ?? 0), r.remindedMinor - r.paidWithinMinor);
            if (counted <= 0) continue;
            r.paidWithinMinor += counted;
            r.followedAt ??= d.at;
            r.changed = true;
          }
        } else if (e.type === 'Refunded' || e.type === 'PaymentReversed') {
          take(takingOfCycleEvent(event, before));
        }
      }

      const cycleRows: SqlValue[][] = [];
      for (const [cycleId, row] of cycles) {
        if (!row.changed || !row.state.bill) continue;
        const bill = row.state.bill;
        const f = cycleFigures(row.state);
        cycleRows.push([
          cycleId,
          bill.contractId,
          bill.currency,
          bill.period.start,
          bill.period.start.slice(0, 7),
          bill.dueDate,
          f.totalMinor,
          f.dueMinor,
          f.netPaidMinor,
          row.settledOn,
          row.settledBy,
        ]);
      }
      await insertRows(
        tx,
        t.behaviour_cycles,
        [
          'cycle_id',
          'contract_id',
          'currency',
          'period_start',
          'billing_month',
          'due_date',
          'total_minor',
          'due_minor',
          'net_paid_minor',
          'settled_on',
          'settled_by',
        ],
        cycleRows,
        `ON CONFLICT (cycle_id) DO UPDATE SET due_minor = excluded.due_minor, net_paid_minor = excluded.net_paid_minor,
         settled_on = excluded.settled_on, settled_by = excluded.settled_by`,
      );
      const reminderRows: SqlValue[][] = [];
      for (const list of reminders.values())
        for (const r of list)
          if (r.changed)
            reminderRows.push([
              r.cycleId,
              r.reminderId,
              r.contractId,
              r.channel,
              r.level,
              r.at,
              r.remindedMinor,
              r.paidWithinMinor,
              r.followedAt,
            ]);
      await insertRows(
        tx,
        t.behaviour_reminders,
        ['cycle_id', 'reminder_id', 'contract_id', 'channel', 'level', 'at', 'reminded_minor', 'paid_within_minor', 'followed_at'],
        reminderRows,
        'ON CONFLICT (cycle_id, reminder_id) DO UPDATE SET paid_within_minor = excluded.paid_within_minor, followed_at = excluded.followed_at',
      );
      const k = t.behaviour_takings;
      await insertRows(
        tx,
        k,
        ['channel', 'currency', 'day', 'payments', 'taken_minor', 'refunds', 'refunded_minor', 'reversals', 'reversed_minor'],
        [...takings].flatMap(([day, tally]) =>
          tally
            .channels()
            .map((x) => [x.channel, x.currency, day, x.payments, x.takenMinor, x.refunds, x.refundedMinor, x.reversals, x.reversedMinor]),
        ),
        `ON CONFLICT (channel, currency, day) DO UPDATE SET payments = ${k}.payments + excluded.payments,
         taken_minor = ${k}.taken_minor + excluded.taken_minor, refunds = ${k}.refunds + excluded.refunds,
         refunded_minor = ${k}.refunded_minor + excluded.refunded_minor, reversals = ${k}.reversals + excluded.reversals,
         reversed_minor = ${k}.reversed_minor + excluded.reversed_minor`,
      );
      await ledger.save();
    },
  });
