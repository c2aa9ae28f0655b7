// The runner: reads the store in global order and applies batches, writing the view rows and the
// new checkpoint in one transaction, so a crash at any point leaves every view exactly at a batch
// boundary: no event applied twice, none skipped.
//
// One read of the log per run: the table sets it drives read the store together, from the lowest
// checkpoint; the table sets at that checkpoint take each batch in ONE transaction (each
// checkpoint still written with its own rows), and a batch stops at the next checkpoint above,
// where the two groups become one. Why one transaction and not one per view: the views that need
// cycle states share one cycle-state set (cycle-state-sets.ts), folded once per batch, and a
// view's checkpoint must always equal its state set's position. A view that cannot take a batch
// is tried alone (rolled back) to find it; the others go on and it gets a copy of the states, then
// looks for the event to blame one by one, as before.
//
// A projection whose tables are not of its version (first run, version bump) or that is asked to
// rebuild is built into a fresh table set while readers keep the old one; the runner switches
// readers over in one transaction once the new set has caught up with the store.
import type { RecordedEvent } from '@renewal-ledger/core';
import { StoreUnavailableError, StoredEventDecodeError, type EventStore } from '@renewal-ledger/eventstore';
import { readCycleStates, saveCycleStates } from './cycle-state-row.js';
import { detachOthers, lockStateSet, mergeAt, stateSetTable, writeStateSetPosition } from './cycle-state-sets.js';
import { cyclesOfBatch, foldShared, type BatchCycleStates } from './cycle-states.js';
import type { Projection } from './projection.js';
import { isLockConflict, lockViewsForRunner, ViewsBusyError } from './runner-lock.js';
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
  /**
   * Events per batch while every view of the batch is being built into a fresh table set that no
   * reader sees yet (a rebuild, a first run, a version bump). Default 10,000: a cycle's state and
   * rows are rewritten once per batch that touches it, so larger batches write fewer rows and
   * commit less often (the bench's rebuild wrote its cycle rows a third less often than with
   * 2,000); memory grows with the batch, not with the log. Never below `batchSize`; when only
   * `batchSize` is given, it is used for building too.
   */
  readonly buildingBatchSize?: number;
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
   * a StoreUnavailableError), or views held by another connection past the wait (a
   * ViewsBusyError), stops no projection: its result says `failed` with that error as the
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
  constructor(
    readonly position: bigint | null | 'gone',
    /** The runner's record of the table set whose checkpoint moved. */
    readonly member: unknown,
  ) {
    super('the checkpoint moved');
  }
}

/** Ends a trial transaction (rolled back). */
class TrialDone extends Error {}

/** What a projection that declares no `cycleStates` is handed: nothing to read. */
const NO_CYCLE_STATES: BatchCycleStates = {
  load: () => {
    throw new Error('this projection declares no cycleStates');
  },
  fold: () => {
    throw new Error('this projection declares no cycleStates');
  },
};

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

/** A run that failed only because the store or the view database was out of reach, or the views busy. */
const outOfReach = (r: ProjectionRunResult | undefined): boolean =>
  r?.status === 'failed' && (r.error.cause instanceof StoreUnavailableError || r.error.cause instanceof ViewsBusyError);

/**
 * Throws what no event is to blame for: a database out of reach (StoreUnavailableError), or views
 * held by another connection past the wait (ViewsBusyError).
 */
const throwIfNoEventsFault = (e: unknown): void => {
  if (e instanceof StoreUnavailableError) throw e;
  if (isLockConflict(e)) throw new ViewsBusyError(e);
};

/** A table set that another runner keeps rebuilding under this one. */
const replaced = (p: Projection) => new Error(`projection ${p.name}: its table set keeps being replaced by another runner`);

const reasonOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export const getProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, database: db, projections } = options;
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const buildingBatchSize = Math.max(batchSize, options.buildingBatchSize ?? (options.batchSize === undefined ? 10_000 : batchSize));
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

  /** One table set being driven in this run, with how far it has got. */
  interface Member {
    readonly p: Projection;
    readonly set: TableSet;
    readonly phase: ProgressReport['phase'];
    readonly handles: ReadonlySet<string> | null;
    position: bigint | null;
    applied: number;
    read: number;
    total: number;
    started: number;
    /** Failed in a batch with others: runs alone until it has found the event to blame. */
    isolated: boolean;
    outcome: Outcome | null;
  }
  type Outcome = { kind: 'caught-up' | 'stopped' | 'gone' } | { kind: 'failed'; error: ProjectionFailure };

  const memberOf = (p: Projection, set: TableSet, phase: ProgressReport['phase']): Member => ({
    p,
    set,
    phase,
    handles: p.eventTypes === 'all' ? null : new Set(p.eventTypes),
    position: null,
    applied: 0,
    read: 0,
    total: 0,
    started: Date.now(),
    isolated: false,
    outcome: null,
  });

  /**
   * One transaction for every table set of the group (all at checkpoint `expected`): lock and
   * check each checkpoint, copy a state set for a view it would leave behind, fold the batch once
   * per state set, apply each view, write the states and every checkpoint, merge state sets that
   * meet. Returns the events each member applied.
   */
  const commit = (group: readonly Member[], events: readonly RecordedEvent[], expected: bigint | null, trial = false) =>
    db.transaction(async (tx: SqlExecutor) => {
      // First, before any row: the lock order that keeps two runners from deadlocking (runner-lock.ts).
      await lockViewsForRunner(tx);
      const now = clock();
      const last = events[events.length - 1]!.globalPosition;
      const statesOf = new Map<Member, number>();
      for (const m of group) {
        const current = await readCheckpoint(tx, m.p.name, m.set.id, true);
        if (!current) throw new CheckpointMoved('gone', m);
        if (current.position !== expected) throw new CheckpointMoved(current.position, m);
        if (m.p.cycleStates) {
          if (current.stateSet === null || current.stateSet === undefined)
            throw new Error(`projection ${m.p.name}: table set ${m.set.id} has no cycle-state set`);
          statesOf.set(m, current.stateSet);
        }
      }
      const moving = new Set(group.map((m) => `${m.p.name}\u0000${m.set.id}`));
      const folds = new Map<number, ReturnType<typeof foldShared>>();
      for (const id of new Set(statesOf.values())) {
        const at = await lockStateSet(tx, id);
        if (at !== expected) throw new Error(`cycle-state set ${id} is at ${String(at)}, not at its views' checkpoint ${String(expected)}`);
        await detachOthers(tx, id, expected, moving, now);
        folds.set(id, foldShared(await readCycleStates(tx, stateSetTable(id), cyclesOfBatch(events)), events));
      }
      const applied = new Map<Member, number>();
      for (const m of group) {
        const relevant = m.handles ? events.filter((e) => m.handles!.has(e.type)) : events;
        const id = statesOf.get(m);
        if (relevant.length > 0)
          await m.p.applyBatch(relevant, tx, m.set.tables as never, id === undefined ? NO_CYCLE_STATES : folds.get(id)!.cycles);
        await writeCheckpoint(tx, { projection: m.p.name, tableSet: m.set.id, position: last, addEvents: events.length, updatedAt: now });
        applied.set(m, relevant.length);
      }
      for (const [id, f] of folds) {
        await saveCycleStates(tx, stateSetTable(id), f.after, f.changed);
        await writeStateSetPosition(tx, id, last, now);
      }
      for (const id of folds.keys()) if ((await lockStateSet(tx, id)) !== 'gone') await mergeAt(tx, id, last);
      if (trial) throw new TrialDone();
      return applied;
    });

  /** Whether a member alone can take the batch (tried in a transaction that is rolled back). */
  const takes = async (m: Member, events: readonly RecordedEvent[], expected: bigint | null): Promise<boolean> => {
    try {
      await commit([m], events, expected, true);
    } catch (e) {
      if (e instanceof TrialDone || e instanceof CheckpointMoved) return true;
      throwIfNoEventsFault(e);
      return false;
    }
    return true;
  };

  const committed = (group: readonly Member[], events: readonly RecordedEvent[], applied: ReadonlyMap<Member, number>) => {
    const position = events[events.length - 1]!.globalPosition;
    for (const m of group) {
      m.position = position;
      m.read += events.length;
      m.applied += applied.get(m) ?? 0;
      if (options.onProgress) {
        const elapsedMs = Date.now() - m.started;
        options.onProgress({
          projection: m.p.name,
          phase: m.phase,
          tableSet: m.set.id,
          done: m.read,
          total: m.total < 0 ? null : Math.max(m.total, m.read),
          position,
          eventsPerSecond: elapsedMs > 0 ? (m.read * 1000) / elapsedMs : 0,
          elapsedMs,
        });
      }
    }
  };

  /**
   * Drives table sets until each is at the head, failed, stopped or gone: reads the log once from
   * the lowest checkpoint, applying each batch to every table set at that checkpoint in one
   * transaction, and only up to the next checkpoint above, where the two groups become one.
   */
  const driveAll = async (members: readonly Member[], signal?: AbortSignal): Promise<void> => {
    const head = await store.headPosition();
    for (const m of members) {
      const checkpoint = await readCheckpoint(db, m.p.name, m.set.id);
      if (!checkpoint) {
        m.outcome = { kind: 'gone' };
        continue;
      }
      m.position = checkpoint.position;
      m.total = head < 0n ? -1 : Math.max(0, Number(head - (m.position ?? 0n)));
    }
    const below = (a: bigint | null, b: bigint | null) => (a === null ? b !== null : b !== null && a < b);
    for (;;) {
      const active = members.filter((m) => m.outcome === null);
      if (active.length === 0) return;
      if (signal?.aborted) {
        for (const m of active) m.outcome = { kind: 'stopped' };
        return;
      }
      let lowest = active[0]!.position;
      for (const m of active) if (below(m.position, lowest)) lowest = m.position;
      const atLowest = active.filter((m) => m.position === lowest);
      const together = atLowest.filter((m) => !m.isolated);
      const group = together.length > 0 ? together : [atLowest[0]!];
      let next: bigint | null = null;
      for (const m of active) if (m.position !== lowest && (next === null || below(m.position, next))) next = m.position;

      const events: RecordedEvent[] = [];
      let unreadable: StoredEventDecodeError | null = null;
      // Isolated members look for an event to blame: they keep the small batch.
      const limit = group.every((m) => m.phase === 'building' && !m.isolated) ? buildingBatchSize : batchSize;
      try {
        for await (const e of store.readAll({ ...(lowest === null ? {} : { after: lowest }), batchSize, limit })) {
          if (next !== null && e.globalPosition > next) break;
          events.push(e);
        }
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        if (next === null || e.globalPosition <= next) unreadable = e;
      }
      if (events.length === 0 && !unreadable) {
        for (const m of group) m.outcome = { kind: 'caught-up' };
        continue;
      }
      if (events.length > 0) {
        try {
          committed(group, events, await commit(group, events, lowest));
        } catch (e) {
          if (e instanceof CheckpointMoved) {
            if (e.position === 'gone') (e.member as Member).outcome = { kind: 'gone' };
            else (e.member as Member).position = e.position;
            continue;
          }
          // Nothing to look for one by one when no event is to blame.
          throwIfNoEventsFault(e);
          if (group.length > 1) {
            // Which views cannot take the batch: they go on alone (the others first, so the
            // state set moves with the many and the few get the copy), to find the event to blame.
            const failing: Member[] = [];
            for (const m of group) if (!(await takes(m, events, lowest))) failing.push(m);
            for (const m of failing.length > 0 ? failing : group) m.isolated = true;
            continue;
          }
          const m = group[0]!;
          // Something in the batch cannot be applied: apply the events one by one to find which,
          // keeping those before it, so the checkpoint ends right before the culprit.
          let blamed = false;
          for (const event of events) {
            try {
              committed(group, [event], await commit(group, [event], m.position));
            } catch (single) {
              if (single instanceof CheckpointMoved) {
                if (single.position === 'gone') m.outcome = { kind: 'gone' };
                else m.position = single.position;
                blamed = true;
                break;
              }
              throwIfNoEventsFault(single);
              m.outcome = {
                kind: 'failed',
                error: new ProjectionFailure(
                  m.p.name,
                  event.globalPosition,
                  `cannot apply ${event.type} (${event.streamName}@${event.streamRevision}): ${reasonOf(single)}`,
                  single,
                ),
              };
              blamed = true;
              break;
            }
          }
          if (!blamed) m.isolated = false;
          continue;
        }
      }
      if (unreadable)
        for (const m of group)
          m.outcome = {
            kind: 'failed',
            error: new ProjectionFailure(m.p.name, unreadable.globalPosition, unreadable.message, unreadable),
          };
      await yieldToEventLoop();
    }
  };

  const selected = (only?: readonly string[]) => {
    if (!only) return projections;
    for (const n of only) if (!names.has(n)) throw new TypeError(`no projection named ${n}`);
    return projections.filter((p) => only.includes(p.name));
  };

  const runAll = async (rebuild: boolean, run: RunOptions = {}): Promise<ProjectionRunResult[]> => {
    await ready();
    const chosen = selected(run.only);
    const results = new Map<string, ProjectionRunResult>();
    const totals = new Map<string, { applied: number; read: number; switched: boolean; attempts: number }>();
    for (const p of chosen) totals.set(p.name, { applied: 0, read: 0, switched: false, attempts: 0 });
    const summary = (m: Member) => {
      const t = totals.get(m.p.name)!;
      return {
        projection: m.p.name,
        version: m.p.version,
        tableSet: m.set.id,
        position: m.position,
        eventsApplied: t.applied,
        eventsRead: t.read,
        switched: t.switched,
      };
    };
    /** The view database or the store failed outside any one event: the projection stops at its checkpoint. */
    const failOutside = async (p: Projection, e: unknown) => {
      if (isLockConflict(e)) e = new ViewsBusyError(e);
      const checkpoint = await readRegistration(db, p.name)
        .then(async (reg) => ((reg?.building ?? reg?.live) ? await readCheckpoint(db, p.name, (reg.building ?? reg.live)!.id) : null))
        .catch(() => null);
      results.set(p.name, failedOutsideEvents(p, checkpoint ?? null, e));
    };
    /** Drives members; what ends them goes to `results`, what is gone comes back for another attempt. */
    const drive = async (members: Member[]): Promise<{ built: Member[]; again: Projection[] }> => {
      const built: Member[] = [];
      const again: Projection[] = [];
      try {
        await driveAll(members, run.signal);
      } catch (e) {
        for (const m of members)
          if (m.outcome === null) m.outcome = { kind: 'failed', error: new ProjectionFailure(m.p.name, null, reasonOf(e), e) };
      }
      for (const m of members) {
        const t = totals.get(m.p.name)!;
        t.applied += m.applied;
        t.read += m.read;
        const o = m.outcome!;
        if (o.kind === 'gone') {
          if (++t.attempts > 3) await failOutside(m.p, replaced(m.p));
          else again.push(m.p);
        } else if (o.kind === 'failed') {
          if (o.error.globalPosition === null) await failOutside(m.p, o.error.cause ?? o.error);
          else results.set(m.p.name, { ...summary(m), status: 'failed', error: o.error });
        } else if (o.kind === 'stopped') results.set(m.p.name, { ...summary(m), status: 'stopped' });
        else if (m.phase === 'building') built.push(m);
        else results.set(m.p.name, { ...summary(m), status: 'caught-up' });
      }
      return { built, again };
    };

    let pending: readonly Projection[] = chosen;
    let first = true;
    while (pending.length > 0) {
      const members: Member[] = [];
      const retry: Projection[] = [];
      for (const p of pending) {
        try {
          const prep = await prepareTableSets(db, p, { rebuild: rebuild && first, now: clock() });
          if (prep.kind === 'newer') {
            results.set(p.name, {
              ...failedOutsideEvents(p, null, null),
              status: 'failed',
              error: new ProjectionFailure(
                p.name,
                null,
                `the view in this database is at version ${prep.liveVersion}, newer than this code's version ${p.version}: upgrade before running it`,
              ),
            });
            continue;
          }
          const reg = prep.registration;
          if (reg.building) members.push(memberOf(p, reg.building, 'building'));
          else if (reg.live?.version === p.version) members.push(memberOf(p, reg.live, 'catching-up'));
          else retry.push(p);
        } catch (e) {
          await failOutside(p, e);
        }
      }
      first = false;
      const { built, again } = await drive(members);
      // Built sets that caught up go live; readers then see them, and they catch up once more
      // (events appended meanwhile), together.
      const live: Member[] = [];
      for (const m of built) {
        try {
          const switched = await switchToLive(db, m.p.name, m.set.id, clock());
          if (switched) {
            totals.get(m.p.name)!.switched = true;
            // The old set's tables are dropped: their pages go back to the file system.
            await db.reclaimSpace?.();
            live.push(memberOf(m.p, m.set, 'catching-up'));
          } else if (++totals.get(m.p.name)!.attempts > 3) await failOutside(m.p, replaced(m.p));
          else again.push(m.p);
        } catch (e) {
          await failOutside(m.p, e);
        }
      }
      const after = await drive(live);
      again.push(...after.again, ...retry);
      for (const p of retry)
        if (++totals.get(p.name)!.attempts > 3)
          await failOutside(p, new Error(`projection ${p.name}: no live table set of version ${p.version} after building one`));
      pending = again.filter((p) => !results.has(p.name));
    }
    return chosen.map((p) => results.get(p.name)!);
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
          if (!(e instanceof StoreUnavailableError) && !isLockConflict(e)) throw e;
          const cause = isLockConflict(e) ? new ViewsBusyError(e) : e;
          for (const p of running) results.set(p.name, failedOutsideEvents(p, results.get(p.name) ?? null, cause));
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
