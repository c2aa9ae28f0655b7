// The property service: an HTTP front to the renewal ledger a property-management firm could start
// from. Commands of every aggregate (a cycle's, a contract's, the ledger's settings) arrive as JSON
// and are decoded with core's codecs (a bad body is a 400 naming each problem's path); the generic
// command handler decides and stores them (commands.ts: a rule's refusal is a 422, or a 409 when
// it conflicts with what is already recorded, with the rule's code and figures: a command id
// reused for other content is COMMAND_ID_CONFLICT).
// The views are followed in the background and read by the GET endpoints and the dashboard.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_ACCESS_POLICY,
  mayIssue,
  type AccessPolicy,
  businessDayOf,
  businessTimeWithOffsetOf,
  currencyExponent,
  contractStreamName,
  cycleStreamName,
  endOfBusinessDay,
  isBusinessDate,
  ledgerDefaultsAt,
  ledgerZonesOf,
  normaliseInstant,
  toNfc,
  type BusinessDate,
  type Instant,
  type LedgerZones,
  complaintStatusOf,
} from '@renewal-ledger/core';
import { loadLedgerSettings, StoreUnavailableError, systemClock, type EventStore } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { readCollectorsPerformance, readComplaints } from '@renewal-ledger/renewals';
import {
  asText,
  getProjectionRunner,
  listCheckpoints,
  ViewNotReadyError,
  type ProjectionRunResult,
  type ViewDatabase,
} from '@renewal-ledger/projections';
import { ARREARS_CYCLES, arrearsProjection, getArrearsView } from '@renewal-ledger/projection-arrears';
import { getInvoicesView, INVOICES, invoicesProjection } from '@renewal-ledger/projection-invoices';
import { getReceiptsView, RECEIPTS, receiptsProjection, type ReceiptDocument } from '@renewal-ledger/projection-receipts';
import { auditProjection, cycleAsOf, cycleHistory, verifyAuditChain, type AuditVerification } from '@renewal-ledger/projection-audit';
import { HttpError, readJson, sendHtml, sendJson, sendScript } from './http.js';
import { dashboardHtml, dashboardModule } from './dashboard.js';
import { openViewDatabase } from './views.js';
import { getCommands } from './commands.js';
import { getAuth, type AuthOptions, type Caller } from './auth.js';
import { getNotificationEndpoints, type NotificationChannels } from './notify.js';
import { getRefundRelay } from './refund-relay.js';
import { getDeliveryReportEndpoints, type DeliveryReportsOptions } from './delivery-reports.js';
import { reconciliationOfDay, reconciliationsProjection } from './reconciliations.js';
import type { VerifyJob, VerifyOutcome } from './verify-worker.js';

export interface PropertyServiceOptions {
  /** Event store URL: `sqlite:./renewal.db` (default), `postgres://...`, `memory:`. */
  readonly store?: string;
  /** Where the views live (default: beside the store, as the CLI does). */
  readonly views?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** How often the background follower polls the store for new events. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Where request errors are logged. Default: stderr. */
  readonly log?: (line: string) => void;
  /** The clock "today" is read from (in the ledger's zone). Default: the machine's. */
  readonly clock?: () => Instant;
  /** Who may do what (docs/roles-and-approvals.md). Default: core's DEFAULT_ACCESS_POLICY. */
  readonly policy?: AccessPolicy;
  /** Sessions and the sign-in limiter (auth.ts). */
  readonly auth?: Omit<AuthOptions, 'store'>;
  /**
   * The providers whose notifications the service takes (POST /notify/alipay, /notify/wechat-pay). Default none.
   * With Alipay's settings, each refund recorded also runs the refund relay for Alipay (refund-relay.ts).
   */
  readonly channels?: NotificationChannels;
  /** Providers' delivery reports (POST /delivery-reports/<channel>), with the token they send. Default none. */
  readonly deliveryReports?: DeliveryReportsOptions;
}

export interface PropertyService {
  readonly url: string;
  readonly store: EventStore;
  readonly views: ViewDatabase;
  /** Global position every view has caught up to, or null before the first catch-up. */
  viewsPosition(): bigint | null;
  /** Resolves when every view has caught up to `position`. */
  viewsReach(position: bigint, timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const PROJECTIONS = [arrearsProjection, receiptsProjection, auditProjection, reconciliationsProjection, invoicesProjection];

// Kept here too: the example's entry point exports it from this module.
export { statusOfRefusal } from './commands.js';

const badQuery = (path: string, message: string) =>
  new HttpError(400, { error: { code: 'INVALID_INPUT', message: `${path}: ${message}`, problems: [{ path, message }] } });

// The worker's file: beside this one when built. Run from source (the tests load src/ through tsx,
// whose loader worker threads do not inherit on Node 20), the built worker with the default
// export conditions: `pnpm test` builds first, as it does for the CLI's tests.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const VERIFY_WORKER = new URL(FROM_SOURCE ? '../dist/verify-worker.js' : './verify-worker.js', import.meta.url);

/** Verifies the audit chain on a worker thread (verify-worker.ts says why). */
const verifyOnWorker = (job: VerifyJob): Promise<AuditVerification> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(VERIFY_WORKER, { workerData: job, ...(FROM_SOURCE ? { execArgv: [] } : {}) });
    worker.once('message', (outcome: VerifyOutcome) =>
      outcome.ok
        ? resolve(outcome.verification)
        : reject(outcome.unavailable ? new StoreUnavailableError(outcome.message) : new Error(outcome.message)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the audit verification stopped (worker exit ${code})`)));
  });

const dateParam = (q: URLSearchParams, name: string, fallback: BusinessDate): BusinessDate => {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  if (!isBusinessDate(v)) throw badQuery(name, `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
};

const intParam = (q: URLSearchParams, name: string, fallback: number, max: number): number => {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw badQuery(name, `expected a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
};

/** An id from the query string, in the normal form ids are compared in (NFC). */
const textParam = (q: URLSearchParams, name: string): string => {
  const v = q.get(name);
  if (!v) throw badQuery(name, 'is required');
  return toNfc(v);
};

/**
 * The local times of a document's instants, with the offset of the ledger's zone then
 * (`2026-05-29 07:30 +08:00`): what the dashboard shows, computed by core as the CLI computes it.
 */
const withLocalTimes = <T extends { readonly at: string | null; readonly recordedAt: string }>(zones: LedgerZones, doc: T) => ({
  ...doc,
  atLocal: doc.at === null ? null : businessTimeWithOffsetOf(zones, doc.at as Instant),
  recordedAtLocal: businessTimeWithOffsetOf(zones, doc.recordedAt as Instant),
});

export const startPropertyService = async (options: PropertyServiceOptions = {}): Promise<PropertyService> => {
  const storeUrl = options.store ?? 'sqlite:./renewal.db';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = await openStore(storeUrl);
  const { database: views, label: viewsLabel } = await openViewDatabase(storeUrl, options.views).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const clock = options.clock ?? systemClock;
  const commands = getCommands({ store, clock });
  const policy = options.policy ?? DEFAULT_ACCESS_POLICY;
  const auth = getAuth({ store, ...options.auth });
  const refundRelay = getRefundRelay({ store, policy, clock, channels: options.channels ?? {}, log });
  const notify = {
    ...getNotificationEndpoints({ store, policy, clock, channels: options.channels ?? {} }),
    ...getDeliveryReportEndpoints({ store, policy, clock, ...(options.deliveryReports ? { reports: options.deliveryReports } : {}) }),
  };
  /** The commands a role may issue: the dashboard shows only those forms. */
  const permissionsOf = (role: string) => Object.keys(policy.commands).filter((type) => mayIssue(policy, role, type));
  // "Today" is today in the ledger's zone, read from the store's settings on each request (a
  // zone change takes effect without a restart).
  const ledger = async () => {
    const { state } = await loadLedgerSettings(store);
    const zones = ledgerZonesOf(state);
    const now = clock();
    return { zones, now, today: businessDayOf(zones, now), defaults: ledgerDefaultsAt(state, now) };
  };
  const today = async (): Promise<BusinessDate> => (await ledger()).today;
  // A store or views in memory live in this thread only: those (tests, trials) verify here.
  const inMemory = store.kind === 'memory' || viewsLabel === 'in memory';
  // One verification at a time: requests that come while one runs share its answer.
  let verifying: Promise<AuditVerification> | null = null;
  const verify = (): Promise<AuditVerification> =>
    (verifying ??= (
      inMemory ? verifyAuditChain(views, store) : verifyOnWorker({ store: storeUrl, ...(options.views ? { views: options.views } : {}) })
    ).finally(() => {
      verifying = null;
    }));
  const arrears = getArrearsView(views);
  const receipts = getReceiptsView(views);
  const invoices = getInvoicesView(views);

  // The views, followed in the background. Each time every view has caught up, readers waiting
  // for their own write (`?after=<position>`) are let through.
  let position: bigint | null = null;
  let lastResults: readonly ProjectionRunResult[] = [];
  const waiters = new Set<{ position: bigint; resolve: (ok: boolean) => void }>();
  const failures = new Map<string, string>();
  const controller = new AbortController();
  const runner = getProjectionRunner({ store, database: views, projections: PROJECTIONS });
  const following = runner
    .follow({
      signal: controller.signal,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      onCaughtUp: (results) => {
        lastResults = results;
        // Said once per failure, not at every poll while a database is out of reach.
        for (const r of results) {
          const said = r.status === 'failed' ? r.error.message : null;
          if (said !== null && said !== failures.get(r.projection)) log(`view ${r.projection} stopped: ${said}`);
          else if (said === null && failures.has(r.projection)) log(`view ${r.projection} is running again`);
          if (said === null) failures.delete(r.projection);
          else failures.set(r.projection, said);
        }
        const positions = results.map((r) => r.position ?? -1n);
        position = positions.reduce((a, b) => (b < a ? b : a), positions[0] ?? -1n);
        for (const w of waiters)
          if (position >= w.position) {
            waiters.delete(w);
            w.resolve(true);
          }
      },
    })
    .catch((e: unknown) => log(`the views stopped following the store: ${(e as Error).message}`));

  const viewsReach = (target: bigint, timeoutMs = 10_000): Promise<boolean> => {
    if (position !== null && position >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position: target, resolve };
      waiters.add(waiter);
      setTimeout(() => {
        if (waiters.delete(waiter)) resolve(false);
      }, timeoutMs).unref();
    });
  };

  /** `?after=N`: answer only once the views include the event at position N (a client's own write). */
  const fresh = async (q: URLSearchParams) => {
    const after = q.get('after');
    if (after === null || after === '') return;
    if (!/^\d+$/.test(after)) throw badQuery('after', `expected a global position, got ${JSON.stringify(after)}`);
    if (!(await viewsReach(BigInt(after))))
      throw new HttpError(
        503,
        { error: { code: 'VIEWS_BEHIND', message: `the views have not reached position ${after} yet; try again shortly` } },
        { 'retry-after': '1' },
      );
  };

  const postCommand = async (req: IncomingMessage, res: ServerResponse, typeInPath: string | null, caller: Caller) => {
    let input = await readJson(req);
    if (typeInPath !== null) {
      if (!commands.types.includes(typeInPath))
        throw new HttpError(404, {
          error: { code: 'NOT_FOUND', message: `no command ${typeInPath}; the commands are ${commands.types.join(', ')}` },
        });
      if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
        const given = (input as { type?: unknown }).type;
        if (given !== undefined && given !== typeInPath)
          throw new HttpError(400, {
            error: {
              code: 'INVALID_INPUT',
              message: `type: the body says ${JSON.stringify(given)} but was posted to ${typeInPath}`,
              problems: [{ path: 'type', message: `expected "${typeInPath}", got ${JSON.stringify(given)}` }],
            },
          });
        input = { ...(input as object), type: typeInPath };
      }
    }
    const answer = await commands.answer(input, { actor: caller.userId, role: caller.role, policy });
    // A refund recorded (directly, or by approving a request for one) goes to the provider it
    // came from, without the caller waiting for the provider.
    const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
    if (answer.status === 201 && (type === 'Refund' || type === 'ApproveRequest')) void refundRelay.run();
    return sendJson(res, answer.status, answer.body, answer.headers);
  };

  const latestReceipts = async (limit: number): Promise<ReceiptDocument[]> => {
    const rows = await views.query(`SELECT number FROM ${RECEIPTS} ORDER BY global_position DESC LIMIT ${limit}`);
    const out: ReceiptDocument[] = [];
    for (const r of rows) out.push((await receipts.byNumber(asText(r.number)))!);
    return out;
  };

  const receiptsOfDay = async (day: string, basis: 'paid-at' | 'recorded-at'): Promise<ReceiptDocument[]> => {
    const rows = await views.query(
      `SELECT number FROM ${RECEIPTS} WHERE ${basis === 'paid-at' ? 'at_date' : 'recorded_date'} = ? ORDER BY global_position DESC`,
      [day],
    );
    const out: ReceiptDocument[] = [];
    for (const r of rows) out.push((await receipts.byNumber(asText(r.number)))!);
    return out;
  };

  const basisParam = (q: URLSearchParams): 'paid-at' | 'recorded-at' => {
    const b = q.get('basis') ?? 'paid-at';
    if (b !== 'paid-at' && b !== 'recorded-at') throw badQuery('basis', `expected paid-at or recorded-at, got ${JSON.stringify(b)}`);
    return b;
  };

  // "Not found" is a 404 naming what was not found, for an id that names nothing in the ledger;
  // an id that names something with nothing to show is a 200 with an empty answer.
  const notFound = (what: 'cycle' | 'contract', id: string, where = 'in the store') =>
    new HttpError(404, { error: { code: 'NOT_FOUND', message: `no ${what} ${id} ${where}`, [`${what}Id`]: id } });
  const hasEvents = async (streamName: string): Promise<boolean> => {
    for await (const _ of store.readStream(streamName)) return true;
    return false;
  };
  const requireCycle = async (cycleId: string): Promise<void> => {
    if (!(await hasEvents(cycleStreamName(cycleId)))) throw notFound('cycle', cycleId);
  };
  /** A contract exists once it is opened (its stream) or a cycle is billed to it (the arrears view). */
  const requireContract = async (contractId: string): Promise<void> => {
    if (await hasEvents(contractStreamName(contractId))) return;
    if ((await arrears.byContract(contractId, { asOf: await today() })).cycles.length === 0)
      throw notFound('contract', contractId, 'in the store: none opened, and no cycle billed to it');
  };

  // Answers computed from the whole log, reused while the store's head has not moved.
  const passes = new Map<string, { readonly head: bigint; readonly value: Promise<unknown> }>();
  const untilTheStoreMoves = async <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    const head = await store.headPosition();
    const hit = passes.get(key);
    if (hit && hit.head === head) return hit.value as Promise<T>;
    if (passes.size > 100) passes.clear();
    const value = compute();
    passes.set(key, { head, value });
    value.catch(() => passes.delete(key));
    return value;
  };

  const routes: Record<string, (q: URLSearchParams) => Promise<unknown>> = {
    '/api/status': async () => {
      const checkpoints = await listCheckpoints(views).catch(() => []);
      return {
        store: store.kind,
        views: viewsLabel,
        storeHead: await store.headPosition(),
        viewsPosition: position,
        projections: lastResults.map((r) => ({
          projection: r.projection,
          status: r.status,
          position: r.position,
          error: r.status === 'failed' ? r.error.message : null,
        })),
        checkpoints,
      };
    },
    '/api/arrears': async (q) => arrears.portfolio({ asOf: dateParam(q, 'asOf', await today()) }),
    '/api/arrears/debtors': async (q) =>
      arrears.topDebtors({ asOf: dateParam(q, 'asOf', await today()), limit: intParam(q, 'limit', 10, 1000) }),
    '/api/arrears/contract': async (q) => {
      const contract = await arrears.byContract(textParam(q, 'contractId'), { asOf: dateParam(q, 'asOf', await today()) });
      if (contract.cycles.length === 0) await requireContract(contract.contractId);
      return contract;
    },
    '/api/arrears/cycle': async (q) => {
      const cycleId = textParam(q, 'cycleId');
      const cycle = await arrears.cycle(cycleId, { asOf: dateParam(q, 'asOf', await today()) });
      if (cycle) return cycle;
      await requireCycle(cycleId);
      // In the store, not in the view yet: the follower has not read it.
      throw new HttpError(
        503,
        { error: { code: 'VIEWS_BEHIND', message: `the views have not caught up with cycle ${cycleId} yet; try again shortly`, cycleId } },
        { 'retry-after': '1' },
      );
    },
    '/api/arrears/periods': async (q) => {
      const periods = await arrears.billingPeriods();
      return periods.slice(-intParam(q, 'limit', 12, 1200));
    },
    // The day's receipts issued per channel (documents: what the cashier's drawer holds), under the
    // route and shape the dashboard and scripts have always read.
    '/api/takings': async (q) => receipts.receiptsIssued(dateParam(q, 'day', await today()), { basis: basisParam(q) }),
    '/api/receipts': async (q) => {
      const limit = intParam(q, 'limit', 20, 1000);
      const { zones, today: day } = await ledger();
      let docs: readonly ReceiptDocument[];
      if (q.get('cycleId')) {
        const cycleId = textParam(q, 'cycleId');
        const all = await receipts.byCycle(cycleId);
        if (all.length === 0) await requireCycle(cycleId);
        docs = all.slice(-limit).reverse();
      } else if (q.get('contractId')) {
        const contractId = textParam(q, 'contractId');
        const all = await receipts.byContract(contractId);
        if (all.length === 0) await requireContract(contractId);
        docs = all.slice(-limit).reverse();
      } else if (q.get('day')) docs = (await receiptsOfDay(dateParam(q, 'day', day), basisParam(q))).slice(0, limit);
      else docs = await latestReceipts(limit);
      return docs.map((d) => withLocalTimes(zones, d));
    },
    '/api/audit/history': async (q) => {
      const cycleId = textParam(q, 'cycleId');
      const lines = await cycleHistory(store, cycleId);
      if (lines.length === 0) throw notFound('cycle', cycleId);
      const at = q.get('asOf');
      const knownAt = q.get('knownAt');
      const pos = q.get('position');
      const { zones } = await ledger();
      const instant = (name: string, v: string): Instant => {
        // A date is the end of that business day, in the ledger's zone.
        if (isBusinessDate(v)) return endOfBusinessDay(zones, v);
        const n = normaliseInstant(v);
        if (n !== null) return n;
        throw badQuery(name, `expected a date YYYY-MM-DD or a timestamp with Z or an offset, got ${JSON.stringify(v)}`);
      };
      if (pos !== null && !/^\d+$/.test(pos)) throw badQuery('position', `expected a global position, got ${JSON.stringify(pos)}`);
      const point =
        at || knownAt || pos
          ? {
              ...(at ? { at: instant('asOf', at) } : {}),
              ...(knownAt ? { knownAt: instant('knownAt', knownAt) } : {}),
              ...(pos ? { position: BigInt(pos) } : {}),
            }
          : null;
      const asOf = point ? await cycleAsOf(store, cycleId, point) : null;
      return {
        cycleId,
        stream: cycleStreamName(cycleId),
        ...(asOf ? { asOf: { figures: asOf.figures, aging: asOf.aging, events: asOf.events, excluded: asOf.excluded } } : {}),
        history: lines.map((l) => withLocalTimes(zones, l)),
      };
    },
    '/api/reconciliation': async (q) => reconciliationOfDay(views, dateParam(q, 'day', await today()), intParam(q, 'limit', 20, 1000)),
    // Issued invoices, the latest first (a contract's with contractId); red ones name their original.
    '/api/invoices': async (q) => {
      const limit = intParam(q, 'limit', 20, 1000);
      if (q.get('contractId')) {
        const contractId = textParam(q, 'contractId');
        const all = await invoices.byContract(contractId);
        if (all.length === 0) await requireContract(contractId);
        return all.slice(-limit).reverse();
      }
      const rows = await views.query(`SELECT number FROM ${INVOICES} ORDER BY global_position DESC LIMIT ${limit}`);
      const out = [];
      for (const r of rows) out.push((await invoices.byNumber(asText(r.number)))!);
      return out;
    },
    // Late fees per cycle: charged, waived, paid and still open, kept apart from the principal
    // (docs/late-fees.md); a contract's cycles with contractId, else every cycle ever charged one.
    '/api/late-fees': async (q) => {
      const asOf = dateParam(q, 'asOf', await today());
      const limit = intParam(q, 'limit', 50, 1000);
      const cycles = q.get('contractId')
        ? (await arrears.byContract(textParam(q, 'contractId'), { asOf })).cycles
        : await Promise.all(
            (
              await views.query(
                `SELECT cycle_id FROM ${ARREARS_CYCLES} WHERE late_fee_charged_minor > 0 ORDER BY late_fee_outstanding_minor DESC, cycle_id LIMIT ${limit}`,
              )
            ).map(async (r) => (await arrears.cycle(asText(r.cycle_id), { asOf }))!),
          );
      return cycles
        .filter((c) => c.figures.lateFeeChargedMinor > 0)
        .slice(0, limit)
        .map((c) => ({
          cycleId: c.cycleId,
          contractId: c.contractId,
          currency: c.currency,
          chargedMinor: c.figures.lateFeeChargedMinor,
          waivedMinor: c.figures.lateFeeWaivedMinor,
          paidMinor: c.figures.lateFeePaidMinor,
          outstandingMinor: c.figures.lateFeeOutstandingMinor,
        }));
    },
    '/api/approvals': async (q) => arrears.pendingApprovals({ limit: intParam(q, 'limit', 100, 1000) }),
    // The collection office: one pass over the log each (docs/collectors-and-targets.md,
    // docs/complaints.md), kept until the store moves on (a dashboard reloads them often).
    '/api/collectors': async (q) => {
      const l = await ledger();
      const asOf = dateParam(q, 'asOf', l.today);
      const currency = q.get('currency') ?? l.defaults.currency;
      const month = q.get('month') ?? asOf.slice(0, 7);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badQuery('month', `expected YYYY-MM, got ${JSON.stringify(month)}`);
      // A ledger with no currency recorded and none asked for: nothing to add up yet.
      if (!currency) return { month, asOf, currency: null, collectors: [], teams: [], unassignedMinor: 0 };
      return untilTheStoreMoves(`collectors|${month}|${asOf}|${currency}`, () =>
        readCollectorsPerformance(store, { month, asOf, currency }),
      );
    },
    '/api/complaints': async (q) => {
      const asOf = dateParam(q, 'asOf', await today());
      const overdue = q.get('overdue') === 'true';
      return (await untilTheStoreMoves(`complaints|${asOf}`, () => readComplaints(store, asOf)))
        .filter((c) => (overdue ? c.overdue !== null : c.state.closed === null))
        .map((c) => ({
          caseId: c.caseId,
          contractId: c.state.opened!.contractId,
          about: c.state.opened!.about,
          summary: c.state.opened!.summary,
          status: complaintStatusOf(c.state),
          owner: c.state.owner,
          followUpBy: c.state.followUpBy,
          daysOverdue: c.overdue?.daysOverdue ?? 0,
        }));
    },
    '/api/ledger': async () => {
      const l = await ledger();
      const currency = l.defaults.currency;
      return { ...l.defaults, today: l.today, exponent: currency ? currencyExponent(currency) : 2 };
    },
    '/api/audit/verify': async () => {
      const v = await verify();
      return { ok: v.ok, entries: v.entries, head: v.head, storeHead: v.storeHead, problem: v.problem, lateEntries: v.lateEntries };
    },
  };

  /** POST signs in, GET says who is signed in (and what they may do), DELETE signs out. */
  const session = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST') {
      const opened = await auth.signIn(req, await readJson(req));
      return sendJson(
        res,
        200,
        {
          userId: opened.userId,
          role: opened.role,
          token: opened.token,
          csrfToken: opened.csrfToken,
          expiresAt: new Date(opened.expiresAt).toISOString(),
          permissions: permissionsOf(opened.role),
        },
        { 'set-cookie': auth.cookie(opened) },
      );
    }
    const caller = await auth.caller(req);
    if (req.method === 'GET')
      return sendJson(res, 200, {
        userId: caller.userId,
        role: caller.role,
        csrfToken: caller.session.csrfToken,
        permissions: permissionsOf(caller.role),
      });
    if (req.method === 'DELETE') {
      auth.checkCsrf(req, caller);
      await auth.signOut(caller);
      return sendJson(res, 200, { status: 'signed-out' }, { 'set-cookie': auth.cookie(null) });
    }
    throw new HttpError(405, {
      error: { code: 'METHOD_NOT_ALLOWED', message: '/api/session answers POST (sign in), GET and DELETE (sign out)' },
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && (path === '/' || path === '/dashboard')) return sendHtml(res, dashboardHtml());
    if (req.method === 'GET' && path.startsWith('/lib/')) {
      const script = dashboardModule(path.slice('/lib/'.length));
      if (script === null) throw new HttpError(404, { error: { code: 'NOT_FOUND', message: `nothing at ${path}` } });
      return sendScript(res, script);
    }
    if (path === '/api/session') return session(req, res);
    const notification = notify[path];
    if (notification) {
      if (req.method !== 'POST')
        throw new HttpError(405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${path} is POSTed by the provider` } });
      return notification(req, res);
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, { error: { code: 'NOT_FOUND', message: `nothing at ${path}` } });
    // Everything else under /api answers only a signed-in user.
    const caller = await auth.caller(req);
    if (path === '/api/commands' || path.startsWith('/api/commands/')) {
      if (req.method !== 'POST') throw new HttpError(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'commands are POSTed' } });
      auth.checkCsrf(req, caller);
      return postCommand(req, res, path === '/api/commands' ? null : decodeURIComponent(path.slice('/api/commands/'.length)), caller);
    }
    const route = routes[path];
    if (!route) throw new HttpError(404, { error: { code: 'NOT_FOUND', message: `nothing at ${path}` } });
    if (req.method !== 'GET') throw new HttpError(405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${path} answers GET` } });
    await fresh(url.searchParams);
    return sendJson(res, 200, await route(url.searchParams), { 'x-views-position': String(position ?? -1n) });
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) return sendJson(res, e.status, e.body, { ...e.headers });
      if (e instanceof ViewNotReadyError)
        return sendJson(
          res,
          503,
          { error: { code: e.code, message: `${e.message}; the service is catching the views up, try again shortly` } },
          { 'retry-after': '1' },
        );
      // The database is out of reach (down, restarting, the network): the service stays up and
      // answers again as soon as it is back, since the pools open new connections then.
      if (e instanceof StoreUnavailableError)
        return sendJson(res, 503, { error: { code: e.code, message: `${e.message}; try again shortly` } }, { 'retry-after': '1' });
      log(`${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: (e as Error).message } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  }).catch(async (e: unknown) => {
    controller.abort();
    await following;
    await views.close();
    await store.close();
    throw e;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    store,
    views,
    viewsPosition: () => position,
    viewsReach,
    close: async () => {
      controller.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await following;
      await refundRelay.idle();
      for (const w of waiters) w.resolve(false);
      waiters.clear();
      await views.close();
      await store.close();
    },
  };
};
