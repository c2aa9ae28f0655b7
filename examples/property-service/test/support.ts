// A property service on a fresh SQLite file (or a PostgreSQL schema) for each test, and the
// commands the tests send it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as uvuTest, type Test } from 'uvu';
import { getPostgresViewDatabase } from '@renewal-ledger/projections';
import { startPropertyService, type PropertyService } from '../src/service.js';

export const JAN = { start: '2026-01-01', end: '2026-02-01' };

export const bill = (cycleId: string, contractId: string, amountMinor: number, dueDate = '2026-01-15') => ({
  type: 'Bill',
  commandId: `bill-${cycleId}`,
  cycleId,
  actor: 'billing-run',
  at: '2026-01-01T01:00:00Z',
  contractId,
  period: JAN,
  dueDate,
  currency: 'CNY',
  lines: [{ code: 'service', description: 'Property service fee', amountMinor }],
});

export const payment = (cycleId: string, paymentId: string, amountMinor: number, at: string, channel = 'cash') => ({
  commandId: `cmd-${paymentId}`,
  cycleId,
  actor: 'cashier-chen',
  at,
  paymentId,
  amountMinor,
  channel,
});

export interface Running {
  readonly service: PropertyService;
  readonly url: string;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export const wrap = (service: PropertyService, cleanup: () => Promise<void>): Running => ({
  service,
  url: service.url,
  post: async (path, body) => {
    const res = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  },
  get: async (path) => {
    const res = await fetch(`${service.url}${path}`);
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
  },
  stop: async () => {
    await service.close();
    await cleanup();
  },
});

/** The service on SQLite files in a temporary directory, on a free port. */
export const startOnSQLite = async (): Promise<Running> => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-service-'));
  const service = await startPropertyService({
    store: `sqlite:${join(dir, 'renewal.db')}`,
    port: 0,
    pollIntervalMs: 50,
    log: () => undefined,
  });
  return wrap(service, async () => rmSync(dir, { recursive: true, force: true }));
};

// PostgreSQL: POSTGRES_URL names a database the tests may make schemas in (scripts/run-tests.mjs
// starts a throwaway server when the binaries are there). Without it these tests say they skipped
// and why; with REQUIRE_POSTGRES=1 (CI) they fail instead.
export const postgresUrl = process.env.POSTGRES_URL || undefined;
const postgresSkip =
  postgresUrl || process.env.REQUIRE_POSTGRES === '1'
    ? undefined
    : 'POSTGRES_URL is not set: the PostgreSQL test of the property service skipped (`export POSTGRES_URL="$(scripts/postgres.sh start)"`)';

export const startOnPostgres = async (): Promise<Running> => {
  if (!postgresUrl) throw new Error('REQUIRE_POSTGRES=1 but POSTGRES_URL is not set');
  const schema = `t_service_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  const service = await startPropertyService({ store: url, port: 0, pollIntervalMs: 50, log: () => undefined });
  return wrap(service, async () => {
    const admin = await getPostgresViewDatabase({ connectionString: postgresUrl });
    try {
      await admin.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.execute(`DROP SCHEMA IF EXISTS "${schema}_views" CASCADE`);
    } finally {
      await admin.close();
    }
  });
};

export const pgTest =
  (t: Test = uvuTest) =>
  (name: string, fn: () => Promise<void>): void => {
    if (postgresSkip) {
      console.log(`SKIPPED: ${postgresSkip}`);
      t.skip(name, fn);
    } else t(name, fn);
  };
