// The runner: reads the store in global order from each projection's checkpoint and applies
// batches, writing the view rows and the new checkpoint in one transaction, so a crash at any
// point leaves the view exactly at a batch boundary: no event applied twice, none skipped.
//
// A projection whose tables are not of its version (first run, version bump) or that is asked to
// rebuild is built into a fresh table set while readers keep the old one; the runner switches
// readers over in one transaction once the new set has caught up with the store.
import type { RecordedEvent } from '@renewal-ledger/core';
import { StoreUnavailableError, StoredEventDecodeError, type EventStore } from '@renewal-ledger/eventstore';
import type { Projection } from './projection.js';
import type { SqlExecutor, ViewDatabase } from './sql.js';
import {
  ensureRunnerTables,
  prepareTableSets,
  readCheckpoint,
  readRegistration,
  switchToLive,
  writeCheckpoint,
  type TableSet,
} from './table-sets.js';

export interface ProgressReport {
  readonly projection: string;
  /** `building`: filling a fresh table set that readers do not see yet; `catching-up`: the live one. */
  readonly phase: 'building' | 'catching-up';
  readonly tableSet: string;
  /** Events read in this run so far, including those of types the projection ignores. */
  readonly done: number;
  /**
   * Events between the checkpoint when the run started and the store's head position then, or
   * null when unknown. Counted on global positions: an estimate on stores whose positions have
   * gaps (PostgreSQL sequences), and events appended during the run come on top.
   */
  readonly total: number | null;
  /** Global position of the last event applied. */
  readonly position: bigint;
  readonly eventsPerSecond: number;
  readonly elapsedMs: number;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly database: ViewDatabase;
  readonly projections: readonly Projection<string>[];
  /**
   * Events per read and per transaction. Default 2,000: a view row that several events of a batch
   * touch (a cycle's state) is written once per batch, and a rebuild of the bench's workload ran
   * a quarter faster than with 500, in about 10 MB more memory. A crash redoes at most one batch.
   */
  readonly batchSize?: number;
  /** Called after every committed batch. */
  readonly onProgress?: (progress: ProgressReport) => void;
  /** Stamps `updated_at` of checkpoints. Default: the machine's clock. */
  readonly clock?: () => string;
}

/** Why a projection stopped: the event it could not decode or apply, or a version it cannot run. */
export class ProjectionFailure extends Error {
  override readonly name = 'ProjectionFailure';
  readonly code = 'PROJECTION_FAILED' as const;
  constructor(
    readonly projection: string,
    /** The event that failed, or null when no event is to blame (e.g. a newer view version). */
    readonly globalPosition: bigint | null,
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(
      globalPosition === null
        ? `projection ${projection} stopped: ${reason}`
        : `projection ${projection} stopped at global position ${globalPosition}: ${reason}`,
    );
  }
}

/** What every result of a run says, whatever its status. */
export interface ProjectionRunSummary {
  readonly projection: string;
  readonly version: number;
  /** The table set written last. */
  readonly tableSet: string | null;
  /** Global position of the last event applied to that table set (its checkpoint). */
  readonly position: bigint | null;
  /** Events of the projection's types applied in this run. */
  readonly eventsApplied: number;
  /** Events read in this run (all types). */
  readonly eventsRead: number;
  /** True when this run made a freshly built table set the live one. */
  readonly switched: boolean;
}
export interface CaughtUp extends ProjectionRunSummary {
  readonly status: 'caught-up';
}
export interface Stopped extends ProjectionRunSummary {
  /** The abort signal fired before the projection reached the head. */
  readonly status: 'stopped';
}
export interface Failed extends ProjectionRunSummary {
  readonly status: 'failed';
  readonly error: ProjectionFailure;
}
export type ProjectionRunResult = CaughtUp | Stopped | Failed;

export interface RunOptions {
  /** Run only these projections (by name). Default: all. */
  readonly only?: readonly string[];
  /** Stops between batches when aborted; the results say `stopped`. */
  readonly signal?: AbortSignal;
}

export interface FollowOptions {
  readonly signal: AbortSignal;
  /** Milliseconds between polls of the store's head when caught up. Default 1,000. */
  readonly pollIntervalMs?: number;
  /** Called each time every running projection has caught up with the store. */
  readonly onCaughtUp?: (results: readonly ProjectionRunResult[]) => void;
  readonly only?: readonly string[];
}

export interface ProjectionRunner {
  /** Brings each projection up to the store's head and stops. One result per projection, in order. */
  catchUp(options?: RunOptions): Promise<readonly ProjectionRunResult[]>;
  /**
   * Replays each projection from zero into fresh tables; readers keep the current view until the
   * new one has caught up, then see the new one (the old tables are dropped).
   */
  rebuild(options?: RunOptions): Promise<readonly ProjectionRunResult[]>;
  /**
   * Catches up, then polls the store for new events until `signal` aborts. A projection that
   * fails stays stopped; the others go on. A database out of reach (the store's or the views':
   * a StoreUnavailableError) stops no projection: its result says `failed` with that error as the
   * `cause` while it lasts, and the follower tries again every poll interval until the database
   * is back. Resolves with the last result of each.
   */
  follow(options: FollowOptions): Promise<readonly ProjectionRunResult[]>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

// Long catch-ups on synchronous drivers (better-sqlite3, the in-memory store) would otherwise
// never let timers or I/O of the rest of the process run.
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Another runner moved this table set's checkpoint (or dropped the set) since it was read. */
class CheckpointMoved extends Error {
  constructor(readonly position: bigint | null | 'gone') {
    super('the checkpoint moved');
  }
}

const isDecodeError = (e: unknown): e is StoredEventDecodeError =>
  e instanceof StoredEventDecodeError || (e instanceof Error && (e as { code?: unknown }).code === 'STORED_EVENT_UNREADABLE');

/**
 * A projection stopped by the view database or the store outside any one event, at the checkpoint
 * it had (its table set and position).
 */
const failedOutsideEvents = (
  p: Projection,
  at: { readonly tableSet: string | null; readonly position: bigint | null } | null,
  e: unknown,
): ProjectionRunResult => ({
  projection: p.name,
  version: p.version,
  tableSet: at?.tableSet ?? null,
  position: at?.position ?? null,
  eventsApplied: 0,
  eventsRead: 0,
  switched: false,
  status: 'failed',
  error: new ProjectionFailure(p.name, null, reasonOf(e), e),
});

/** A run that failed only because the store or the view database was out of reach. */
const outOfReach = (r: ProjectionRunResult | undefined): boolean =>
  r?.status === 'failed' && r.error.cause instanceof StoreUnavailableError;

const reasonOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export const getProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, database: db, projections } = options;
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const clock = options.clock ?? (() => new Date().toISOString());
  const names = new Set<string>();
  for (const p of projections) {
    if (names.has(p.name)) throw new TypeError(`two projections are named ${p.name}`);
    names.add(p.name);
  }
  let tablesReady: Promise<void> | null = null;
  const ready = () => {
    tablesReady ??= ensureRunnerTables(db).catch((e) => {
      tablesReady = null;
      throw e;
    });
    return tablesReady;
  };

  type Drive =
    | { kind: 'caught-up' | 'stopped'; position: bigint | null; applied: number; read: number }
    | { kind: 'failed'; position: bigint | null; applied: number; read: number; error: ProjectionFailure }
    | { kind: 'gone'; applied: number; read: number };

  /** Applies events to one table set until the head, an error or an abort. */
  const drive = async (p: Projection, set: TableSet, phase: ProgressReport['phase'], signal?: AbortSignal): Promise<Drive> => {
    const handles = p.eventTypes === 'all' ? null : new Set(p.eventTypes);
    const checkpoint = await readCheckpoint(db, p.name, set.id);
    if (!checkpoint) return { kind: 'gone', applied: 0, read: 0 };
    let position = checkpoint.position;
    const head = await store.headPosition();
    const total = head < 0n ? 0 : Math.max(0, Number(head - (position ?? 0n)));
    const started = Date.now();
    let read = 0;
    let applied = 0;

    /** One transaction: lock the checkpoint, check nobody moved it, apply, move it. */
    const commit = (events: readonly RecordedEvent[], expected: bigint | null) =>
      db.transaction(async (tx: SqlExecutor) => {
        const current = await readCheckpoint(tx, p.name, set.id, true);
        if (!current) throw new CheckpointMoved('gone');
        if (current.position !== expected) throw new CheckpointMoved(current.position);
        const relevant = handles ? events.filter((e) => handles.has(e.type)) : events;
        if (relevant.length > 0) await p.applyBatch(relevant, tx, set.tables as never);
        await writeCheckpoint(tx, {
          projection: p.name,
          tableSet: set.id,
          position: events[events.length - 1]!.globalPosition,
          addEvents: events.length,
          updatedAt: clock(),
        });
        return relevant.length;
      });

    const committed = (events: readonly RecordedEvent[], relevant: number) => {
      position = events[events.length - 1]!.globalPosition;
      read += events.length;
      applied += relevant;
      if (options.onProgress) {
        const elapsedMs = Date.now() - started;
        options.onProgress({
          projection: p.name,
          phase,
          tableSet: set.id,
          done: read,
          total: head < 0n ? null : Math.max(total, read),
          position,
          eventsPerSecond: elapsedMs > 0 ? (read * 1000) / elapsedMs : 0,
          elapsedMs,
        });
      }
    };

    for (;;) {
      if (signal?.aborted) return { kind: 'stopped', position, applied, read };
      const events: RecordedEvent[] = [];
      let unreadable: StoredEventDecodeError | null = null;
      try {
        for await (const e of store.readAll({ ...(position === null ? {} : { after: position }), batchSize, limit: batchSize }))
          events.push(e);
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        unreadable = e;
      }
      if (events.length === 0 && !unreadable) return { kind: 'caught-up', position, applied, read };
      if (events.length > 0) {
        try {
          committed(events, await commit(events, position));
        } catch (e) {
          if (e instanceof CheckpointMoved) {
            if (e.position === 'gone') return { kind: 'gone', applied, read };
            position = e.position;
            continue;
          }
          // A database out of reach is no event's fault: nothing to look for one by one.
          if (e instanceof StoreUnavailableError) throw e;
          // Something in the batch cannot be applied: apply the events one by one to find which,
          // keeping those before it, so the checkpoint ends right before the culprit.
          for (const event of events) {
            try {
              committed([event], await commit([event], position));
            } catch (single) {
              if (single instanceof CheckpointMoved) {
                if (single.position === 'gone') return { kind: 'gone', applied, read };
                position = single.position;
                break;
              }
              if (single instanceof StoreUnavailableError) throw single;
              return {
                kind: 'failed',
                position,
                applied,
                read,
                error: new ProjectionFailure(
                  p.name,
                  event.globalPosition,
                  `cannot apply ${event.type} (${event.streamName}@${event.streamRevision}): ${reasonOf(single)}`,
                  single,
                ),
              };
            }
          }
          continue;
        }
      }
      if (unreadable)
        return {
          kind: 'failed',
          position,
          applied,
          read,
          error: new ProjectionFailure(p.name, unreadable.globalPosition, unreadable.message, unreadable),
        };
      await yieldToEventLoop();
    }
  };

  const runOne = async (p: Projection, rebuild: boolean, signal?: AbortSignal): Promise<ProjectionRunResult> => {
    let applied = 0;
    let read = 0;
    let switched = false;
    let restartAsRebuild = rebuild;
    const base = (set: TableSet | null, position: bigint | null) => ({
      projection: p.name,
      version: p.version,
      tableSet: set?.id ?? null,
      position,
      eventsApplied: applied,
      eventsRead: read,
      switched,
    });
    // A table set can disappear under us when another runner rebuilds at the same time: start over.
    for (let attempt = 0; ; attempt++) {
      const prep = await prepareTableSets(db, p, { rebuild: restartAsRebuild, now: clock() });
      restartAsRebuild = false;
      if (prep.kind === 'newer')
        return {
          ...base(null, null),
          status: 'failed',
          error: new ProjectionFailure(
            p.name,
            null,
            `the view in this database is at version ${prep.liveVersion}, newer than this code's version ${p.version}: upgrade before running it`,
          ),
        };
      let reg = prep.registration;
      if (reg.building) {
        const built = await drive(p, reg.building, 'building', signal);
        applied += built.applied;
        read += built.read;
        if (built.kind === 'gone') {
          if (attempt < 3) continue;
          throw new Error(`projection ${p.name}: its table set keeps being replaced by another runner`);
        }
        if (built.kind === 'failed') return { ...base(reg.building, built.position), status: 'failed', error: built.error };
        if (built.kind === 'stopped') return { ...base(reg.building, built.position), status: 'stopped' };
        switched = await switchToLive(db, p.name, reg.building.id, clock());
        // The old set's tables are dropped: their pages go back to the file system.
        if (switched) await db.reclaimSpace?.();
        reg = (await readRegistration(db, p.name)) ?? reg;
      }
      const live = reg.live;
      if (!live || live.version !== p.version) {
        if (attempt < 3) continue;
        throw new Error(`projection ${p.name}: no live table set of version ${p.version} after building one`);
      }
      const caught = await drive(p, live, 'catching-up', signal);
      applied += caught.applied;
      read += caught.read;
      if (caught.kind === 'gone') {
        if (attempt < 3) continue;
        throw new Error(`projection ${p.name}: its table set keeps being replaced by another runner`);
      }
      if (caught.kind === 'failed') return { ...base(live, caught.position), status: 'failed', error: caught.error };
      return { ...base(live, caught.position), status: caught.kind };
    }
  };

  const selected = (only?: readonly string[]) => {
    if (!only) return projections;
    for (const n of only) if (!names.has(n)) throw new TypeError(`no projection named ${n}`);
    return projections.filter((p) => only.includes(p.name));
  };

  const runAll = async (rebuild: boolean, run: RunOptions = {}): Promise<ProjectionRunResult[]> => {
    await ready();
    const out: ProjectionRunResult[] = [];
    for (const p of selected(run.only)) {
      try {
        out.push(await runOne(p, rebuild, run.signal));
      } catch (e) {
        // The view database or the store failed outside any one event: this projection stops
        // at its checkpoint, the others still get their turn.
        const checkpoint = await readRegistration(db, p.name)
          .then(async (reg) => ((reg?.building ?? reg?.live) ? await readCheckpoint(db, p.name, (reg.building ?? reg.live)!.id) : null))
          .catch(() => null);
        out.push(failedOutsideEvents(p, checkpoint ?? null, e));
      }
    }
    return out;
  };

  return {
    catchUp: (run) => runAll(false, run),
    rebuild: (run) => runAll(true, run),
    follow: async ({ signal, pollIntervalMs = 1000, onCaughtUp, only }) => {
      const results = new Map<string, ProjectionRunResult>();
      let seenHead: bigint | null = null;
      while (!signal.aborted) {
        const running = selected(only).filter((p) => {
          const r = results.get(p.name);
          return r?.status !== 'failed' || outOfReach(r);
        });
        if (running.length === 0) break;
        try {
          const head = await store.headPosition();
          if (seenHead === null || head !== seenHead) {
            for (const r of await runAll(false, { only: running.map((p) => p.name), signal })) results.set(r.projection, r);
            if (!signal.aborted) {
              // Views that could not reach their database run again next time, whatever the head.
              seenHead = [...results.values()].some(outOfReach) ? null : head;
              onCaughtUp?.(selected(only).map((p) => results.get(p.name)!));
            }
          }
        } catch (e) {
          // The store's head, or the runner's own tables, out of reach: said as each running
          // projection's result, and tried again after a pause.
          if (!(e instanceof StoreUnavailableError)) throw e;
          for (const p of running) results.set(p.name, failedOutsideEvents(p, results.get(p.name) ?? null, e));
          seenHead = null;
          if (!signal.aborted) onCaughtUp?.(selected(only).map((p) => results.get(p.name)!));
          await sleep(pollIntervalMs, signal);
          continue;
        }
        if (signal.aborted) break;
        if (store.waitForEvents && seenHead !== null) {
          // A store that pushes (EventStoreDB's subscribeToAll) wakes the follower; the poll
          // interval stays as a ceiling in case a notification is missed.
          const wake = new AbortController();
          const stop = () => wake.abort();
          signal.addEventListener('abort', stop, { once: true });
          await Promise.race([
            store.waitForEvents(seenHead, wake.signal).catch(() => sleep(pollIntervalMs, wake.signal)),
            sleep(pollIntervalMs * 30, wake.signal),
          ]);
          wake.abort();
          signal.removeEventListener('abort', stop);
        } else await sleep(pollIntervalMs, signal);
      }
      return selected(only)
        .map((p) => results.get(p.name))
        .filter((r): r is ProjectionRunResult => r !== undefined);
    },
  };
};

/** Catches up every projection once: `getProjectionRunner(options).catchUp()`. */
export const runAll = (options: ProjectionRunnerOptions, run?: RunOptions): Promise<readonly ProjectionRunResult[]> =>
  getProjectionRunner(options).catchUp(run);
