// An auditor's script, in the order an auditor works:
// 1. verify the hash chain of the ledger against the event store, and against every seal kept
//    from earlier visits (a seals file of JSON lines), then add today's seal to that file;
// 2. replay one bill as of a date in both senses: what had happened by then (business time) and
//    what the books said then (recorded time); an offline payment shows the difference;
// 3. export the trail as JSON lines and check the export on its own, as someone without access
//    to the system would.
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { businessDayOf, endOfBusinessDay, formatMinor, type BusinessDate, type Instant, type LedgerZones } from '@renewal-ledger/core';
import { readLedgerZones, type EventStore } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { getProjectionRunner, getSQLiteViewDatabase, getPostgresViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import {
  auditEntries,
  auditProjection,
  cycleAsOf,
  cycleHistory,
  exportAuditJsonLines,
  sealAuditChain,
  verifyAuditExport,
  type AuditRecord,
  type AuditSeal,
  type CycleAsOf,
} from '@renewal-ledger/projection-audit';

export interface AuditReplayOptions {
  /** The ledger: `sqlite:./renewal-demo.db`, `postgres://...`. */
  readonly store: string;
  /** The audit view's database: a SQLite path or a postgres:// URL. Default: beside the store. */
  readonly views?: string;
  /** The bill to replay. Default: the one with the latest payment taken offline and entered later. */
  readonly cycle?: string;
  /** The date to replay it as of. Default: a day between that payment being taken and entered. */
  readonly asOf?: BusinessDate;
  /** Seals from earlier visits (JSON lines); today's seal is appended. */
  readonly seals?: string;
  /** Where the JSON-lines export goes. */
  readonly exportTo?: string;
  readonly print?: (line: string) => void;
}

const viewsFor = async (store: string, views?: string): Promise<ViewDatabase> => {
  const target = views ?? store;
  if (/^postgres(ql)?:\/\//i.test(target)) return getPostgresViewDatabase({ connectionString: target, schema: 'renewal_views' });
  if (views) return getSQLiteViewDatabase({ path: views });
  const path = /^sqlite:(?:\/\/)?(.*)$/i.exec(store)?.[1];
  if (!path || path === ':memory:') throw new Error('give --views for a store that is not a SQLite file or PostgreSQL');
  return getSQLiteViewDatabase({ path: path.replace(/(\.[^./]+)?$/, (ext) => `-views${ext || '.db'}`) });
};

const readSeals = async (path: string): Promise<AuditSeal[]> =>
  existsSync(path)
    ? (await readFile(path, 'utf8'))
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as AuditSeal)
    : [];

/** The latest payment entered later than it was taken: the case where "as of" and "as known at" differ. */
const latestOfflinePayment = async (views: ViewDatabase, store: EventStore, zones: LedgerZones): Promise<AuditRecord | null> => {
  let found: AuditRecord | null = null;
  for await (const e of auditEntries(views, store))
    if (e.type === 'Paid' && e.at && businessDayOf(zones, e.at as Instant) < businessDayOf(zones, e.recordedAt as Instant)) found = e;
  return found;
};

const figuresLine = (label: string, c: CycleAsOf): string => {
  const f = c.figures;
  const cur = c.state.bill?.currency;
  const aging = c.aging ? `; overdue ${formatMinor(c.aging.overdueMinor, cur)}, ${c.aging.daysPastDue} days (${c.aging.bucket})` : '';
  return `  ${label.padEnd(34)} ${c.events} event${c.events === 1 ? '' : 's'}: due ${formatMinor(f.dueMinor, cur)}, paid ${formatMinor(f.netPaidMinor, cur)}, outstanding ${formatMinor(f.outstandingMinor, cur)}${aging}`;
};

export const runAuditReplay = async (options: AuditReplayOptions): Promise<number> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const store: EventStore = await openStore(options.store);
  const views = await viewsFor(options.store, options.views);
  try {
    // The audit view is incremental: this applies only what was recorded since the last visit.
    const [caught] = await getProjectionRunner({ store, database: views, projections: [auditProjection] }).catchUp();
    if (caught?.status === 'failed') print(`The audit view stopped at an event it cannot read: ${caught.error.message}`);

    print(`1. The chain of ${options.store}`);
    const seals = options.seals ? await readSeals(options.seals) : [];
    const { verification: v, seal } = await sealAuditChain(views, store, { seals });
    if (!v.ok) {
      print(`  BROKEN at position ${v.problem!.position} (${v.problem!.kind}): ${v.problem!.reason}`);
      print(`  ${v.entries} ${v.entries === 1 ? 'entry' : 'entries'} verified before it. Nothing after that position can be relied on.`);
      return 1;
    }
    print(
      `  ${v.entries} entries verified against the events in the store${seals.length ? `, and ${v.sealsMatched} of ${seals.length} earlier seals matched` : ''}.`,
    );
    if (seal) {
      print(`  Today's seal: position ${seal.position}, hash ${seal.hash}`);
      if (options.seals) {
        await appendFile(options.seals, `${JSON.stringify(seal)}\n`);
        print(`  (added to ${options.seals}: keep that file outside the system)`);
      }
    }

    // Days are the ledger's business days: in its own zone, as the store records it.
    const zones = await readLedgerZones(store);
    const dayOf = (i: string) => businessDayOf(zones, i as Instant);
    const offline = options.cycle ? null : await latestOfflinePayment(views, store, zones);
    const cycleId = options.cycle ?? (offline ? offline.stream.replace(/^renewal-cycle-/, '') : null);
    if (!cycleId) {
      print('\n2. No bill to replay: the ledger has no payment entered after the day it was taken; pass --cycle.');
    } else {
      const asOf = options.asOf ?? (offline ? dayOf(offline.at!) : dayOf(new Date().toISOString()));
      print(
        `\n2. Bill ${cycleId} as of ${asOf}${offline && !options.cycle ? ` (payment ${(offline.data as { paymentId?: string }).paymentId} was taken on ${dayOf(offline.at!)} and entered on ${dayOf(offline.recordedAt)})` : ''}`,
      );
      const endOfDay = endOfBusinessDay(zones, asOf);
      const happened = await cycleAsOf(store, cycleId, { at: endOfDay });
      const known = await cycleAsOf(store, cycleId, { knownAt: endOfDay, agingDate: asOf });
      if (happened.events + happened.excluded === 0) {
        print(`  No bill ${cycleId} in the ledger.`);
        return 1;
      }
      print(figuresLine(`as of ${asOf} (what had happened):`, happened));
      print(figuresLine(`as known at ${asOf} (the books then):`, known));
      print('  Its history:');
      for (const line of await cycleHistory(store, cycleId)) print(`    ${line.line}`);
    }

    if (options.exportTo) {
      let lines = 0;
      const chunks: string[] = [];
      for await (const line of exportAuditJsonLines(views, store)) {
        chunks.push(line);
        lines += 1;
      }
      await writeFile(options.exportTo, chunks.join(''));
      // Checked on its own: every line's hash and link, and the seals, with no access to the system.
      const check = await verifyAuditExport((await readFile(options.exportTo, 'utf8')).split('\n'), {
        seals: seal ? [...seals, seal] : seals,
      });
      print(
        `\n3. Exported ${lines} entries to ${options.exportTo}; checked on its own: ${check.ok ? `every hash and link holds, ${check.sealsMatched} seals matched` : `BROKEN at position ${check.problem!.position}: ${check.problem!.reason}`}.`,
      );
      if (!check.ok) return 1;
    }
    return 0;
  } finally {
    await views.close();
    await store.close();
  }
};
