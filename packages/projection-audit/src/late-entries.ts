// Late entries: events recorded after a period was closed (`renewal close --period`, PeriodClosed
// on the ledger's settings stream) but dated inside it, so the figures the closing recorded no
// longer hold for them. Nothing is refused for it: a late entry is a fact like any other, and the
// auditor is told. `renewal close --check` and `renewal audit verify` both report them, through
// the one judgement here.
import {
  businessDayOf,
  isLedgerSettingsEventType,
  LEDGER_SETTINGS_STREAM,
  type BusinessDate,
  type Instant,
  type PeriodClosedData,
  type RecordedEvent,
} from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';

/** An event recorded after a period was closed but dated inside it: the closed figures no longer hold. */
export interface LateEntry {
  /** The closed period it is dated in: `2026` or `2026-12`. */
  readonly period: string;
  /** When the period was closed. */
  readonly closedAt: string;
  readonly position: bigint;
  readonly streamName: string;
  readonly type: string;
  /** Its business time (the event's `at`). */
  readonly at: string;
  /** Its business day, in the ledger's zone: inside the period. */
  readonly day: BusinessDate;
  /** When it was recorded: after the closing. */
  readonly recordedAt: string;
  readonly actor: string;
}

const DAY_MS = 86_400_000;

/** Judges one event: the closed periods it is a late entry of (none, usually). */
export type LateEntryCheck = (event: RecordedEvent) => LateEntry[];

/**
 * The check against the periods closed so far (one read of the ledger's stream; null when none
 * is). An event is late when its `recordedAt` is later than a closing's and its business day falls
 * inside that closing's period. By recorded time, not log position: a closing is what the books
 * showed at its instant, and an event written later but stamped as recorded earlier (an import,
 * the demo's simulated office) was in those books.
 */
export const lateEntryCheck = async (store: EventStore): Promise<LateEntryCheck | null> => {
  const closed: { data: PeriodClosedData; recordedMs: number }[] = [];
  for await (const e of store.readStream(LEDGER_SETTINGS_STREAM))
    if (e.type === 'PeriodClosed') closed.push({ data: e.data as PeriodClosedData, recordedMs: Date.parse(e.metadata.recordedAt) });
  if (closed.length === 0) return null;
  const zones = await readLedgerZones(store);
  const firstClosingMs = Math.min(...closed.map((c) => c.recordedMs));
  // Instants that can fall on a period's days in any zone (UTC-12 to UTC+14, with a day to spare):
  // the business day, the costly part, is computed only for an event inside one of these windows.
  const windows = closed.map((c) => ({
    ...c,
    fromMs: Date.parse(`${c.data.firstDay}T00:00:00Z`) - 2 * DAY_MS,
    toMs: Date.parse(`${c.data.lastDay}T00:00:00Z`) + 3 * DAY_MS,
  }));
  return (e) => {
    if (isLedgerSettingsEventType(e.type)) return [];
    const recordedMs = Date.parse(e.metadata.recordedAt);
    if (recordedMs <= firstClosingMs) return [];
    const at = (e.data as { at?: unknown }).at;
    if (typeof at !== 'string') return [];
    const atMs = Date.parse(at);
    const candidates = windows.filter((c) => recordedMs > c.recordedMs && atMs >= c.fromMs && atMs < c.toMs);
    if (candidates.length === 0) return [];
    const day = businessDayOf(zones, at as Instant);
    return candidates
      .filter(({ data: c }) => day >= c.firstDay && day <= c.lastDay)
      .map(({ data: c }) => ({
        period: c.period,
        closedAt: c.at,
        position: e.globalPosition,
        streamName: e.streamName,
        type: e.type,
        at,
        day,
        recordedAt: e.metadata.recordedAt,
        actor: e.metadata.actor,
      }));
  };
};

/** Every late entry in the log, in log order. One read of the ledger's stream and one of the log; memory flat. */
export async function* lateEntries(store: EventStore): AsyncGenerator<LateEntry> {
  const check = await lateEntryCheck(store);
  if (!check) return;
  for await (const e of store.readAll()) yield* check(e);
}
