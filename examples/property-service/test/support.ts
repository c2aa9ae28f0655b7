// A property service on a fresh SQLite file (or a PostgreSQL schema) for each test, and the
// commands the tests send it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as uvuTest, type Test } from 'uvu';
import * as E from 'fp-ts/lib/Either.js';
import { decodeUserCommand, usersDecider } from '@renewal-ledger/core';
import { getCommandHandler, hashPassword } from '@renewal-ledger/eventstore';
import { getPostgresViewDatabase } from '@renewal-ledger/projections';
import { startPropertyService, type PropertyService, type PropertyServiceOptions } from '../src/service.js';

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

/** Requests as one signed-in user (a bearer token), or as no one. */
export interface Client {
  /** The Authorization header of this client (empty for no one), for raw fetches. */
  readonly headers: Record<string, string>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
}

export interface Running extends Client {
  readonly service: PropertyService;
  readonly url: string;
  /** Adds a user of the ledger (as the CLI's renewal users add does) with this password. */
  addUser(userId: string, role: string, password?: string): Promise<void>;
  /** Signs in (POST /api/session) and answers as that user. */
  as(userId: string, password?: string): Promise<Client>;
  /** No one signed in. */
  readonly anonymous: Client;
  stop(): Promise<void>;
}

/** The password every test user gets unless a test says otherwise. */
export const PASSWORD = 'correct horse battery staple';

const client = (url: string, headers: Record<string, string>): Client => ({
  headers,
  post: async (path, body) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  },
  get: async (path) => {
    const res = await fetch(`${url}${path}`, { headers });
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
  },
});

/**
 * The running service, with a signed-in manager `admin` (the tests before sign-in existed posted
 * as anyone; a manager may issue every command they send) as the default client.
 */
export const wrap = async (service: PropertyService, cleanup: () => Promise<void>): Promise<Running> => {
  const users = getCommandHandler(usersDecider, { store: service.store });
  const addUser = async (userId: string, role: string, password = PASSWORD) => {
    const c = decodeUserCommand({
      type: 'AddUser',
      commandId: `add-user:${userId}`,
      actor: 'setup',
      at: '2026-01-01T00:00:00Z',
      userId,
      role,
      passwordHash: hashPassword(password),
    });
    if (E.isLeft(c)) throw new Error(c.left.message);
    const r = await users.handle(c.right);
    if (r.status === 'rejected') throw new Error(r.error.message);
  };
  const as = async (userId: string, password = PASSWORD): Promise<Client> => {
    const signedIn = await client(service.url, {}).post('/api/session', { userId, password });
    if (signedIn.status !== 200) throw new Error(`${userId} could not sign in: ${JSON.stringify(signedIn.body)}`);
    return client(service.url, { authorization: `Bearer ${signedIn.body.token}` });
  };
  await addUser('admin', 'manager');
  const admin = await as('admin');
  return {
    ...admin,
    service,
    url: service.url,
    addUser,
    as,
    anonymous: client(service.url, {}),
    stop: async () => {
      await service.close();
      await cleanup();
    },
  };
};

/** The service on SQLite files in a temporary directory, on a free port. */
export const startOnSQLite = async (
  options: Pick<PropertyServiceOptions, 'channels' | 'clock' | 'deliveryReports'> = {},
): Promise<Running> => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-service-'));
  const service = await startPropertyService({
    store: `sqlite:${join(dir, 'renewal.db')}`,
    port: 0,
    pollIntervalMs: 50,
    log: () => undefined,
    ...options,
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
