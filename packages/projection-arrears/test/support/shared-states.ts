// What the tests of views that share cycle states compare: every table of the arrears and
// behaviour views (their states included), the state sets left, and a behaviour view that refuses
// one event (a view that fails and falls behind on a copy of the states).
import { behaviourProjection } from '@renewal-ledger/projection-behaviour';
import type { ViewDatabase } from '@renewal-ledger/projections';
import { dumpTable } from '@renewal-ledger/testing/environments';

const TABLES: readonly (readonly [string, string])[] = [
  ['arrears_cycles', 'cycle_id'],
  ['arrears_states', 'cycle_id'],
  ['arrears_pending_approvals', 'cycle_id, request_id'],
  ['behaviour_cycles', 'cycle_id'],
  ['behaviour_states', 'cycle_id'],
  ['behaviour_reminders', 'cycle_id, reminder_id'],
  ['behaviour_takings', 'channel, currency, day'],
];

/** Every row of the two views, table by table, for comparing two builds. */
export const dumpViews = async (db: ViewDatabase): Promise<Record<string, string[]>> => {
  const out: Record<string, string[]> = {};
  for (const [table, order] of TABLES) out[table] = await dumpTable(db, table, order);
  return out;
};

/** How many cycle-state sets the views database holds. */
export const stateSets = async (db: ViewDatabase): Promise<number> => (await db.query('SELECT id FROM renewal_cycle_state_sets')).length;

/** The behaviour view, refusing the event `eventId` (in whatever batch it comes). */
export const refusing = (eventId: string): typeof behaviourProjection => ({
  ...behaviourProjection,
  applyBatch: async (events, ...rest) => {
    if (events.some((e) => e.eventId === eventId)) throw new Error(`refusing ${eventId}`);
    return behaviourProjection.applyBatch(events, ...rest);
  },
});
