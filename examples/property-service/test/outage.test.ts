// The property service when PostgreSQL goes away, on the real server: its connections ended by the
// server (`pg_terminate_backend`, what a restart does), and the server out of reach for a while
// (a TCP hop between the service and PostgreSQL, cut and restored). The service must stay up:
// requests during the outage get a 503 that says what is wrong, and once PostgreSQL is reachable
// again requests succeed and the views catch up with what was written meanwhile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { tcpProxy } from '@renewal-ledger/testing/tcp-proxy';
import { startPropertyService } from '../src/service.js';
import { bill, payment, pgTest, postgresUrl, wrap } from './support.js';

const it = pgTest(test);

// A minute: a guard against a hang on a loaded machine (it was ten seconds), not a speed check.
const eventually = async <T>(what: string, attempt: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const got = await attempt();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

it('PostgreSQL ending the connections or out of reach: 503s that say so, then answers again; nothing is lost', async () => {
  const server = new URL(postgresUrl!);
  const proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const schema = `t_outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  // The application name picks out the service's own sessions among the other tests' ones.
  const application = `svc_${schema}`;
  const through = new URL(postgresUrl!);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  through.searchParams.set('schema', schema);
  through.searchParams.set('application_name', application);
  const admin = new pg.Pool({ connectionString: postgresUrl, max: 1 });
  const logged: string[] = [];
  const s = await wrap(
    await startPropertyService({ store: through.toString(), port: 0, pollIntervalMs: 50, log: (l) => logged.push(l) }),
    async () => {
      await proxy.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}_views" CASCADE`);
      await admin.end();
    },
  );
  try {
    const cycle = 'unit-0301/2026-01';
    assert.is((await s.post('/api/commands', bill(cycle, 'unit-0301', 31520))).status, 201);
    const first = await s.post('/api/commands/RecordPayment', payment(cycle, 'pay-1', 10000, '2026-01-20T10:30:00Z'));
    assert.is(
      (await s.get(`/api/arrears/cycle?cycleId=unit-0301%2F2026-01&after=${first.body.position}`)).body.figures.outstandingMinor,
      21520,
    );

    // 1. The server ends every session of the service (idle ones in both pools, and any in use).
    const { rows } = await admin.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
      [application],
    );
    assert.ok(rows.length > 0, 'the service had sessions to end');
    // The pools open new connections: the next requests are answered as if nothing happened.
    const status = await eventually('an answer after the sessions ended', async () => {
      const r = await s.get('/api/status');
      return r.status === 200 ? r : undefined;
    });
    assert.is(status.body.storeHead, '4', 'the user signed in as, their session, the bill and the payment');

    // 2. PostgreSQL out of reach: every request that needs it gets a 503 saying so.
    await proxy.down();
    const reads = await Promise.all(
      ['/api/arrears?asOf=2026-02-01', '/api/status', `/api/audit/history?cycleId=unit-0301%2F2026-01`].map((path) => s.get(path)),
    );
    for (const r of reads) {
      assert.is(r.status, 503);
      assert.is(r.body.error.code, 'STORE_UNAVAILABLE');
      assert.match(r.body.error.message, /^(could not reach|lost the connection to) PostgreSQL at 127\.0\.0\.1:\d+\/\w+/);
      assert.match(r.body.error.message, /try again shortly$/);
    }
    const refused = await s.post('/api/commands/RecordPayment', payment(cycle, 'pay-2', 5000, '2026-01-21T10:30:00Z'));
    assert.is(refused.status, 503);
    assert.is(refused.body.error.code, 'STORE_UNAVAILABLE');

    // 3. Back: requests succeed, the payment refused during the outage can be sent again, and the
    // views (whose follower kept trying) include it.
    await proxy.up();
    const again = await eventually('a payment accepted once PostgreSQL is back', async () => {
      const r = await s.post('/api/commands/RecordPayment', payment(cycle, 'pay-2', 5000, '2026-01-21T10:30:00Z'));
      return r.status === 503 ? undefined : r;
    });
    assert.is(again.status, 201);
    assert.is(again.body.figures.outstandingMinor, 16520, '315.20 - 100.00 - 50.00');
    const read = await s.get(`/api/arrears/cycle?cycleId=unit-0301%2F2026-01&after=${again.body.position}`);
    assert.is(read.status, 200);
    assert.is(read.body.figures.outstandingMinor, 16520);
    assert.is(logged.filter((l) => l.includes('stopped following')).length, 0, logged.join('\n'));
  } finally {
    await s.stop();
  }
});

test.run();
