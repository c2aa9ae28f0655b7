// A cycle as it stood at a point in the past, rebuilt from the event store with core's
// evolveCycle, in the senses an auditor needs:
// - as of a business time `at`: every fact that had happened by then (its `at` <= t), including
//   facts recorded later (an offline payment entered a week after it was taken);
// - as known at a recorded time `knownAt`: every event recorded by then, i.e. what the books
//   said that day;
// - as of a global position: every event at or before it.
// Given together, all conditions apply (e.g. what had happened by the 31st, as known on the 5th).
import {
  agingAsOf,
  cycleEvents,
  cycleFigures,
  businessDayOf,
  cycleStreamName,
  evolveCycle,
  initialCycleState,
  normaliseInstant,
  type Aging,
  type BusinessDate,
  type CycleFigures,
  type CycleState,
  type Instant,
} from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';

export interface PointInTime {
  /** Business time: facts with `at` <= this instant (Z or an offset). */
  readonly at?: string;
  /** Recorded time: events with `recordedAt` <= this instant. */
  readonly knownAt?: string;
  /** Events at or before this global position. */
  readonly position?: bigint;
  /**
   * The date aging is computed at. Default: the business day (in the ledger's zone) of `at`, else
   * of `knownAt`; no aging with only a position.
   */
  readonly agingDate?: BusinessDate;
}

export interface CycleAsOf {
  readonly cycleId: string;
  readonly point: PointInTime;
  /** core's CycleState folded from the events in the picture. */
  readonly state: CycleState;
  readonly figures: CycleFigures;
  readonly aging: Aging | null;
  /** Events of the cycle in the picture. */
  readonly events: number;
  /** Events of the cycle the store has now that are not in the picture. */
  readonly excluded: number;
  /** Global position of the last event in the picture. */
  readonly lastPosition: bigint | null;
}

const instantOf = (label: string, i: string): Instant => {
  const n = normaliseInstant(i);
  if (n === null)
    throw new TypeError(
      `${label}: expected a timestamp with Z or an offset, YYYY-MM-DDTHH:mm:ss[.sss](Z|+HH:MM), got ${JSON.stringify(i)}`,
    );
  return n;
};

export const cycleAsOf = async (store: EventStore, cycleId: string, point: PointInTime): Promise<CycleAsOf> => {
  if (point.at === undefined && point.knownAt === undefined && point.position === undefined)
    throw new TypeError('cycleAsOf: give at, knownAt or position');
  const atInstant = point.at === undefined ? null : instantOf('at', point.at);
  const knownAtInstant = point.knownAt === undefined ? null : instantOf('knownAt', point.knownAt);
  const at = atInstant === null ? null : Date.parse(atInstant);
  const knownAt = knownAtInstant === null ? null : Date.parse(knownAtInstant);
  let state = initialCycleState();
  let events = 0;
  let excluded = 0;
  let lastPosition: bigint | null = null;
  for await (const e of store.readStream(cycleStreamName(cycleId))) {
    const happened = (e.data as { at?: string }).at;
    const inPicture =
      (at === null || (happened !== undefined && Date.parse(happened) <= at)) &&
      (knownAt === null || Date.parse(e.metadata.recordedAt) <= knownAt) &&
      (point.position === undefined || e.globalPosition <= point.position);
    if (!inPicture) {
      excluded += 1;
      continue;
    }
    state = evolveCycle(state, cycleEvents.of(e));
    events += 1;
    lastPosition = e.globalPosition;
  }
  const dayOf = atInstant ?? knownAtInstant;
  const agingDate = point.agingDate ?? (dayOf ? businessDayOf(await readLedgerZones(store), dayOf) : null);
  return {
    cycleId,
    point,
    state,
    figures: cycleFigures(state),
    aging: agingDate ? agingAsOf(agingDate)(state) : null,
    events,
    excluded,
    lastPosition,
  };
};
