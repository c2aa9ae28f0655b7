// `renewal projections rebuild|status|follow`: the views' runner from the command line.
import { StoreUnavailableError } from '@renewal-ledger/eventstore';
import { getProjectionRunner, listCheckpoints, readRegistration, type ProjectionRunResult } from '@renewal-ledger/projections';
import { AUDIT_PROJECTION, coverageGap, readAuditCoverage } from '@renewal-ledger/projection-audit';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { count, csv, print, printJson, table, toJsonLine, warn } from '../output.js';
import { openSession, PROJECTION_NAMES, PROJECTIONS, projectionProgress, storeUrlOf, type Session } from '../session.js';

const onlyOf = (command: string, given: string[] | undefined): string[] => {
  if (!given || given.length === 0) return [...PROJECTION_NAMES];
  for (const g of given)
    if (!PROJECTION_NAMES.includes(g))
      throw new UsageError(`no projection named ${JSON.stringify(g)}; the projections are ${PROJECTION_NAMES.join(', ')}`, command);
  return given;
};

const resultJson = (r: ProjectionRunResult) => ({
  projection: r.projection,
  version: r.version,
  status: r.status,
  tableSet: r.tableSet,
  position: r.position,
  eventsApplied: r.eventsApplied,
  eventsRead: r.eventsRead,
  switched: r.switched,
  error: r.status === 'failed' ? { message: r.error.message, position: r.error.globalPosition } : null,
});

const renderResults = (results: readonly ProjectionRunResult[]) =>
  table(
    ['projection', 'version', 'status', 'table set', 'position', 'applied', 'read'],
    results.map((r) => [
      r.projection,
      r.version,
      r.status,
      r.tableSet ?? '',
      r.position === null ? '-' : count(r.position),
      count(r.eventsApplied),
      count(r.eventsRead),
    ]),
  );

const ONLY = { only: { type: 'string', multiple: true } } as const;

const rebuildCommand: Command = {
  name: 'projections rebuild',
  summary: 'replay the views from the first event into fresh tables',
  common: true,
  help: `usage: renewal projections rebuild [--only NAME ...] [--format table|json]

Replays each view (${PROJECTION_NAMES.join(', ')}) from the first event into fresh tables. Readers keep
the current view until the new one has caught up, then see the new one in one switch. Receipt
numbers come out the same.

  --only NAME   just this projection (may be given more than once)`,
  async run(argv) {
    const { values, positionals } = parse('projections rebuild', argv, ONLY);
    noPositionals('projections rebuild', positionals);
    const format = formatOf('projections rebuild', values.format, ['table', 'json']);
    const only = onlyOf('projections rebuild', values.only as string[] | undefined);
    const session = await openSession({
      storeUrl: storeUrlOf(values.store),
      views: values.views,
      access: { store: 'read', views: 'create' },
    });
    try {
      const bar = projectionProgress('rebuilding', 'always', only.length);
      const started = performance.now();
      const results = await getProjectionRunner({
        store: session.store,
        database: session.views,
        projections: [...PROJECTIONS],
        onProgress: bar.onProgress,
      }).rebuild({ only });
      bar.finish();
      if (format === 'json') printJson({ views: session.viewsLocation.label, results: results.map(resultJson) });
      else {
        print(
          `Rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s (${session.viewsLocation.label})\n${renderResults(results)}`,
        );
        for (const r of results) if (r.status === 'failed') warn(`${r.projection} stopped: ${r.error.message}`);
      }
      return results.some((r) => r.status === 'failed') ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

export const projectionStatus = async (session: Session) => {
  const storeHead = await session.store.headPosition();
  let checkpoints: Awaited<ReturnType<typeof listCheckpoints>> = [];
  try {
    checkpoints = await listCheckpoints(session.views);
  } catch {
    // No runner tables yet: nothing was ever built in this view database.
  }
  const out = [];
  for (const name of PROJECTION_NAMES) {
    const reg = checkpoints.length ? await readRegistration(session.views, name) : null;
    const at = (set: string | undefined) => {
      const c = checkpoints.find((x) => x.projection === name && x.tableSet === set);
      return c ? { tableSet: c.tableSet, version: c.version, position: c.position, events: c.events, updatedAt: c.updatedAt } : null;
    };
    const live = at(reg?.live?.id);
    const building = at(reg?.building?.id);
    // The audit trail must end where its checkpoint says: if entries were removed from its end,
    // it is behind from where it really ends (and `renewal audit verify` fails there).
    const coverage = name === AUDIT_PROJECTION && live ? await readAuditCoverage(session.views) : null;
    const problem = coverage ? coverageGap(coverage) : null;
    const position = problem ? (coverage!.chainEnd ?? null) : (live?.position ?? null);
    out.push({
      projection: name,
      live,
      building,
      // Positions the store has past the view's checkpoint; positions start at 1, and may have
      // gaps on PostgreSQL, where this is an upper bound of the events still to apply.
      behind: storeHead <= 0n ? 0n : storeHead - (position ?? 0n),
      problem,
    });
  }
  return { storeHead, views: session.viewsLocation.label, projections: out };
};

const statusCommand: Command = {
  name: 'projections status',
  summary: 'where each view stands against the store',
  common: true,
  help: `usage: renewal projections status [--format table|json|csv]

For each view: the live table set, its version, the position of the last event applied, how many
events it has read, when it last moved, how far behind the store's head it is, and any table set
being rebuilt. Reads only: it does not catch the views up, and opens only views that are built.

Exit status: 1 when a view does not hold what its checkpoint says (an audit chain cut short).`,
  async run(argv) {
    const { values, positionals } = parse('projections status', argv, {});
    noPositionals('projections status', positionals);
    const format = formatOf('projections status', values.format);
    const session = await openSession({
      storeUrl: storeUrlOf(values.store),
      views: values.views,
      access: { store: 'read', views: 'existing' },
    });
    try {
      const s = await projectionStatus(session);
      if (format === 'json') printJson(s);
      else if (format === 'csv')
        print(
          csv(
            [
              'projection',
              'table_set',
              'version',
              'position',
              'events',
              'updated_at',
              'behind',
              'building_set',
              'building_position',
              'problem',
            ],
            s.projections.map((p) => [
              p.projection,
              p.live?.tableSet,
              p.live?.version,
              p.live?.position?.toString(),
              p.live?.events,
              p.live?.updatedAt,
              p.behind.toString(),
              p.building?.tableSet,
              p.building?.position?.toString(),
              p.problem,
            ]),
          ),
        );
      else
        print(
          `Views in ${s.views}; the store's newest event is at position ${s.storeHead < 0n ? '- (empty)' : count(s.storeHead)}\n` +
            table(
              ['projection', 'table set', 'version', 'position', 'events', 'updated at', 'behind', 'rebuilding'],
              s.projections.map((p) => [
                p.projection,
                p.live?.tableSet ?? 'not built',
                p.live?.version ?? '',
                p.live?.position == null ? '-' : count(p.live.position),
                p.live ? count(p.live.events) : '',
                p.live?.updatedAt ?? '',
                count(p.behind),
                p.building ? `${p.building.tableSet} at ${p.building.position === null ? '-' : count(p.building.position)}` : '',
              ]),
            ) +
            s.projections
              .filter((p) => p.problem)
              .map((p) => `\n  ${p.projection}: BROKEN: ${p.problem} (renewal audit verify names the position)`)
              .join(''),
        );
      return s.projections.some((p) => p.problem) ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

const followCommand: Command = {
  name: 'projections follow',
  summary: 'keep the views up to date until interrupted',
  common: true,
  help: `usage: renewal projections follow [--interval MS] [--only NAME ...] [--format table|json]

Catches the views up, then polls the store for new events and applies them, until Ctrl-C
(SIGINT) or SIGTERM; it stops between batches and exits 0. Prints a line (or, with --format json,
a JSON object per line) each time the views caught up with new events. A database out of reach is
said once on standard error; it tries again every interval and catches up when it is back.

  --interval MS   milliseconds between polls (default 1000)
  --only NAME     just this projection (may be given more than once)`,
  async run(argv) {
    const { values, positionals } = parse('projections follow', argv, { ...ONLY, interval: { type: 'string' } });
    noPositionals('projections follow', positionals);
    const format = formatOf('projections follow', values.format, ['table', 'json']);
    const only = onlyOf('projections follow', values.only as string[] | undefined);
    const interval = positiveIntOf('projections follow', '--interval', values.interval ?? '1000');
    const session = await openSession({
      storeUrl: storeUrlOf(values.store),
      views: values.views,
      access: { store: 'read', views: 'create' },
    });
    const controller = new AbortController();
    const stop = () => controller.abort();
    let outOfReach: string | null = null;
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      if (format === 'table') print(`Following ${session.storeUrl} into ${session.viewsLocation.label}; Ctrl-C to stop.`);
      const results = await session.runner.follow({
        signal: controller.signal,
        pollIntervalMs: interval,
        only,
        onCaughtUp: (rs) => {
          const at = new Date().toISOString();
          // A database out of reach: said once (not at every poll) while it lasts; the runner
          // tries again every interval and the views catch up when it is back.
          const away = rs.find((r) => r.status === 'failed' && r.error.cause instanceof StoreUnavailableError);
          if (away?.status === 'failed') {
            const why = (away.error.cause as Error).message;
            if (why !== outOfReach) warn(`${at}  ${why}: trying again every ${count(interval)} ms`);
            outOfReach = why;
            return;
          }
          outOfReach = null;
          if (format === 'json') print(toJsonLine({ at, results: rs.map(resultJson) }));
          else
            print(
              `${at}  caught up: ${rs.map((r) => `${r.projection} ${r.status === 'failed' ? 'FAILED' : `at ${r.position ?? '-'} (+${count(r.eventsApplied)})`}`).join(', ')}`,
            );
          for (const r of rs) if (r.status === 'failed') warn(`${r.projection} stopped: ${r.error.message}`);
        },
      });
      if (format === 'table') print('Stopped.');
      return results.some((r) => r.status === 'failed') ? 1 : 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await session.close();
    }
  },
};

export const projectionCommands: readonly Command[] = [rebuildCommand, statusCommand, followCommand];
